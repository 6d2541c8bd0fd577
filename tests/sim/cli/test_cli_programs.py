"""`parasim run FILE.py|FILE.goal --machine ...`: programs and schedules from the CLI."""

import json

import pytest

from parasim.sim.cli import main
from parasim.sim.io import trace_csv

BCAST = """
def main(comm, n=1_000_000):
    if comm.rank == 0:
        yield comm.compute(flops=2e9, bytes=8e6, name="prepare")
    yield from comm.bcast(n, root=0)
    yield comm.compute(flops=1e9)
"""


def test_run_a_program_on_a_presets_machine(tmp_path, capsys):
    prog = tmp_path / "bcast.py"
    prog.write_text(BCAST)
    csv = tmp_path / "t.csv"
    assert main(["run", str(prog), "--machine", "cluster-stencil", "--json",
                 "--set", "workload.args.n=8", "--csv", str(csv)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["pes"] == 16 and out["ranks"] == 16 and out["messages"] == 15
    assert out["bytes_sent"] == 15 * 8
    header = csv.read_text().splitlines()[0]
    assert header.endswith(",name")
    assert trace_csv.read_csv(csv).flops.sum() == 2e9 + 16 * 1e9


def test_run_a_goal_schedule(tmp_path, capsys):
    goal = tmp_path / "s.goal"
    goal.write_text("num_ranks 2\nrank 0 {\nl1: send 8b to 1 tag 0\n}\n"
                    "rank 1 {\nl1: recv 8b from 0 tag 0\n}\n")
    assert main(["run", str(goal), "--machine", "cluster-pingpong", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["makespan_s"] == pytest.approx(40e-6 + 8 / 0.125e9, rel=1e-12)  # alpha + n/beta


def test_program_errors_are_one_line_exit_2(tmp_path, capsys):
    prog = tmp_path / "dead.py"
    prog.write_text("def main(comm):\n    yield comm.recv(1 - comm.rank)\n")
    assert main(["run", str(prog), "--machine", "cluster-pingpong"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: deadlock") and "dead.py:2" in err
    assert len(err.strip().splitlines()) == 1


def test_a_program_needs_a_machine_and_a_scenario_none(tmp_path, capsys):
    prog = tmp_path / "p.py"
    prog.write_text(BCAST)
    assert main(["run", str(prog)]) == 2
    assert "--machine" in capsys.readouterr().err
    assert main(["run", "amdahl", "--machine", "cluster-stencil"]) == 2
    assert "applies to a program" in capsys.readouterr().err


def test_sweep_a_programs_args(capsys):
    assert main(["sweep", "loggp-pingpong", "--vary", "workload.args.n=8,1048576",
                 "--workers", "1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["workload.args.n"] for r in rows] == [8, 1048576]
    assert rows[1]["makespan_s"] > 20 * rows[0]["makespan_s"]
