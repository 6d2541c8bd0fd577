"""The timeline's plot items: bars whose shape is cheap, and the view box's mouse rules:
wheel zooms time only (Ctrl: rows), shift-drag measures, right-click shows our menu."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QMenu


class Bars(pg.BarGraphItem):
    """A BarGraphItem whose shape is its bounding box (the default builds one path per
    rectangle, which the scene would do on every mouse move)."""

    def shape(self):
        path = QPainterPath()
        path.addRect(self.boundingRect())
        return path


class TimelineBox(pg.ViewBox):
    """Wheel zooms time only (Ctrl: rows); shift-drag reports a measured interval."""

    measured = Signal(float, float, bool)      # x0, x1, finished

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions_menu = QMenu()             # the timeline adds its actions

    def raiseContextMenu(self, ev):
        """Our own short menu instead of pyqtgraph's axis menu."""
        self.actions_menu.popup(ev.screenPos().toPoint())

    def wheelEvent(self, ev, axis=None):
        super().wheelEvent(ev, axis=1 if ev.modifiers() & Qt.ControlModifier else 0)

    def mouseDragEvent(self, ev, axis=None):
        if ev.button() == Qt.LeftButton and ev.modifiers() & Qt.ShiftModifier:
            ev.accept()
            x0 = self.mapSceneToView(ev.buttonDownScenePos()).x()
            x1 = self.mapSceneToView(ev.scenePos()).x()
            self.measured.emit(min(x0, x1), max(x0, x1), ev.isFinish())
            return
        super().mouseDragEvent(ev, axis)
