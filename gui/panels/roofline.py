"""The roofline tab: per task, intensity I = flops / bytes against the achieved rate, under
the roofs min(peak, bandwidth x I) of all PEs (the summary's ridge) and of one core (what
one task can reach), with the run as a whole (sim.analysis.roofline.run_point) as a star.

The key (roofs with their peaks and ridges, tasks, the whole run) is a text line under
the plot, never drawn over it: at 1024x768 the plot is under 200 px tall.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...sim.analysis import roofline
from ...sim.units import si
from ..analysis import TraceIndex
from .plots import PlotTab

MAX_ROOFLINE_POINTS = 20_000
TASK_COLOR = (0, 114, 178, 150)
RUN_COLOR = "#000000"


def decade_ticks(lo: float, hi: float, unit: str) -> list[tuple[float, str]]:
    """Ticks for log10 values: whole decades, plus 2x and 5x when under 3 decades show."""
    mults = (1, 2, 5) if hi - lo < 3 else (1,)
    out = []
    for k in range(int(np.floor(lo)), min(int(np.ceil(hi)), 300) + 1):
        for m in mults:
            v = np.log10(m) + k
            if lo <= v <= hi:
                out.append((float(v), si(m * 10.0 ** k, unit) if unit else f"{m * 10.0 ** k:g}"))
    return out


def roofline_data(run) -> dict:
    """The run's roofline data (sim.analysis.roofline.plot_data, in Run.extras): the
    points always, the ceilings when the run knows its machine."""
    return run.extras.get("roofline") or {}


def roofs(run, data: dict) -> tuple[tuple[float, float], tuple[float, float]]:
    """((peak, bandwidth) of all PEs, (peak, bandwidth) of one core). The all-PE roof is
    the summary's: peak = ridge_point x bandwidth (the peak of the run's precision mix)."""
    s = run.summary
    prec = s.get("precision") or "fp64"
    bw = data["memory_bandwidth_bytes_per_s"]
    peak = data["peak_flops_per_s"][prec]
    if s.get("ridge_point") is not None and s.get("memory_bandwidth_bytes_per_s") == bw:
        peak = s["ridge_point"] * bw
    return (peak, bw), (data["core_peak_flops_per_s"][prec], data["core_bandwidth_bytes_per_s"])


def kind_roofs(data: dict, prec: str) -> tuple[list, list]:
    """Roofs of a heterogeneous run (sim.analysis.roofline.kind_roofs): per unit kind its
    peak (matrix units included) and, where the matrix units raise it, the vector lanes'
    ceiling; each over the kind's memory bandwidth. ([(peak, bw)], [name])."""
    out, names = [], []
    for kind, r in data["kinds"].items():
        bw = r["memory_bandwidth_bytes_per_s"]
        peak, vec = r["peak_flops_per_s"][prec], r["vector_peak_flops_per_s"][prec]
        out.append((peak, bw))
        names.append(f"{kind}" + (" matrix units" if peak > vec else ""))
        if peak > vec:
            out.append((vec, bw))
            names.append(f"{kind} vector lanes")
    return out, names


def key_html(entries: list[tuple[str, str, str]]) -> str:
    """The key as one wrapping line: (mark, colour, text) entries, none split inside
    (no-break spaces, and a word joiner after each '/')."""
    nb = "&nbsp;"
    return (nb * 4 + " ").join(
        f"<span style='color:{color}'><b>{mark}</b></span>{nb}"
        f"{html.escape(text).replace(' ', nb).replace('/', '/&#8288;')}"
        for mark, color, text in entries)


class RooflineTab(PlotTab):
    """Plotted as log10 values on linear axes, with decade ticks labelled in SI units:
    the roof of all PEs (whose ridge the summary cites) and the roof of one core (what a
    single task can reach), and one point per task."""

    ROOF_COLORS = ("#D62728", "#E69F00", "#0072B2", "#56B4E9", "#009E73", "#CC79A7")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.key = QLabel()
        self.key.setTextFormat(Qt.RichText)
        self.key.setWordWrap(True)
        self.key.setAlignment(Qt.AlignCenter)
        self.key.setStyleSheet("background: white; color: black")     # as the plot
        self.removeWidget(self.plot)
        self.view = QWidget()
        lay = QVBoxLayout(self.view)
        lay.setContentsMargins(0, 0, 0, 2)
        lay.setSpacing(0)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.key)
        self.plot.show()                    # the stack hid it as a page
        self.insertWidget(0, self.view)
        self.run_point = None
        self.ridges: list[float] = []

    def reset(self) -> pg.PlotItem:
        self.item.clear()
        self.setCurrentWidget(self.view)
        return self.item

    def show_run(self, ix: TraceIndex | None) -> None:
        run = ix.run if ix else None
        if run is None:
            return self.say(self.idle_text)
        data = roofline_data(run)
        t = data.get("tasks") or {"intensity": [], "flops_per_s": []}
        intensity, rate = np.asarray(t["intensity"]), np.asarray(t["flops_per_s"])
        ok = np.isfinite(intensity) & (intensity > 0) & (rate > 0) & np.isfinite(rate)
        skipped = int((np.isinf(intensity) & (rate > 0)).sum())
        if not ok.any():
            return self.say("No task both moves memory and computes, so there is no "
                            "roofline: every task here is pure compute or pure data movement.")
        item = self.reset()
        self.run_point = None
        intensity, rate = intensity[ok], rate[ok]
        if len(rate) > MAX_ROOFLINE_POINTS:         # even sample, deterministic
            pick = np.linspace(0, len(rate) - 1, MAX_ROOFLINE_POINTS).astype(int)
            intensity, rate = intensity[pick], rate[pick]
        xs_all, ys_all = [np.log10(intensity)], [np.log10(rate)]
        key = []
        self.ridges = []
        if "memory_bandwidth_bytes_per_s" in data:       # the machine is known
            prec = run.summary.get("precision") or "fp64"
            if "kinds" in data:          # heterogeneous: one roof per unit kind
                both, names = kind_roofs(data, prec)
            else:
                both = roofs(run, data)
                # the roofline's own core count: a GPU offload's roof is the device's SMs
                cores = round(data["peak_flops_per_s"][prec]
                              / data["core_peak_flops_per_s"][prec])
                names = (f"all {cores} cores", "one core")
            lo = min(intensity.min(), *(p / b for p, b in both)) / 4
            hi = max(intensity.max(), *(p / b for p, b in both)) * 4
            xs = np.geomspace(lo, hi, 64)
            for (peak, bw), name, color in zip(both, names, self.ROOF_COLORS):
                ridge = peak / bw
                self.ridges.append(ridge)
                roof = np.minimum(peak, bw * xs)
                item.plot(np.log10(xs), np.log10(roof), pen=pg.mkPen(color, width=2),
                          name=f"roof, {name}: ridge {ridge:.3g} FLOP/B")
                key.append(("━━", color, f"{name}: peak {si(peak, 'FLOP/s')}, "
                            f"ridge {ridge:.3g} FLOP/B"))
                xs_all.append(np.log10(xs))
                ys_all.append(np.log10(roof))
        item.plot(xs_all[0], ys_all[0], pen=None, symbol="o", symbolSize=7,
                  symbolBrush=pg.mkBrush(*TASK_COLOR), symbolPen=None,
                  name="tasks (achieved)")
        key.append(("●", pg.mkColor(*TASK_COLOR[:3]).name(), "a task (achieved rate)"))
        whole = roofline.run_point(run.summary)
        if whole is not None:                       # the run as a whole, as the lesson says
            wx, wy = np.log10(whole[0]), np.log10(whole[1])
            self.run_point = item.plot([wx], [wy], pen=None, symbol="star", symbolSize=22,
                                       symbolBrush=RUN_COLOR, symbolPen=pg.mkPen("w"),
                                       name="the whole run (summary)")
            key.append(("★", RUN_COLOR, "the whole run (summary)"))
            xs_all.append([wx])
            ys_all.append([wy])
        self.key.setText(key_html(key))
        x = np.concatenate(xs_all)
        y = np.concatenate(ys_all)
        ylo, yhi = y.min() - 0.3, y.max() + 0.3
        item.setXRange(x.min() - 0.2, x.max() + 0.2, padding=0)
        item.setYRange(ylo, yhi, padding=0)
        item.getAxis("bottom").setTicks([decade_ticks(x.min() - 0.2, x.max() + 0.2, "")])
        item.getAxis("left").setTicks([decade_ticks(ylo, yhi, "FLOP/s")])
        item.setLabel("bottom", "arithmetic intensity I, FLOP/B (log scale)")
        item.setLabel("left", "achieved rate (log scale)")
        item.setTitle("roofline, one point per task" if not skipped else
                      f"roofline (+{skipped} pure-compute tasks)", size="10pt")
