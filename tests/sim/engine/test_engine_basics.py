"""Single tasks against hand-computed times, and the memory wall emerging from sharing."""

import numpy as np
import pytest

from parasim.sim.engine.engine import Engine
from parasim.sim.simulate import simulate
from parasim.sim.taskgraph import GraphBuilder, independent
from parasim.sim.trace import KIND_CODE
from tests.helpers import machine, scenario


def run(m, graph, policy="dynamic"):
    return Engine(m, graph, policy).run()


def test_one_compute_task_takes_flops_over_peak_exactly():
    m = machine(freq_ghz=2.0, fma_units=2, simd_bits=256)       # peak 32 GFLOP/s
    makespan, trace = run(m, independent(np.array([6.4e10]), np.array([0.0])))
    assert makespan == 6.4e10 / 32e9 == 2.0
    assert len(trace) == 1 and trace.kind[0] == KIND_CODE["compute"]
    assert trace.end_s[0] == 2.0


def test_memory_only_task_takes_latency_plus_bytes_over_bandwidth():
    m = machine(bw=50.0, core_bw=20.0, lat_ns=100.0)            # one core: 20 GB/s
    makespan, trace = run(m, independent(np.array([0.0]), np.array([4e9])))
    assert makespan == pytest.approx(100e-9 + 4e9 / 20e9, rel=1e-12)
    assert trace.kind.tolist() == [KIND_CODE["stall"]]
    assert trace.bytes[0] == 4e9


def test_compute_and_memory_overlap_and_the_rest_is_stall():
    m = machine(freq_ghz=1.0, fma_units=1, simd_bits=64, bw=10.0, core_bw=10.0)  # 2 GFLOP/s
    # 1 s of arithmetic, 3 s of memory: compute [0, 1], stall [1, 3]
    _, trace = run(m, independent(np.array([2e9]), np.array([3e10])))
    assert trace.kind.tolist() == [KIND_CODE["compute"], KIND_CODE["stall"]]
    assert trace.end_s.tolist() == pytest.approx([1.0, 3.0])


def test_two_cores_share_node_bandwidth_fairly():
    m = machine(cores=2, bw=10.0, core_bw=10.0)
    makespan, _ = run(m, independent(np.zeros(2), np.array([1e10, 1e10])))
    assert makespan == pytest.approx(2.0)          # each gets 5 GB/s


def test_dependencies_serialise_a_chain():
    m = machine(cores=4, freq_ghz=1.0, fma_units=1, simd_bits=64)   # 2 GFLOP/s
    g = GraphBuilder()
    a = g.add(2e9)
    b = g.add(2e9, deps=(a,))
    g.add(2e9, deps=(b,))
    makespan, _ = run(m, g.build())
    assert makespan == pytest.approx(3.0)


@pytest.mark.parametrize("p", [1, 2, 3, 4, 6, 8, 16])
def test_memory_wall_speedup_is_min_p_and_bandwidth_ratio(p):
    """Triad on P cores: speedup = min(P, B / b_core) = min(P, 40 / 10) within 2 %."""
    sc = scenario("triad", {"cores": p, "memory": {"bandwidth_gbs": 40.0,
                                                   "core_bandwidth_gbs": 10.0}},
                  n=2 ** 22, tasks=96)
    s = simulate(sc).summary
    assert s["speedup"] == pytest.approx(min(p, 4.0), rel=0.02)


@pytest.mark.parametrize("p", [1, 2, 4, 8, 16])
@pytest.mark.parametrize("s", [0.0, 0.05, 0.1, 0.5])
def test_amdahl_speedup(p, s):
    sc = scenario("amdahl", {"cores": p}, flops=1e10, serial_fraction=s, tasks=240)
    speedup = simulate(sc).summary["speedup"]
    assert speedup == pytest.approx(1 / (s + (1 - s) / p), rel=0.01)


def test_critical_path_first_beats_fifo_on_a_long_chain():
    """Two cores; a 3-task chain (1 s each) and 3 one-second independent tasks.

    FIFO starts the independents first (they are ready in index order ahead of the chain
    tail), critical-path starts the chain head at once: 3 s instead of 4 s.
    """
    m = machine(cores=2, freq_ghz=1.0, fma_units=1, simd_bits=64)   # 2 GFLOP/s
    g = GraphBuilder()
    for _ in range(3):
        g.add(2e9)
    c0 = g.add(2e9)
    c1 = g.add(2e9, deps=(c0,))
    g.add(2e9, deps=(c1,))
    graph = g.build()
    assert run(m, graph, "dynamic")[0] == pytest.approx(4.0)
    assert run(m, graph, "critical-path")[0] == pytest.approx(3.0)


def test_static_block_and_cyclic_placement():
    m = machine(cores=2)
    graph = independent(np.full(4, 1e9), np.zeros(4))
    _, tb = run(m, graph, "block")
    _, tc = run(m, graph, "cyclic")
    assert dict(zip(tb.task.tolist(), tb.pe.tolist())) == {0: 0, 1: 0, 2: 1, 3: 1}
    assert dict(zip(tc.task.tolist(), tc.pe.tolist())) == {0: 0, 1: 1, 2: 0, 3: 1}


def test_static_wait_spans_show_blocked_owner():
    """PE 1 owns a task that depends on PE 0's 1 s task: it waits [0, 1]."""
    m = machine(cores=2, freq_ghz=1.0, fma_units=1, simd_bits=64)
    g = GraphBuilder()
    a = g.add(2e9, owner=0)
    g.add(2e9, deps=(a,), owner=1)
    _, trace = run(m, g.build(), "block")
    waits = trace.kind == KIND_CODE["wait"]
    assert trace.pe[waits].tolist() == [1]
    assert (trace.start_s[waits][0], trace.end_s[waits][0]) == (0.0, 1.0)


def test_matmul_preset_speedup_close_to_core_count():
    from parasim.sim import scenario as sm
    s = simulate(sm.load("smp-matmul")).summary
    assert s["speedup"] == pytest.approx(8.0, rel=0.02)
    assert s["fraction_of_peak"] > 0.95
