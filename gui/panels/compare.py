"""Compare: the pinned run above the current run on one time axis, summaries side by side.

The table lists the rows whose values differ first, with a ratio column current /
pinned; each timeline's title names its scenario and the settings that differ from the
other run's; when both runs carry power, their power curves are overlaid below.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ...sim import scenario as scenario_mod
from ...sim.analysis.queries import power_samples
from ...sim.report import summary_rows
from ..state import AppState
from ..timeline import TimelineView
from .metrics import fill_table

# summary_rows label -> summary key, for the ratio column (rows not listed get none)
RATIO_KEYS = {
    "Work": "flops", "Makespan": "makespan_s", "Achieved": "flops_per_s",
    "Peak (Rpeak)": "peak_flops_per_s", "Fraction of peak": "fraction_of_peak",
    "One-core time (T1)": "serial_time_s", "Speedup": "speedup",
    "Parallel efficiency": "parallel_efficiency", "Critical path": "critical_path_s",
    "PEs": "pes", "Memory traffic": "bytes_moved", "Energy": "energy_j",
    "Average power": "avg_power_w", "Peak power": "peak_power_w",
    "Performance per watt": "flops_per_watt", "Energy-delay product": "edp",
}
# the rows a lesson is usually about: first among the rows that differ
FIRST = ("Makespan", "Energy", "Average power", "Peak power", "Speedup", "PEs")
MAX_DIFFS = 3
PIN_COLOR, CUR_COLOR = "#0072B2", "#D55E00"


def _value(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def run_title(run, label: str, other=None) -> str:
    """'pinned: power-wall (cores 4, freq_ghz 2)': the name and the settings that differ
    from `other`'s (at most MAX_DIFFS; the rest counted)."""
    if run is None:
        return f"{label}: none"
    if run.scenario is None:
        return f"{label}: trace file, {run.pes} PEs"
    diffs = scenario_mod.differences(run.scenario, other.scenario if other is not None else None)
    data = scenario_mod.flat(scenario_mod.to_dict(run.scenario))
    shown = [f"{k.rsplit('.', 1)[-1]} {_value(data.get(k, 'unset'))}" for k in diffs[:MAX_DIFFS]]
    if len(diffs) > MAX_DIFFS:
        shown.append(f"+{len(diffs) - MAX_DIFFS} more")
    detail = ", ".join(shown) if shown else f"{run.pes} PEs"
    return f"{label}: {run.scenario.name} ({detail})"


def ratio(a, b) -> str:
    """current / pinned as '2.00 x', '' when either is unknown or pinned is 0."""
    if a is None or b is None or not np.isfinite(a) or not np.isfinite(b) or a == 0:
        return ""
    return f"{b / a:.3g} x"


def table_rows(pinned, current, conv: str) -> list[list[str]]:
    """[metric, pinned, current, current / pinned]; rows that differ first (those
    named in FIRST leading), then the rows that agree."""
    a = dict(summary_rows(pinned.summary, conv)) if pinned else {}
    b = dict(summary_rows(current.summary, conv)) if current else {}
    sa = pinned.summary if pinned else {}
    sb = current.summary if current else {}
    keys = list(b) + [k for k in a if k not in b]
    rows = [[k, a.get(k, ""), b.get(k, ""),
             ratio(sa.get(RATIO_KEYS.get(k)), sb.get(RATIO_KEYS.get(k)))
             if pinned and current and k in RATIO_KEYS and "n/a" not in (a.get(k), b.get(k))
             else ""] for k in keys]
    differ = sorted((r for r in rows if r[1] != r[2]),
                    key=lambda r: FIRST.index(r[0]) if r[0] in FIRST else len(FIRST))
    return differ + [r for r in rows if r[1] == r[2]]


class CompareView(QWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.hint = QLabel("Pin the current run (Run ▸ Pin current run, Ctrl+P), change the "
                           "scenario and run again: both timelines appear here on one time "
                           "axis, with their summaries side by side.")
        self.hint.setWordWrap(True)
        self.pinned_view = TimelineView(title="pinned")
        self.current_view = TimelineView(title="current")
        self.current_view.box.setXLink(self.pinned_view.box)
        self.power = pg.PlotWidget()
        self.power.getPlotItem().hideButtons()
        self.power.showGrid(x=True, y=True, alpha=0.25)
        self.power.setLabel("left", "power", units="W")
        self.power.setLabel("bottom", "simulated time", units="s")
        self.power.setXLink(self.pinned_view.box)
        self.power.hide()
        self.table = QTableWidget()
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        split = QSplitter(Qt.Vertical)
        for w in (self.pinned_view, self.current_view, self.power, self.table):
            split.addWidget(w)
        split.setSizes([260, 260, 160, 320])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.hint)
        lay.addWidget(split, 1)
        self._stale = True
        state.run_changed.connect(self.refresh)
        state.pinned_changed.connect(self.refresh)
        state.convention_changed.connect(self.refresh)
        self.refresh()

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if self._stale:
            self.refresh()

    def refresh(self, *_):
        """Redraw now if visible, else when next shown."""
        self._stale = not self.isVisible()
        if self._stale:
            return
        pinned, current = self.state.pinned, self.state.run
        self.hint.setVisible(pinned is None)
        self.pinned_view.set_run(pinned)
        self.current_view.set_run(current)
        self.titles = (run_title(pinned, "pinned", current),
                       run_title(current, "current", pinned))
        self.pinned_view.item.setTitle(self.titles[0])
        self.current_view.item.setTitle(self.titles[1])
        longest = max(v.makespan for v in (self.pinned_view, self.current_view)
                      if v.run is not None) if (pinned or current) else 1.0
        for v in (self.pinned_view, self.current_view):
            v.box.setLimits(xMax=1.1 * longest)
        self.pinned_view.box.setXRange(0, longest, padding=0.02)
        axes = [v.item.getAxis("left") for v in (self.pinned_view, self.current_view)]
        width = max(a.style["tickTextWidth"] for a in axes)
        for a in axes:                              # same width: the time axes line up
            a.setStyle(tickTextWidth=width)
        self._draw_power(pinned, current)
        fill_table(self.table, ["metric", "pinned", "current", "current / pinned"],
                   table_rows(pinned, current, self.state.convention))
        head = self.table.horizontalHeader()        # the ratio column always in view
        for col, mode in enumerate((QHeaderView.ResizeToContents, QHeaderView.Stretch,
                                    QHeaderView.Stretch, QHeaderView.ResizeToContents)):
            head.setSectionResizeMode(col, mode)
        for r in range(self.table.rowCount()):
            for col in (1, 2):
                cell = self.table.item(r, col)
                cell.setToolTip(cell.text())

    def _draw_power(self, pinned, current) -> None:
        """Both runs' power over time on one plot, when both have a power model."""
        series = [power_samples(r) if r is not None else None for r in (pinned, current)]
        both = all(s is not None for s in series)
        self.power.setVisible(both)
        item = self.power.getPlotItem()
        item.clear()
        if item.legend is not None:
            item.legend.clear()
        if not both:
            return
        item.addLegend(offset=(10, 2), colCount=2, brush=pg.mkBrush(255, 255, 255, 210))
        top = 0.0
        for (t, w), run, color, label in zip(series, (pinned, current), (PIN_COLOR, CUR_COLOR),
                                             ("pinned", "current")):
            end = max(run.summary.get("makespan_s", t[-1]), t[-1])
            item.plot(np.r_[t, end], w, stepMode="center", pen=pg.mkPen(color, width=2),
                      name=f"{label}: {run.scenario.name if run.scenario else 'trace'}")
            top = max(top, float(np.max(w)))
        item.setYRange(0, 2.0 * top if top > 0 else 1.0, padding=0)   # room: legend
        item.getAxis("left").setWidth(self.pinned_view.item.getAxis("left").width())
