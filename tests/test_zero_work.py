"""Runs with no arithmetic (or no tasks at all) finish and report zero work.

The crash these guard against is in sim/roofline.py (branch fix2's file): the tests are
strict xfails here and turn into failures (XPASS) once fix2 is merged, so the marker
must then be removed.
"""

import math

import pytest

from sim import scenario as scenario_mod
from sim.simulate import simulate
from tests.helpers import scenario

needs_fix2 = pytest.mark.xfail(strict=True, reason="fixed on fix2")


def zero_work_scenarios():
    return {
        "allreduce on one node": scenario_mod.load("cluster-allreduce", ["machine.nodes=1"]),
        "bag of zero-flop tasks": scenario("bag", tasks=8, flops_per_task=0.0),
        "custom with no tasks": scenario("custom", tasks=[]),
    }


@needs_fix2
@pytest.mark.parametrize("name", list(zero_work_scenarios()))
def test_zero_work_runs_finish_with_zero_flops(name):
    run = simulate(zero_work_scenarios()[name])
    assert run.summary["flops"] == 0
    assert math.isfinite(run.summary["makespan_s"]) and run.summary["makespan_s"] >= 0
