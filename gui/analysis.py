"""Queries on a finished trace for the views: events, counters at a time, series.

Pure numpy (no Qt), built once per Run. Definitions used everywhere in the GUI:

    parallelism(t)  = PEs in a `compute` span at t          (work actually running)
    concurrency(t)  = tasks started and not finished at t   (work logically in progress;
                      a task starts at its first span and finishes at the end of its last)
    active PEs(t)   = PEs in any span other than `wait` at t
    FLOPs done(t)   = sum over spans of flops x clip((t - start) / (end - start), 0, 1)
                      (spans in progress are prorated linearly)

A span covers [start, end): at t = end it no longer counts.
"""

from __future__ import annotations

import re

import numpy as np

from sim.perfetto import power_samples
from sim.run import Run
from sim.trace import KIND_CODE

_WAIT = KIND_CODE["wait"]
_COMPUTE = KIND_CODE["compute"]


def _counter(starts: np.ndarray, ends: np.ndarray):
    """Sorted start and end times for count(start <= t) - count(end <= t)."""
    return np.sort(starts), np.sort(ends)


def _count_at(pair, t: float) -> int:
    s, e = pair
    return int(np.searchsorted(s, t, "right") - np.searchsorted(e, t, "right"))


def step_series(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(times, level) of the step function count(start <= t < end); level[i] holds
    from times[i] to times[i+1]."""
    t = np.concatenate([starts, ends])
    d = np.concatenate([np.ones(len(starts), np.int64), -np.ones(len(ends), np.int64)])
    order = np.argsort(t, kind="stable")
    t, level = t[order], np.cumsum(d[order])
    keep = np.r_[t[1:] != t[:-1], True]           # the level after the last event at a time
    return np.r_[0.0, t[keep]], np.r_[0, level[keep]]


class TraceIndex:
    """Sorted views of one run's trace for O(log n) queries at a playhead time."""

    def __init__(self, run: Run):
        tr = run.trace
        self.run = run
        self.start, self.end = tr.start_s, tr.end_s
        self.makespan = float(max(run.makespan, self.end.max() if len(tr) else 0.0))
        self.events = np.unique(np.concatenate([self.start, self.end, [0.0]]))
        # FLOPs: completed spans by end time, in-progress spans through a start window
        by_end = np.argsort(self.end, kind="stable")
        self._end_sorted = self.end[by_end]
        self._flops_cum = np.r_[0.0, np.cumsum(tr.flops[by_end])]
        fl = np.flatnonzero(tr.flops > 0)
        by_start = fl[np.argsort(self.start[fl], kind="stable")]
        self._fl_start = self.start[by_start]
        self._fl_end = self.end[by_start]
        self._fl_flops = tr.flops[by_start]
        dur = self._fl_end - self._fl_start
        self._fl_maxdur = float(dur.max()) if len(dur) else 0.0
        busy = tr.kind != _WAIT
        self._busy = _counter(self.start[busy], self.end[busy])
        comp = tr.kind == _COMPUTE
        self._compute = _counter(self.start[comp], self.end[comp])
        self.task_first, self.task_last = task_extents(tr)
        self._tasks = _counter(self.task_first, self.task_last)
        self.power = power_samples(run)

    # -- stepping ----------------------------------------------------------------------

    def next_event(self, t: float) -> float:
        """The first span start or end strictly after t (or the last one)."""
        i = np.searchsorted(self.events, t, "right")
        return float(self.events[min(i, len(self.events) - 1)])

    def prev_event(self, t: float) -> float:
        """The last span start or end strictly before t (or 0)."""
        i = np.searchsorted(self.events, t, "left") - 1
        return float(self.events[max(i, 0)])

    # -- counters at a time ------------------------------------------------------------

    def flops_done(self, t: float) -> float:
        done = self._flops_cum[np.searchsorted(self._end_sorted, t, "right")]
        lo = np.searchsorted(self._fl_start, t - self._fl_maxdur, "left")
        hi = np.searchsorted(self._fl_start, t, "left")
        s, e, f = self._fl_start[lo:hi], self._fl_end[lo:hi], self._fl_flops[lo:hi]
        run = e > t
        if run.any():
            done += float(np.sum(f[run] * (t - s[run]) / (e[run] - s[run])))
        return float(done)

    def active_pes(self, t: float) -> int:
        return _count_at(self._busy, t)

    def parallelism(self, t: float) -> int:
        return _count_at(self._compute, t)

    def concurrency(self, t: float) -> int:
        return _count_at(self._tasks, t)

    def power_at(self, t: float) -> float | None:
        """The power sample in force at t (samples are steps), None without a power model."""
        if self.power is None:
            return None
        ts, watts = self.power
        i = np.searchsorted(ts, t, "right") - 1
        return float(watts[max(i, 0)])

    # -- series over the run -----------------------------------------------------------

    def parallelism_series(self) -> tuple[np.ndarray, np.ndarray]:
        return step_series(*self._compute)

    def concurrency_series(self) -> tuple[np.ndarray, np.ndarray]:
        return step_series(self.task_first, self.task_last)


def task_extents(tr) -> tuple[np.ndarray, np.ndarray]:
    """Per task (id >= 0): first span start and last span end."""
    m = tr.task >= 0
    if not m.any():
        return np.zeros(0), np.zeros(0)
    ids, inv = np.unique(tr.task[m], return_inverse=True)
    first = np.full(len(ids), np.inf)
    last = np.full(len(ids), -np.inf)
    np.minimum.at(first, inv, tr.start_s[m])
    np.maximum.at(last, inv, tr.end_s[m])
    return first, last


def task_points(tr) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per task: (flops, bytes, seconds from first start to last end) for the roofline."""
    m = tr.task >= 0
    if not m.any():
        return np.zeros(0), np.zeros(0), np.zeros(0)
    ids, inv = np.unique(tr.task[m], return_inverse=True)
    flops = np.bincount(inv, weights=tr.flops[m], minlength=len(ids))
    nbytes = np.bincount(inv, weights=tr.bytes[m], minlength=len(ids))
    first, last = task_extents(tr)
    return flops, nbytes, last - first


_GROUP = re.compile(r"^[^\s\[/#:(]+")


def layer_flops(run: Run) -> tuple[list[str], np.ndarray] | None:
    """FLOPs per layer (or per task group: a task name up to its first space, '[', '/',
    '#', ':' or '('), in first-appearance order; None if fewer than two groups."""
    layers = run.extras.get("layers")
    if layers:
        names = [str(item["name"]) for item in layers]
        return names, np.array([float(item["flops"]) for item in layers])
    names = run.task_names
    tr = run.trace
    if not names or not len(tr):
        return None
    keys = np.array([(_GROUP.match(n) or re.match(".*", n)).group(0) for n in names])
    m = (tr.task >= 0) & (tr.task < len(keys))
    groups, first, inv = np.unique(keys[tr.task[m]], return_index=True, return_inverse=True)
    if not 2 <= len(groups) <= 500:
        return None
    flops = np.bincount(inv, weights=tr.flops[m], minlength=len(groups))
    order = np.argsort(first)
    return [str(g) for g in groups[order]], flops[order]
