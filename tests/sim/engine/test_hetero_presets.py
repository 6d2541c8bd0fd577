"""The heterogeneous presets tell their lessons (relations, not pasted figures)."""

from parasim.sim import scenario
from parasim.sim.simulate import simulate


def run(name, *sets):
    return simulate(scenario.load(name, list(sets)), baseline=False).summary


def test_big_little_fastest_on_all_cores_cheapest_on_the_little_ones():
    both, little = run("big-little"), run("big-little-efficient")
    big = run("big-little", "workload.where=big")
    assert both["makespan_s"] < big["makespan_s"] < little["makespan_s"]
    assert little["energy_j"] < both["energy_j"] < big["energy_j"]
    assert little["units"]["big"]["flops"] == 0.0


def test_heft_beats_everything_on_one_kind():
    heft, gpu = run("hetero-dag-heft"), run("hetero-dag-gpu-only")
    cpu = run("hetero-dag-heft", "workload.placement=cpu")
    assert heft["makespan_s"] < 0.5 * min(gpu["makespan_s"], cpu["makespan_s"])
    assert heft["copied_bytes"] > 0 and gpu["copied_bytes"] == cpu["copied_bytes"] == 0
    assert heft["makespan_s"] >= heft["critical_path_s"] * (1 - 1e-9)
