"""The heterogeneous presets tell their lessons (relations, not pasted figures)."""

import pytest

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


def test_a_staged_halo_pays_two_host_link_copies_per_message():
    staged, direct = run("gpu-halo-staged"), run("gpu-halo-direct")
    sc = scenario.load("gpu-halo-staged")
    dev, net = sc.machine.device[0], sc.machine.network
    n = sc.workload.messages[0].bytes
    step = sc.workload.tasks[0].flops / (dev.freq_ghz * 1e9 * 2 * dev.fma_units * (dev.simd_bits // 64))
    hop = dev.link_latency_us * 1e-6 + n / (dev.link_gbs * 1e9)
    wire = net.latency_us * 1e-6 + n / (net.bandwidth_gbs * 1e9)
    assert direct["makespan_s"] == pytest.approx(10 * step + 9 * wire)
    assert staged["makespan_s"] == pytest.approx(10 * step + 9 * (hop + wire + hop))
    assert staged["copied_bytes"] == 2 * staged["bytes_sent"] and direct["copied_bytes"] == 0
