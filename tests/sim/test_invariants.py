"""Hypothesis invariants over random DAGs and machines."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from parasim.sim.engine.engine import Engine
from parasim.sim.machine.costs import compute_times, min_durations
from parasim.sim.taskgraph import GraphBuilder
from parasim.sim.trace import KIND_CODE
from tests.helpers import machine


@st.composite
def dags(draw):
    n = draw(st.integers(1, 40))
    owned = draw(st.booleans())
    g = GraphBuilder(vector_fraction=draw(st.sampled_from([0.0, 0.5, 1.0])))
    pes = draw(st.integers(1, 6))
    for i in range(n):
        deps = draw(st.lists(st.integers(0, i - 1), max_size=3, unique=True)) if i else []
        flops = draw(st.sampled_from([0.0, 1e6, 3e7, 1e8, 7e8]))
        nbytes = draw(st.sampled_from([0.0, 0.0, 1e5, 4e6, 5e7]))
        owner = draw(st.integers(-1, pes - 1)) if owned else -1
        g.add(flops, nbytes, deps=sorted(deps), owner=owner)
    return g.build(), pes


@st.composite
def setups(draw):
    graph, pes = draw(dags())
    cores = draw(st.integers(1, 3))
    nodes = -(-pes // cores)
    m = machine(nodes=nodes, cores=cores, freq_ghz=draw(st.sampled_from([1.0, 2.5])),
                bw=draw(st.sampled_from([5.0, 20.0, 200.0])),
                core_bw=draw(st.sampled_from([2.0, 10.0])),
                lat_ns=draw(st.sampled_from([0.0, 100.0])))
    policy = draw(st.sampled_from(["dynamic", "critical-path", "block", "cyclic"]))
    return m, graph, policy


@given(setups())
def test_engine_invariants(setup):
    m, graph, policy = setup
    makespan, tr = Engine(m, graph, policy).run()
    eps = 1e-9 * max(makespan, 1e-12)
    # no PE runs two things at once
    for pe in np.unique(tr.pe):
        sel = tr.pe == pe
        order = np.argsort(tr.start_s[sel], kind="stable")
        s, e = tr.start_s[sel][order], tr.end_s[sel][order]
        assert np.all(s[1:] >= e[:-1] - eps)
        assert np.all(e >= s)
    # every task ran once, on one PE, after all its dependencies ended
    work = tr.task >= 0
    start = np.full(graph.n, np.inf)
    end = np.full(graph.n, -np.inf)
    np.minimum.at(start, tr.task[work], tr.start_s[work])
    np.maximum.at(end, tr.task[work], tr.end_s[work])
    for t in range(graph.n):
        on = np.unique(tr.pe[tr.task == t])
        assert len(on) <= 1
        if graph.owner[t] >= 0 and len(on):
            assert on[0] == graph.owner[t]
        for d in graph.deps(t):
            if np.isfinite(start[t]) and np.isfinite(end[d]):
                assert start[t] >= end[d] - eps
    # FLOPs and bytes are conserved
    assert np.isclose(tr.flops.sum(), graph.flops.sum(), rtol=1e-12)
    assert np.isclose(tr.bytes.sum(), graph.bytes.sum(), rtol=1e-12)
    assert tr.flops[tr.kind == KIND_CODE["wait"]].sum() == 0
    # lower bounds: critical path, and total work over the PEs
    assert makespan >= graph.longest_path(min_durations(m, graph)) * (1 - 1e-9)
    assert makespan >= compute_times(m, graph).sum() / m.pes * (1 - 1e-9)
    assert makespan == (tr.end_s.max() if len(tr) else 0.0)
