"""Hypothesis invariants of the heterogeneous engine on random CPU+GPU machines and DAGs."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim import spec
from parasim.sim.engine.hetero import HeteroEngine
from parasim.sim.machine.costs import group_durations
from parasim.sim.machine.machine import Machine, MachineSpec
from parasim.sim.taskgraph import GraphBuilder
from parasim.sim.trace import KIND_CODE

WHERE = ["any", "cpu", "gpu", "big", "little"]


@st.composite
def setups(draw):
    devices = draw(st.integers(1, 2))
    data = {"nodes": draw(st.integers(1, 2)),
            "cpu": [{"name": "big", "count": draw(st.integers(1, 2)), "freq_ghz": 3.0},
                    {"name": "little", "count": draw(st.integers(1, 2)), "freq_ghz": 1.5,
                     "simd_bits": 128}],
            "device": [{"name": "gpu", "count": devices, "sms": draw(st.integers(1, 4)),
                        "matrix_fp64": draw(st.sampled_from([0.0, 128.0])),
                        "peer_link_gbs": draw(st.sampled_from([0.0, 50.0])),
                        "launch_latency_us": draw(st.sampled_from([0.0, 5.0])),
                        "network": draw(st.sampled_from(["staged", "direct"]))}]}
    m = Machine(spec.from_dict(MachineSpec, data, "machine"))
    n = draw(st.integers(1, 30))
    b = GraphBuilder()
    names = WHERE + ([f"gpu[{k}]" for k in range(devices)] if devices > 1 else [])
    for i in range(n):
        deps = sorted(draw(st.lists(st.integers(0, i - 1), max_size=3, unique=True))) if i else []
        b.add(draw(st.sampled_from([0.0, 1e6, 3e7, 4e8])),
              draw(st.sampled_from([0.0, 0.0, 1e5, 4e6])), deps=deps,
              where=draw(st.sampled_from(names)), matrix=draw(st.booleans()),
              block=draw(st.booleans()),
              reads=[draw(st.sampled_from([0.0, 1e5, 8e6])) for _ in deps])
    for _ in range(draw(st.integers(0, 6)) if n > 1 else 0):     # messages: src < dst
        dst = draw(st.integers(1, n - 1))
        b.message(draw(st.integers(0, dst - 1)), dst, draw(st.sampled_from([0.0, 1e5, 4e6])),
                  blocking=draw(st.booleans()))
    policy = draw(st.sampled_from(["dynamic", "critical-path", "block", "cyclic", "heft"]))
    return m, b.build(), policy


@settings(max_examples=40, deadline=None)
@given(setups())
def test_hetero_invariants(setup):
    m, g, policy = setup
    e = HeteroEngine(m, g, policy)
    makespan, tr = e.run()
    eps = 1e-9 * max(makespan, 1e-12)
    for pe in np.unique(tr.pe):                      # no unit runs two things at once
        sel = tr.pe == pe
        o = np.argsort(tr.start_s[sel], kind="stable")
        s, en = tr.start_s[sel][o], tr.end_s[sel][o]
        assert np.all(s[1:] >= en[:-1] - eps) and np.all(en >= s)
    run = (tr.task >= 0) & np.isin(tr.kind, [KIND_CODE["compute"], KIND_CODE["stall"]])
    start = np.full(g.n, np.inf)
    end = np.full(g.n, -np.inf)
    np.minimum.at(start, tr.task[run], tr.start_s[run])
    np.maximum.at(end, tr.task[run], tr.end_s[run])
    allow = e.allow
    for t in range(g.n):
        assert allow[t, e.pe_group[e.ran_on[t]]]      # ran where it may
        for k in range(g.dep_ptr[t], g.dep_ptr[t + 1]):
            p = g.dep_idx[k]
            if np.isfinite(start[t]) and np.isfinite(end[p]):
                assert start[t] >= end[p] - eps       # deps respected
    # data copied before use: every cross-domain read of a task has arrived by its start
    arrive = {}
    reads = g.dep_bytes if g.dep_bytes is not None else np.zeros(len(g.dep_idx))
    for node, _, d_, _, t1, _, p in e.copies:
        arrive[(p, node, d_)] = min(t1, arrive.get((p, node, d_), np.inf))
    for t in range(g.n):
        pe = e.ran_on[t]
        for k in range(g.dep_ptr[t], g.dep_ptr[t + 1]):
            p = g.dep_idx[k]
            q = e.ran_on[p]
            same_node = q // m.cores == pe // m.cores
            if reads[k] > 0 and same_node and e.pe_domain[q] != e.pe_domain[pe]:
                key = (p, pe // m.cores, e.pe_domain[pe])
                assert key in arrive
                if np.isfinite(start[t]):             # tasks taking no time have no span
                    assert arrive[key] <= start[t] + eps
    for k in range(len(g.msg_src)):                  # messages arrive before their receiver
        t = int(g.msg_dst[k])
        assert e.net.arrival[k] >= end[g.msg_src[k]] - eps
        if np.isfinite(start[t]):
            assert e.net.arrival[k] <= start[t] + eps
    assert np.isclose(tr.flops.sum(), g.flops.sum())   # FLOPs conserved
    crit = g.longest_path(group_durations(m, g).min(axis=0))
    assert makespan >= crit * (1 - 1e-9)
    if e.net is not None:                             # with messages and their copies
        assert makespan >= e.net.critical_path() * (1 - 1e-9)
