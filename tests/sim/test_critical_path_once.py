"""The critical path bound: one definition (TaskGraph.longest_path), computed once per
run; the same numbers as the two loops it replaces (the metrics' and the transport's)."""

import numpy as np
import pytest
from hypothesis import given, settings

from parasim.sim import scenario as scenario_mod
from parasim.sim.engine.engine import Engine
from parasim.sim.engine.program_order import programs as program_order
from parasim.sim.machine.costs import min_durations
from parasim.sim.machine.machine import Machine
from parasim.sim.simulate import build_graph, simulate
from parasim.sim.taskgraph import GraphBuilder, TaskGraph
from tests.sim.engine.test_network_invariants import programs


def old_transport_loop(net) -> float:
    """The transport's former critical_path, verbatim: deps, then messages at ideal time."""
    g = net.e.g
    dur = net.task_times()
    ptr, idx = g.dep_ptr.tolist(), g.dep_idx.tolist()
    ideal = [net.ideal_time(m) for m in range(len(net.src))]
    finish = [0.0] * g.n
    for t in range(g.n):
        start = max((finish[d] for d in idx[ptr[t]:ptr[t + 1]]), default=0.0)
        for k in range(net.in_ptr[t], net.in_ptr[t + 1]):
            m = net.in_idx[k]
            start = max(start, finish[net.src[m]] + ideal[m])
        finish[t] = start + dur[t]
    return max(finish, default=0.0)


def old_metrics_loop(graph, durations) -> float:
    """The former TaskGraph.longest_path (no messages), verbatim."""
    finish = np.zeros(graph.n)
    ptr, idx = graph.dep_ptr, graph.dep_idx
    for i in range(graph.n):
        a, b = ptr[i], ptr[i + 1]
        start = finish[idx[a:b]].max() if b > a else 0.0
        finish[i] = start + durations[i]
    return float(finish.max()) if graph.n else 0.0


@settings(max_examples=40, deadline=None)
@given(programs())
def test_same_numbers_as_the_loops_it_replaces(setup):
    m, graph, policy = setup
    e = Engine(m, graph, policy, record=False)
    e.run()
    assert e.net.critical_path() == old_transport_loop(e.net)
    d = min_durations(m, graph)
    assert graph.longest_path(d) == old_metrics_loop(graph, d)


def test_messages_lengthen_the_path_by_hand():
    """a (1 s) -> message (2 s) -> b (1 s), and a dependency c (5 s) -> b: 5 + 1 = 6 s
    beats 1 + 2 + 1 = 4 s; with the message at 9 s: 1 + 9 + 1 = 11 s."""
    g = GraphBuilder()
    a = g.add(1.0)
    c = g.add(1.0)
    g.add(1.0, deps=[c])
    g.message(a, 2, 8.0)
    graph = g.build()
    dur = np.array([1.0, 5.0, 1.0])
    assert graph.longest_path(dur) == 6.0
    assert graph.longest_path(dur, [2.0]) == 6.0
    assert graph.longest_path(dur, [9.0]) == 11.0


@pytest.mark.parametrize("preset, messages", [("cluster-stencil", True),
                                               ("smp-matmul", False)])
def test_computed_once_per_run(preset, messages, monkeypatch):
    """One longest path per run: with messages, the one that counts them (the
    transport's), not also the metrics' without them."""
    calls = []
    real = TaskGraph.longest_path
    monkeypatch.setattr(TaskGraph, "longest_path",
                        lambda self, *a: calls.append(a) or real(self, *a))
    run = simulate(scenario_mod.load(preset))
    assert len(calls) == 1
    assert (len(calls[0]) == 2) == messages          # (durations, message seconds)
    assert run.summary["critical_path_s"] == real(*_graph_and_args(run, calls[0]))
    assert run.summary["critical_path_s"] <= run.summary["makespan_s"] * (1 + 1e-9)


def _graph_and_args(run, args):
    """The graph the run's path was taken on (program-ordered when it has messages)."""
    sc = run.scenario
    g = build_graph(sc, Machine(sc.machine))
    if len(args) == 2:
        g = program_order(g, run.pes, sc.schedule.policy)
    return (g, *args)
