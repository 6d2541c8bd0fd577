"""The main window's layout: its size on opening (fitted to the screen), the narrow
reflow (metrics under the timeline below NARROW_PX), the side panels' proportions and the
layout remembered between sessions (QSettings)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

NARROW_PX = 1200            # narrower windows put the metrics under the timeline
DEFAULT_SIZE = (1600, 1000)
TITLE_BAR_PX = 40


def fitted_size(free_w: int, free_h: int) -> tuple[int, int]:
    """DEFAULT_SIZE, or less on a screen whose free area (less a title bar) is smaller."""
    return min(DEFAULT_SIZE[0], free_w - 8), min(DEFAULT_SIZE[1], free_h - TITLE_BAR_PX)


def settings() -> QSettings:
    """Where the window keeps its layout between sessions."""
    return QSettings(QSettings.IniFormat, QSettings.UserScope, "ParaSim", "ParaSim")


class LayoutMixin:
    """MainWindow's layout methods (the window owns the docks they arrange)."""

    def fit_screen(self) -> None:
        """Open at DEFAULT_SIZE or, on a smaller screen, at what its free area allows."""
        screen = self.screen().availableGeometry()
        w, h = fitted_size(screen.width(), screen.height())
        self._reflow(w)
        for part in (self.left_dock, self.toolbar, self.metrics_dock):
            self.layout().activate()
            hint = self.minimumSizeHint()       # e.g. 1280x720 at QT_SCALE_FACTOR=1.5:
            if w >= hint.width() and h >= hint.height():
                break
            part.hide()                         # panels wait in the View menu
        self.resize(w, h)
        self.move(screen.x() + (screen.width() - w) // 2,
                  screen.y() + max(0, (screen.height() - h - TITLE_BAR_PX) // 2))

    def restore_layout(self) -> bool:
        """The window's size and docks as the last session left them (QSettings), then
        reflowed for the width it opens at: metrics that a narrow window put under the
        timeline go back right on a wide one, and right-hand metrics go under the
        timeline of a narrow one. Metrics the user docked at the bottom stay there."""
        st = settings()
        geometry, docks = st.value("window/geometry"), st.value("window/state")
        if geometry is None:
            return False
        self.restoreGeometry(geometry)
        if docks is not None:
            self.restoreState(docks)
        self._reflowed = st.value("window/reflowed", True, type=bool) and \
            self.dockWidgetArea(self.metrics_dock) == Qt.BottomDockWidgetArea
        self._reflow()
        return True

    def save_layout(self) -> None:
        """The layout as the user arranged it: presentation mode's hidden panels are
        saved as they were before it."""
        if self.presenter.on:
            self.presenter.toggle()
        st = settings()
        st.setValue("window/geometry", self.saveGeometry())
        st.setValue("window/state", self.saveState())
        st.setValue("window/reflowed", self._reflowed)

    def default_layout(self) -> None:
        """Every panel (and the toolbar) back in its place and shown."""
        self.toolbar.show()
        for dock, area in ((self.left_dock, Qt.LeftDockWidgetArea),
                           (self.metrics_dock, Qt.RightDockWidgetArea)):
            dock.setFloating(False)
            self.addDockWidget(area, dock)
            dock.show()
        self._reflowed = False
        self._reflow()
        self._size_docks()

    def resize(self, *size) -> None:
        """Reflow for the new width first: a right-hand metrics panel would hold the
        window wider than a small screen."""
        self._reflow(size[0] if len(size) == 2 else size[0].width())
        self.layout().activate()            # the new minimum size, now
        super().resize(*size)

    def _reflow(self, width: int | None = None) -> None:
        """Narrow window: the metrics go under the timeline; wide again: back right."""
        dock = self.metrics_dock
        width = self.width() if width is None else width
        if dock.isFloating():
            return
        area = self.dockWidgetArea(dock)
        if width < NARROW_PX and area == Qt.RightDockWidgetArea:
            self.addDockWidget(Qt.BottomDockWidgetArea, dock)
            self._reflowed = True
            self._size_docks()
        elif width >= NARROW_PX and self._reflowed and area == Qt.BottomDockWidgetArea:
            self.addDockWidget(Qt.RightDockWidgetArea, dock)
            self._reflowed = False
            self._size_docks()

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._reflow()

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if not self._shown:
            self._shown = True
            self._size_docks()

    def _size_docks(self) -> None:
        """Side panels in proportion to the window; under the timeline, a third of it."""
        w = self.width()
        left = min(400, max(280, int(w * 0.23)))
        if self.dockWidgetArea(self.metrics_dock) == Qt.BottomDockWidgetArea:
            self.resizeDocks([self.left_dock], [left], Qt.Horizontal)
            self.resizeDocks([self.metrics_dock], [max(220, self.height() // 3)], Qt.Vertical)
        else:
            self.resizeDocks(self._docks, [left, min(480, max(300, int(w * 0.28)))],
                             Qt.Horizontal)
