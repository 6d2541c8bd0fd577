"""The one-core baseline by formula (engine/serial.py) against the engine's one-core run."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim import scenario as scenario_mod
from parasim.sim import simulate as simulate_mod
from parasim.sim.engine import serial
from parasim.sim.engine.engine import Engine
from parasim.sim.engine.timeslice import make_engine
from parasim.sim.machine.costs import compute_times
from parasim.sim.taskgraph import GraphBuilder
from tests.helpers import scenario


@st.composite
def one_core_runs(draw):
    """A random scenario's machine and a random graph (deps, owners, memory traffic,
    messages, blocking or not, LogGOPS or not), cut down to one core as the baseline is."""
    machine = {"cores": draw(st.integers(1, 8)), "nodes": draw(st.integers(1, 3)),
               "freq_ghz": draw(st.sampled_from([1.0, 2.3, 3.7])),
               "memory": {"bandwidth_gbs": draw(st.sampled_from([7.0, 40.0, 204.8])),
                          "core_bandwidth_gbs": draw(st.sampled_from([3.3, 10.0, 300.0])),
                          "latency_ns": draw(st.sampled_from([0.0, 80.0, 113.7]))}}
    if draw(st.booleans()):
        machine["network"] = {"overhead_us": 1.3, "gap_us": 0.7, "overhead_per_byte_ns": 0.1}
    sc = scenario("bag", machine, tasks=1)
    n = draw(st.integers(1, 40))
    g = GraphBuilder(vector_fraction=draw(st.sampled_from([0.0, 0.37, 1.0])))
    memory = draw(st.booleans())                 # else compute only (a path of its own)
    flops = st.one_of(st.sampled_from([0.0, 1e3, 3.1e6]), st.floats(1.0, 1e10))
    nbytes = st.sampled_from([0.0, 0.0, 1.0, 2.9e5, 6.4e7]) if memory else st.just(0.0)
    for i in range(n):
        deps = draw(st.lists(st.integers(0, i - 1), max_size=3, unique=True)) if i else []
        g.add(draw(flops), draw(nbytes), deps=sorted(deps), owner=draw(st.integers(-1, 3)))
    if n > 1 and draw(st.booleans()):
        for _ in range(draw(st.integers(1, 10))):
            a = draw(st.integers(0, n - 2))
            g.message(a, draw(st.integers(a + 1, n - 1)), draw(st.sampled_from([0.0, 1e3, 2e6])),
                      draw(st.booleans()))
    return simulate_mod.on_one_core(sc, g.build())


@settings(max_examples=60, deadline=None)
@given(one_core_runs())
def test_formula_equals_the_one_core_simulation_bit_for_bit(setup):
    machine, graph = setup
    assert serial.exact(machine, graph)
    simulated, _ = Engine(machine, graph, "dynamic", record=False).run()
    t1 = serial.one_core_makespan(machine, graph)
    assert t1 == simulated                       # equal, so within 1e-12 relative too


def test_formula_is_the_sum_of_uncontended_durations_by_hand():
    """1 core at 1 GFLOP/s scalar... read the rates from the machine: task 0 computes
    only, task 1 moves 1 GB at min(10, 40) GB/s = 0.1 s plus 100 ns of latency."""
    sc = scenario("bag", {"cores": 1, "memory": {"bandwidth_gbs": 40.0, "core_bandwidth_gbs": 10.0,
                                                 "latency_ns": 100.0}}, tasks=1)
    g = GraphBuilder()
    g.add(1e9)
    g.add(1e3, 1e9, deps=[0])
    machine, graph = simulate_mod.on_one_core(sc, g.build())
    ct = compute_times(machine, graph)
    assert ct[1] < 0.1                           # task 1 is memory bound
    assert serial.one_core_makespan(machine, graph) == pytest.approx(ct[0] + 0.1 + 100e-9,
                                                                     rel=1e-12)


def test_run_order_follows_the_engine_queues():
    """Owned ready tasks by index first, then unowned ones oldest first: 0 and 2 are
    unowned and ready, 1 is owned and ready; 3 (unowned) waits for 0, 4 (owned) for 2."""
    g = GraphBuilder()
    g.add(1.0)
    g.add(1.0, owner=0)
    g.add(1.0)
    g.add(1.0, deps=[0])
    g.add(1.0, deps=[2], owner=0)
    assert serial.run_order(g.build()).tolist() == [1, 0, 2, 4, 3]


def test_simulate_uses_the_formula_and_runs_the_engine_once(monkeypatch):
    calls = []
    real = simulate_mod.make_engine
    monkeypatch.setattr(simulate_mod, "make_engine", lambda *a, **k: calls.append(1) or real(*a, **k))
    run = simulate_mod.simulate(scenario_mod.load("cluster-stencil"))
    assert len(calls) == 1
    machine, graph = simulate_mod.on_one_core(run.scenario, simulate_mod.build_graph(
        run.scenario, simulate_mod.Machine(run.scenario.machine)))
    assert run.summary["serial_time_s"] == Engine(machine, graph, record=False).run()[0]


def test_io_waits_are_outside_the_formula_and_still_simulated(monkeypatch):
    """With I/O waits the one-core run includes them (the TimeSlicer runs it): the
    formula does not apply and the baseline is simulated."""
    sc = scenario_mod.load("concurrency-vs-parallelism-io")
    graph = simulate_mod.build_graph(sc, simulate_mod.Machine(sc.machine))
    machine, g1 = simulate_mod.on_one_core(sc, graph)
    assert not serial.exact(machine, g1)
    simulated, _ = make_engine(machine, g1, None, record=False).run()
    io = float(np.sum(g1.io_count * g1.io_wait_s))
    assert io > 0 and simulated >= compute_times(machine, g1).sum() + io * (1 - 1e-12)
    monkeypatch.setattr(serial, "one_core_makespan", lambda *a: pytest.fail("formula used"))
    assert simulate_mod.serial_time(sc, graph) == simulated
    assert simulate_mod.simulate(sc).summary["serial_time_s"] == simulated


def test_heterogeneous_graphs_are_simulated():
    sc = scenario("bag", {"cores": 2}, tasks=1)
    g = GraphBuilder()
    g.add(1e6, matrix=True)
    machine, g1 = simulate_mod.on_one_core(sc, g.build())
    assert g1.hetero and not serial.exact(machine, g1)
