"""The window on small screens: nothing squeezed below its useful size, panels that can
be closed and restored, the layout remembered (in a temporary settings folder)."""

import pyqtgraph as pg
from PySide6.QtWidgets import QDockWidget, QLineEdit, QPushButton, QSlider, QTabBar


def squeezed(win) -> list[str]:
    """Visible widgets narrower than their minimum useful size."""
    out = []
    for w in win.findChildren(object):
        if not hasattr(w, "isVisibleTo") or not w.isVisibleTo(win) or w.window() is not win:
            continue
        if isinstance(w, QSlider) and w.width() < 80:
            out.append(f"slider {w.toolTip()[:30]!r} {w.width()} px")
        elif isinstance(w, (QLineEdit, QPushButton)) and \
                w.width() < min(w.minimumSizeHint().width(), 60):
            out.append(f"{type(w).__name__} {w.text() or w.placeholderText()!r} {w.width()} px")
        elif isinstance(w, QLineEdit) and w.placeholderText() and w.width() < 100:
            out.append(f"field {w.placeholderText()!r} {w.width()} px")
        elif isinstance(w, pg.PlotWidget) and (w.width() < 200 or w.height() < 120):
            out.append(f"plot {w.width()}x{w.height()}")
        elif isinstance(w, QTabBar) and w.width() < 150:
            out.append(f"tab bar {w.width()} px")
    return out


def test_nothing_squeezed_at_1024x768_or_1280x720(ran, qtbot):
    for size in ((1024, 768), (1280, 720), (1920, 1080)):
        ran.resize(*size)
        qtbot.wait(50)
        assert ran.width() <= size[0] and ran.height() <= size[1]
        assert squeezed(ran) == [], size
        for dock in ran.findChildren(QDockWidget):
            assert ran.rect().contains(dock.geometry()), (size, dock.windowTitle())


def test_narrow_window_puts_the_metrics_under_the_timeline(window, qtbot):
    from PySide6.QtCore import Qt
    window.resize(1024, 768)
    qtbot.wait(20)
    assert window.dockWidgetArea(window.metrics_dock) == Qt.BottomDockWidgetArea
    window.resize(1600, 1000)
    qtbot.wait(20)
    assert window.dockWidgetArea(window.metrics_dock) == Qt.RightDockWidgetArea


def test_panels_close_and_come_back_from_the_view_menu(window):
    titles = {a.text(): a for a in window.view_menu.actions()
              if a.text()}
    window.metrics_dock.close()
    assert not window.metrics_dock.isVisible()
    titles["Metrics panel"].trigger()
    assert window.metrics_dock.isVisible()
    window.left_dock.close()
    titles["Restore default layout"].trigger()
    assert window.left_dock.isVisible()


def test_layout_is_remembered(window, qtbot, temp_settings):
    from parasim.gui.main_window import MainWindow
    window.resize(1100, 700)
    window.metrics_dock.close()
    window.close()
    assert any(temp_settings.rglob("*.ini"))
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.restore_layout()
    again.show()
    free = again.screen().availableGeometry()       # restoreGeometry keeps it on screen
    assert again.height() == min(700, free.height())
    assert not again.metrics_dock.isVisible()


def test_the_window_opens_at_a_size_that_fits_the_screen():
    from parasim.gui.main_window import fitted_size
    assert fitted_size(2560, 1400) == (1600, 1000)
    for free in ((1024, 740), (1280, 690), (1366, 728)):
        w, h = fitted_size(*free)
        assert w <= free[0] and h + 30 <= free[1]
