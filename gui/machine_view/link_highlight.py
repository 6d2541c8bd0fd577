"""The network link chosen in any view (AppState.selected_link) on the timeline: its
row's band where links have rows (the copies of an offload run: the first rows under
the nodes, before any NIC rows), else the messages
whose route crosses it (Traffic.flights_on) redrawn as gold arrows. A single click on
a message arrow chooses the link that message is on at the clicked time
(Traffic.link_of), a click on a link row chooses that link, any other click none."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from .. import messages
from ..style import CHOSEN_COLOR
from .pe_highlight import make_band

HIT_PX = 5              # a click this close to an arrow (pixels) chooses its message
MAX_CHOSEN = 2_000      # more messages on the link: sampled evenly in time


def copy_links(run) -> int:
    """How many links have a timeline row (the copies' links; NIC rows follow them)."""
    copies = run.extras.get("copies") if run is not None else None
    return len(copies["link_names"]) if copies else 0


class LinkHighlight:
    def __init__(self, state, timeline, traffic):
        """`traffic()` returns the run's sim.analysis.traffic.Traffic (None while it
        is being built)."""
        self.state, self.timeline, self.traffic = state, timeline, traffic
        self.band = make_band()
        timeline.item.addItem(self.band, ignoreBounds=True)
        self.arrows = pg.PlotCurveItem(pen=pg.mkPen(CHOSEN_COLOR, width=4), connect="pairs")
        self.heads = pg.ScatterPlotItem(size=12, brush=CHOSEN_COLOR, pen=None)
        for it in (self.arrows, self.heads):
            it.setZValue(4)                         # above the arrows, under the veil
            timeline.item.addItem(it)
        state.link_selected.connect(lambda _link: self.redraw())
        state.run_changed.connect(lambda _r: self.redraw())
        timeline.box.sigYRangeChanged.connect(lambda *_: self.redraw())
        timeline.plot.scene().sigMouseClicked.connect(self._clicked)

    def redraw(self) -> None:
        link, tl = self.state.selected_link, self.timeline
        rows = tl.rows
        on_row = rows is not None and 0 <= link < copy_links(tl.run)
        self.band.setVisible(on_row)
        if on_row:
            r = float(rows.link_first_row + link)
            self.band.setRegion((r - 0.5, r + 0.5))
        tr = self.traffic() if link >= 0 and not on_row and tl.run is not None else None
        if tr is None:
            self.arrows.setData([], [])
            self.heads.setData([], [])
            return
        a, b = tl.spans.flight
        idx = tr.flights_on(link)
        idx = messages.sample_even(a, idx, 0.0, tl.makespan, MAX_CHOSEN)
        send, recv = tl.spans.pairs
        pe = tl.run.trace.pe
        ys = np.column_stack([rows.row_of_pe[pe[send[idx]]],
                              rows.row_of_pe[pe[recv[idx]]]]).ravel().astype(float)
        self.arrows.setData(np.column_stack([a[idx], b[idx]]).ravel(), ys)
        self.heads.setData(b[idx], ys[1::2])

    def message_at(self, x: float, y: float) -> int:
        """The drawn message arrow within HIT_PX pixels of the view point (x, y), the
        nearest; -1 for none."""
        tl = self.timeline
        send, recv = tl.spans.pairs
        if not len(send) or not tl.messages_action.isChecked():
            return -1
        a, b = tl.spans.flight
        pe = tl.run.trace.pe
        src, dst = pe[send], pe[recv]
        rows = tl.rows
        cand = np.flatnonzero((a <= x) & (b >= x) & ~rows.pe_collapsed[src]
                              & ~rows.pe_collapsed[dst])
        if not len(cand):
            return -1
        px, py = tl.box.viewPixelSize()             # view units per pixel
        x0, x1 = a[cand] / px, b[cand] / px
        y0, y1 = rows.row_of_pe[src[cand]] / py, rows.row_of_pe[dst[cand]] / py
        qx, qy = x / px, y / py
        dx, dy = x1 - x0, y1 - y0
        length2 = np.maximum(dx * dx + dy * dy, 1e-12)
        u = np.clip(((qx - x0) * dx + (qy - y0) * dy) / length2, 0.0, 1.0)
        d = np.hypot(x0 + u * dx - qx, y0 + u * dy - qy)
        k = int(np.argmin(d))
        return int(cand[k]) if d[k] <= HIT_PX else -1

    def _clicked(self, ev) -> None:
        tl = self.timeline
        if ev.double() or tl.run is None or ev.button() != Qt.LeftButton:
            return
        p = tl.box.mapSceneToView(ev.scenePos())
        row = int(round(p.y()))
        rows = tl.rows
        if 0 <= row - rows.link_first_row < copy_links(tl.run):
            self.state.select_link(row - rows.link_first_row)
            return
        tr = self.traffic()
        k = self.message_at(p.x(), p.y()) if tr is not None else -1
        self.state.select_link(tr.link_of(k, p.x()) if k >= 0 else -1)
