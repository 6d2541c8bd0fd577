"""The example programs (assets/programs/) and their presets: each runs, and the
figures their lessons quote hold."""

from __future__ import annotations

import pytest

from parasim.sim import scenario
from parasim.sim.simulate import simulate

PROGRAM_PRESETS = [n for n in scenario.preset_names()
                   if scenario.load(n).workload.kind in ("program", "goal")]


def makespan(name: str, *overrides: str) -> float:
    return simulate(scenario.load(name, list(overrides))).makespan


def test_there_is_a_preset_for_every_example():
    files = {scenario.load(n).workload.file for n in PROGRAM_PRESETS}
    assert files == {"pingpong.py", "bcast_tree.py", "ring_allreduce.py", "halo2d.py",
                     "master_worker.py", "odd_even_sort.py", "prefix_sum.py",
                     "parallel_for.py", "critical_sum.py", "dissemination_16.goal"}


@pytest.mark.parametrize("name, ms", [
    ("loggp-pingpong", 0.080), ("goal-dissemination", 0.022),
    ("program-bcast-binomial", 0.574), ("program-bcast-linear", 1.467),
    ("program-ring-allreduce", 18.78), ("program-halo-overlap", 3.08),
    ("program-halo-blocking", 5.01), ("program-master-worker", 1477),
    ("program-static-split", 2019), ("program-odd-even-sort", 3.95),
    ("program-prefix-hillis-steele", 0.0584), ("program-prefix-blelloch", 0.0716),
    ("program-parallel-for-static", 11_722), ("program-parallel-for-dynamic", 6275),
    ("program-parallel-for-guided", 6269), ("program-critical-sum", 2.28),
    ("program-tree-sum", 1.655),
])
def test_lesson_figures(name, ms):
    assert makespan(name) * 1e3 == pytest.approx(ms, rel=5e-3)


def test_the_hand_written_ring_is_the_library_ring():
    assert makespan("program-ring-allreduce") == makespan("program-ring-allreduce-library")


def test_loggp_pingpong_is_overhead_bound():
    """8 B: 10 round trips of 2 (o + L + o) = 8 us; without o, 2 L = 2 us each."""
    assert makespan("loggp-pingpong") == pytest.approx(10 * 2 * (1.5 + 1 + 1.5) * 1e-6 +
                                                       10 * 2 * 7 / 12.5e9, rel=1e-9)


def test_parallel_for_ideal_is_the_work_over_the_cores():
    work, rate = 1e6 * 2000 * 2001 / 2, 2.5e9 * 2 * 2 * 4
    assert makespan("program-parallel-for-dynamic") >= work / 8 / rate
    assert makespan("program-parallel-for-static") == pytest.approx(
        sum((i + 1) * 1e6 for i in range(1750, 2000)) / rate, rel=1e-12)
