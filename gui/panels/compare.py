"""Compare: the pinned run above the current run on one time axis, summaries side by side."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QTableWidget, QVBoxLayout, QWidget

from sim.report import summary_rows

from ..state import AppState
from ..timeline import TimelineView
from .metrics import fill_table


def run_title(run, label: str) -> str:
    """'pinned: smp-memory-wall, 4 PEs'."""
    if run is None:
        return f"{label}: none"
    name = run.scenario.name if run.scenario else "trace file"
    return f"{label}: {name}, {run.pes} PEs"


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
        self.table = QTableWidget()
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.pinned_view)
        split.addWidget(self.current_view)
        split.addWidget(self.table)
        split.setSizes([300, 300, 260])
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
        self.pinned_view.item.setTitle(run_title(pinned, "pinned"))
        self.current_view.item.setTitle(run_title(current, "current"))
        longest = max(v.makespan for v in (self.pinned_view, self.current_view)
                      if v.run is not None) if (pinned or current) else 1.0
        for v in (self.pinned_view, self.current_view):
            v.box.setLimits(xMax=1.1 * longest)
        self.pinned_view.box.setXRange(0, longest, padding=0.02)
        axes = [v.item.getAxis("left") for v in (self.pinned_view, self.current_view)]
        width = max(a.style["tickTextWidth"] for a in axes)
        for a in axes:                              # same width: the time axes line up
            a.setStyle(tickTextWidth=width)
        conv = self.state.convention
        a = dict(summary_rows(pinned.summary, conv)) if pinned else {}
        b = dict(summary_rows(current.summary, conv)) if current else {}
        keys = list(b) + [k for k in a if k not in b]
        fill_table(self.table, ["metric", run_title(pinned, "pinned"),
                                run_title(current, "current")],
                   [[k, a.get(k, ""), b.get(k, "")] for k in keys])
