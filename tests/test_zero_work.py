"""Runs with no work (no FLOPs, or no tasks at all) finish and report n/a, not a traceback."""

import pytest

from sim import scenario as scenario_mod
from sim.report import format_summary
from sim.simulate import simulate
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
