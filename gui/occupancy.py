"""Occupancy of a collapsed node row: the share of its PEs in each span kind, per pixel.

For one node and one kind, n(t) = number of the node's PEs with a span of that kind
covering t (a step function: +1 at each span start, -1 at each end). Its integral

    F(t) = sum over spans of clamp(t - start, 0, end - start)

is piecewise linear with breakpoints at the span ends, so it is stored exactly as its
values at the sorted event times, and the mean of n over a pixel column [a, b] is

    occupancy(a, b) = (F(b) - F(a)) / ((b - a) * cores)       in [0, 1]

(np.interp between breakpoints). Pure numpy, built once per (kind) on first use.
"""

from __future__ import annotations

import numpy as np


class Occupancy:
    """Per kind: event times and F at them, grouped by node (`ptr[node]:ptr[node+1]`)."""

    def __init__(self, start: np.ndarray, end: np.ndarray, pe: np.ndarray, nodes: int,
                 cores: int):
        self.cores = cores
        node = np.concatenate([pe, pe]) // cores
        t = np.concatenate([start, end])
        d = np.concatenate([np.ones(len(start)), -np.ones(len(end))])
        order = np.lexsort((t, node))
        t, d, node = t[order], d[order], node[order]
        self.ptr = np.searchsorted(node, np.arange(nodes + 1))
        self.t = t
        self.f = np.zeros(len(t))
        self.n = np.zeros(len(t), np.int64)     # n(t) just after each event
        for lo, hi in zip(self.ptr[:-1], self.ptr[1:]):
            if hi > lo:                 # F grows at slope n(t) between events
                self.n[lo:hi] = np.cumsum(d[lo:hi])
                self.f[lo + 1:hi] = np.cumsum(self.n[lo:hi - 1] * np.diff(t[lo:hi]))

    def count_at(self, node: int, x: float) -> int:
        """n(x): how many of the node's PEs have a span of this kind covering x
        (spans as [start, end))."""
        lo, hi = self.ptr[node], self.ptr[node + 1]
        j = lo + np.searchsorted(self.t[lo:hi], x, "right") - 1
        return int(self.n[j]) if j >= lo else 0

    def fractions(self, node: int, edges: np.ndarray) -> np.ndarray:
        """Mean share of the node's PEs in this kind over each [edges[i], edges[i+1]]."""
        lo, hi = self.ptr[node], self.ptr[node + 1]
        if hi == lo:
            return np.zeros(len(edges) - 1)
        f = np.interp(edges, self.t[lo:hi], self.f[lo:hi], left=0.0)
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
