"""LogGOPS in the engine's message layer: the same hand values as the programs'."""

from __future__ import annotations

import pytest

from parasim.sim import scenario
from parasim.sim.engine.engine import Engine
from parasim.sim.machine.machine import Machine
from parasim.sim.simulate import simulate
from parasim.sim.taskgraph import GraphBuilder
from parasim.sim.trace import KIND_CODE
from parasim.sim.workloads.collectives import barrier

US = 1e-6


def machine(nodes: int, **network) -> Machine:
    return Machine(scenario.from_dict({"machine": {"nodes": nodes, "cores": 1,
                                                   "network": network}}).machine)


def test_pingpong_round_trip_is_two_loggops_messages():
    sc = scenario.from_dict({
        "machine": {"nodes": 2, "cores": 1,
                    "network": {"latency_us": 10.0, "bandwidth_gbs": 1.0, "overhead_us": 1.0}},
        "workload": {"kind": "pingpong", "bytes": 1001, "repeats": 3}})
    run = simulate(sc, baseline=False)
    # each way o + L + (s-1) G + o = 1 + 10 + 1 + 1 us
    assert run.makespan == pytest.approx(3 * 2 * 13 * US, rel=1e-12)
    t = run.trace
    overhead = (t.kind == KIND_CODE["send"]) & (t.bytes > 0)
    assert (t.end_s - t.start_s)[overhead] == pytest.approx([1 * US] * 6)


def test_dissemination_barrier_with_loggopsim_defaults_takes_22_us():
    """The engine's barrier (collectives.py) as LogGOPSim's dissemination_16 example:
    4 rounds of o + L + o = 5.5 us."""
    m = machine(16, latency_us=2.5, overhead_us=1.5, gap_us=1.0, bandwidth_gbs=1 / 6)
    g = GraphBuilder()
    barrier(g, list(range(16)))
    makespan, _ = Engine(m, g.build(), "dynamic").run()
    assert makespan == pytest.approx(22e-6, rel=1e-12)


@pytest.mark.parametrize("o, gap, end", [(1.0, 3.0, 18.0), (3.0, 1.0, 22.0)])
def test_back_to_back_sends_serialise_on_g_or_o(o, gap, end):
    m = machine(2, latency_us=10.0, bandwidth_gbs=1.0, overhead_us=o, gap_us=gap)
    g = GraphBuilder()
    a = g.add(0.0, owner=0)
    b = g.add(0.0, owner=1)
    for _ in range(3):
        g.message(a, b, 1.0, blocking=False)
    makespan, _ = Engine(m, g.build(), "block").run()
    assert makespan == pytest.approx(end * US, rel=1e-12)


def test_messages_to_the_same_pe_cost_nothing():
    m = machine(1, overhead_us=5.0)
    g = GraphBuilder()
    a = g.add(0.0, owner=0)
    b = g.add(0.0, owner=0)
    g.message(a, b, 1e3, blocking=True)
    assert Engine(m, g.build(), "block").run()[0] == 0.0


def test_rendezvous_is_refused_for_built_in_workloads():
    with pytest.raises(scenario.ScenarioError, match="machine.network.rendezvous_bytes"):
        scenario.from_dict({"machine": {"nodes": 2, "network": {"rendezvous_bytes": 10}},
                            "workload": {"kind": "pingpong"}})


def test_zero_loggops_settings_change_nothing():
    """o = g = O = 0 given explicitly, no threshold: the very same trace as without."""
    from parasim.sim.io.trace_csv import to_csv_text
    base = scenario.load("cluster-stencil")
    zeros = scenario.load("cluster-stencil", ["machine.network.overhead_us=0",
                                              "machine.network.gap_us=0",
                                              "machine.network.overhead_per_byte_ns=0"])
    a, b = simulate(base, baseline=False), simulate(zeros, baseline=False)
    assert to_csv_text(a.trace) == to_csv_text(b.trace)
    assert a.summary["makespan_s"] == b.summary["makespan_s"]
