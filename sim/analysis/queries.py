"""Small questions asked of a finished run: its power samples, its message pairs."""

from __future__ import annotations

import numpy as np

from ..trace import KIND_CODE


def power_samples(run) -> tuple[np.ndarray, np.ndarray] | None:
    """The run's power series (t_s, watts) from `run.extras["power"]`, or None."""
    p = run.extras.get("power") if run.extras else None
    if p is None:
        return None
    get = p.get if hasattr(p, "get") else (lambda k: getattr(p, k, None))
    t, w = get("t_s"), get("watts")
    if t is None or w is None or len(t) == 0:
        return None
    return np.asarray(t, np.float64), np.asarray(w, np.float64)


def message_pairs(trace) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (send, recv) of the messages that have both a send and a recv span."""
    ids = []
    for kind in (KIND_CODE["send"], KIND_CODE["recv"]):
        rows = np.flatnonzero((trace.kind == kind) & (trace.msg >= 0))
        msg, first = np.unique(trace.msg[rows], return_index=True)
        ids.append((msg, rows[first]))
    (ms, rs), (mr, rr) = ids
    common, i, j = np.intersect1d(ms, mr, assume_unique=True, return_indices=True)
    return rs[i], rr[j]
