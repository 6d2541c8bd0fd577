"""Threads of one rank: parallel_for schedules, critical sections, spawn/join, barriers."""

from __future__ import annotations

import pytest

from parasim.sim.machine.machine import Machine, MachineSpec
from parasim.sim.programs.threads import next_chunk, static_plan
from parasim.sim.trace import KIND_CODE
from tests.sim.programs.helpers import run_program

UNIT = Machine(MachineSpec(cores=4)).compute_time(1e8, "fp64", 1.0)   # one unit of work

LOOP = """
def main(comm, schedule, chunk):
    yield from comm.parallel_for(8, lambda i: (i + 1) * 1e8, schedule=schedule, chunk=chunk)
"""


@pytest.mark.parametrize("schedule, chunk, units", [
    ("static", 0, 15),      # blocks {1,2} {3,4} {5,6} {7,8}: the last thread has 7 + 8
    ("static", 1, 12),      # round robin: thread 3 gets 4 + 8
    ("dynamic", 1, 12),     # 1,2,3,4 at once; then 5 on t0 (1-6), 6 on t1 (2-8),
                            # 7 on t2 (3-10), 8 on t3 (4-12)
    ("guided", 1, 13),      # chunks of 2, 2, 1, 1, 1, 1: {1,2} {3,4} 5 6; 7 on t0 (3-10),
                            # 8 on t2 (5-13)
])
def test_parallel_for_by_hand(tmp_path, schedule, chunk, units):
    run = run_program(tmp_path, LOOP, nodes=1, cores=4, args={"schedule": schedule,
                                                            "chunk": chunk})
    assert run.makespan == pytest.approx(units * UNIT, rel=1e-12)
    assert run.summary["flops"] == pytest.approx(36e8)


def test_schedules_cover_every_iteration_once():
    for n in range(0, 30):
        for t in (1, 3, 4):
            for chunk in (0, 1, 2, 5):
                covered = sorted(i for part in static_plan(n, t, chunk) for a, b in part
                                 for i in range(a, b))
                assert covered == list(range(n))
            for schedule in ("dynamic", "guided"):
                a, seen = 0, []
                while a < n:
                    a0, a = next_chunk(a, n, t, schedule, 2)
                    seen += range(a0, a)
                assert seen == list(range(n))


CRITICAL = """
def main(comm):
    def add(c):
        with (yield c.critical("sum")):
            yield c.compute(1e8)
    tasks = [comm.spawn(add) for _ in range(3)]      # on threads 1, 2, 3
    yield from add(comm)                             # thread 0 takes the lock first
    yield comm.join(tasks)
"""


def test_critical_section_serialises_exactly(tmp_path):
    run = run_program(tmp_path, CRITICAL, nodes=1, cores=4)
    assert run.makespan == pytest.approx(4 * UNIT, rel=1e-12)
    t = run.trace
    wait = t.kind == KIND_CODE["wait"]
    per_pe = [float((t.end_s - t.start_s)[wait & (t.pe == pe)].sum()) for pe in range(4)]
    # threads 1, 2, 3 wait 1, 2, 3 units for the lock; thread 0 waits 3 in join
    assert per_pe == pytest.approx([3 * UNIT, 1 * UNIT, 2 * UNIT, 3 * UNIT], rel=1e-12)


def test_spawn_join_returns_values_and_runs_in_parallel(tmp_path):
    src = """
    def main(comm):
        def work(c, k):
            yield c.compute(k * 1e8)
            return k * 10
        tasks = [comm.spawn(work, k) for k in (1, 2, 3)]
        values = yield comm.join(tasks)
        assert values == [10, 20, 30], values
        first = yield comm.join(tasks[0])
        assert first == 10
    """
    run = run_program(tmp_path, src, nodes=1, cores=4)
    assert run.makespan == pytest.approx(3 * UNIT, rel=1e-12)


def test_thread_barrier_waits_for_the_slowest(tmp_path):
    src = """
    def main(comm):
        def step(c, k):
            yield c.compute(k * 1e8)
            yield c.thread_barrier(3)
            yield c.compute(1e8)
        yield comm.join([comm.spawn(step, k) for k in (1, 2, 3)])
    """
    run = run_program(tmp_path, src, nodes=1, cores=4)
    assert run.makespan == pytest.approx(4 * UNIT, rel=1e-12)


def test_threads_on_one_pe_take_turns(tmp_path):
    """With one PE per rank, spawned tasks share it first come first served."""
    src = """
    def main(comm):
        def work(c):
            yield c.compute(1e8)
        yield comm.join([comm.spawn(work) for _ in range(3)])
    """
    run = run_program(tmp_path, src, nodes=1, cores=1)
    one = Machine(MachineSpec(cores=1)).compute_time(1e8, "fp64", 1.0)
    assert run.makespan == pytest.approx(3 * one, rel=1e-12)
