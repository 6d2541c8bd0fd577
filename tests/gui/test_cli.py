from parasim.gui.app import main


def test_screenshot_writes_a_png(qapp, tmp_path):
    out = tmp_path / "shot.png"
    assert main(["--scenario", "amdahl", "--screenshot", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_view_a_trace_screenshot(qapp, tmp_path):
    from parasim.sim.scenario import load
    from parasim.sim.simulate import simulate
    csv = tmp_path / "t.csv"
    simulate(load("amdahl"), baseline=False).write_csv(csv)
    out = tmp_path / "view.png"
    assert main(["view", str(csv), "--screenshot", str(out)]) == 0
    assert out.stat().st_size > 1000


def test_bad_scenario_is_one_line_and_exit_2(qapp, capsys):
    assert main(["--scenario", "no-such-preset"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_bad_trace_is_one_line_and_exit_2(qapp, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("pe,node\n1,2\n")
    assert main(["view", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: line 1: header must be") and err.count("\n") == 1


def test_open_a_program_from_the_command_line(qapp, tmp_path, capsys):
    prog = tmp_path / "p.py"
    prog.write_text("def main(comm):\n    yield comm.compute(1e9)\n")
    out = tmp_path / "shot.png"
    assert main(["--program", str(prog), "--scenario", "cluster-pingpong",
                 "--screenshot", str(out)]) == 0
    assert out.stat().st_size > 1000
    bad = tmp_path / "p.txt"
    bad.write_text("")
    assert main(["--program", str(bad), "--screenshot", str(out)]) == 2
    assert "ends in .py" in capsys.readouterr().err


def test_open_on_the_machine_tab(qapp, tmp_path, monkeypatch):
    """`--tab machine` shows the Machine tab, its model built before the screenshot
    (even when the build is slow)."""
    import time

    from parasim.gui.machine_view import view
    from parasim.gui.panels import export
    model = view.MachineModel
    monkeypatch.setattr(view, "MachineModel", lambda run: (time.sleep(0.5), model(run))[1])
    seen = []
    real = export.write_png
    monkeypatch.setattr(export, "write_png", lambda win, path: (
        seen.append((win.tabs.currentWidget() is win.machine, win.machine.model is not None,
                     win.machine.canvas.frame is not None)), real(win, path)))
    out = tmp_path / "machine.png"
    assert main(["--scenario", "cluster-pingpong", "--tab", "machine",
                 "--screenshot", str(out)]) == 0
    assert seen == [(True, True, True)] and out.stat().st_size > 1000
    from parasim.gui.app import build_parser
    assert build_parser().parse_args(["--tab", "machine"]).tab == "machine"
