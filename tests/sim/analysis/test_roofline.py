"""Roofline: intensities, ceilings and ridge points against hand-computed values."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.analysis import roofline
from parasim.sim.machine.machine import Machine
from parasim.sim.simulate import simulate
from tests.helpers import machine, scenario

# 16 cores, 2.5 GHz, 2 FMA, 256 bits: fp64 peak 16 x 40 GFLOP/s = 640 GFLOP/s
MKW = {"cores": 16, "freq_ghz": 2.5, "fma_units": 2, "simd_bits": 256,
       "memory": {"bandwidth_gbs": 40.0, "core_bandwidth_gbs": 10.0, "latency_ns": 0.0}}


def test_ceilings_and_ridge_by_hand():
    m = machine(nodes=2, cores=16, freq_ghz=2.5, simd_bits=256, bw=40.0, core_bw=10.0)
    assert roofline.memory_bandwidth(m) == 2 * 40e9        # min(40, 16 x 10) per node
    assert roofline.ridge_point(m, "fp64") == pytest.approx(1280e9 / 80e9)   # 16 FLOP/B
    assert roofline.ridge_point(m, "fp32") == pytest.approx(32.0)
    few = machine(cores=2, bw=100.0, core_bw=20.0)            # 2 cores draw only 40 GB/s
    assert roofline.memory_bandwidth(few) == 40e9
    assert roofline.attainable(m, 1.0).item() == 80e9
    assert roofline.attainable(m, 100.0).item() == 1280e9


def test_triad_is_memory_bound():
    run = simulate(scenario("triad", machine_kw=MKW, n=1 << 20, tasks=32), baseline=False)
    s = run.summary
    assert s["arithmetic_intensity"] == pytest.approx(2 / 24)    # 2 FLOPs per 24 bytes
    assert s["ridge_point"] == pytest.approx(640e9 / 40e9)
    assert s["roofline_bound"] == "memory"
    # the run cannot beat I x B = 40e9 / 12 FLOP/s
    assert s["flops_per_s"] <= s["attainable_flops_per_s"] * (1 + 1e-9)


def test_large_matmul_is_compute_bound():
    run = simulate(scenario("matmul", machine_kw=MKW, n=1024, tile=256), baseline=False)
    s = run.summary
    # 16 tiles, each 2 x 256 x 256 x 1024 FLOPs over 8 (2 x 256 x 1024 + 256^2) bytes
    assert s["arithmetic_intensity"] == pytest.approx(
        2 * 256 * 256 * 1024 / (8 * (2 * 256 * 1024 + 256 ** 2)))   # 28.4 FLOP/B > 16
    assert s["roofline_bound"] == "compute"


def test_task_points_from_the_trace():
    run = simulate(scenario("triad", machine_kw=MKW, n=1 << 20, tasks=4), baseline=False)
    data = roofline.plot_data(Machine(run.scenario.machine), run.trace)
    pts = data["tasks"]
    assert pts["task"].tolist() == [0, 1, 2, 3]
    assert np.allclose(pts["intensity"], 2 / 24)
    # 4 tasks on 16 cores each draw 10 GB/s: 10e9 / 12 FLOP/s each
    assert np.allclose(pts["flops_per_s"], 10e9 / 12, rtol=1e-9)
    assert data["ridge_point"]["fp16"] == pytest.approx(4 * data["ridge_point"]["fp64"])


@settings(max_examples=30)
@given(f=st.floats(0, 1e12), b=st.floats(0, 1e12))
def test_intensity_and_bound_are_consistent(f, b):
    ai = roofline.intensity(f, b).item()
    if b > 0:
        assert ai == pytest.approx(f / b)
    else:
        assert ai == (math.inf if f > 0 else 0.0)
    assert roofline.bound(ai, 4.0) == ("memory" if ai < 4.0 else "compute")


def test_runs_carry_the_roofline_plot_data():
    run = simulate(scenario("triad", machine_kw=MKW, n=1 << 16, tasks=8), baseline=False)
    data = run.extras["roofline"]
    assert data["peak_flops_per_s"]["fp64"] == 640e9
    assert data["memory_bandwidth_bytes_per_s"] == 40e9
    assert data["tasks"]["task"].tolist() == list(range(8))


def test_mixed_peak_by_hand():
    from parasim.sim import scenario as scenario_mod
    run = simulate(scenario_mod.load("mixed-precision"), baseline=False)
    # 200 MFLOP at each of 64, 128, 256 GFLOP/s: 600 MFLOP / 5.46875 ms = 109.7 GFLOP/s
    peak = 6e8 / (2e8 / 64e9 + 2e8 / 128e9 + 2e8 / 256e9)
    assert run.summary["peak_flops_per_s"] == pytest.approx(peak, rel=1e-12)
    assert run.summary["fraction_of_peak"] == pytest.approx(1.0, rel=1e-9)


def test_run_point_is_the_summary_intensity_and_rate():
    from parasim.sim.analysis.roofline import run_point
    assert run_point({"arithmetic_intensity": 2.0, "flops_per_s": 5.0}) == (2.0, 5.0)
    assert run_point({"arithmetic_intensity": float("inf"), "flops_per_s": 5.0}) is None
    assert run_point({"arithmetic_intensity": None, "flops_per_s": None}) is None
