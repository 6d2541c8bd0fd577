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
    from parasim.gui.window_layout import fitted_size
    assert fitted_size(2560, 1400) == (1600, 1000)
    for free in ((1024, 740), (1280, 690), (1366, 728)):
        w, h = fitted_size(*free)
        assert w <= free[0] and h + 30 <= free[1]


def test_every_rerun_pins_the_previous_one_and_says_what_changed(ran, qtbot):
    first = ran.state.run
    with qtbot.waitSignal(ran.state.run_changed, timeout=20000):
        assert ran.apply_override("machine.cores=1")
    qtbot.waitUntil(lambda: ran.worker is None, timeout=5000)
    assert ran.state.pinned is first
    text = ran.status.text()
    assert text.startswith(f"machine.cores {first.scenario.machine.cores} -> 1: makespan ")
    assert "faster" in text or "slower" in text
    assert "machine.cores = 1" in ran.learn.edits.text() and ran.learn.edits.isVisibleTo(ran)


def test_views_say_a_run_is_on_while_the_first_one_simulates(window, qtbot):
    window.state.set_busy(True)
    assert window.tasks.message.text().startswith("Simulating")
    assert window.metrics.summary.title.text().startswith("Simulating")
    assert window.timeline.note.text().startswith("Simulating")
    window.state.set_busy(False)
    assert window.tasks.message.text() == "No run yet."


def test_reset_is_not_home(ran):
    p, box = ran.player, ran.timeline.box
    p.set_speed(1e-9)
    box.setXRange(0, ran.state.makespan / 100, padding=0)
    p.home()
    assert p.sim_per_second == 1e-9
    p.reset()
    assert ran.state.time == 0 and abs(p.sim_per_second / (ran.state.makespan / 10) - 1) < 0.3
    assert box.viewRange()[0][1] >= ran.state.makespan


def test_on_a_tiny_screen_panels_step_aside_and_the_window_fits(ran, qtbot):
    free = ran.screen().availableGeometry()          # offscreen: 800x600, below 1024x768
    ran.fit_screen()
    qtbot.wait(20)
    assert ran.width() <= free.width() and ran.height() <= free.height()
    assert squeezed(ran) == []
    ran.default_layout()                             # View > Restore default layout
    assert ran.left_dock.isVisible() and ran.metrics_dock.isVisible()


def _reopened(qtbot):
    from parasim.gui.main_window import MainWindow
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.restore_layout()
    again.show()
    return again


def test_a_narrow_layout_reopened_wide_reflows_and_vice_versa(window, qtbot):
    """Settings in a temporary folder (conftest). The offscreen screen is 800 px wide,
    so a restored window is narrow; widening it afterwards is opening it wide."""
    from PySide6.QtCore import Qt
    bottom, right = Qt.BottomDockWidgetArea, Qt.RightDockWidgetArea
    window.resize(1024, 768)
    qtbot.wait(20)
    assert window.dockWidgetArea(window.metrics_dock) == bottom
    window.close()                                  # saved narrow
    narrow = _reopened(qtbot)
    assert narrow.dockWidgetArea(narrow.metrics_dock) == bottom
    narrow.resize(1600, 1000)
    qtbot.wait(20)
    assert narrow.dockWidgetArea(narrow.metrics_dock) == right
    narrow.close()                                  # saved wide (1600 px)
    again = _reopened(qtbot)                        # restored onto the 800 px screen
    assert again.width() < 1200 and again.dockWidgetArea(again.metrics_dock) == bottom
    again.resize(1600, 1000)
    qtbot.wait(20)
    assert again.dockWidgetArea(again.metrics_dock) == right


def test_metrics_the_user_docked_at_the_bottom_stay_there(window, qtbot):
    from PySide6.QtCore import Qt
    window.resize(1600, 1000)
    window.addDockWidget(Qt.BottomDockWidgetArea, window.metrics_dock)   # a drag
    window.close()
    again = _reopened(qtbot)
    again.resize(1600, 1000)
    qtbot.wait(20)
    assert again.dockWidgetArea(again.metrics_dock) == Qt.BottomDockWidgetArea


def test_closing_in_presentation_mode_saves_the_panels_as_they_were(window, qtbot):
    window.presenter.toggle()
    assert not window.metrics_dock.isVisible()
    window.close()
    again = _reopened(qtbot)
    assert again.metrics_dock.isVisible() and again.left_dock.isVisible()
