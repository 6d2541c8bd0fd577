"""The metric plots over time (concurrency, power) follow the timeline's zoom and the
playhead, as Vampir's displays do: their time axes are linked to the timeline's, and
each carries the playhead (the tabs redraw lazily, so the line is put back after)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from .style import PLAYHEAD_COLOR


class PlotSync:
    def __init__(self, state, timeline, metrics):
        self.tabs = [metrics.concurrency, *(t for t in metrics.plots
                                            if type(t).__name__ == "PowerTab")]
        self.lines = {}
        for tab in self.tabs:
            tab.item.setXLink(timeline.item)
            tab.item.enableAutoRange(x=False)       # the timeline decides the range
            if tab is not metrics.concurrency:      # it has its own playhead
                self.lines[tab] = pg.InfiniteLine(
                    angle=90, pen=pg.mkPen(PLAYHEAD_COLOR, style=Qt.DashLine))
        self.state = state
        for sig in (state.run_changed, metrics.currentChanged):
            sig.connect(lambda *_: self._place())
        state.time_changed.connect(self._time)

    def _place(self) -> None:
        for tab, line in self.lines.items():
            if line.getViewBox() is None and tab.currentWidget() is tab.plot:
                tab.item.addItem(line, ignoreBounds=True)
        self._time(self.state.time)

    def _time(self, t: float) -> None:
        for line in self.lines.values():
            line.setValue(t)
