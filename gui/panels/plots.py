"""The plot tabs of the metrics panel. Each tab shows a plot, or says why it cannot.

    concurrency vs parallelism   step curves over time (definitions in gui/analysis.py)
    power                        the run's power samples, W over time (and per node, for
                                 a few nodes, when the run carries node series)
    utilisation                  per PE: compute / stall / comm / switch / wait+idle,
                                 as % of the makespan, stacked
    roofline                     per task: intensity = flops / bytes  vs  achieved rate;
                                 roofs min(peak, bandwidth x I) of all PEs (the summary's
                                 ridge) and of one core (what one task can reach)
    FLOPs per layer              per layer: a table (kind, shape, params, work, busy time,
                                 the MAC formula) and bars of the work and busy-time shares
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
)

from ...sim.analysis import roofline
from ...sim.analysis.layers import layer_details, per_layer
from ...sim.analysis.metrics import time_by_kind
from ...sim.report import work_unit
from ...sim.trace import KIND_CODE
from ...sim.units import percent, si
from ..analysis import TraceIndex
from ..style import IDLE_COLOR, KIND_COLORS, PLAYHEAD_COLOR

MAX_ROOFLINE_POINTS = 20_000
MAX_LAYERS = 1000           # more groups than this are not layers worth a row each
                            # (GPT-2 medium: 341 layers, Llama-2-7B: 547)
MAX_NODE_LINES = 8          # per-node power lines drawn up to this many nodes
NODE_COLORS = ("#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#000000", "#999999", "#F0E442",
               "#882255")


class PlotTab(QStackedWidget):
    """A plot, or a message in its place. `convention` is how work is displayed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.convention = "flops"
        self.idle_text = "No run yet."          # the metrics panel says when a run is on
        self.plot = pg.PlotWidget()
        self.item = self.plot.getPlotItem()
        self.item.hideButtons()
        self.item.showGrid(x=True, y=True, alpha=0.25)
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #555555; font-size: 12pt; padding: 20px")
        self.addWidget(self.plot)
        self.addWidget(self.message)

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.setCurrentWidget(self.message)

    def reset(self) -> pg.PlotItem:
        self.item.clear()
        if self.item.legend is not None:
            self.item.legend.clear()
        self.setCurrentWidget(self.plot)
        return self.item


def _step(item, t, level, end, color, name, width=2):
    x = np.r_[t, max(end, t[-1])]
    item.plot(x, level, stepMode="center", pen=pg.mkPen(color, width=width), name=name)


class ConcurrencyTab(PlotTab):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.playhead = pg.InfiniteLine(angle=90, pen=pg.mkPen(PLAYHEAD_COLOR, style=Qt.DashLine))

    def show_run(self, ix: TraceIndex | None) -> None:
        if ix is None or not len(ix.run.trace):
            return self.say(self.idle_text)
        item = self.reset()
        item.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 210))
        item.setLabel("bottom", "simulated time", units="s")
        item.setLabel("left", "count")
        item.setTitle("concurrency vs parallelism", size="10pt")
        if len(ix.task_first):
            _step(item, *ix.concurrency_series(), ix.makespan, "#CC79A7",
                  "concurrency = tasks started and not finished", width=5)
        par = ix.parallelism_series()
        _step(item, *par, ix.makespan, KIND_COLORS["compute"],
              "parallelism = PEs running a task")
        top = max(par[1].max(), ix.concurrency_series()[1].max() if len(ix.task_first) else 0)
        item.setYRange(0, 1.35 * top + 1, padding=0)      # headroom for the legend
        item.addItem(self.playhead, ignoreBounds=True)

    def set_time(self, t: float) -> None:
        self.playhead.setValue(t)


class PowerTab(PlotTab):
    def show_run(self, ix: TraceIndex | None) -> None:
        if ix is None or ix.power is None:
            return self.say("This run has no power model, so there is no power over time.\n"
                            "Runs from machines with a power model show their watts here.")
        item = self.reset()
        t, w = ix.power
        item.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 210))
        item.plot(np.r_[t, max(ix.makespan, t[-1])], w, stepMode="center",
                  pen=pg.mkPen("#D55E00", width=2), name="machine")
        p = ix.run.extras["power"]
        nodes = p.get("node_ptr") if isinstance(p, Mapping) else None
        if nodes is not None and 1 < len(nodes) - 1 <= MAX_NODE_LINES:
            for k in range(len(nodes) - 1):
                a, b = int(nodes[k]), int(nodes[k + 1])
                nt, nw = np.asarray(p["node_t_s"][a:b]), np.asarray(p["node_watts"][a:b])
                if len(nt):
                    item.plot(np.r_[nt, max(ix.makespan, nt[-1])], nw, stepMode="center",
                              pen=pg.mkPen(NODE_COLORS[k % len(NODE_COLORS)], width=1),
                              name=f"node {k}")
        top = float(np.max(w))
        item.setYRange(0, 1.3 * top if top > 0 else 1.0, padding=0)
        item.setLabel("bottom", "simulated time", units="s")
        item.setLabel("left", "power", units="W")
        item.setTitle("power over time", size="10pt")


class UtilisationTab(PlotTab):
    GROUPS = (("compute", ("compute",)), ("stall", ("stall",)), ("comm", ("send", "recv")),
              ("switch", ("switch",)), ("wait + idle", None))

    def show_run(self, ix: TraceIndex | None) -> None:
        run = ix.run if ix else None
        if run is None or ix.makespan <= 0:
            return self.say(self.idle_text)
        item = self.reset()
        tk = time_by_kind(run.trace, run.pes) / ix.makespan * 100
        label = "PE"
        if run.pes > 256:                       # too many bars: average per node
            tk = tk.reshape(run.nodes, run.cores, -1).mean(axis=1)
            label = "node (mean of its PEs)"
        n = len(tk)
        y = np.arange(n)
        left = np.zeros(n)
        key = []                                # the legend, in the title: never on a bar
        for name, kinds in self.GROUPS:
            if kinds is None:
                width = np.maximum(100 - left, 0)
                color = IDLE_COLOR
            else:
                width = sum(tk[:, KIND_CODE[k]] for k in kinds)
                color = KIND_COLORS[kinds[0]]
            if kinds is None or width.any():
                bar = pg.BarGraphItem(x0=left, width=width, y=y, height=0.8, brush=color,
                                      pen=pg.mkPen("#888888", width=0.5) if kinds is None
                                      else None, name=name)
                item.addItem(bar)
                mark = "□" if kinds is None else "■"      # idle is near-white: outlined
                shown = "#888888" if kinds is None else pg.mkColor(color).name()
                key.append(f'<span style="color:{shown}">{mark}</span> {name}')
            left = left + width
        item.getViewBox().invertY(True)
        item.setLabel("bottom", "share of the makespan (%)")
        item.setLabel("left", label)
        item.setTitle("  ".join(key), size="9pt")
        item.setXRange(0, 100, padding=0.02)
        item.getAxis("bottom").setTicks([[(v, str(v)) for v in range(0, 101, 20)]])
        item.setYRange(-0.6, n - 0.4, padding=0)
        step = max(1, int(np.ceil(n / 24)))     # whole PEs (or nodes), at most ~24 ticks
        axis = item.getAxis("left")
        axis.enableAutoSIPrefix(False)
        axis.setTicks([[(i, str(i)) for i in range(0, n, step)]])


def decade_ticks(lo: float, hi: float, unit: str) -> list[tuple[float, str]]:
    """Ticks for log10 values: whole decades, plus 2x and 5x when under 3 decades show."""
    from ...sim.units import si
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


class RooflineTab(PlotTab):
    """Plotted as log10 values on linear axes, with decade ticks labelled in SI units:
    the roof of all PEs (whose ridge the summary cites) and the roof of one core (what a
    single task can reach), and one point per task."""

    ROOF_COLORS = ("#D62728", "#E69F00", "#0072B2", "#56B4E9", "#009E73", "#CC79A7")

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
        # bottom right: clear of the roof labels (top right) and memory-bound points (left)
        item.addLegend(offset=(-10, -10), brush=pg.mkBrush(255, 255, 255, 210),
                       colCount=2 if self.plot.width() > 600 else 1)    # wide: low, flat
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
                label = pg.TextItem(f"{name}: peak {si(peak, 'FLOP/s')}", color=color,
                                    anchor=(1.0, 1.1))
                label.setPos(np.log10(hi), np.log10(peak))
                item.addItem(label)
                xs_all.append(np.log10(xs))
                ys_all.append(np.log10(roof))
        item.plot(xs_all[0], ys_all[0], pen=None, symbol="o", symbolSize=7,
                  symbolBrush=pg.mkBrush(0, 114, 178, 150), symbolPen=None,
                  name="tasks (achieved)")
        whole = roofline.run_point(run.summary)
        if whole is not None:                       # the run as a whole, as the lesson says
            wx, wy = np.log10(whole[0]), np.log10(whole[1])
            self.run_point = item.plot([wx], [wy], pen=None, symbol="star", symbolSize=22,
                                       symbolBrush="#000000", symbolPen=pg.mkPen("w"),
                                       name="the whole run (summary)")
            xs_all.append([wx])
            ys_all.append([wy])
        x = np.concatenate(xs_all)
        y = np.concatenate(ys_all)
        ylo, yhi = y.min() - 0.3, y.max() + 1.2         # headroom above: the legend
        item.setXRange(x.min() - 0.2, x.max() + 0.2, padding=0)
        item.setYRange(ylo, yhi, padding=0)
        item.getAxis("bottom").setTicks([decade_ticks(x.min() - 0.2, x.max() + 0.2, "")])
        item.getAxis("left").setTicks([decade_ticks(ylo, yhi, "FLOP/s")])
        item.setLabel("bottom", "arithmetic intensity I, FLOP/B (log scale)")
        item.setLabel("left", "achieved rate (log scale)")
        item.setTitle("roofline, one point per task" if not skipped else
                      f"roofline (+{skipped} pure-compute tasks)", size="10pt")


class LayersTab(PlotTab):
    """Per layer (sim.analysis.layers): a scrolling table (layer, kind, work, share, busy
    time, time share, output shape, params, the MACs of one sample as the lecture's
    k*k*c*H*W*o) above bars of the work and busy-time shares by layer number."""

    COLUMNS = ("#", "Layer", "Kind", "Work", "Share", "Busy (PE-s)", "Time share",
               "Output shape", "Params", "MACs per sample")
    RIGHT = frozenset((0, 3, 4, 5, 6, 8))
    PLOT_MIN_HEIGHT = 130     # px
    TABLE_MIN_HEIGHT = 90     # px: the header and about 3 rows
    NAME_MAX_WIDTH = 240      # px: a longer layer name is elided (full name in its tooltip)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QTableWidget()
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.removeWidget(self.plot)
        self.view = QSplitter(Qt.Vertical)
        self.view.addWidget(self.table)
        self.view.addWidget(self.plot)
        self.plot.show()  # the stack hid it as a page
        self.view.setStretchFactor(0, 3)
        self.view.setStretchFactor(1, 2)
        self.view.setSizes([300, 200])  # proportions: the table above, the bars below
        self.plot.setMinimumHeight(self.PLOT_MIN_HEIGHT)  # bars stay readable in a short dock
        self.table.setMinimumHeight(self.TABLE_MIN_HEIGHT)
        self.table.setTextElideMode(Qt.ElideMiddle)  # long names keep both ends
        self.insertWidget(0, self.view)

    def reset(self) -> pg.PlotItem:
        self.item.clear()
        if self.item.legend is not None:
            self.item.legend.clear()
        self.setCurrentWidget(self.view)
        return self.item

    def show_run(self, ix: TraceIndex | None) -> None:
        rows = per_layer(ix.run) if ix is not None else ()
        if not 1 < len(rows) <= MAX_LAYERS:
            return self.say("FLOPs per layer appear for runs whose tasks are layers "
                            "(CNN and transformer workloads: tasks named 'layer @ tag'); this run "
                            "has none.")
        unit, k, _ = work_unit(self.convention)
        self._fill(rows, layer_details(ix.run), unit, k)
        item = self.reset()
        x = np.arange(1, len(rows) + 1)
        flops = np.array([r.flops_share for r in rows]) * 100
        busy = np.array([r.time_share for r in rows]) * 100
        # top right, above the bars: the y range leaves it the top half
        item.addLegend(offset=(-6, 2), labelTextSize="8pt", verSpacing=-6,
                       brush=pg.mkBrush(255, 255, 255, 210))
        item.addItem(pg.BarGraphItem(x=x - 0.2, height=flops, y0=0, width=0.4,
                                     brush="#0072B2", pen=None, name=f"share of the {unit}s"))
        item.addItem(pg.BarGraphItem(x=x + 0.2, height=busy, y0=0, width=0.4,
                                     brush="#E69F00", pen=None, name="share of the busy time"))
        item.setXRange(0.4, len(rows) + 0.6, padding=0)
        item.setYRange(0, max(flops.max(), busy.max()) * 2.0, padding=0)  # room for the legend
        item.setLabel("bottom", "layer # (the table's first column)")
        item.setLabel("left", "share of the run (%)")
        total = sum(r.flops for r in rows) * k
        item.setTitle(f"per layer: {si(total, unit)} in {len(rows)} layers", size="10pt")

    def _fill(self, rows, details, unit: str, k: float) -> None:
        t = self.table
        t.clear()
        t.setColumnCount(len(self.COLUMNS))
        t.setRowCount(len(rows))
        t.setHorizontalHeaderLabels([f"Work ({unit})" if c == "Work" else c for c in self.COLUMNS])
        for i, r in enumerate(rows):
            d = details.get(r.layer)
            cells = (str(i + 1), r.layer, d.kind if d else "-", si(r.flops * k, unit),
                     percent(r.flops_share), si(r.time_s, "s"), percent(r.time_share),
                     "x".join(map(str, d.output_shape)) if d else "-",
                     si(d.params) if d and d.params else "-", d.formula if d else "")
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c in self.RIGHT:
                    cell.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if c == len(cells) - 1 and text:
                    cell.setToolTip(f"{r.layer}: MACs of one sample = {text}")
                elif c == 1:
                    cell.setToolTip(text)
                t.setItem(i, c, cell)
        t.resizeColumnsToContents()
        t.setColumnWidth(1, min(t.columnWidth(1), self.NAME_MAX_WIDTH))
        t.horizontalHeader().setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.Stretch)
