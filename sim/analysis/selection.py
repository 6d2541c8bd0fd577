"""Statistics over a selected region of the timeline: a time range [t0, t1) x some PEs.

A span counts with the part of it inside the range, inside = max(0, min(end, t1) -
max(start, t0)); its FLOPs and bytes are prorated by inside / length (as the player's
"done" counter prorates them; a zero-length span counts whole when t0 <= start < t1).

    time per kind      sum of inside, per span kind
    messages           send spans starting in the range
    avg parallelism    inside of running spans (compute, stall with a task) / (t1 - t0)
    avg concurrency    per task, the inside of [first start, last end] / (t1 - t0)
                       (a task counts on the PE of its first span)
    energy             the integral of the run's power series over the range (the
                       whole machine's: the power model has no per-PE series)
"""

from __future__ import annotations

import numpy as np

from ..trace import KIND_CODE, KINDS, Trace

_RUNNING = (KIND_CODE["compute"], KIND_CODE["stall"])


class Selection:
    """A trace's per-task extents, built once; `stats` answers each region."""

    def __init__(self, trace: Trace, power: tuple[np.ndarray, np.ndarray] | None = None):
        self.trace, self.power = trace, power
        m = (trace.task >= 0) & (trace.kind != KIND_CODE["switch"])
        task = trace.task[m].astype(np.int64)
        uniq, first_row, inv = np.unique(task, return_index=True, return_inverse=True)
        self.first = np.full(len(uniq), np.inf)
        self.last = np.full(len(uniq), -np.inf)
        np.minimum.at(self.first, inv, trace.start_s[m])
        np.maximum.at(self.last, inv, trace.end_s[m])
        self.task_pe = trace.pe[m][first_row]
        self.running = np.isin(trace.kind, _RUNNING) & (trace.task >= 0)

    def stats(self, t0: float, t1: float, pes=None) -> dict:
        """The region's figures (see the module docstring); `pes` None means every PE."""
        tr, width = self.trace, t1 - t0
        s, e = tr.start_s, tr.end_s
        if pes is None:
            rows, task_rows = None, slice(None)
        else:
            pes = np.unique(np.asarray(pes))
            rows, task_rows = np.isin(tr.pe, pes), np.isin(self.task_pe, pes)
        inside = np.clip(np.minimum(e, t1) - np.maximum(s, t0), 0.0, None)
        length = e - s
        point = (length == 0) & (s >= t0) & (s < t1)
        share = np.where(length > 0, inside / np.where(length > 0, length, 1.0), point)
        sends = (tr.kind == KIND_CODE["send"]) & (s >= t0) & (s < t1)
        if rows is not None:
            share, inside, sends = share * rows, inside * rows, sends & rows
        kind_time = np.bincount(tr.kind, weights=inside, minlength=len(KINDS))
        task_in = np.clip(np.minimum(self.last[task_rows], t1)
                          - np.maximum(self.first[task_rows], t0), 0.0, None)
        out = {
            "t0_s": t0, "t1_s": t1,
            "pes": len(np.unique(tr.pe)) if pes is None else len(pes),
            "time_s": {k: float(kind_time[i]) for i, k in enumerate(KINDS)},
            "flops": float(np.dot(tr.flops, share)),
            "bytes": float(np.dot(tr.bytes, share)),
            "messages": int(np.count_nonzero(sends)),
            "avg_parallelism": float(inside[self.running].sum() / width) if width > 0 else 0.0,
            "avg_concurrency": float(task_in.sum() / width) if width > 0 else 0.0,
            "energy_j": None, "avg_power_w": None,
        }
        if self.power is not None and width > 0:
            ts, watts = self.power
            edges = np.clip(np.r_[ts, np.inf], t0, t1)
            energy = float(np.sum(watts * np.diff(edges)))
            out["energy_j"], out["avg_power_w"] = energy, energy / width
        return out
