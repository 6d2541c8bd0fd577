"""The network model: Hockney times, fair sharing on links, routes, hops, presets."""

import numpy as np
import pytest

from parasim.sim import scenario as sm
from parasim.sim.errors import ScenarioError
from parasim.sim.machine.network import DEFAULTS, INTERCONNECTS, Network, NetworkSpec
from parasim.sim.taskgraph import GraphBuilder
from parasim.sim.trace import KIND_CODE
from tests.netutil import ALPHA, BETA, cluster, run

SEND, RECV = KIND_CODE["send"], KIND_CODE["recv"]


@pytest.mark.parametrize("blocking", [True, False])
@pytest.mark.parametrize("nbytes", [0.0, 1.0, 5e6])
def test_lone_message_takes_latency_plus_bytes_over_bandwidth(blocking, nbytes):
    g = GraphBuilder()
    a, b = g.add(0.0, owner=0), g.add(0.0, owner=1)
    g.message(a, b, nbytes, blocking)
    makespan, tr, _ = run(cluster(2), g)
    assert makespan == pytest.approx(ALPHA + nbytes / BETA, rel=1e-12, abs=1e-18)
    recv = tr.select(tr.kind == RECV)
    assert recv.end_s.tolist() == pytest.approx([ALPHA + nbytes / BETA], rel=1e-12)
    assert recv.peer.tolist() == [0] and recv.msg.tolist() == [0]
    send = tr.select(tr.kind == SEND)
    assert send.peer.tolist() == [1] and send.bytes.tolist() == [nbytes]
    assert send.end_s[0] == (recv.end_s[0] if blocking else 0.0)


@pytest.mark.parametrize("k", [2, 3, 7])
def test_k_equal_messages_on_one_link_end_at_latency_plus_k_n_over_bandwidth(k):
    """k nodes send n bytes each to node 0 at once: all cross node 0's downlink."""
    n = 3e6
    g = GraphBuilder()
    dst = g.add(0.0, owner=0)
    for i in range(1, k + 1):
        g.message(g.add(0.0, owner=i), g.add(0.0, owner=0), n)
    del dst
    _, _, e = run(cluster(k + 1), g)
    assert e.net.arrival == pytest.approx([ALPHA + k * n / BETA] * k, rel=1e-12)


def test_one_task_sending_k_nonblocking_messages_shares_its_uplink():
    n, k = 2e6, 4
    g = GraphBuilder()
    src = g.add(0.0, owner=0)
    for i in range(1, k + 1):
        g.message(src, g.add(0.0, owner=i), n)
    _, _, e = run(cluster(k + 1), g)
    assert e.net.arrival == pytest.approx([ALPHA + k * n / BETA] * k, rel=1e-12)


def test_blocking_sends_of_one_task_go_one_after_another():
    n, k = 2e6, 3
    g = GraphBuilder()
    src = g.add(0.0, owner=0)
    for i in range(1, k + 1):
        g.message(src, g.add(0.0, owner=i), n, blocking=True)
    _, _, e = run(cluster(k + 1), g)
    assert e.net.arrival == pytest.approx([(i + 1) * (ALPHA + n / BETA) for i in range(k)])


def test_max_min_on_a_line_differs_from_naive_per_link_split():
    """Nodes 0 - 1 - 2 in a line (mesh 3 x 1), links 0->1 and 1->2 of bandwidth B.

    f1: 0 -> 2 (both links, 9n bytes), f2: 0 -> 1 (n bytes), f3, f4: 1 -> 2 (9n each).
    Link 1->2 carries f1, f3, f4: B/3 each. Max-min gives f2 the rest of link 0->1,
    2B/3, so f2 arrives at alpha + 1.5 n / B. A naive rule splitting every link evenly
    among its flows gives f2 only B/2: alpha + 2 n / B.
    """
    n = 1e6
    m = cluster(3, topology="mesh2d", mesh_x=3, mesh_y=1)
    g = GraphBuilder()
    s0 = g.add(0.0, owner=0)
    s1 = g.add(0.0, owner=1)
    g.message(s0, g.add(0.0, owner=2), 9 * n)      # f1
    g.message(s0, g.add(0.0, owner=1), n)          # f2
    g.message(s1, g.add(0.0, owner=2), 9 * n)      # f3
    g.message(s1, g.add(0.0, owner=2), 9 * n)      # f4
    _, _, e = run(m, g)
    assert e.net.arrival[1] == pytest.approx(ALPHA + 1.5 * n / BETA, rel=1e-12)
    assert e.net.arrival[1] != pytest.approx(ALPHA + 2 * n / BETA)
    # link 1->2 stays shared three ways until all three end together at 27 n / B
    assert e.net.arrival[0] == pytest.approx(ALPHA + 27 * n / BETA, rel=1e-12)


def test_the_two_directions_of_a_link_do_not_share():
    n = 4e6
    g = GraphBuilder()
    a, b = g.add(0.0, owner=0), g.add(0.0, owner=1)
    g.message(a, g.add(0.0, owner=1), n)
    g.message(b, g.add(0.0, owner=0), n)
    _, _, e = run(cluster(2, topology="ring"), g)
    assert e.net.arrival == pytest.approx([ALPHA + n / BETA] * 2, rel=1e-12)


def test_bus_is_one_medium_shared_by_all_messages():
    n = 1e6
    g = GraphBuilder()
    a, b = g.add(0.0, owner=0), g.add(0.0, owner=2)
    g.message(a, g.add(0.0, owner=1), n)
    g.message(b, g.add(0.0, owner=3), n)
    _, _, e = run(cluster(4, topology="bus"), g)
    assert e.net.arrival == pytest.approx([ALPHA + 2 * n / BETA] * 2, rel=1e-12)


def test_hops_add_hop_latency_on_a_ring():
    """Node 0 -> 3 on a ring of 8: 3 hops, latency alpha + 2 hop."""
    n, hop = 1e6, 0.5e-6
    g = GraphBuilder()
    g.message(g.add(0.0, owner=0), g.add(0.0, owner=3), n)
    makespan, _, _ = run(cluster(8, topology="ring", hop_us=0.5), g)
    assert makespan == pytest.approx(ALPHA + 2 * hop + n / BETA, rel=1e-12)


def test_message_within_a_node_is_a_memory_copy():
    """2 n bytes (read + write) at the core's 20 GB/s after the memory latency."""
    n = 1e6
    g = GraphBuilder()
    g.message(g.add(0.0, owner=0), g.add(0.0, owner=1), n)
    makespan, _, e = run(cluster(1, cores=2, lat_ns=100.0), g)
    assert makespan == pytest.approx(100e-9 + 2 * n / 20e9, rel=1e-12)
    assert e.net.net is None


def test_message_to_the_same_pe_arrives_at_once():
    g = GraphBuilder()
    g.message(g.add(0.0, owner=0), g.add(0.0, owner=0), 1e9, blocking=True)
    makespan, tr, _ = run(cluster(1, lat_ns=100.0), g)
    assert makespan == 0.0 and len(tr) == 2


def net(topology, nodes, **kw):
    return Network(NetworkSpec(topology=topology, latency_us=1.0, hop_latency_us=1.0,
                               bandwidth_gbs=1.0, **kw), nodes)


def test_ring_routes_the_shorter_way_and_clockwise_on_a_tie():
    r = net("ring", 6)
    assert [r.names[k] for k in r.route(0, 2)[0]] == ["0 -> 1", "1 -> 2"]
    assert [r.names[k] for k in r.route(0, 5)[0]] == ["0 -> 5"]
    assert [r.names[k] for k in r.route(1, 4)[0]] == ["1 -> 2", "2 -> 3", "3 -> 4"]
    assert r.route(0, 2)[1] == pytest.approx(2e-6)           # 1 us + 1 extra hop
    assert len(r.capacity) == 12


def test_mesh_routes_x_first_then_y():
    m = net("mesh2d", 12, mesh_x=4)                 # 4 x 3, node = y * 4 + x
    assert m.shape == (4, 3)
    path = [m.names[k] for k in m.route(0, 11)[0]]  # (0,0) -> (3,2)
    assert path == ["0 -> 1", "1 -> 2", "2 -> 3", "3 -> 7", "7 -> 11"]
    assert len(m.capacity) == 2 * (3 * 3 + 4 * 2)    # directed links of a 4 x 3 mesh


def test_torus_wraps_around_and_auto_dims_are_near_square():
    t = net("torus2d", 16)
    assert t.shape == (4, 4)
    assert [t.names[k] for k in t.route(0, 3)[0]] == ["0 -> 3"]        # wrap in x
    assert [t.names[k] for k in t.route(0, 12)[0]] == ["0 -> 12"]      # wrap in y
    assert len(t.route(0, 10)[0]) == 4                                # 2 + 2 hops
    assert len(t.capacity) == 4 * 16


def test_fattree_goes_up_to_the_lowest_common_switch_with_fatter_links():
    f = net("fattree", 16, fattree_k=4, oversubscription=2.0)
    links, lat = f.route(0, 1)                      # same leaf switch: 1 switch
    assert [f.names[k] for k in links] == ["L0.0 up", "L0.1 down"]
    assert lat == pytest.approx(1e-6)
    links, lat = f.route(0, 5)                      # through the top: 3 switches
    assert [f.names[k] for k in links] == ["L0.0 up", "L1.0 up", "L1.1 down", "L0.5 down"]
    assert lat == pytest.approx(3e-6)
    assert f.capacity[links[1]] == pytest.approx(1e9 * 4 / 2)   # (k / oversubscription)^1


def test_crossbar_is_up_and_down_links_one_hop():
    c = net("crossbar", 5)
    links, lat = c.route(3, 1)
    assert [c.names[k] for k in links] == ["node 3 -> switch", "switch -> node 1"]
    assert lat == pytest.approx(1e-6)


def test_presets_fill_unset_fields_and_explicit_values_win():
    s = NetworkSpec(preset="ib-hdr")
    assert s.value("bandwidth_gbs") == 25.0 and s.value("latency_us") == 0.6
    s = NetworkSpec(preset="gigabit-ethernet", latency_us=50.0)
    assert s.value("latency_us") == 50.0
    assert s.value("bandwidth_gbs") == INTERCONNECTS["gigabit-ethernet"]["bandwidth_gbs"]
    assert NetworkSpec().value("latency_us") == DEFAULTS["latency_us"]
    assert INTERCONNECTS["ib-edr"]["bandwidth_gbs"] == 12.5
    assert INTERCONNECTS["tofu-d"]["bandwidth_gbs"] == 6.8


def base(net_table, nodes=16):
    return {"machine": {"nodes": nodes, "network": net_table}, "workload": {"kind": "bag"}}


def test_network_settings_are_validated_with_their_path():
    with pytest.raises(ScenarioError, match=r"machine\.network\.mesh_x x mesh_y must equal"):
        sm.from_dict(base({"topology": "torus2d", "mesh_x": 3, "mesh_y": 3}))
    with pytest.raises(ScenarioError, match=r"machine\.network\.bandwidth_gbs must be > 0"):
        sm.from_dict(base({"bandwidth_gbs": 0}))
    with pytest.raises(ScenarioError, match=r"machine\.network\.preset must be one of"):
        sm.from_dict(base({"preset": "myrinet"}))
    sc = sm.from_dict(base({"preset": "tofu-d", "topology": "torus2d", "mesh_x": 8}))
    assert sc.machine.network.dims(16) == (8, 2)
    assert sm.from_dict(sm.to_dict(sc)) == sc


def test_without_a_network_table_a_multi_node_machine_uses_a_crossbar():
    g = GraphBuilder()
    g.message(g.add(0.0, owner=0), g.add(0.0, owner=1), 1e6)
    m = cluster(2)
    m.spec.network = None
    makespan, _, e = run(m, g)
    assert e.net.net.topology == "crossbar"
    assert makespan == pytest.approx(DEFAULTS["latency_us"] * 1e-6
                                     + 1e6 / (DEFAULTS["bandwidth_gbs"] * 1e9))


def test_nonblocking_send_lets_the_sender_compute_while_the_message_flies():
    """A 1 ms message, then 1 ms of arithmetic on the sender: non-blocking ends at
    1 ms (overlap), blocking at 2 ms (the send holds the PE)."""
    m = cluster(2)
    flops = 1e-3 * m.vector_rate("fp64")
    n = 1e-3 * BETA - ALPHA * BETA
    ends = []
    for blocking in (False, True):
        g = GraphBuilder()
        a = g.add(0.0, owner=0)
        g.message(a, g.add(0.0, owner=1), n, blocking)
        g.add(flops, deps=(a,), owner=0)
        makespan, tr, _ = run(m, g)
        ends.append(makespan)
        assert np.all(tr.end_s[tr.kind == RECV] == pytest.approx(1e-3))
    assert ends == pytest.approx([1e-3, 2e-3])


def test_message_graphs_place_unowned_tasks_by_block():
    g = GraphBuilder()
    ts = [g.add(0.0) for _ in range(4)]
    g.message(ts[0], ts[3], 0.0)
    _, _, e = run(cluster(2), g, "dynamic")
    assert e.owner == [0, 0, 1, 1]


def test_each_pe_runs_its_tasks_in_program_order():
    """PE 1's task s computes 1 ms, then sends to task a on PE 0. Task b (after a in
    program order on PE 0) is ready at once but must wait for a: PE 0 receives until
    1 ms + alpha, then computes b for 1 ms."""
    m = cluster(2)
    flops = 1e-3 * m.vector_rate("fp64")
    g = GraphBuilder()
    s = g.add(flops, owner=1)
    a = g.add(0.0, owner=0)
    b = g.add(flops, owner=0)
    g.message(s, a, 0.0)
    makespan, tr, _ = run(m, g)
    recv = tr.select(tr.kind == RECV)
    assert recv.pe.tolist() == [0] and recv.task.tolist() == [a]
    assert (recv.start_s[0], recv.end_s[0]) == pytest.approx((0.0, 1e-3 + ALPHA))
    work = tr.select((tr.kind == KIND_CODE["compute"]) & (tr.task == b))
    assert work.start_s[0] == pytest.approx(1e-3 + ALPHA)
    assert makespan == pytest.approx(2e-3 + ALPHA)


@pytest.mark.parametrize("spec, nodes, links", [
    ({"topology": "ring"}, 5, 5),                    # 0-1-2-3-4-0
    ({"topology": "ring"}, 2, 2),                    # both ways round: two links 0-1
    ({"topology": "torus2d"}, 16, 32),               # 4 x 4: 4 rings of 4 each way
    ({"topology": "torus2d"}, 8, 12),                # 2 x 4: x rings of 2 are 1 link: 4 + 8
    ({"topology": "torus2d", "mesh_x": 3}, 9, 18),   # 3 x 3: 2 per node
    ({"topology": "mesh2d"}, 9, 12),                 # 3 x 3: 2 x 3 rows + 2 x 3 columns
    ({"topology": "crossbar"}, 8, 8),                # node to switch
    ({"topology": "bus"}, 8, 1),
    ({"topology": "fattree"}, 16, 32),               # 16 up to 4 switches, 4 x 4-wide to root
    ({"topology": "fattree", "oversubscription": 2.0}, 16, 24),     # 16 + 4 x 2
    ({"topology": "fattree"}, 10, 22),               # 10 + ceil(10 / 4) x 4
])
def test_physical_links_of_each_topology_by_hand(spec, nodes, links):
    assert Network(NetworkSpec(**spec), nodes).physical_links == links
