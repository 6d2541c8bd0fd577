"""Program presets in the app: the form edits workload.args, the run shows the program's
spans, a program error is a dialog and the app keeps running."""

from parasim.sim import scenario


def test_a_program_preset_runs_and_its_args_round_trip_through_the_form(window, qtbot):
    window.load_scenario("program-halo-blocking")
    assert window.form.data()["workload"]["args"] == {"n": 2048, "sweeps": 10,
                                                      "overlap": False}
    editor = window.form.editors["workload.args"]
    editor.widget.setText("{n = 1024, sweeps = 2, overlap = true}")
    sc = window.form.validate()
    assert sc is not None and sc.workload.args == {"n": 1024, "sweeps": 2, "overlap": True}
    window.set_scenario(sc)
    with qtbot.waitSignal(window.state.run_changed, timeout=20000):
        assert window.start_run()
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    run = window.state.run
    assert run.summary["messages"] == 16 * 4 * 2
    assert run.task_names and all(n.startswith("halo2d.py:") for n in run.task_names)


def test_a_failing_program_is_a_dialog(window, qtbot, tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def main(comm):\n    yield comm.recv(1 - comm.rank)\n")
    sc = scenario.for_file(str(bad), "cluster-pingpong")
    window.set_scenario(sc)
    assert window.start_run()
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert any("deadlock" in text for _, text in window.dialogs)


PROG = """
def main(comm):
    yield comm.compute(4e8)
    yield from comm.barrier()
"""


def test_program_tab_marks_each_ranks_line_at_the_playhead(window, qtbot, tmp_path):
    path = tmp_path / "p.py"
    path.write_text(PROG)
    window.load_scenario("cluster-pingpong")
    with qtbot.waitSignal(window.state.run_changed, timeout=20000):
        assert window.program_file.open(str(path))
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert window.tabs.currentWidget() is window.program
    run = window.state.run
    window.state.set_time(run.makespan / 4)
    assert window.program.marked() == {3: [0, 1]}
    assert "r0-1    3      yield comm.compute(4e8)" in window.program.text.toPlainText()


def test_saving_the_program_reruns_it_and_pins_the_previous_run(window, qtbot, tmp_path):
    path = tmp_path / "p.py"
    path.write_text(PROG)
    window.load_scenario("cluster-pingpong")
    with qtbot.waitSignal(window.state.run_changed, timeout=20000):
        window.program_file.open(str(path))
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    first = window.state.run
    path.write_text(PROG.replace("4e8", "8e8"))
    with qtbot.waitSignal(window.state.run_changed, timeout=20000):
        window.program_file._rerun()
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert window.state.pinned is first
    assert window.state.run.makespan > 1.9 * first.makespan


def test_cancel_stops_a_program_loop_that_never_yields(window, qtbot, tmp_path):
    """`while True: pass` in the user's program: Cancel frees the window at once, the
    worker thread really ends (programs/interrupt.py), the previous run stays shown and
    the app still runs the next program."""
    import time

    path = tmp_path / "p.py"
    path.write_text(PROG)
    window.load_scenario("cluster-pingpong")
    with qtbot.waitSignal(window.state.run_changed, timeout=20000):
        assert window.program_file.open(str(path))
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    previous = window.state.run
    spin = tmp_path / "spin.py"
    spin.write_text("def main(comm):\n    yield comm.compute(1e6)\n    while True:\n"
                    "        pass\n")
    window.set_scenario(scenario.for_file(str(spin), "cluster-pingpong"))
    assert window.start_run()
    worker = window.worker
    qtbot.wait(300)                                  # it is inside the loop by now
    assert worker.isRunning()
    t0 = time.perf_counter()
    window.cancel_button.click()
    assert window.worker is None and window.run_button.isEnabled()
    assert worker.wait(3000)                         # the thread itself stopped
    assert time.perf_counter() - t0 < 2.0
    assert window.state.run is previous and "cancelled" in window.status.text()
    assert not window.dialogs
    window.set_scenario(scenario.for_file(str(path), "cluster-pingpong"))
    with qtbot.waitSignal(window.state.run_changed, timeout=20000):
        assert window.start_run()                    # still responsive: it runs again
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert window.state.run.makespan == previous.makespan
