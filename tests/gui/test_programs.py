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
