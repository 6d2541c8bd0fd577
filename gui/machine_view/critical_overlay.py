"""The critical path drawn on the timeline: the path's task spans outlined and its
messages as lines (run.extras["critical_path"], sim/analysis/critical.py)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ...sim.analysis.traffic import flights
from ...sim.trace import KIND_CODE

COLOR = "#FFD700"


class CriticalPathOverlay:
    """Outlines on `timeline`'s plot; `set_visible` toggles them."""

    def __init__(self, state, timeline):
        self.state, self.timeline = state, timeline
        self.visible = False
        self.bars = pg.BarGraphItem(x0=[], width=[], y0=[], height=[], brush=None,
                                    pen=pg.mkPen(COLOR, width=3))
        self.lines = pg.PlotCurveItem(pen=pg.mkPen(COLOR, width=3), connect="pairs")
        for it in (self.bars, self.lines):
            it.setZValue(4)                 # under the veil over the future
            it.hide()
            timeline.item.addItem(it, ignoreBounds=True)
        state.run_changed.connect(lambda _r: self.redraw())
        timeline.box.sigYRangeChanged.connect(lambda *_: self.redraw())

    def set_visible(self, on: bool) -> bool:
        """Show or hide the path; False if the run has none."""
        self.visible = on and self.path() is not None
        self.redraw()
        return self.visible or not on

    def on_action(self, action, status) -> None:
        """A checkable action's slot: unchecks it (and says why) when there is no path."""
        if not self.set_visible(action.isChecked()):
            action.setChecked(False)
            status.setText("this run has no critical path to show")

    def path(self) -> dict | None:
        run = self.state.run
        cp = run.extras.get("critical_path") if run is not None and run.extras else None
        return cp if cp and len(cp["tasks"]) else None

    def redraw(self) -> None:
        cp = self.path() if self.visible else None
        for it in (self.bars, self.lines):
            it.setVisible(cp is not None)
        if cp is None or self.timeline.rows is None:
            return
        tr = self.state.run.trace
        row = self.timeline.rows.row_of_pe
        on = np.isin(tr.task, cp["tasks"]) & (tr.kind != KIND_CODE["recv"]) \
            & (tr.end_s > tr.start_s)
        y = row[tr.pe[on]]
        self.bars.setOpts(x0=tr.start_s[on], width=tr.end_s[on] - tr.start_s[on],
                          y0=y - 0.45, height=np.full(len(y), 0.9))
        f = flights(self.state.run)
        pick = np.isin(f["msg"], cp["messages"])
        xs = np.c_[f["sent_s"][pick], f["arrival_s"][pick]].ravel()
        ys = np.c_[row[f["src_pe"][pick]], row[f["dst_pe"][pick]]].ravel().astype(float)
        self.lines.setData(xs, ys)
