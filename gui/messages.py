"""Which message arrows to draw in a view, and the note saying what was left out.

A message is in view when its flight [left, arrived] overlaps [x0, x1]. Arrows to or
from a collapsed node are not drawn (its row shows occupancy, not PEs). When more than
`limit` remain they are sampled evenly in time: [x0, x1] is cut into `limit` equal
slots and each keeps the same number of its first messages (one that left before x0
counts in the first slot), so the whole visible range keeps arrows and bursts are not
thinned to one; the note says how many are shown. Above `hide_above` in view none are
drawn ("too dense"; the timeline passes a number per pixel column). Pure numpy.
"""

from __future__ import annotations

import numpy as np


def in_view(left: np.ndarray, arrived: np.ndarray, x0: float, x1: float) -> np.ndarray:
    """Indices of the messages whose flight overlaps [x0, x1]."""
    return np.flatnonzero((arrived >= x0) & (left <= x1))


def sample_even(left: np.ndarray, idx: np.ndarray, x0: float, x1: float,
                slots: int) -> np.ndarray:
    """At most `slots` of `idx`, spread evenly in time: [x0, x1] is cut into `slots`
    equal slots and each keeps its first k messages (by leaving time), k the largest
    with sum over slots of min(count, k) <= slots (water filling: sparse slots keep
    all theirs, bursts share the rest equally)."""
    if len(idx) <= slots:
        return idx
    width = max(x1 - x0, 1e-300)
    slot = np.clip(((left[idx] - x0) / width * slots).astype(np.int64), 0, slots - 1)
    order = np.lexsort((left[idx], slot))
    slot = slot[order]
    counts = np.bincount(slot, minlength=slots)
    c = np.sort(counts)
    # kept(k) = sum(min(counts, k)) = sum(c[c < k]) + k * #(c >= k), non-decreasing in k
    ks = np.arange(1, c[-1] + 1)
    below = np.searchsorted(c, ks)                  # how many slots have count < k
    kept = np.r_[0, np.cumsum(c)][below] + ks * (len(c) - below)
    k = int(ks[np.searchsorted(kept, slots, "right") - 1]) if kept[0] <= slots else 1
    first = np.searchsorted(slot, slot)             # each slot's first position
    rank = np.arange(len(slot)) - first
    return np.sort(idx[order[rank < k]])


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
