"""SIMD lanes, precision and lane efficiency: times against hand-computed values."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim import scenario as scenario_mod
from parasim.sim.errors import ScenarioError
from parasim.sim.simulate import simulate
from tests.helpers import scenario


def one_task(simd_bits=256, precision="fp64", vector_fraction=1.0, lane_efficiency=1.0,
             flops=1e9, freq_ghz=2.0):
    sc = scenario("bag", machine_kw={"cores": 1, "simd_bits": simd_bits, "freq_ghz": freq_ghz,
                                     "fma_units": 2},
                  tasks=1, flops_per_task=flops, precision=precision,
                  vector_fraction=vector_fraction, lane_efficiency=lane_efficiency)
    return simulate(sc, baseline=False)


@settings(max_examples=15)
@given(bits=st.sampled_from([64, 128, 256, 512, 1024]), flops=st.floats(1e6, 1e12),
       freq=st.floats(0.5, 5.0))
def test_doubling_simd_bits_halves_a_vectorised_compute_bound_task(bits, flops, freq):
    t1 = one_task(bits, flops=flops, freq_ghz=freq).makespan
    t2 = one_task(2 * bits, flops=flops, freq_ghz=freq).makespan
    assert t2 == pytest.approx(t1 / 2, rel=1e-12)


def test_fp32_runs_twice_as_fast_as_fp64_and_fp16_four_times():
    # 256 bits, 2 GHz, 2 FMA: fp64 4 lanes -> 32 GFLOP/s, so 1 GFLOP takes 31.25 ms
    t64 = one_task(precision="fp64").makespan
    assert t64 == pytest.approx(1e9 / 32e9, rel=1e-12)
    assert one_task(precision="fp32").makespan == pytest.approx(t64 / 2, rel=1e-12)
    assert one_task(precision="fp16").makespan == pytest.approx(t64 / 4, rel=1e-12)
    assert one_task(precision="bf16").makespan == pytest.approx(t64 / 4, rel=1e-12)


def test_lane_efficiency_slows_only_the_vector_part():
    # scalar 8 GFLOP/s, vector 32 GFLOP/s; v = 0.5, e = 0.5:
    # 0.5e9 / 8e9 + 0.5e9 / (32e9 x 0.5) = 0.0625 + 0.03125 s
    r = one_task(vector_fraction=0.5, lane_efficiency=0.5)
    assert r.makespan == pytest.approx(0.09375, rel=1e-12)
    assert r.trace.lanes_active.tolist() == [2]


def test_simd_lanes_preset_follows_amdahl_inside_a_core():
    run = simulate(scenario_mod.load("simd-lanes"), baseline=False)
    t = run.trace
    dur = dict(zip(t.task.tolist(), (t.end_s - t.start_s).tolist()))
    names = run.task_names
    scalar = 2e7 / 8e9                         # 20 MFLOP at 8 GFLOP/s: 2.5 ms
    for task, name in enumerate(names):
        k = int(name.split()[1])
        v = float(name.split("v=")[1].rstrip("%")) / 100
        # by hand: T(k, v) = T1 ((1 - v) + v / k)
        assert dur[task] == pytest.approx(scalar * ((1 - v) + v / k), rel=1e-12), name
        assert t.lanes_active[t.task == task].tolist() == [k]
    # 8 lanes at v = 90 %: 2.5 ms x (0.1 + 0.9 / 8) = 0.53125 ms, a 4.7x speedup
    i = names.index("fp64 8 lanes v=90%")
    assert dur[i] == pytest.approx(0.53125e-3, rel=1e-12)
    # the chain runs the variants back to back: makespan = sum of the variants
    assert run.makespan == pytest.approx(sum(dur.values()), rel=1e-12)


def test_mixed_precision_preset_halves_time_per_halving_of_width():
    run = simulate(scenario_mod.load("mixed-precision"), baseline=False)
    t = run.trace
    d = (t.end_s - t.start_s)[np.argsort(t.task)]
    assert d[0] == pytest.approx(2e8 / 64e9, rel=1e-12)          # fp64: 3.125 ms
    assert d.tolist() == pytest.approx([d[0], d[0] / 2, d[0] / 4], rel=1e-12)
    assert t.lanes_active[np.argsort(t.task)].tolist() == [8, 16, 32]


def test_simd_loop_rejects_more_lanes_than_the_register_holds():
    with pytest.raises(ScenarioError, match="workload.lanes asks for 16 lanes but fp64 has 8"):
        simulate(scenario_mod.load("simd-lanes", ["workload.lanes=[16]"]), baseline=False)
    with pytest.raises(ScenarioError, match=r"workload.vector_fractions\[1\] must be in"):
        scenario_mod.load("simd-lanes", ["workload.vector_fractions=[0.5, 1.5]"])
    with pytest.raises(ScenarioError, match="workload.lane_efficiency must be > 0"):
        scenario("triad", lane_efficiency=0)


@pytest.mark.parametrize("kind, kw", [("triad", {"n": 1000, "tasks": 4}),
                                      ("matmul", {"n": 64, "tile": 32}),
                                      ("bag", {"tasks": 3})])
def test_lane_efficiency_reaches_every_task(kind, kw):
    from parasim.sim.machine.machine import Machine
    from parasim.sim.workloads import module_for
    sc = scenario(kind, lane_efficiency=0.25, **kw)
    g = module_for(kind).build(sc.workload, Machine(sc.machine), np.random.default_rng(1))
    assert np.all(g.lane_efficiency == 0.25)


@settings(max_examples=20)
@given(v=st.floats(0, 1), k=st.sampled_from([1, 2, 4, 8]))
def test_more_lanes_never_slow_a_loop_and_gain_is_capped_by_amdahl(v, k):
    sc = scenario_mod.load("simd-lanes", [f"workload.lanes=[1, {k}]",
                                          f"workload.vector_fractions=[{v!r}]"])
    t = simulate(sc, baseline=False).trace
    d = (t.end_s - t.start_s)[np.argsort(t.task)]
    assert d[1] <= d[0] * (1 + 1e-12)
    if v < 1:
        assert d[0] / d[1] <= 1 / (1 - v) * (1 + 1e-9)
