"""Hypothesis invariants of runs with messages, and the fluid model's component shortcut."""

import math

import numpy as np
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.engine.engine import Engine
from parasim.sim.engine.fluid import FluidModel
from parasim.sim.machine.network import TOPOLOGIES
from parasim.sim.taskgraph import GraphBuilder
from parasim.sim.trace import KIND_CODE
from tests.netutil import cluster

SEND, RECV = KIND_CODE["send"], KIND_CODE["recv"]


@st.composite
def programs(draw):
    nodes = draw(st.integers(2, 6))
    cores = draw(st.integers(1, 2))
    topology = draw(st.sampled_from(TOPOLOGIES))
    m = cluster(nodes, cores, topology, hop_us=draw(st.sampled_from([0.0, 0.7])),
                lat_ns=draw(st.sampled_from([0.0, 90.0])))
    n = draw(st.integers(2, 25))
    g = GraphBuilder()
    for i in range(n):
        deps = draw(st.lists(st.integers(0, i - 1), max_size=2, unique=True)) if i else []
        g.add(draw(st.sampled_from([0.0, 1e6, 4e7])), draw(st.sampled_from([0.0, 0.0, 3e6])),
              deps=sorted(deps), owner=draw(st.integers(-1, m.pes - 1)))
    for _ in range(draw(st.integers(1, 15))):
        a = draw(st.integers(0, n - 2))
        g.message(a, draw(st.integers(a + 1, n - 1)), draw(st.sampled_from([0.0, 1e3, 2e6])),
                  draw(st.booleans()))
    return m, g.build(), draw(st.sampled_from(["dynamic", "block", "cyclic"]))


@settings(max_examples=40)
@given(programs())
def test_message_runs_keep_their_invariants(setup):
    m, graph, policy = setup
    e = Engine(m, graph, policy)
    makespan, tr = e.run()
    eps = 1e-9 * max(makespan, 1e-12)
    # no PE runs two things at once
    for pe in np.unique(tr.pe):
        sel = tr.pe == pe
        order = np.lexsort((tr.end_s[sel], tr.start_s[sel]))
        s, end = tr.start_s[sel][order], tr.end_s[sel][order]
        assert np.all(s[1:] >= end[:-1] - eps)
    sends, recvs = tr.select(tr.kind == SEND), tr.select(tr.kind == RECV)
    k = len(graph.msg_src)
    # one send and one receive per message, tied by msg and peer, bytes conserved
    assert sorted(sends.msg.tolist()) == list(range(k)) == sorted(recvs.msg.tolist())
    assert math.isclose(sends.bytes.sum(), recvs.bytes.sum()) and \
        math.isclose(sends.bytes.sum(), graph.msg_bytes.sum())
    owner = np.asarray(e.owner)
    s_by, r_by = np.argsort(sends.msg), np.argsort(recvs.msg)
    assert np.array_equal(sends.pe[s_by], owner[graph.msg_src])
    assert np.array_equal(recvs.peer[r_by], owner[graph.msg_src])
    assert np.array_equal(sends.peer[s_by], owner[graph.msg_dst])
    # a receive never ends before its send started plus the latency
    for j in range(k):
        a, b = owner[graph.msg_src[j]] // m.cores, owner[graph.msg_dst[j]] // m.cores
        same_pe = owner[graph.msg_src[j]] == owner[graph.msg_dst[j]]
        latency = 0.0 if same_pe else m.mem_latency if a == b else e.net.net.route(a, b)[1]
        assert recvs.end_s[r_by][j] >= sends.start_s[s_by][j] + latency - eps
        assert e.net.arrival[j] >= e.net.ideal_time(j) + sends.start_s[s_by][j] - eps
    # the destination task starts only after its message arrived
    work = tr.select((tr.kind == KIND_CODE["compute"]) | (tr.kind == KIND_CODE["stall"]))
    for j in range(k):
        starts = work.start_s[work.task == graph.msg_dst[j]]
        if len(starts):
            assert starts.min() >= e.net.arrival[j] - eps
    assert e.net.critical_path() <= makespan * (1 + 1e-9)
    # same inputs, same trace
    assert Engine(m, graph, policy).run()[1].equals(tr)


def reference_rates(capacities, flows):
    """Global progressive filling, written plainly: flows = [(resources, cap)]."""
    rate = [None] * len(flows)
    left = list(capacities)
    while any(r is None for r in rate):
        active = [i for i, r in enumerate(rate) if r is None]
        count = [sum(1 for i in active if res in flows[i][0]) for res in range(len(left))]
        share = min([left[r] / count[r] for r in range(len(left)) if count[r]] + [math.inf])
        cap = min(flows[i][1] for i in active)
        level = min(share, cap)
        for i in active:
            full = any(count[r] and left[r] / count[r] <= level for r in flows[i][0])
            if flows[i][1] <= level or full:
                rate[i] = level
        for i in active:
            if rate[i] is not None:
                for r in flows[i][0]:
                    left[r] -= level
    return rate


@settings(max_examples=80)
@given(st.lists(st.floats(1.0, 10.0), min_size=1, max_size=6).flatmap(
    lambda caps: st.tuples(st.just(caps), st.lists(st.tuples(
        st.lists(st.integers(0, len(caps) - 1), min_size=1, max_size=3, unique=True),
        st.sampled_from([0.5, 3.0, math.inf])), min_size=1, max_size=8))))
def test_component_recomputation_equals_global_max_min(case):
    caps, flows = case
    env = simpy.Environment()
    fm = FluidModel(env, caps)
    for res, cap in flows:
        fm.start(100.0, res, cap, lambda t: None)
    assert np.allclose(fm.rates(), reference_rates(caps, flows), rtol=1e-9)
