"""File > Open reads the file and builds its trace index in a worker thread: the event
loop keeps running while it loads, the run is shown when read, a bad file gives a dialog
and keeps the run shown, Cancel drops the file."""

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from parasim.sim.run import Run
from parasim.sim.trace import KIND_CODE, Trace

SPANS, PES = 60_000, 16


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    """SPANS back-to-back compute spans on PES PEs, written as a trace CSV."""
    per = SPANS // PES
    end = np.tile(np.arange(1, per + 1, dtype=np.float64), PES) * 1e-6
    pe = np.repeat(np.arange(PES, dtype=np.int32), per)
    n = len(pe)
    tr = Trace(pe=pe, node=np.zeros(n, np.int32), core=pe,
               kind=np.full(n, KIND_CODE["compute"], np.int8), task=np.arange(n, dtype=np.int32),
               start_s=end - 1e-6, end_s=end, flops=np.full(n, 10.0), bytes=np.zeros(n),
               peer=np.full(n, -1, np.int32), msg=np.full(n, -1, np.int32),
               lanes_active=np.zeros(n, np.int16))
    path = tmp_path_factory.mktemp("open") / "big.csv"
    Run.from_trace(tr).write_csv(path)
    return str(path)


def test_opening_a_large_trace_keeps_the_event_loop_running(ran, qtbot, big_csv):
    ticks_while_loading = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks_while_loading.append(
        ran.worker is not None and ran.worker.isRunning()))
    timer.start()
    assert ran.open_file(big_csv)
    assert ran.worker is not None and ran.progress.isVisible() and not ran.run_button.isEnabled()
    qtbot.waitUntil(lambda: ran.worker is None, timeout=60000)
    timer.stop()
    assert any(ticks_while_loading)             # a tick fired while the thread was reading
    assert len(ran.state.run.trace) == SPANS and ran.state.run.scenario is None
    assert ran.state.index.run is ran.state.run and ran.timeline.run is ran.state.run
    assert big_csv in ran.status.text() and not ran.dialogs and not ran.progress.isVisible()


def test_a_malformed_file_gives_a_dialog_and_keeps_the_run(ran, qtbot, tmp_path):
    run = ran.state.run
    for name, text in (("bad.csv", "pe,node\n1,2\n"), ("bad.parasim", "nope")):
        bad = tmp_path / name
        bad.write_text(text)
        assert ran.open_file(str(bad))
        qtbot.waitUntil(lambda: ran.worker is None, timeout=20000)
        kind, message = ran.dialogs[-1]
        assert kind == "critical" and str(bad) in message
        assert ran.state.run is run and ran.timeline.run is run and ran.run_button.isEnabled()


def test_cancel_drops_the_file_and_keeps_the_run(ran, qtbot, big_csv):
    run = ran.state.run
    assert ran.open_file(big_csv)
    ran.cancel_button.click()
    assert ran.worker is None and "cancelled" in ran.status.text()
    assert ran.run_button.isEnabled()                  # the window is free at once
    qtbot.waitUntil(lambda: not ran._detached, timeout=60000)   # deleted once it ends
    qtbot.wait(20)
    assert ran.state.run is run and not ran.dialogs


def test_no_file_opens_while_a_run_is_under_way(ran, qtbot, big_csv):
    run = ran.state.run
    assert ran.start_run()
    assert not ran.open_file(big_csv) and "busy" in ran.status.text()
    qtbot.waitUntil(lambda: ran.worker is None, timeout=20000)
    assert ran.state.run is not run and ran.state.run.scenario is not None


def test_views_say_a_file_is_being_opened(window, qtbot, big_csv):
    assert window.open_file(big_csv)
    assert window.tasks.message.text().startswith("Opening the file")
    qtbot.waitUntil(lambda: window.worker is None, timeout=60000)
    assert len(window.state.run.trace) == SPANS and not window.state.busy


def test_the_command_lines_trace_is_indexed_off_the_gui_thread(ran, big_csv, monkeypatch):
    """`parasim view trace.csv` reads and checks the CSV before the window opens; the
    window then shows that run with its TraceIndex built in the FileLoader thread."""
    import threading

    from parasim.gui import app, file_loader
    threads = []
    real_index = file_loader.TraceIndex
    monkeypatch.setattr(file_loader, "TraceIndex", lambda run: threads.append(
        threading.current_thread()) or real_index(run))
    run = Run.from_trace_csv(big_csv)
    app._show_file(ran, run, big_csv, wait=True)
    assert ran.state.run is run and ran.state.index.run is run
    assert threads and threads[0] is not threading.main_thread()
