"""The one-core baseline by formula (engine/serial.py) against the engine's one-core run."""

import dataclasses

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from parasim.sim import scenario as scenario_mod
from parasim.sim import simulate as simulate_mod
from parasim.sim.engine import serial
from parasim.sim.engine.engine import Engine
from parasim.sim.engine.hetero import HeteroEngine
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


@st.composite
def hetero_one_core_runs(draw):
    """A random heterogeneous machine (one or two CPU groups unlike each other, devices
    or none) and a random graph using every heterogeneous column (where, matrix, block,
    reads, owners, messages), cut down to one core as the baseline is."""
    cpu = [{"name": "big", "count": draw(st.integers(1, 4)),
            "freq_ghz": draw(st.sampled_from([1.2, 3.0])),
            "fma_units": draw(st.sampled_from([1, 2])),
            "simd_bits": draw(st.sampled_from([128, 512]))}]
    if draw(st.booleans()):
        cpu.append({"name": "little", "count": 2, "freq_ghz": 1.5, "simd_bits": 128})
    machine = {"nodes": draw(st.integers(1, 2)), "cpu": cpu,
               "dense_efficiency": draw(st.sampled_from([1.0, 0.83])),
               "memory": {"bandwidth_gbs": draw(st.sampled_from([7.0, 204.8])),
                          "core_bandwidth_gbs": draw(st.sampled_from([3.3, 300.0])),
                          "latency_ns": draw(st.sampled_from([0.0, 113.7]))}}
    if draw(st.booleans()):
        machine["device"] = [{"name": "gpu", "sms": 4, "matrix_fp64": 128.0,
                              "launch_latency_us": 5.0}]
    if "device" in machine and draw(st.booleans()):
        machine.pop("cpu")                       # cores and devices: no CPU table
        machine["cores"] = 2
    sc = scenario("bag", machine, tasks=1)
    n = draw(st.integers(1, 30))
    g = GraphBuilder(vector_fraction=draw(st.sampled_from([0.0, 0.37, 1.0])))
    memory = draw(st.booleans())
    nbytes = st.sampled_from([0.0, 0.0, 1.0, 2.9e5, 6.4e7]) if memory else st.just(0.0)
    for i in range(n):
        deps = sorted(draw(st.lists(st.integers(0, i - 1), max_size=3, unique=True))) if i \
            else []
        g.add(draw(st.one_of(st.sampled_from([0.0, 1e3, 3.1e6]), st.floats(1.0, 1e10))),
              draw(nbytes), deps=deps, owner=draw(st.integers(-1, 3)),
              where=draw(st.sampled_from(["any", "cpu"])), matrix=draw(st.booleans()),
              block=draw(st.booleans()), reads=[draw(st.sampled_from([0.0, 8e6])) for _ in deps])
    if n > 1 and draw(st.booleans()):
        for _ in range(draw(st.integers(1, 6))):
            a = draw(st.integers(0, n - 2))
            g.message(a, draw(st.integers(a + 1, n - 1)), draw(st.sampled_from([0.0, 2e6])),
                      draw(st.booleans()))
    return simulate_mod.on_one_core(sc, g.build())


@settings(max_examples=60, deadline=None)
@given(hetero_one_core_runs())
def test_formula_equals_the_heterogeneous_one_core_simulation_bit_for_bit(setup):
    """The baseline of a heterogeneous run (one core of the first CPU group, on the
    HeteroEngine) by formula, bit for bit."""
    machine, graph = setup
    assume(serial.hetero(machine, graph))        # one CPU group alone is homogeneous
    assert serial.exact(machine, graph)
    engine = make_engine(machine, graph, None, record=False)
    assert isinstance(engine, HeteroEngine)
    assert serial.one_core_makespan(machine, graph) == engine.run()[0]


def test_heterogeneous_baseline_by_hand():
    """One big core (3 GHz x 2 FLOP x 2 FMA units x 4 fp64 lanes of 256-bit SIMD = 48
    GFLOP/s) of a big.LITTLE machine: a 48 GFLOP vector task (1 s, though it names the
    little cores) then a task moving 1 GB at min(10, 40) GB/s = 0.1 s plus 100 ns of
    latency (its 1e3 FLOPs take far less; its read of 0's output: no copy)."""
    sc = scenario("bag", {"cpu": [{"name": "big", "count": 2, "freq_ghz": 3.0},
                                  {"name": "little", "count": 4, "freq_ghz": 1.0}],
                          "memory": {"bandwidth_gbs": 40.0, "core_bandwidth_gbs": 10.0,
                                     "latency_ns": 100.0}}, tasks=1)
    g = GraphBuilder(vector_fraction=1.0)
    g.add(48e9, where="little")
    g.add(1e3, 1e9, deps=[0], reads=[5e8])
    machine, graph = simulate_mod.on_one_core(sc, g.build())
    assert machine.hetero and serial.exact(machine, graph)
    assert serial.one_core_makespan(machine, graph) == pytest.approx(1.0 + 0.1 + 100e-9,
                                                                     rel=1e-12)


def test_hetero_run_order_takes_owned_tasks_oldest_first():
    """Owned 0 and 2 are ready at once; 0 runs and makes owned 1 ready: the
    HeteroEngine's dynamic queue runs 2 (the older) next, the Engine 1 (the lower)."""
    g = GraphBuilder()
    g.add(1.0, owner=0)
    g.add(1.0, deps=[0], owner=0)
    g.add(1.0, owner=0)
    graph = g.build()
    assert serial.run_order(graph, owned_fifo=True).tolist() == [0, 2, 1]
    assert serial.run_order(graph).tolist() == [0, 1, 2]


def test_a_baseline_on_a_device_or_with_copies_is_not_by_formula():
    sc = scenario("bag", {"cores": 1, "device": [{"name": "gpu", "sms": 1}]}, tasks=1)
    g = GraphBuilder()
    g.add(1e6)
    g.add(1e6, deps=[0], reads=[1e6])
    machine = simulate_mod.Machine(sc.machine)
    assert machine.hetero and not serial.exact(machine, g.build())   # two PEs
    one, g1 = simulate_mod.on_one_core(sc, g.build())
    assert serial.exact(one, g1)
    assert not serial.exact(one, dataclasses.replace(g1, where=g.build().where))
