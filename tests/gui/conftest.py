"""GUI tests run offscreen with pytest-qt; message boxes are patched so nothing blocks."""

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def collect_garbage_between_tests():
    """Garbage is collected after each GUI test, never in the middle of one: a collection
    that starts inside a Qt callback (pyqtgraph's itemChange) and finalises Qt objects of
    an earlier test can deadlock on a Qt lock (seen in CI, building a window). The app
    does the same with pyqtgraph's GarbageCollector (gui/app.py)."""
    gc.disable()
    yield
    gc.enable()
    gc.collect()


@pytest.fixture(autouse=True)
def temp_settings(tmp_path, monkeypatch):
    """QSettings (the remembered layout) in a temporary folder, never the user's."""
    from PySide6.QtCore import QSettings
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    return tmp_path / "settings"


@pytest.fixture
def window(qtbot, monkeypatch):
    """A main window on the default preset, not yet run; dialogs recorded, not shown."""
    from PySide6.QtWidgets import QMessageBox

    from parasim.gui.main_window import DEFAULT_PRESET, MainWindow
    from parasim.gui.style import setup_pyqtgraph
    from parasim.sim import scenario

    shown = []
    for name in ("critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, name,
                            staticmethod(lambda *a, _n=name, **k: shown.append((_n, a[2]))))
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.Yes))
    setup_pyqtgraph()
    win = MainWindow()
    win.dialogs = shown
    qtbot.addWidget(win)
    win.set_scenario(scenario.load(DEFAULT_PRESET))
    win.resize(1400, 900)
    win.show()
    yield win
    # every worker thread finished before the window goes: a Qt thread object collected
    # while its thread still runs is the one way a GUI test could outlive its own end
    for w in (win.worker, win.sweep.worker, *tuple(win._detached)):
        if w is not None:
            w.cancel()
            assert w.wait(60000), "a worker thread did not finish"
    for views in (win.machine, win.selection):          # their builder threads too
        assert views.builders.wait(60000), "a builder thread did not finish"


@pytest.fixture
def ran(window, qtbot):
    """The window after its scenario has been simulated."""
    with qtbot.waitSignal(window.state.run_changed, timeout=20000):
        assert window.start_run()
    qtbot.waitUntil(lambda: window.worker is None, timeout=5000)
    return window
