"""A program's tasks are its threads (and a GOAL schedule's its ranks), not its source
lines: concurrency and the Tasks view's rows, by hand."""

from __future__ import annotations

import pytest

from parasim.sim.analysis.task_rows import task_rows
from parasim.sim.trace import KIND_CODE
from tests.sim.programs.goal_helpers import goal_run
from tests.sim.programs.helpers import run_program

STAGGERED = """
def main(comm):
    yield comm.compute(1e8 * (comm.rank + 1))       # one line, four ranks
"""


def test_concurrency_counts_ranks_not_lines(tmp_path):
    """Rank r computes (r + 1) T on one line: 4, 3, 2, 1 ranks alive for T each, so the
    average concurrency is (4 + 3 + 2 + 1) / 4 = 2.5 (a line as a task would give 1)."""
    run = run_program(tmp_path, STAGGERED, nodes=4)
    assert run.summary["avg_concurrency"] == pytest.approx(2.5, rel=1e-12)
    assert run.summary["max_concurrency"] == 4
    assert run.summary["avg_parallelism"] == pytest.approx(2.5, rel=1e-12)


PING = """
def main(comm):
    if comm.rank == 0:
        yield comm.compute(1e8)
        yield comm.send(1, 1e6)
    else:
        yield comm.recv(0)
        yield comm.compute(1e8)
"""


def test_task_rows_are_ranks_computing_and_waiting(tmp_path):
    """Rank 0 computes [0, T] then waits for its send's delivery until T + alpha + n /
    beta = D; rank 1 waits [0, D] then computes [D, D + T]."""
    run = run_program(tmp_path, PING, nodes=2)
    t = run.trace
    T = float(t.end_s[t.kind == KIND_CODE["compute"]].min())
    D = T + 1e-6 + 1e6 / 10e9
    states, names, total = task_rows(run, 64)
    assert names == ["rank 0", "rank 1"] and total == 2
    run_, wait = states["running"], states["waiting"]
    assert run_["task"].tolist() == [0, 1]
    assert run_["start_s"] == pytest.approx([0.0, D], rel=1e-12)
    assert run_["end_s"] == pytest.approx([T, D + T], rel=1e-12)
    assert wait["task"].tolist() == [0, 1]
    assert wait["start_s"] == pytest.approx([T, 0.0], rel=1e-12)
    assert wait["end_s"] == pytest.approx([D, D], rel=1e-12)
    assert set(states) == {"running", "waiting"}


def test_spawned_tasks_are_rows_of_their_own(tmp_path):
    src = """
    def child(comm, k):
        yield comm.compute(1e8 * k)

    def main(comm):
        tasks = [comm.spawn(child, k) for k in (1, 2)]
        yield comm.join(tasks)
    """
    run = run_program(tmp_path, src, nodes=1, cores=3)
    states, names, _ = task_rows(run, 64)
    assert names == ["rank 0", "rank 0 task 1", "rank 0 task 2"]
    T = float(run.trace.end_s[run.trace.kind == KIND_CODE["compute"]].min())
    assert states["running"]["task"].tolist() == [1, 2]
    assert states["running"]["end_s"] == pytest.approx([T, 2 * T], rel=1e-12)
    assert states["waiting"]["task"].tolist() == [0]            # main waits in join
    assert states["waiting"]["end_s"] == pytest.approx([2 * T], rel=1e-12)
    assert run.summary["max_concurrency"] == 3


def test_goal_ranks_are_its_tasks(tmp_path):
    path = tmp_path / "s.goal"
    path.write_text("num_ranks 2\nrank 0 {\na: calc 1000\nb: send 8b to 1 tag 0\n"
                    "b requires a\n}\nrank 1 {\nrecv 8b from 0 tag 0\n}\n")
    run = goal_run(path, nodes=2, network={"latency_us": 1.0, "bandwidth_gbs": 8.0})
    states, names, _ = task_rows(run, 64)
    assert names == ["rank 0", "rank 1"]
    assert states["running"]["task"].tolist() == [0]
    assert states["running"]["end_s"] == pytest.approx([1e-6], rel=1e-12)
    D = 1e-6 + 1e-6 + 8 / 8e9                  # calc, then alpha + n / beta
    assert states["waiting"]["start_s"] == pytest.approx([1e-6, 0.0], rel=1e-12)
    assert states["waiting"]["end_s"] == pytest.approx([D, D], rel=1e-12)
