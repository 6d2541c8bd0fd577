"""Mouse and keys of the timeline, mixed into TimelineView: hover tooltips (a span, or a
collapsed node's occupancy), double-click to collapse/expand a node, the shift-drag
measurement of a duration, and W/A/S/D zoom and pan."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QToolTip

from ..sim.units import seconds
from . import tooltips


class TimelineInput:
    """Needs the TimelineView's run, rows, spans, box, plot, item and makespan."""

    def _build_input(self) -> None:
        """The measurement items, and the mouse signals connected to their handlers."""
        self.measure = pg.LinearRegionItem(movable=False, brush=QColor(255, 200, 0, 60))
        self.measure_text = pg.TextItem(color="k", anchor=(0.5, 1.0), fill=QColor(255, 255, 220))
        for it in (self.measure, *self.measure.lines):   # a measurement never takes the mouse
            it.setAcceptedMouseButtons(Qt.NoButton)
            it.setAcceptHoverEvents(False)
        for it in (self.measure, self.measure_text):
            it.setZValue(20)
            it.hide()
            self.item.addItem(it, ignoreBounds=True)
        self.last_measure: float | None = None
        self.box.measured.connect(self._on_measure)
        self.plot.scene().sigMouseMoved.connect(self._on_hover)
        self.plot.scene().sigMouseClicked.connect(self._on_click)

    def span_at(self, x: float, y: float) -> int | None:
        """Trace row of the span under (time x, row y), or None."""
        if self.run is None or not len(self.run.trace):
            return None
        row = int(round(y))
        if not 0 <= row < self.rows.n_rows:
            return None
        return self.spans.span_at(self.rows.pes_in_row[row], x)

    def describe_node(self, node: int, x: float) -> str | None:
        return tooltips.node_text(self.spans, node, self.rows.cores, x, self.makespan)

    def describe(self, i: int) -> str:
        return tooltips.span_text(self.run, i)

    def _on_hover(self, pos) -> None:
        if self.run is None or not self.box.sceneBoundingRect().contains(pos):
            QToolTip.hideText()
            return
        p = self.box.mapSceneToView(pos)
        row = int(round(p.y()))
        node = self.rows.node_of_row(row) if 0 <= row < self.rows.n_rows else -1
        if node in self.rows.collapsed:
            text = self.describe_node(node, p.x())
        else:
            i = self.span_at(p.x(), p.y())
            text = None if i is None else self.describe(i)
        if text is None:
            QToolTip.hideText()
            return
        screen = self.plot.mapToGlobal(self.plot.mapFromScene(pos))
        QToolTip.showText(screen + QPointF(12, 12).toPoint(), text, self.plot)

    def _on_click(self, ev) -> None:
        if self.run is None or not ev.double() or self.rows.nodes < 2:
            return
        p = self.box.mapSceneToView(ev.scenePos())
        row = int(round(p.y()))
        if 0 <= row < self.rows.n_rows:
            self.toggle_node(self.rows.node_of_row(row))

    def _on_measure(self, x0: float, x1: float, finished: bool) -> None:
        self.measure.setRegion((x0, x1))
        y = self.box.viewRange()[1][0]
        self.measure_text.setText(f"Δt = {seconds(x1 - x0)}")
        self.measure_text.setPos((x0 + x1) / 2, y + 0.05 * (self.box.viewRange()[1][1] - y))
        self.measure.show()
        self.measure_text.show()
        self.last_measure = x1 - x0

    def keyPressEvent(self, ev) -> None:
        if not self.key(ev.key()):
            super().keyPressEvent(ev)

    def key(self, key) -> bool:
        """W/S zoom time in/out about the centre, A/D pan by a tenth of the view."""
        (x0, x1), _ = self.box.viewRange()
        w = x1 - x0
        if key == Qt.Key_W:
            self.box.setXRange(x0 + w * 0.15, x1 - w * 0.15, padding=0)
        elif key == Qt.Key_S:
            self.box.setXRange(x0 - w * 0.25, x1 + w * 0.25, padding=0)
        elif key == Qt.Key_A:
            self.box.setXRange(x0 - w * 0.1, x1 - w * 0.1, padding=0)
        elif key == Qt.Key_D:
            self.box.setXRange(x0 + w * 0.1, x1 + w * 0.1, padding=0)
        else:
            return False
        return True
