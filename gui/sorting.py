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
