"""The PE chosen in any view (AppState.selected_pe), shown as a band on its timeline row;
a single click on a timeline row chooses its PE (a collapsed node's row: none)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ..style import CHOSEN_COLOR


def make_band() -> pg.LinearRegionItem:
    """A hidden gold band across the timeline's rows that never takes the mouse."""
    band = pg.LinearRegionItem(orientation="horizontal", movable=False,
                               brush=QColor(255, 215, 0, 70), pen=pg.mkPen(CHOSEN_COLOR, width=1))
    for it in (band, *band.lines):
        it.setAcceptedMouseButtons(Qt.NoButton)
        it.setAcceptHoverEvents(False)
    band.setZValue(3)
    band.hide()
    return band


class PEHighlight:
    def __init__(self, state, timeline):
        self.state, self.timeline = state, timeline
        self.band = make_band()
        timeline.item.addItem(self.band, ignoreBounds=True)
        state.pe_selected.connect(lambda _pe: self.redraw())
        state.run_changed.connect(lambda _r: self.redraw())
        timeline.box.sigYRangeChanged.connect(lambda *_: self.redraw())
        timeline.plot.scene().sigMouseClicked.connect(self._clicked)

    def redraw(self) -> None:
        pe, rows = self.state.selected_pe, self.timeline.rows
        show = rows is not None and 0 <= pe < len(rows.row_of_pe)
        self.band.setVisible(show)
        if show:
            r = float(rows.row_of_pe[pe])
            self.band.setRegion((r - 0.5, r - 0.5 + rows.rows_per_pe[pe]))

    def _clicked(self, ev) -> None:
        tl = self.timeline
        if ev.double() or tl.run is None or ev.button() != Qt.LeftButton:
            return
        p = tl.box.mapSceneToView(ev.scenePos())
        row = int(round(p.y()))
        pes = tl.rows.pes_in_row[row] if 0 <= row < tl.rows.n_rows else ()
        self.state.select_pe(int(pes[0]) if len(pes) == 1 else -1)
