"""Fast stable sorts for the views' indexes (built off the GUI thread, once per run).

numpy sorts 8- and 16-bit integer keys stably by radix, in linear time, and other
keys by timsort, which is linear on data made of a few sorted runs: a trace in start
order is sorted by PE through narrow keys, and span ends (nearly sorted) directly.
"""

from __future__ import annotations

import numpy as np


def small_ints(a: np.ndarray, bound: int) -> np.ndarray:
    """`a` (values in [0, bound)) as the narrowest unsigned type that holds them (radix
    sortable up to 65,536); `a` itself when wider."""
    for t in (np.uint8, np.uint16):
        if bound <= np.iinfo(t).max + 1:
            return a.astype(t)
    return a


def end_order(t: np.ndarray) -> np.ndarray:
    """np.argsort(t, kind="stable") (the same permutation, ties in row order) for times
    that are nearly sorted, as span ends in start order are: a radix sort on 16-bit bins
    of t (stable), then timsort within the bins (runs of a few rows, already in order
    between bins). The binning is monotone in t, so equal times share a bin, in row order."""
    if len(t) < 2:
        return np.argsort(t, kind="stable")
    lo, hi = float(t.min()), float(t.max())
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        return np.argsort(t, kind="stable")
    scale = 65535.0 / (hi - lo)
    if not np.isfinite(scale):
        return np.argsort(t, kind="stable")
    key = t - lo
    key *= scale
    np.minimum(key, 65535.0, out=key)
    by_bin = np.argsort(key.astype(np.uint16), kind="stable")
    return by_bin[np.argsort(t[by_bin], kind="stable")]
