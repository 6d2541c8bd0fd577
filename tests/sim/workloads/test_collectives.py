"""Each collective's time against its documented cost formula (contention-free crossbar)."""

import math

import pytest

from parasim.sim.taskgraph import GraphBuilder
from parasim.sim.workloads import collectives as C
from tests.helpers import scenario
from tests.netutil import ALPHA, BETA, cluster, run

N = 1e6


def timed(P, build):
    m = cluster(P)
    g = GraphBuilder()
    build(g, list(range(P)))
    makespan, _, _ = run(m, g)
    gamma = (N / 8) / m.vector_rate("fp64")        # one step's adds, fp64 on the lanes
    return makespan, gamma


@pytest.mark.parametrize("P", [2, 5, 8, 16])
def test_binomial_broadcast_is_ceil_log2_p_steps(P):
    t, _ = timed(P, lambda g, pes: C.bcast(g, pes, N))
    assert t == pytest.approx(math.ceil(math.log2(P)) * (ALPHA + N / BETA), rel=1e-9)


@pytest.mark.parametrize("P", [3, 8])
def test_linear_broadcast_is_p_minus_1_steps(P):
    t, _ = timed(P, lambda g, pes: C.bcast(g, pes, N, algorithm="linear"))
    assert t == pytest.approx((P - 1) * (ALPHA + N / BETA), rel=1e-9)


@pytest.mark.parametrize("P", [2, 4, 8, 16])
def test_binomial_reduce_is_log2_p_steps_with_adds(P):
    t, gamma = timed(P, lambda g, pes: C.reduce(g, pes, N))
    assert t == pytest.approx(math.log2(P) * (ALPHA + N / BETA + gamma), rel=1e-9)


@pytest.mark.parametrize("P", [2, 5, 8, 12])
def test_ring_allreduce_is_2_p_minus_1_steps(P):
    """2 (P - 1) (alpha + n / (P beta)) plus the reduction arithmetic; contention-free, so
    exact."""
    t, gamma = timed(P, lambda g, pes: C.allreduce(g, pes, N, "ring"))
    expect = 2 * (P - 1) * (ALPHA + N / (P * BETA)) + (P - 1) * gamma / P
    assert t == pytest.approx(expect, rel=1e-9)


@pytest.mark.parametrize("P", [2, 4, 8])
def test_tree_allreduce_is_reduce_then_broadcast(P):
    t, gamma = timed(P, lambda g, pes: C.allreduce(g, pes, N, "tree"))
    L = math.log2(P)
    assert t == pytest.approx(2 * L * (ALPHA + N / BETA) + L * gamma, rel=1e-9)


@pytest.mark.parametrize("P", [2, 4, 16])
def test_recursive_doubling_is_log2_p_exchanges(P):
    t, gamma = timed(P, lambda g, pes: C.allreduce(g, pes, N, "recursive-doubling"))
    assert t == pytest.approx(math.log2(P) * (ALPHA + N / BETA + gamma), rel=1e-9)


@pytest.mark.parametrize("P", [3, 6])
def test_recursive_doubling_folds_extra_ranks_at_a_cost(P):
    t, gamma = timed(P, lambda g, pes: C.allreduce(g, pes, N, "recursive-doubling"))
    p2 = 1 << (P.bit_length() - 1)
    assert t >= math.log2(p2) * (ALPHA + N / BETA + gamma) + 2 * (ALPHA + N / BETA) + gamma


@pytest.mark.parametrize("P", [2, 5, 8])
def test_dissemination_barrier_is_ceil_log2_p_latencies(P):
    t, _ = timed(P, lambda g, pes: C.barrier(g, pes))
    assert t == pytest.approx(math.ceil(math.log2(P)) * ALPHA, rel=1e-9)


@pytest.mark.parametrize("P", [2, 5, 8])
def test_ring_allgather_and_pairwise_alltoall_are_p_minus_1_steps(P):
    t, _ = timed(P, lambda g, pes: C.allgather(g, pes, N))
    assert t == pytest.approx((P - 1) * (ALPHA + N / BETA), rel=1e-9)
    t, _ = timed(P, lambda g, pes: C.alltoall(g, pes, N))
    assert t == pytest.approx((P - 1) * (ALPHA + N / BETA), rel=1e-9)


def test_p2p_and_chaining_after_earlier_tasks():
    m = cluster(2)
    g = GraphBuilder()
    a = g.add(0.0, owner=0)
    s, r = C.p2p(g, 0, 1, N, after_src=a)
    assert g.build().deps(s).tolist() == [a]
    makespan, _, _ = run(m, g)
    assert makespan == pytest.approx(ALPHA + N / BETA, rel=1e-12)
    assert g.msgs == [(s, r, N, True)]


def test_allreduce_workload_small_vs_large_message_order_flips():
    """Latency-bound (8 B): tree beats ring; bandwidth-bound (64 MB): ring beats tree."""
    def t(nbytes, alg):
        from parasim.sim.simulate import simulate
        sc = scenario("allreduce", {"nodes": 16, "cores": 1, "network": {"preset": "ib-edr"}},
                      bytes=nbytes, algorithm=alg)
        return simulate(sc, baseline=False).makespan
    assert t(8.0, "tree") < t(8.0, "ring")
    assert t(64e6, "ring") < t(64e6, "tree")
    assert t(8.0, "ring") == pytest.approx(30 * 1e-6, rel=1e-3)        # 2 (P - 1) alpha
