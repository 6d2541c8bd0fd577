"""Which message arrows to draw in a view, and the note saying what was left out.

A message is in view when its flight [left, arrived] overlaps [x0, x1]. Arrows to or
from a collapsed node are not drawn (its row shows occupancy, not PEs). When more than
`limit` remain they are sampled evenly in time: [x0, x1] is cut into `limit` equal
slots and the first message leaving in each slot is kept (one that left before x0
counts in the first slot), so the whole visible range keeps arrows; the note says how
many are shown. Above `hide_above` in view none are drawn ("too dense"). Pure numpy.
"""

from __future__ import annotations

import numpy as np


def in_view(left: np.ndarray, arrived: np.ndarray, x0: float, x1: float) -> np.ndarray:
    """Indices of the messages whose flight overlaps [x0, x1]."""
    return np.flatnonzero((arrived >= x0) & (left <= x1))


def sample_even(left: np.ndarray, idx: np.ndarray, x0: float, x1: float,
                slots: int) -> np.ndarray:
    """At most `slots` of `idx`: the first (by leaving time) in each equal time slot."""
    if len(idx) <= slots:
        return idx
    width = max(x1 - x0, 1e-300)
    slot = np.clip(((left[idx] - x0) / width * slots).astype(np.int64), 0, slots - 1)
    order = np.lexsort((left[idx], slot))
    first = np.r_[True, slot[order][1:] != slot[order][:-1]]
    return np.sort(idx[order[first]])


def choose(left, arrived, src_hidden, dst_hidden, x0, x1, limit, hide_above):
    """(message indices to draw, note) for the view [x0, x1]; `*_hidden[i]` marks a
    message whose sender / receiver is on a collapsed node."""
    vis = in_view(left, arrived, x0, x1)
    total = len(vis)
    if total > hide_above:
        return vis[:0], f"{total:,} messages in view: too dense to draw, zoom in"
    keep = vis[~(src_hidden[vis] | dst_hidden[vis])]
    folded = total - len(keep)
    keep = sample_even(left, keep, x0, x1, limit)
    if len(keep) == total:
        return keep, ""
    note = f"showing {len(keep):,} of {total:,} messages"
    if folded:
        note += f"; {folded:,} to or from collapsed nodes (double-click to expand)"
    if len(keep) < total - folded:
        note += "; zoom in for all"
    return keep, note
