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


class Selection:
    """A trace's spans in start order and its tasks in first-start order, built once;
    `stats` then reads only what overlaps the region (a window widened by the longest
    span, or task)."""

    def __init__(self, trace: Trace, power: tuple[np.ndarray, np.ndarray] | None = None):
        self.power = power
        s = trace.start_s
        order = np.argsort(s, kind="stable") if np.any(s[1:] < s[:-1]) else slice(None)
        col = {c: trace[c][order] for c in ("pe", "kind", "task", "start_s", "end_s",
                                            "flops", "bytes")}
        length = col["end_s"] - col["start_s"]
        col["per_s"] = np.divide(1.0, length, out=np.zeros(len(length)), where=length > 0)
        col["point"] = length == 0                     # counted whole when inside
        col["running"] = (((col["kind"] == KIND_CODE["compute"])
                           | (col["kind"] == KIND_CODE["stall"])) & (col["task"] >= 0))
        col["send"] = col["kind"] == KIND_CODE["send"]
        self.col = col
        self.longest = float(length.max()) if len(trace) else 0.0
        self.all_pes = np.unique(trace.pe)
        m = (trace.task >= 0) & (trace.kind != KIND_CODE["switch"])
        task = trace.task[m].astype(np.int64)
        uniq, first_row, inv = np.unique(task, return_index=True, return_inverse=True)
        first = np.full(len(uniq), np.inf)
        last = np.full(len(uniq), -np.inf)
        np.minimum.at(first, inv, trace.start_s[m])
        np.maximum.at(last, inv, trace.end_s[m])
        by_first = np.argsort(first, kind="stable")
        self.first, self.last = first[by_first], last[by_first]
        self.task_pe = trace.pe[m][first_row][by_first]
        self.task_longest = float((last - first).max()) if len(uniq) else 0.0

    def stats(self, t0: float, t1: float, pes=None) -> dict:
        """The region's figures (see the module docstring); `pes` None means every PE."""
        width = t1 - t0
        c = self.col
        lo = np.searchsorted(c["start_s"], t0 - self.longest, "left")
        hi = np.searchsorted(c["start_s"], t1, "left")
        w = {k: c[k][lo:hi] for k in ("start_s", "end_s", "kind", "flops", "bytes", "per_s",
                                      "point", "running", "send")}
        a = np.searchsorted(self.first, t0 - self.task_longest, "left")
        b = np.searchsorted(self.first, t1, "left")
        first, last = self.first[a:b], self.last[a:b]
        if pes is None:
            pes = self.all_pes
        else:
            pes = np.unique(np.asarray(pes, np.int64))
            table = np.zeros(max(int(pes.max(initial=0)), int(self.all_pes.max(initial=0)))
                             + 1, bool)
            table[pes] = True
            rows, task_rows = table[c["pe"][lo:hi]], table[self.task_pe[a:b]]
            w = {k: v[rows] for k, v in w.items()}
            first, last = first[task_rows], last[task_rows]
        s = w["start_s"]
        inside = np.minimum(w["end_s"], t1)
        inside -= np.maximum(s, t0)
        np.maximum(inside, 0.0, out=inside)
        after = s >= t0
        share = inside * w["per_s"] + (w["point"] & after)
        kind_time = np.bincount(w["kind"], weights=inside, minlength=len(KINDS))
        task_in = np.clip(np.minimum(last, t1) - np.maximum(first, t0), 0.0, None)
        out = {
            "t0_s": t0, "t1_s": t1, "pes": len(pes),
            "time_s": {k: float(kind_time[i]) for i, k in enumerate(KINDS)},
            "flops": float(np.dot(w["flops"], share)),
            "bytes": float(np.dot(w["bytes"], share)),
            "messages": int(np.count_nonzero(w["send"] & after)),
            "avg_parallelism": float(np.dot(inside, w["running"]) / width) if width > 0
            else 0.0,
            "avg_concurrency": float(task_in.sum() / width) if width > 0 else 0.0,
            "energy_j": None, "avg_power_w": None,
        }
        if self.power is not None and width > 0:
            ts, watts = self.power
            edges = np.clip(np.r_[ts, np.inf], t0, t1)
            energy = float(np.sum(watts * np.diff(edges)))
            out["energy_j"], out["avg_power_w"] = energy, energy / width
        return out
