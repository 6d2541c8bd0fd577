"""Top500 presets: Rpeak from the node spec, published figures, the machines verb."""

import json

import pytest

from parasim.sim import scenario as scenario_mod
from parasim.sim.cli import main
from parasim.sim.machine import top500
from parasim.sim.machine.accelerator import AcceleratorSpec
from parasim.sim.machine.machine import MachineSpec, node_peak, system_peak


@pytest.mark.parametrize("system", top500.SYSTEMS, ids=lambda s: s.key)
def test_full_system_rpeak_is_nodes_times_the_node_spec(system):
    n = system.node
    host = n.cores * n.freq_ghz * 1e9 * 2 * n.fma_units * (n.simd_bits // 64)
    acc = n.accelerator
    dev = 0.0 if acc is None else \
        acc.count * acc.sms * acc.freq_ghz * 1e9 * 2 * acc.fma_units * (acc.simd_bits // 64)
    assert system.computed_rpeak() == pytest.approx(system.nodes * (host + dev), rel=1e-12)
    assert system_peak(system.spec()) == pytest.approx(system.computed_rpeak(), rel=1e-12)
    assert system.computed_cores() == system.cores          # CPU cores + GPU SMs, as listed


def test_fugaku_by_hand():
    f = top500.get("fugaku")
    # 48 cores x 2.2 GHz x 32 fp64 FLOPs/cycle = 3379.2 GFLOP/s per node
    assert node_peak(f.node) == pytest.approx(48 * 2.2e9 * 32)
    assert f.computed_rpeak() == pytest.approx(158_976 * 3379.2e9)      # 537.2 PFLOP/s
    assert f.computed_rpeak() / 1e12 == pytest.approx(f.rpeak_tflops, rel=1e-5)


@pytest.mark.parametrize("key", ["fugaku", "frontera", "sunway-taihulight"])
def test_cpu_systems_reproduce_the_published_rpeak(key):
    s = top500.get(key)
    assert s.computed_rpeak() / 1e12 == pytest.approx(s.rpeak_tflops, rel=1e-5)


def test_gpu_nodes_carry_their_gpus():
    for key in ("summit", "selene"):
        s = top500.get(key)
        assert s.node.accelerator is not None
        acc = s.node.accelerator.count * s.node.accelerator.peak()
        assert acc / node_peak(s.node) > 0.9          # the GPUs carry the peak
    v100 = top500.get("summit").node.accelerator
    assert v100.peak() == pytest.approx(80 * 1.38e9 * 64)               # 7.07 TFLOP/s
    assert top500.get("hpc5").node.accelerator.peak() == pytest.approx(80 * 1.23e9 * 64)
    a100 = top500.get("selene").node.accelerator
    assert a100.peak() == pytest.approx(108 * 1.2374e9 * 128)           # 17.1 TFLOP/s


@pytest.mark.parametrize("key", ["fugaku", "summit", "sierra", "sunway-taihulight", "selene",
                                 "juwels-booster", "hpc5", "frontera"])
def test_rpeak_within_one_percent_of_the_list(key):
    s = top500.get(key)
    assert s.computed_rpeak() / 1e12 == pytest.approx(s.rpeak_tflops, rel=0.01)
    assert s.clock


def test_summit_node_by_hand():
    # 44 x 3.07 GHz x 8 + 6 x 80 x 1.38 GHz x 64 = 1.0806 + 42.393 = 43.474 TFLOP/s
    assert node_peak(top500.get("summit").node) == pytest.approx(44 * 3.07e9 * 8
                                                                 + 6 * 80 * 1.38e9 * 64)


def test_accelerator_lanes_follow_precision():
    a = AcceleratorSpec(sms=10, freq_ghz=1.0, fma_units=1, simd_bits=256)
    assert a.peak("fp64") == 10 * 1e9 * 2 * 4
    assert a.peak("fp32") == 2 * a.peak("fp64") and a.peak("fp16") == 4 * a.peak("fp64")
    assert node_peak(MachineSpec(cores=2, freq_ghz=1.0, fma_units=1, simd_bits=128,
                                 accelerator=a)) == 2 * 4e9 + 80e9


def test_fugaku_hpl_preset_uses_the_fugaku_node():
    sc = scenario_mod.load("top500-fugaku-hpl")
    assert sc.machine == top500.get("fugaku").spec(nodes=sc.machine.nodes)
    assert sc.workload.p * sc.workload.q == sc.machine.cores * sc.machine.nodes


def test_unknown_machine_is_a_clear_error():
    with pytest.raises(ValueError, match="no Top500 machine named 'k-computer'"):
        top500.get("k-computer")


def test_machines_verb_json_and_table(capsys):
    assert main(["machines", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["key"] for r in rows] == [s.key for s in top500.SYSTEMS]
    fug = rows[0]
    assert fug["published_rmax_flops_per_s"] == 442_010e12
    assert fug["published_power_w"] == 29_899e3
    assert rows[-1]["published_power_w"] is None                        # Frontera: not listed
    assert main(["machines"]) == 0
    out = capsys.readouterr().out
    assert "fugaku" in out and "537 PFLOP/s" in out and "7,630,848" in out


def test_machine_preset_fills_the_node_and_keys_beside_it_override():
    data = {"machine": {"preset": "summit", "nodes": 16, "memory": {"latency_ns": 50.0}},
            "workload": {"kind": "bag", "tasks": 4}}
    sc = scenario_mod.from_dict(data)
    want = top500.get("summit").spec(nodes=16)
    assert sc.machine.accelerator == want.accelerator
    assert sc.machine.nodes == 16 and sc.machine.cores == want.cores
    assert sc.machine.memory.latency_ns == 50.0
    assert sc.machine.memory.bandwidth_gbs == want.memory.bandwidth_gbs
    data["machine"]["preset"] = "k-computer"
    with pytest.raises(ValueError, match="machine.preset must be one of fugaku"):
        scenario_mod.from_dict(data)
