"""Flights, the communication matrix, link load, packets, memory bandwidth, PE states."""

import dataclasses
from types import MappingProxyType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.analysis.traffic import IDLE, PEStates, Traffic, comm_matrix, flights
from parasim.sim.run import Run
from parasim.sim.simulate import simulate
from parasim.sim.trace import KIND_CODE
from tests.helpers import scenario
from tests.sim.analysis.test_selection import traces
from tests.trace_factory import SMALL, make_run, make_trace


def ring_of_4():
    """PE i sends 100 (i + 1) B to PE i+1 (mod 4) at t = i, arriving at t = i + 1."""
    spans = []
    for i in range(4):
        j = (i + 1) % 4
        spans.append((i, "send", i, float(i), float(i), 0.0, 100.0 * (i + 1), j, i))
        spans.append((j, "recv", j + 4, 0.0, i + 1.0, 0.0, 100.0 * (i + 1), i, i))
    return make_run(spans, nodes=4, cores=1)


def test_comm_matrix_of_a_ring_by_hand():
    f = flights(ring_of_4())
    m = comm_matrix(f, 4)
    want = np.zeros((4, 4))
    for i in range(4):
        want[i, (i + 1) % 4] = 100.0 * (i + 1)
    assert np.array_equal(m, want)
    assert np.array_equal(comm_matrix(f, 4, counts=True), (want > 0).astype(float))
    # sent in [1, 3): messages 1 and 2 only
    part = comm_matrix(f, 4, 1.0, 3.0)
    assert part[1, 2] == 200.0 and part[2, 3] == 300.0 and part.sum() == 500.0
    # per node of 2 PEs: 0->1 and 2->3 stay inside, 1->2 and 3->0 cross
    assert np.array_equal(comm_matrix(f, 2, per=2), [[100.0, 200.0], [400.0, 300.0]])


def test_arrival_from_the_trace_alone():
    f = flights(ring_of_4())
    assert np.array_equal(f["sent_s"], [0, 1, 2, 3])
    assert np.array_equal(f["arrival_s"], [1, 2, 3, 4])


def ring_run(nodes=4):
    """A ring of 4 one-core nodes, 10 B/s links, no latency; 50 B from node 0 to 2 in
    [0, 10] (blocking send) and 20 B from 3 to 2 in [0, 4]."""
    sc = scenario("pingpong", machine_kw={
        "nodes": nodes, "cores": 1,
        "network": {"topology": "ring", "latency_us": 0.0, "hop_latency_us": 0.0,
                    "bandwidth_gbs": 1e-8}})
    spans = [(0, "send", 0, 0.0, 10.0, 0.0, 50.0, 2, 0), (2, "recv", 1, 0.0, 10.0, 0.0, 50.0, 0, 0),
             (3, "send", 2, 0.0, 4.0, 0.0, 20.0, 2, 1), (2, "recv", 1, 0.0, 4.0, 0.0, 20.0, 3, 1)]
    base = make_run(spans, nodes=nodes, cores=1)
    return Run(sc, base.trace, base.summary, nodes, 1)


def test_link_load_and_packets_by_hand():
    tr = Traffic(ring_run())
    names = tr.net.names
    load = dict(zip(names, tr.link_load(2.0)))
    # 50 B over 10 s = 5 B/s on 0->1 and 1->2; 20 B over 4 s = 5 B/s on 3->2; 10 B/s links
    assert load["0 -> 1"] == pytest.approx(0.5) and load["1 -> 2"] == pytest.approx(0.5)
    assert load["3 -> 2"] == pytest.approx(0.5)
    assert sum(load.values()) == pytest.approx(1.5)
    after = dict(zip(names, tr.link_load(5.0)))
    assert after["3 -> 2"] == 0.0 and after["0 -> 1"] == pytest.approx(0.5)
    assert dict(zip(names, tr.link_bytes))["1 -> 2"] == 50.0
    p = tr.packets(2.5)             # message 0 a quarter of the way: half along link 0 -> 1
    got = {names[k]: a for k, a in zip(p["link"], p["along"])}
    assert got == {"0 -> 1": pytest.approx(0.5), "3 -> 2": pytest.approx(0.625)}
    p = tr.packets(7.5)
    assert [names[k] for k in p["link"]] == ["1 -> 2"] and p["along"][0] == pytest.approx(0.5)
    t, level = tr.link_flows.series(names.index("0 -> 1"))
    assert np.array_equal(t, [0.0, 10.0]) and np.allclose(level, [5.0, 0.0])
    assert names[tr.busiest_links(1)[0]] in ("0 -> 1", "1 -> 2")


def test_the_messages_of_a_link_and_the_link_of_a_message():
    """Ring of 4: message 0 (node 0 -> 2) crosses 0->1 then 1->2 over [0, 10], half
    its time on each; message 1 (3 -> 2) crosses 3->2; nothing uses 2->3."""
    tr = Traffic(ring_run())
    link = tr.net.names.index
    assert list(tr.flights_on(link("0 -> 1"))) == [0]
    assert list(tr.flights_on(link("1 -> 2"))) == [0]
    assert list(tr.flights_on(link("3 -> 2"))) == [1]
    assert list(tr.flights_on(link("2 -> 3"))) == []
    assert tr.link_of(0, 2.5) == link("0 -> 1") and tr.link_of(0, 7.5) == link("1 -> 2")
    assert tr.link_of(1, 1.0) == link("3 -> 2")
    assert tr.link_of(0, 10.0) == link("1 -> 2")          # clamped: its last link
    assert tr.link_of(0, -1.0) == link("0 -> 1")          # ... its first
    assert tr.link_of(5, 1.0) == -1                       # no such message
    sc = scenario("pingpong", machine_kw={"nodes": 2, "cores": 2})
    home = make_run([(0, "send", 0, 0.0, 1.0, 0.0, 8.0, 1, 0),       # PE 0 -> PE 1,
                     (1, "recv", 1, 0.0, 1.0, 0.0, 8.0, 0, 0)], nodes=2, cores=2)
    inside = Traffic(Run(sc, home.trace, home.summary, 2, 2))         # both on node 0
    assert inside.link_of(0, 0.5) == -1 and not len(inside.flights_on(0))


def test_memory_bandwidth_by_hand():
    """PE 0: a memory-bound task (compute [0,1), stall [1,4), 12 B) flows 3 B/s over
    [0, 4); PE 1: a compute-bound task (compute [0,2), 4 B) at the core's 1 B/s would
    need 4 s, so it flows 2 B/s over the 2 s it has."""
    sc = scenario("triad", machine_kw={"nodes": 1, "cores": 2, "memory": {
        "bandwidth_gbs": 1e-8, "core_bandwidth_gbs": 1e-9, "latency_ns": 0.0}})
    spans = [(0, "compute", 0, 0.0, 1.0, 0.0, 12.0), (0, "stall", 0, 1.0, 4.0, 0.0),
             (1, "compute", 1, 0.0, 2.0, 0.0, 4.0)]
    base = make_run(spans, nodes=1, cores=2)
    tr = Traffic(Run(sc, base.trace, base.summary, 1, 2))
    assert tr.memory_bandwidth(0.5)[0] == pytest.approx(5.0)
    assert tr.memory_bandwidth(3.0)[0] == pytest.approx(3.0)
    assert tr.memory_bandwidth(4.0)[0] == 0.0
    assert tr.mem_capacity == pytest.approx(10.0)


def test_pe_states_at_a_time():
    st = PEStates(make_trace(SMALL), 3)
    kind, _ = st.at(2.5)
    assert list(kind) == [KIND_CODE["stall"], KIND_CODE["compute"], IDLE]
    kind, _ = st.at(0.5)
    assert list(kind) == [KIND_CODE["compute"], KIND_CODE["wait"], IDLE]
    kind, _ = st.at(3.5)
    assert list(kind) == [KIND_CODE["compute"], IDLE, IDLE]
    assert list(st.at(-1.0)[0]) == [IDLE] * 3 and list(st.at(9.0)[0]) == [IDLE] * 3


def test_a_simulated_pingpong_crosses_its_links():
    """Gigabit Ethernet crossbar: 1 MB alone takes 40 us + 8 ms; while its bytes flow
    the up link of node 0 is full; the packet is on the up link, then the down link."""
    sc = scenario("pingpong", machine_kw={"nodes": 2, "cores": 1,
                                          "network": {"preset": "gigabit-ethernet"}},
                  bytes=1e6, repeats=1)
    run = simulate(sc, baseline=False)
    tr = Traffic(run)
    f = tr.f
    assert f["arrival_s"][0] - f["sent_s"][0] == pytest.approx(40e-6 + 8e-3)
    up = tr.net.names.index("node 0 -> switch")
    down = tr.net.names.index("switch -> node 1")
    assert tr.link_load(1e-3)[up] == pytest.approx(1.0)
    assert tr.link_load(1e-3)[down] == pytest.approx(1.0)
    assert list(tr.packets(1e-3)["link"]) == [up]
    assert list(tr.packets(6e-3)["link"]) == [down]
    assert tr.link_bytes[up] == 1e6 and tr.link_bytes.sum() == 4e6   # there and back


def test_exact_arrivals_win_over_the_trace():
    run = ring_of_4()
    exact = Run(None, run.trace, run.summary, 4, 1, extras=MappingProxyType(
        {"messages": {"sent_s": np.arange(4.0), "arrival_s": np.arange(4.0) + 0.5}}))
    assert np.array_equal(flights(exact)["arrival_s"], [0.5, 1.5, 2.5, 3.5])


def test_offload_copies_fill_the_host_link():
    """gpu-offload with n = 2000: 16 kB in at 16 GB/s after 10 us, alone on the link;
    the SMs (PEs 8..87) then run the kernel against the device's 900 GB/s HBM."""
    from parasim.sim import scenario as scenario_mod
    sc = scenario_mod.load("gpu-offload")
    sc = sc.replace(workload=dataclasses.replace(sc.workload, n=2000))
    run = simulate(sc, baseline=False)
    tr = Traffic(run)
    assert tr.link_names == ["host → gpu", "gpu → host"] and tr.host_cores == 8
    assert tr.link_bytes[0] == 2000 * 8.0 and tr.link_bytes[1] == 2000 * 8.0
    assert tr.link_load(10.5e-6)[0] == pytest.approx(1.0)
    assert tr.link_load(5e-6)[0] == 0.0                 # still in its latency
    kind, _ = tr.states.at(11e-6 + 2e-7)                 # kernel running: SMs busy
    assert (kind[8:] == KIND_CODE["compute"]).mean() > 0.9
    assert tr.mem_capacity == pytest.approx(900e9)


@settings(max_examples=40, deadline=None)
@given(traces(), st.floats(-1, 16))
def test_pe_states_equal_a_brute_force_search(tr, t):
    kind, _ = PEStates(tr, 4).at(t)
    for pe in range(4):
        on = (tr.pe == pe) & (tr.start_s <= t) & (tr.end_s > t)
        assert kind[pe] == (int(tr.kind[on][0]) if on.any() else IDLE)


def test_pe_states_name_the_trace_row():
    tr = make_trace(SMALL)
    rows = PEStates(tr, 3).trace_rows(2.5)
    assert tr.kind[rows[0]] == KIND_CODE["stall"] and tr.pe[rows[0]] == 0
    assert tr.task[rows[1]] == 2 and rows[2] == -1


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(["torus2d", "fattree", "ring", "crossbar"]),
       st.lists(st.tuples(st.integers(0, 15), st.integers(0, 15)), min_size=1, max_size=30))
def test_routes_gathered_per_pair_equal_routing_each_message(topology, pairs):
    """Each message's links and latency are its own route's, in order, though every
    (sender, receiver) pair is routed once."""
    sc = scenario("pingpong", machine_kw={"nodes": 16, "cores": 1,
                                          "network": {"topology": topology}})
    spans = []
    for m, (a, b) in enumerate(pairs):
        spans += [(a, "send", -1, float(m), m + 1.0, 0.0, 8.0, b, m),
                  (b, "recv", -1, float(m), m + 1.0, 0.0, 8.0, a, m)]
    base = make_run(sorted(spans, key=lambda s: s[3]), nodes=16, cores=1)
    tr = Traffic(Run(sc, base.trace, base.summary, 16, 1))
    for k, flight in enumerate(tr.inter):
        links, latency = tr.net.route(int(tr.f["src_pe"][flight]), int(tr.f["dst_pe"][flight]))
        got = tr.route_link[tr.route_ptr[k]:tr.route_ptr[k + 1]]
        assert list(got) == list(links) and tr.latency[k] == latency
    assert len(tr.inter) == sum(a != b for a, b in pairs)
