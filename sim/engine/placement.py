"""Where the heterogeneous engine (hetero.py) places tasks before it runs, by policy.

- dynamic: nothing placed (a shared queue per set of allowed groups, FIFO);
- critical-path: nothing placed, the ready task with the longest path to the end first
  (durations: the least over the groups a task may use);
- block / cyclic: unowned tasks dealt over the PEs they may use, in contiguous blocks or
  round robin, each PE in program (index) order;
- heft: HEFT (heft.py) over every PE, task costs per group, mean costs over the groups a
  task may use, mean copy costs over pairs of groups; each PE in the plan's start order.
Tasks that name an owner keep it. `programs` then chains each PE's tasks in that order.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..machine.machine import Machine
from ..taskgraph import TaskGraph
from .heft import heft


def copy_time(machine: Machine, src: int, dst: int, nbytes: float) -> float:
    """Seconds to copy `nbytes` alone between domains of one node (-1 host, d device):
    latency + bytes / bandwidth per hop; 0 within a domain."""
    if src == dst or nbytes <= 0:
        return 0.0
    dev = [g for g in machine.groups if g.domain >= 0]
    if src == -1:
        return dev[dst].link_latency + nbytes / dev[dst].link_bw
    if dst == -1:
        return dev[src].link_latency + nbytes / dev[src].link_bw
    a, b = dev[src], dev[dst]
    if a.peer_bw > 0 and b.peer_bw > 0:
        return a.peer_latency + nbytes / a.peer_bw
    return copy_time(machine, src, -1, nbytes) + copy_time(machine, -1, dst, nbytes)


def plan(machine: Machine, graph: TaskGraph, policy: str, allow: np.ndarray,
         dur: np.ndarray, pe_group: list[int], pe_domain: list[int],
         dep_bytes: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """(owner per task, -1 unplaced; queue key per task, lower first; FIFO keys are
    given when tasks become ready). `dur`: durations per (group, task), inf where not
    allowed (costs.group_durations)."""
    n = graph.n
    owner = graph.owner.astype(np.int64).copy()
    key = np.zeros(n)
    if policy == "critical-path":
        key = -graph.bottom_levels(dur.min(axis=0))
    elif policy in ("block", "cyclic"):
        key = np.arange(n, dtype=float)
        groups = np.array(pe_group)
        pes_of = [np.flatnonzero(groups == k) for k in range(len(machine.groups))]
        for row in np.unique(allow, axis=0):
            free = np.flatnonzero((owner < 0) & np.all(allow == row, axis=1))
            pes = np.sort(np.concatenate([pes_of[k] for k in np.flatnonzero(row)]))
            m = len(free)
            idx = (np.arange(m) * len(pes) // max(m, 1) if policy == "block"
                   else np.arange(m) % len(pes))
            owner[free] = pes[idx]
    elif policy == "heft":
        owner, key = _heft(machine, graph, dur, pe_group, pe_domain, dep_bytes)
    return owner, key


def _heft(machine, graph, dur, pe_group, pe_domain, nb):
    cost = dur[np.array(pe_group)].T                     # (tasks, PEs)
    mean_cost = np.array([d[np.isfinite(d)].mean() for d in dur.T])
    doms = [g.domain for g in machine.groups]
    mean_comm = np.array([np.mean([copy_time(machine, a, b, x) for a in doms for b in doms])
                          for x in nb]) if nb else np.zeros(0)
    per = machine.cores

    def comm(k, a, b):
        if a // per != b // per:                         # other node: not copied
            return 0.0
        return copy_time(machine, pe_domain[a], pe_domain[b], nb[k])

    proc, start, _ = heft(graph.dep_ptr, graph.dep_idx, cost, mean_cost, mean_comm, comm)
    return np.where(graph.owner >= 0, graph.owner, proc), start


def programs(graph: TaskGraph, owner: np.ndarray) -> TaskGraph:
    """`graph` with every task on its `owner` PE and each PE's tasks chained in index
    (program) order, as transport.programs; the chaining edges carry no data."""
    n = graph.n
    order = np.lexsort((np.arange(n), owner))
    same = owner[order[1:]] == owner[order[:-1]]
    child = np.concatenate([np.repeat(np.arange(n), np.diff(graph.dep_ptr)), order[1:][same]])
    dep = np.concatenate([graph.dep_idx, order[:-1][same]])
    old = graph.dep_bytes if graph.dep_bytes is not None else np.zeros(len(graph.dep_idx))
    nbytes = np.concatenate([old, np.zeros(int(same.sum()))])
    o = np.argsort(child, kind="stable")
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(child, minlength=n), out=ptr[1:])
    return dataclasses.replace(graph, owner=owner.astype(np.int32), dep_ptr=ptr,
                               dep_idx=dep[o].astype(np.int32), dep_bytes=nbytes[o])
