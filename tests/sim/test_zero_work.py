"""Runs with no work (no FLOPs, or no tasks at all) finish and report n/a, not a traceback."""

import pytest

from parasim.sim import scenario as scenario_mod
from parasim.sim.report import format_summary, summary_rows
from parasim.sim.simulate import simulate
from tests.helpers import scenario


def zero_work_runs():
    yield "allreduce on one node", scenario_mod.load("cluster-allreduce", ["machine.nodes=1"])
    yield "bag of zero-FLOP tasks", scenario("bag", {"cores": 4}, tasks=8, flops_per_task=0.0)
    yield "custom with no tasks", scenario("custom")


@pytest.mark.parametrize("label,sc", list(zero_work_runs()), ids=lambda v: str(v)[:20])
def test_zero_work_runs_finish(label, sc):
    run = simulate(sc)
    assert run.summary["flops"] == 0.0
    text = format_summary(run.summary)
    assert "Work" in text
    assert len(run.extras["roofline"]["tasks"]["task"]) == len(
        run.extras["roofline"]["tasks"]["flops_per_s"])


def test_karp_flatt_in_the_summary_is_none_when_meaningless():
    # cluster-allreduce: S = 3 ms / 9.8 ms ~ 0.31 < 1 on 16 PEs -> e = 3.42 would be printed
    slow = simulate(scenario_mod.load("cluster-allreduce")).summary
    assert slow["speedup"] < 1 and slow["karp_flatt"] is None
    # smp-matmul: 256 equal tiles on 8 cores, S = 8 up to rounding -> exactly 0, not -0.0000
    perfect = simulate(scenario_mod.load("smp-matmul")).summary
    assert perfect["speedup"] == pytest.approx(8.0, rel=1e-12)
    assert perfect["karp_flatt"] == 0.0


def test_an_empty_program_says_nothing_ran():
    rows = dict(summary_rows(simulate(scenario("custom")).summary))
    assert rows["Note"] == "no tasks: nothing ran"
    assert rows["Roofline"] == "n/a" and rows["Speedup"] == "n/a"
