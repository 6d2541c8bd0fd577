"""Step functions built from intervals: how many intervals cover each instant.

`count_steps(start, end, group, groups, horizon)` returns, for each group, the
breakpoints t_0 = 0 < t_1 < ... < t_k = horizon and the level on [t_i, t_(i+1)):
the number of the group's intervals [start, end) covering it (the last level, at the
horizon, is what holds after it). Groups are stored back to back (CSR): group g
owns entries ptr[g]:ptr[g+1]. The integral of a level over [0, horizon] equals the
summed lengths of its intervals.
"""

from __future__ import annotations

import numpy as np


def count_steps(start: np.ndarray, end: np.ndarray, group: np.ndarray | None = None,
                groups: int = 1, horizon: float = 0.0
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ptr, t_s, level) of every group's coverage count (see the module docstring)."""
    start = np.asarray(start, np.float64)
    end = np.asarray(end, np.float64)
    n = len(start)
    t = np.concatenate([start, end, np.zeros(groups), np.full(groups, float(horizon))])
    if groups == 1:
        order = np.argsort(t, kind="stable")
        t = t[order]
        last = np.ones(len(t), bool)             # the last entry of each time
        last[:-1] = t[1:] != t[:-1]
        ptr = np.array([0, int(last.sum())], np.int64)
    else:
        g_all = np.arange(groups, dtype=np.int64)
        if group is None:
            group = np.zeros(n, np.int64)
        g = np.concatenate([group, group, g_all, g_all]).astype(np.int64)
        order = np.lexsort((t, g))
        t, g = t[order], g[order]
        last = np.ones(len(t), bool)             # the last entry of each (group, time)
        last[:-1] = (g[1:] != g[:-1]) | (t[1:] != t[:-1])
        ptr = np.zeros(groups + 1, np.int64)
        np.cumsum(np.bincount(g[last], minlength=groups), out=ptr[1:])
    # +1 at a start, -1 at an end, 0 at the bounds; each group's sum is 0, so the
    # running sum restarts at every group and, at a time's last entry, is its level
    step = (order < n).astype(np.int64) - ((order >= n) & (order < 2 * n))
    return ptr, t[last], np.cumsum(step)[last]


def level_at(t_s: np.ndarray, level: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The step function's value at each time in `at` (right-continuous)."""
    return level[np.searchsorted(t_s, at, side="right") - 1]


def integral(t_s: np.ndarray, values: np.ndarray) -> float:
    """Exact integral of a step function over [t_0, t_last]."""
    return float(np.sum(values[:-1] * np.diff(t_s)))
