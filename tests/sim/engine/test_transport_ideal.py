"""Transport.ideal_times (routes found once per node pair, vectorised) against the
per-message formula it replaced, on random programs and networks."""

from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.engine.engine import Engine
from parasim.sim.engine.routes import intra_node
from tests.netutil import cluster
from tests.sim.engine.test_network_invariants import programs


def old_ideal_time(net, m: int) -> float:
    """The former Transport.ideal_time, verbatim: one message at a time."""
    mach = net.e.m
    sn, dn = net.src_pe[m] // net.cores, net.dst_pe[m] // net.cores
    if net.src_pe[m] == net.dst_pe[m]:
        return 0.0
    nb = net.cost.payload(net.nbytes[m])
    if sn == dn:
        latency, factor, cap = intra_node(mach, nb)
        if factor == 0.0:
            return latency
        return latency + factor * nb / min(cap, mach.mem_bandwidth)
    links, latency = net.net.route(sn, dn)
    return latency + nb / min(net.net.capacity[k] for k in links)


NETWORKS = [{}, {"overhead_us": 0.5, "gap_us": 0.2}, {"intra_latency_us": 0.3},
            {"intra_latency_us": 0.3, "intra_bandwidth_gbs": 7.0,
             "intra_cached_bytes": 1e4, "intra_cached_bandwidth_gbs": 30.0}]


@settings(max_examples=40, deadline=None)
@given(programs(), st.sampled_from(NETWORKS))
def test_ideal_times_are_the_per_message_formula(setup, net_settings):
    m, graph, policy = setup
    net = m.spec.network
    m = cluster(m.nodes, m.cores, net.topology, hop_us=net.hop_latency_us,
                lat_ns=m.spec.memory.latency_ns, **net_settings)
    e = Engine(m, graph, policy, record=False)
    ideal = e.net.ideal_times()
    assert ideal == [old_ideal_time(e.net, k) for k in range(len(graph.msg_src))]
    assert [e.net.ideal_time(k) for k in range(len(ideal))] == ideal


def test_ideal_time_by_hand():
    """2 nodes, 1 core each, crossbar (2 us, 1 GB/s): 1e6 bytes between them take
    2 us + 1e6 / 1e9 s = 1.002 ms."""
    from parasim.sim.taskgraph import GraphBuilder
    g = GraphBuilder()
    a, b = g.add(1.0, owner=0), g.add(1.0, owner=1)
    g.message(a, b, 1e6)
    e = Engine(cluster(2), g.build(), "block", record=False)
    assert e.net.ideal_times() == [2e-6 + 1e6 / 1e9]
