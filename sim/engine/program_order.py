"""A graph with messages run as programs, one per PE (like MPI ranks; transport.py):
its unowned tasks placed and each PE's tasks chained in index order; and whether the
messages it keeps in flight share links (the size guard's message_share)."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..machine.network import network_for
from ..taskgraph import TaskGraph
from .schedule import place


def programs(graph: TaskGraph, pes: int, policy: str) -> TaskGraph:
    """Place unowned tasks and chain each PE's tasks in index order (extra deps)."""
    owner = place(graph.owner, pes, "cyclic" if policy == "cyclic" else "block")
    n = graph.n
    order = np.lexsort((np.arange(n), owner))
    same = owner[order[1:]] == owner[order[:-1]]
    child = np.concatenate([np.repeat(np.arange(n), np.diff(graph.dep_ptr)), order[1:][same]])
    dep = np.concatenate([graph.dep_idx, order[:-1][same]]).astype(np.int64)
    pairs = np.sort(child.astype(np.int64) * n + dep, kind="stable")   # as np.unique, faster
    pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])[:len(pairs)]]
    child, dep = pairs // max(n, 1), pairs % max(n, 1)
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(child, minlength=n), out=ptr[1:])
    return dataclasses.replace(graph, owner=owner.astype(np.int32), dep_ptr=ptr,
                               dep_idx=dep.astype(np.int32))


def links_shared(machine, graph: TaskGraph) -> bool:
    """Whether the non-blocking messages of one task (the one sending most) share a link
    between nodes (a crossbar's or a bus's, not a torus's neighbour links): then all the
    flows in flight together form one fluid component, whose rates are recomputed at
    each start and end (the size guard's message_share). Tasks placed as by `programs`."""
    blocking = graph.msg_blocking if len(graph.msg_blocking) else np.zeros(len(graph.msg_src), bool)
    free = np.flatnonzero(~blocking)
    if machine.nodes < 2 or not len(free):
        return False
    t = int(np.argmax(np.bincount(graph.msg_src[free])))
    owner = place(graph.owner, machine.pes, "block")
    net = network_for(machine.spec.network, machine.nodes)
    a, seen = int(owner[t]) // machine.cores, set[int]()
    for m in free[graph.msg_src[free] == t].tolist():
        b = int(owner[graph.msg_dst[m]]) // machine.cores
        if a != b:
            links = set(net.route(a, b)[0])
            if not seen.isdisjoint(links):
                return True
            seen |= links
    return False
