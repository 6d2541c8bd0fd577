"""Each message's route between nodes, found once per node pair before the run.

The transport reads a message's route by its index (`MessageRoutes.of[m]`) when it
leaves, instead of looking its node pair up in a cache: the routes of all messages are
known from the graph and the placement, and a list read in message order stays local
where a cache of every node pair does not (cluster-stencil at 16k nodes: 65k pairs).
"""

from __future__ import annotations

import numpy as np

from ..machine.network import Network


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
