"""Output files: errors name the user's path (never the temp file) and are found
before the simulation runs."""

import pytest

import parasim.sim.cli.sweep
import parasim.sim.simulate
from parasim.sim.cli import main
from parasim.sim.errors import WriteError
from parasim.sim.io.files import check_writable, write_atomic


def test_write_atomic_names_the_path_for_a_missing_folder(tmp_path):
    path = tmp_path / "missing" / "x.csv"
    with pytest.raises(WriteError) as e:
        write_atomic(path, "a")
    assert str(e.value) == f"cannot write {path}: No such file or directory"


def test_write_atomic_over_a_folder_names_it_and_leaves_no_temp(tmp_path):
    target = tmp_path / "d"
    target.mkdir()
    with pytest.raises(WriteError, match=f"cannot write {target}: Is a directory"):
        write_atomic(target, "a")
    assert [p.name for p in tmp_path.iterdir()] == ["d"]


@pytest.mark.parametrize("make, reason", [
    (lambda d: d / "missing" / "x.csv", "No such file or directory"),
    (lambda d: d, "Is a directory"),
    (lambda d: d / "file.txt" / "x.csv", "Not a directory"),
])
def test_check_writable(tmp_path, make, reason):
    (tmp_path / "file.txt").write_text("x")
    path = make(tmp_path)
    with pytest.raises(WriteError, match=f"^cannot write {path}: {reason}$"):
        check_writable(path)


def test_check_writable_accepts_a_new_file_in_a_folder(tmp_path):
    check_writable(tmp_path / "new.csv")


@pytest.fixture
def no_simulation(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("simulated before checking the output paths")
    monkeypatch.setattr(parasim.sim.simulate, "simulate", refuse)
    monkeypatch.setattr(parasim.sim.cli.sweep, "run_sweep", refuse)


@pytest.mark.parametrize("flag", ["--csv", "--summary", "--save-scenario"])
def test_run_checks_each_output_before_simulating(flag, tmp_path, capsys, no_simulation):
    path = tmp_path / "missing" / "x.out"
    assert main(["run", "amdahl", flag, str(path)]) == 2
    assert capsys.readouterr().err == f"error: cannot write {path}: No such file or directory\n"


def test_sweep_checks_its_csv_before_running(tmp_path, capsys, no_simulation):
    assert main(["sweep", "amdahl", "--vary", "machine.cores=1,2", "--csv", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"error: cannot write {tmp_path}: Is a directory\n"
