"""Statistics over a selected region of the timeline: a time range [t0, t1) x some PEs.

A span counts with the part of it inside the range, inside = max(0, min(end, t1) -
max(start, t0)); its FLOPs and bytes are prorated by inside / length (as the player's
"done" counter prorates them; a zero-length span counts whole when t0 <= start < t1).

    time per kind      sum of inside, per span kind
    messages           send spans starting in the range
    avg parallelism    inside of running spans (compute, stall with a task) / (t1 - t0)
    avg concurrency    per task, the inside of [first start, last end] / (t1 - t0)
                       (a task counts on the PE of its earliest span)
    energy             the integral of the run's power series over the range (the
                       whole machine's: the power model has no per-PE series)

How it is summed (the same numbers, without reading every span): split the intervals
into A, those starting in [t0, t1), and B, those starting before t0 and ending after
it. A's inside is its length less its overrun max(0, end - t1), so the sum over A is
a difference of prefix sums over the intervals sorted by (PE, kind, has a task, start)
minus the overruns; B and the overruns are read from the intervals sorted by start, in
windows as wide as the longest interval before t0 and before t1.
"""

from __future__ import annotations

import numpy as np

from ..trace import KIND_CODE, KINDS, Trace

_K = len(KINDS)
_RUNNING = (KIND_CODE["compute"], KIND_CODE["stall"])


class _Intervals:
    """Intervals [start, end) in groups, each with weights `whole` (counted in full
    when it lies inside the range; its rate is whole / length). `sums(t0, t1, groups)`
    gives, per group asked for, the sum of each weight prorated by inside / length
    (a zero-length interval: whole when t0 <= start < t1) and how many start in
    [t0, t1)."""

    def __init__(self, group, start, end, whole: np.ndarray, groups: int):
        if np.any(start[1:] < start[:-1]):
            by_start = np.argsort(start, kind="stable")
            start, end, group, whole = (start[by_start], end[by_start], group[by_start],
                                        whole[:, by_start])
        self.start, self.end, self.whole = start, end, whole
        self.group = group = np.asarray(group, np.int64)
        self.longest = float((end - start).max()) if len(start) else 0.0
        new = np.r_[True, start[1:] != start[:-1]] if len(start) else np.zeros(0, bool)
        self.times = start[new]                                 # distinct starts
        rank = np.cumsum(new) - 1
        self.stride = len(self.times) + 1
        small = np.uint16 if groups <= 1 << 16 else np.int64    # a radix sort when small
        order = np.argsort(group.astype(small), kind="stable")  # (group, start) order
        self.key = group[order] * self.stride + rank[order]
        self.prefix = np.zeros((len(whole), len(order) + 1))
        np.cumsum(np.take(whole, order, axis=1), axis=1, out=self.prefix[:, 1:])
        self.groups = groups

    def sums(self, t0: float, t1: float, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(weights x groups asked, starts per group asked)."""
        r0, r1 = np.searchsorted(self.times, [t0, t1], "left")
        base = groups * self.stride
        lo = np.searchsorted(self.key, base + r0)
        hi = np.searchsorted(self.key, base + r1)
        total = self.prefix[:, hi] - self.prefix[:, lo]
        pos = np.full(self.groups, -1, np.int64)
        pos[groups] = np.arange(len(groups))
        s = self.start
        # A's overruns: started in [t0, t1), ends after t1
        a, b = np.searchsorted(s, [max(t0, t1 - self.longest), t1], "left")
        m = a + np.flatnonzero((self.end[a:b] > t1) & (pos[self.group[a:b]] >= 0))
        over = (self.end[m] - t1) * self.whole[:, m]
        # B: started before t0, ends after it
        a, b = np.searchsorted(s, [t0 - self.longest, t0], "left")
        n = a + np.flatnonzero((self.end[a:b] > t0) & (pos[self.group[a:b]] >= 0))
        part = (np.minimum(self.end[n], t1) - t0) * self.whole[:, n]
        for rows, w, sign in ((m, over, -1.0), (n, part, 1.0)):
            w = w / (self.end[rows] - self.start[rows])         # rate = whole / length
            for k in range(len(total)):
                total[k] += sign * np.bincount(pos[self.group[rows]], weights=w[k],
                                               minlength=len(groups))
        return total, hi - lo


class Selection:
    """A trace's spans grouped by (PE, kind, has a task) and its tasks by the PE of
    their earliest span, with prefix sums, built once; `stats` then costs a few binary
    searches per PE and the spans crossing t0 or t1."""

    def __init__(self, trace: Trace, power: tuple[np.ndarray, np.ndarray] | None = None):
        self.power = power
        self.pes = int(trace.pe.max()) + 1 if len(trace) else 0
        self.all_pes = np.flatnonzero(np.bincount(trace.pe, minlength=self.pes))
        group = (trace.pe.astype(np.int64) * _K + trace.kind) * 2 + (trace.task >= 0)
        length = trace.end_s - trace.start_s
        self.spans = _Intervals(group, trace.start_s, trace.end_s,
                                np.vstack([length, trace.flops, trace.bytes]),
                                self.pes * _K * 2)
        m = np.flatnonzero((trace.task >= 0) & (trace.kind != KIND_CODE["switch"]))
        if np.any(trace.start_s[m][1:] < trace.start_s[m][:-1]):   # earliest span first
            m = m[np.argsort(trace.start_s[m], kind="stable")]
        task = trace.task[m].astype(np.int64)
        uniq, first_row, inv = np.unique(task, return_index=True, return_inverse=True)
        first = trace.start_s[m][first_row]
        last = np.full(len(uniq), -np.inf)
        np.maximum.at(last, inv, trace.end_s[m])
        self.tasks = _Intervals(trace.pe[m][first_row], first, last,
                                (last - first)[None, :], self.pes)

    def stats(self, t0: float, t1: float, pes=None) -> dict:
        """The region's figures (see the module docstring); `pes` None means every PE."""
        width = t1 - t0
        asked = self.all_pes if pes is None else np.unique(np.asarray(pes, np.int64))
        pes = asked[asked < self.pes]                 # a PE without spans adds nothing
        groups = (pes[:, None] * (_K * 2) + np.arange(_K * 2)).ravel()
        (time, flops, nbytes), starts = self.spans.sums(t0, t1, groups)
        kind = (groups // 2) % _K
        kind_time = np.bincount(kind, weights=time, minlength=_K)
        running = np.isin(kind, _RUNNING) & (groups % 2 == 1)
        task_time = self.tasks.sums(t0, t1, pes)[0][0]
        out = {
            "t0_s": t0, "t1_s": t1, "pes": len(asked),
            "time_s": {k: float(kind_time[i]) for i, k in enumerate(KINDS)},
            "flops": float(flops.sum()),
            "bytes": float(nbytes.sum()),
            "messages": int(starts[kind == KIND_CODE["send"]].sum()),
            "avg_parallelism": float(time[running].sum() / width) if width > 0 else 0.0,
            "avg_concurrency": float(task_time.sum() / width) if width > 0 else 0.0,
            "energy_j": None, "avg_power_w": None,
        }
        if self.power is not None and width > 0:
            ts, watts = self.power
            edges = np.clip(np.r_[ts, np.inf], t0, t1)
            energy = float(np.sum(watts * np.diff(edges)))
            out["energy_j"], out["avg_power_w"] = energy, energy / width
        return out
