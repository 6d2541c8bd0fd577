"""Occupancy of a collapsed node row: the share of its PEs in each span kind, per pixel.

For one node and one kind, n(t) = number of the node's PEs with a span of that kind
covering t (a step function: +1 at each span start, -1 at each end). Its integral

    F(t) = sum over spans of clamp(t - start, 0, end - start)
         = t * Ns(t) - Ss(t) - t * Ne(t) + Se(t)

where Ns(t), Ss(t) are the count and the sum of the starts <= t and Ne, Se those of the
ends (prefix sums over the sorted starts and ends: two binary searches), and the mean
of n over a pixel column [a, b] is

    occupancy(a, b) = (F(b) - F(a)) / ((b - a) * cores)       in [0, 1]

Pure numpy, built once per kind (off the GUI thread for runs that open collapsed).
"""

from __future__ import annotations

import numpy as np

from ..sim.trace import KINDS
from .sorting import small_ints


class Occupancy:
    """Per kind: each node's span starts and ends, each sorted, with their prefix sums
    (node g owns entries ptr[g]:ptr[g+1] of both)."""

    def __init__(self, start: np.ndarray, end: np.ndarray, pe: np.ndarray, nodes: int,
                 cores: int, ends: tuple[np.ndarray, np.ndarray] | None = None):
        """`ends`: optionally the same spans' (end, pe) already sorted by end (taken from
        one sort of the whole trace's ends instead of a sort here)."""
        self.cores = cores
        node = pe // cores
        # the kind's spans come by start; ends of back-to-back spans are nearly sorted
        by_s = np.argsort(start, kind="stable")
        if ends is None:
            by_e = np.argsort(end, kind="stable")
            e_sorted, e_node = end[by_e], node[by_e]
        else:
            e_sorted, e_node = ends[0], ends[1] // cores
        if nodes > 1:               # by node, keeping time order: stable radix sorts
            by_s = by_s[np.argsort(small_ints(node[by_s], nodes), kind="stable")]
            by_node = np.argsort(small_ints(e_node, nodes), kind="stable")
            e_sorted = e_sorted[by_node]
        self.s, self.e = start[by_s], e_sorted
        self.ptr = np.searchsorted(node[by_s], np.arange(nodes + 1))
        self.s_sum = np.r_[0.0, np.cumsum(self.s)]
        self.e_sum = np.r_[0.0, np.cumsum(self.e)]

    def _counts(self, node: int, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(Ns, Ne) at each x: the node's starts and ends <= x (as indexes past lo)."""
        lo, hi = self.ptr[node], self.ptr[node + 1]
        return (lo + np.searchsorted(self.s[lo:hi], x, "right"),
                lo + np.searchsorted(self.e[lo:hi], x, "right"))

    def count_at(self, node: int, x: float) -> int:
        """n(x): how many of the node's PEs have a span of this kind covering x
        (spans as [start, end))."""
        ns, ne = self._counts(node, np.array([x]))
        return int(ns[0] - ne[0])

    def fractions(self, node: int, edges: np.ndarray) -> np.ndarray:
        """Mean share of the node's PEs in this kind over each [edges[i], edges[i+1]]."""
        edges = np.asarray(edges, np.float64)
        lo = self.ptr[node]
        ns, ne = self._counts(node, edges)
        f = edges * (ns - ne) - (self.s_sum[ns] - self.s_sum[lo]) \
            + (self.e_sum[ne] - self.e_sum[lo])
        return np.diff(f) / (np.diff(edges) * self.cores)


def stacked_bars(occupancies, kinds, bottoms: dict, edges: np.ndarray, height: float,
                 min_height: float) -> dict:
    """Per kind, bars (x, width, y0, h) stacking each node's shares bottom up, in the
    order of `kinds`, on the row whose bottom y is `bottoms[node]` (y grows downwards):
    h = share x height, at least `min_height` (a pixel) where the share is not 0."""
    parts = {k: [] for k in kinds}
    width = np.diff(edges)
    for node, bottom in bottoms.items():
        y = np.full(len(width), float(bottom))
        for k, occ in zip(kinds, occupancies):
            frac = np.clip(occ.fractions(node, edges), 0.0, 1.0)
            h = np.where(frac > 0, np.maximum(frac * height, min_height), 0.0)
            y = y - h
            m = h > 0
            parts[k].append((edges[:-1][m], width[m], y[m], h[m]))
    return {k: tuple(np.concatenate(c) for c in zip(*v)) for k, v in parts.items() if v}


def collapsed_bars(spans, rows, x0: float, x1: float, px: float, height: float,
                   row_px: float) -> dict[str, tuple]:
    """Per kind, the stacked occupancy bars of `rows`' collapsed nodes over [x0, x1]
    (x0 clipped at 0), one per pixel column of `px` seconds (at most 4000)."""
    a, b = max(x0, 0.0), x1
    if not rows.collapsed or b <= a:
        return {}
    edges = np.linspace(a, b, int(min((b - a) / px, 4000)) + 2)
    bottoms = {n: rows.node_first_row[n] + height / 2 for n in sorted(rows.collapsed)}
    kinds = [k for k in KINDS if k in spans.kind_rows]
    return stacked_bars([spans.occupancy(k) for k in kinds], kinds, bottoms, edges, height,
                        row_px)

