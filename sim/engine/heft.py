"""HEFT list scheduling (Topcuoglu, Hariri, Wu, IEEE TPDS 13(3), 2002).

Ranking: the upward rank of task i,

    rank_u(i) = w_i + max over successors j of (c_ij + rank_u(j))    (exit tasks: w_i)

with w_i the mean computation cost of i and c_ij the mean communication cost of the
edge. Tasks are taken in decreasing rank_u (ties: lower index first); each goes to the
processor giving it the earliest finish time

    EFT(i, p) = EST(i, p) + cost(i, p)
    EST(i, p) = earliest idle slot on p of length cost(i, p) starting at or after
                max over predecessors k of (AFT(k) + comm(k -> i, proc(k), p))

(insertion-based: a task may fill a gap between two tasks already placed on p).
Ties in EFT go to the lower processor index. The schedule length is the latest AFT.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable

import numpy as np


def upward_ranks(dep_ptr, dep_idx, mean_cost: np.ndarray, mean_comm: np.ndarray) -> np.ndarray:
    """rank_u per task; `mean_comm` is parallel to dep_idx (edge k: dep_idx[k] -> its task)."""
    n = len(mean_cost)
    rank = np.array(mean_cost, np.float64)
    best = np.zeros(n)
    for i in range(n - 1, -1, -1):
        rank[i] = mean_cost[i] + best[i]
        for k in range(dep_ptr[i], dep_ptr[i + 1]):
            p = dep_idx[k]
            v = mean_comm[k] + rank[i]
            if v > best[p]:
                best[p] = v
    return rank


def heft(dep_ptr, dep_idx, cost: np.ndarray, mean_cost: np.ndarray, mean_comm: np.ndarray,
         comm: Callable[[int, int, int], float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(processor, start, finish) per task. `cost[i, p]`: run time of i on processor p
    (inf: not allowed there); `comm(k, p_src, p_dst)`: the transfer time of edge k
    between those processors (0 on the same one)."""
    n, procs = cost.shape
    rank = upward_ranks(dep_ptr, dep_idx, mean_cost, mean_comm)
    order = sorted(range(n), key=lambda i: (-rank[i], i))
    proc = np.full(n, -1, np.int64)
    start, finish = np.zeros(n), np.zeros(n)
    slots: list[list[tuple[float, float]]] = [[] for _ in range(procs)]   # sorted busy
    for i in order:
        best = (math.inf, math.inf, -1)
        for p in range(procs):
            w = cost[i, p]
            if not math.isfinite(w):
                continue
            ready = 0.0
            for k in range(dep_ptr[i], dep_ptr[i + 1]):
                j = dep_idx[k]
                ready = max(ready, finish[j] + comm(k, int(proc[j]), p))
            s = _earliest_slot(slots[p], ready, w)
            if s + w < best[0]:
                best = (s + w, s, p)
        f, s, p = best
        if p < 0:
            raise ValueError(f"task {i} can run on no processor")
        proc[i], start[i], finish[i] = p, s, f
        bisect.insort(slots[p], (s, f))
    return proc, start, finish


def _earliest_slot(busy: list[tuple[float, float]], ready: float, w: float) -> float:
    """Earliest start >= ready of a gap of length w among sorted busy intervals."""
    t = ready
    for s, f in busy:
        if f <= t:
            continue
        if s - t >= w:
            return t
        t = max(t, f)
    return t
