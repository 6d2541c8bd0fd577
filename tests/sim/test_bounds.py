"""Sizes and integers too large for finite totals or TOML are refused by path."""

import math

import pytest

from parasim.sim import scenario as sm
from parasim.sim.errors import ScenarioError
from parasim.sim.simulate import simulate
from parasim.sim.spec import MAX_FLOAT, MAX_INT


@pytest.mark.parametrize("preset, key, value", [
    ("cluster-allreduce", "workload.bytes", "1e308"),
    ("amdahl", "workload.flops", "1e308"),
    ("amdahl", "machine.memory.bandwidth_gbs", "1e300"),
    ("amdahl", "workload.flops", "1.0000001e30"),
    ("amdahl", "seed", "1e30"),
    ("amdahl", "seed", str(2 ** 63)),
    ("amdahl", "machine.cores", str(-2 ** 64)),
])
def test_oversized_numbers_are_refused_naming_the_path(preset, key, value):
    with pytest.raises(ScenarioError, match=f"^{key} must be") as e:
        sm.load(preset, [f"{key}={value}"])
    assert e.value.path == key


def test_a_custom_task_size_names_its_entry():
    text = '[workload]\nkind = "custom"\n[[workload.tasks]]\nname = "a"\nflops = 1e308\n'
    with pytest.raises(ScenarioError) as e:
        sm.loads(text)
    assert e.value.path == "workload.tasks[0].flops"


def test_the_largest_accepted_values_give_finite_totals_and_valid_toml():
    sc = sm.load("cluster-allreduce", [f"workload.bytes={MAX_FLOAT}", f"seed={MAX_INT}",
                                       "workload.ranks=2"])
    run = simulate(sc, baseline=False)
    # ring allreduce on P = 2 ranks: (P - 1) n / 8 flops = 1e30 / 8
    assert run.summary["flops"] == pytest.approx(MAX_FLOAT / 8, rel=1e-12)
    assert math.isfinite(run.summary["makespan_s"])
    assert sm.loads(sm.dumps(sc)) == sc and sc.seed == 2 ** 63 - 1
