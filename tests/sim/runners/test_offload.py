"""GPU-like offload: transfer times, kernel time and the crossover size by hand."""

import numpy as np
import pytest

from parasim.sim import scenario as scenario_mod
from parasim.sim.errors import ScenarioError
from parasim.sim.report import format_summary
from parasim.sim.simulate import simulate
from parasim.sim.trace import KIND_CODE

# Preset by hand: host 8 cores x 40 GFLOP/s = 320 GFLOP/s; device 80 SMs x 1.5 GHz x 64
# = 7.68 TFLOP/s; link 16 GB/s, 10 µs; 2000 FLOP, 8 + 8 bytes per element.
C_HOST = 2000 / 320e9                     # 6.25 ns per element
C_DEV = 2000 / 7.68e12                    # 0.2604 ns per element
C_LINK = 16 / 16e9                        # 1 ns per element
N_STAR = 2 * 10e-6 / (C_HOST - C_DEV - C_LINK)   # 4008.35 elements


def offload(n, **kw):
    sets = [f"workload.n={n}"] + [f"workload.{k}={v}" for k, v in kw.items()]
    return simulate(scenario_mod.load("gpu-offload", sets))


def test_offload_times_by_hand():
    r = offload(1_000_000)
    s = r.summary
    assert s["copy_in_s"] == pytest.approx(10e-6 + 8e6 / 16e9, rel=1e-12)       # 510 µs
    assert s["copy_out_s"] == pytest.approx(10e-6 + 8e6 / 16e9, rel=1e-12)
    assert s["kernel_s"] == pytest.approx(1e6 * C_DEV, rel=1e-12)               # 260 µs
    assert s["host_only_s"] == pytest.approx(1e6 * C_HOST, rel=1e-12)           # 6.25 ms
    assert r.makespan == pytest.approx(s["copy_in_s"] + s["kernel_s"] + s["copy_out_s"],
                                       rel=1e-12)
    t = r.trace
    host_row = t.pe == 0          # waits for the kernel, then for the copy out
    assert t.kind[host_row].tolist() == [KIND_CODE["wait"], KIND_CODE["copy"]]
    assert t.end_s[host_row][-1] == pytest.approx(r.makespan)
    sm = t.kind == KIND_CODE["compute"]
    assert set(t.pe[sm].tolist()) == set(range(8, 88))        # the 80 SMs after 8 cores
    assert t.start_s[sm].min() == pytest.approx(s["copy_in_s"])
    copy_in = (t.kind == KIND_CODE["copy"]) & (t.pe >= 8)     # every SM waited for it
    assert len(t.pe[copy_in]) == 80 and np.allclose(t.end_s[copy_in], s["copy_in_s"])
    assert t.flops.sum() == 2000 * 1e6
    assert s["copies"] == 2 and s["copied_bytes"] == 16e6


def test_crossover_size_by_hand():
    assert offload(10_000).summary["crossover_n"] == pytest.approx(N_STAR, rel=1e-12)
    assert 4000 < N_STAR < 4020


def test_offload_pays_off_only_above_the_crossover():
    below = offload(int(0.9 * N_STAR)).summary
    above = offload(int(1.1 * N_STAR)).summary
    assert not below["offload_pays_off"] and below["offload_speedup"] < 1
    assert above["offload_pays_off"] and above["offload_speedup"] > 1


def test_too_little_work_per_byte_never_pays_off():
    s = offload(10_000_000, flops_per_element=200.0).summary
    assert s["crossover_n"] is None and not s["offload_pays_off"]


def test_offload_without_a_device_is_a_clear_error():
    sc = scenario_mod.load("smp-matmul")
    data = scenario_mod.to_dict(sc)
    data["workload"] = {"kind": "offload", "n": 1000}
    with pytest.raises(ScenarioError, match=r"needs a device: add a \[machine.accelerator\]"):
        simulate(scenario_mod.from_dict(data))


def test_offload_is_deterministic():
    a, b = offload(50_000), offload(50_000)
    assert a.trace.equals(b.trace)


def test_power_on_an_offload_run_is_stated_not_dropped():
    s = offload(1_000_000, **{}).summary
    assert "warnings" not in s
    sc = scenario_mod.load("gpu-offload", ["machine.power.static_w=1"])
    powered = simulate(sc).summary
    assert powered["warnings"] == ["power is not modelled for an offload run ([machine.power] "
                                   "describes the host's cores, not the device): no energy "
                                   "figures"]
    assert powered.get("energy_j") is None
    assert format_summary(powered).splitlines()[1].startswith("  Warning")

