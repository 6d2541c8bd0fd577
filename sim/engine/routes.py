"""Where a message goes and how long it takes alone: within a node (intra_node), between
nodes over a route found once per node pair before the run (MessageRoutes), and each
message's time alone on an idle path (ideal_times, for the critical path).

The transport reads a message's route by its index (`MessageRoutes.of[m]`) when it
leaves, instead of looking its node pair up in a cache: the routes of all messages are
known from the graph and the placement, and a list read in message order stays local
where a cache of every node pair does not (cluster-stencil at 16k nodes: 65k pairs).
"""

from __future__ import annotations

import numpy as np

from ..machine.network import Network


def intra_node(machine, nbytes: float) -> tuple[float, float, float]:
    """(delay s, memory bytes per message byte, rate cap B/s) of a message of nbytes
    between two cores of a node: (memory latency, 2, core bandwidth) unless the network
    sets intra_latency_us / intra_bandwidth_gbs (then that latency, 1, that bandwidth);
    a cached one (nbytes <= intra_cached_bytes) is all delay: (latency + nbytes /
    intra_cached_bandwidth, 0, 0)."""
    net = machine.spec.network
    if net is None:
        return machine.mem_latency, 2.0, machine.core_bandwidth
    lat, bw = net.intra_latency_us, net.intra_bandwidth_gbs
    latency = machine.mem_latency if lat is None else lat * 1e-6
    if net.intra_cached_bytes is not None and nbytes <= net.intra_cached_bytes:
        return latency + nbytes / (net.intra_cached_bandwidth_gbs * 1e9), 0.0, 0.0
    if bw is None:
        return latency, 2.0, machine.core_bandwidth
    return latency, 1.0, bw * 1e9


class MessageRoutes:
    """Routes of messages from node `sn[m]` to node `dn[m]` on `net` (None: no network,
    every message within a node). `of[m]`: Network.route(sn[m], dn[m]), that is (links,
    latency s), for a message between two nodes, None for one within a node; `inter`:
    the indices of the messages between nodes; `latency[i]` and `narrowest[i]` (the
    smallest capacity on the route, B/s): those of message inter[i]."""

    def __init__(self, net: Network | None, sn: np.ndarray, dn: np.ndarray):
        self.inter = np.flatnonzero(sn != dn)
        self.latency = self.narrowest = np.zeros(0)
        if not len(self.inter):
            self.of: list = [None] * len(sn)
            return
        assert net is not None                      # nodes differ: a network exists
        nodes = net.nodes
        pairs, pair_of = np.unique(sn[self.inter] * nodes + dn[self.inter],
                                   return_inverse=True)
        found = np.empty(len(pairs), object)
        latency, narrowest = [], []
        for i, p in enumerate(pairs.tolist()):
            found[i] = route = net.route(p // nodes, p % nodes)
            latency.append(route[1])
            narrowest.append(min(net.capacity[k] for k in route[0]))
        of = np.full(len(sn), None, object)
        of[self.inter] = found[pair_of]
        self.of = of.tolist()
        self.latency = np.asarray(latency)[pair_of]
        self.narrowest = np.asarray(narrowest)[pair_of]


def ideal_times(routes: MessageRoutes, machine, src_pe: list[int], dst_pe: list[int],
                payload: list[float]) -> list[float]:
    """Each message alone on an idle path: 0 to its own PE; within a node, latency +
    factor x payload / min(cap, memory bandwidth) (intra_node); between nodes (`routes`),
    the route's latency + payload / its narrowest link. `payload`: the bytes that flow
    after the latency (LogGOPS.payload)."""
    src, dst = np.asarray(src_pe, np.int64), np.asarray(dst_pe, np.int64)
    nb = np.asarray(payload, np.float64)
    out = np.zeros(len(nb))
    out[routes.inter] = routes.latency + nb[routes.inter] / routes.narrowest
    same_node = src // machine.cores == dst // machine.cores
    for m in np.flatnonzero(same_node & (src != dst)).tolist():
        size = float(nb[m])
        lat, factor, cap = intra_node(machine, size)
        out[m] = lat if factor == 0.0 else lat + factor * size / min(cap, machine.mem_bandwidth)
    return out.tolist()
