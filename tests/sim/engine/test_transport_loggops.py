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


def _early_message(o_us: float, per_byte_ns: float = 0.0):
    """PE 0: task a (no work) sends 1001 B to task c on PE 1, then task d computes;
    c also needs d, so PE 1 is idle while the message arrives and c has not started.
    L = 10 us, G = 1 ns/B."""
    m = machine(2, latency_us=10.0, bandwidth_gbs=1.0, overhead_us=o_us,
                overhead_per_byte_ns=per_byte_ns)
    g = GraphBuilder()
    a = g.add(0.0, owner=0)
    d = g.add(4e6, owner=0)
    c = g.add(0.0, deps=[d], owner=1)
    g.message(a, c, 1001.0)
    eng = Engine(m, g.build(), "block")
    T = eng.ctime[d]
    makespan, trace = eng.run()
    return makespan, trace, T


@pytest.mark.parametrize("per_byte_ns", [0.0, 3.0])
def test_receive_overhead_is_charged_when_the_message_arrives(per_byte_ns):
    """LogGOPSim: the receiver's CPU is busy o + max((s-1) O, (s-1) G) from the first
    byte's arrival o + L = 12 us (o = 2 us), whether or not the receive is posted: with
    O = 0 until 12 + 2 + 1 = 15 us, with O = 3 ns/B until 12 + 2 + 3 = 17 us (the span
    starts at the last byte, 13 us), long before task c starts after task d (T), which
    follows a's send overhead o + (s-1) O; c then has nothing left to take in."""
    makespan, trace, T = _early_message(2.0, per_byte_ns)
    assert T > 20 * US
    recv = (trace.kind == KIND_CODE["recv"]) & (trace.bytes > 0)
    assert trace.start_s[recv] == pytest.approx([13 * US], rel=1e-12)   # the last byte
    assert trace.end_s[recv] == pytest.approx([(14 + max(1.0, per_byte_ns)) * US],
                                              rel=1e-12)
    assert makespan == pytest.approx((2 + per_byte_ns) * US + T, rel=1e-12)


def test_no_receive_overhead_changes_nothing_for_an_early_message():
    makespan, trace, T = _early_message(0.0)
    assert makespan == pytest.approx(T, rel=1e-12)
    assert not ((trace.kind == KIND_CODE["recv"]) & (trace.end_s > trace.start_s)).any()


def test_a_busy_pe_takes_the_message_in_before_its_next_task():
    """PE 1 computes task b (T) when the message for its next task c arrives: the CPU
    takes it in when b ends, T to T + o, then c runs (ParaSim's NIC has the data by
    then; LogGOPSim, whose NIC receives only with the CPU, would add (s-1) G)."""
    m = machine(2, latency_us=10.0, bandwidth_gbs=1.0, overhead_us=2.0)
    g = GraphBuilder()
    a = g.add(0.0, owner=0)
    b = g.add(4e6, owner=1)
    c = g.add(4e6, owner=1)
    g.message(a, c, 1001.0)
    eng = Engine(m, g.build(), "block")
    T = eng.ctime[b]
    makespan, trace = eng.run()
    recv = (trace.kind == KIND_CODE["recv"]) & (trace.bytes > 0)
    assert trace.start_s[recv] == pytest.approx([T], rel=1e-12)
    assert trace.end_s[recv] == pytest.approx([T + 2 * US], rel=1e-12)
    assert makespan == pytest.approx(2 * T + 2 * US, rel=1e-12)
