"""Queries on a finished trace for the views: events, counters at a time, series.

Pure numpy (no Qt), built once per Run. Definitions used everywhere in the GUI:

    parallelism(t)  = PEs running a task at t: in a `compute` or `stall` span (a stalled
                      core still holds its task)
    concurrency(t)  = tasks started and not finished at t: from the start of a task's
                      first span (`switch` spans excluded) to the end of its last
    active PEs(t)   = PEs in any span other than `wait` at t
    FLOPs done(t)   = sum over spans of flops x clip((t - start) / (end - start), 0, 1)
                      (spans in progress are prorated linearly)

A span covers [start, end): at t = end it no longer counts. These are the definitions of
the model (sim.analysis.concurrency, which also gives each task's extent); the series
over the whole run are the run's own (`extras["concurrency"]`, which every Run carries,
one reopened from CSV too): this module only indexes them for the playhead.
"""

from __future__ import annotations

import threading

import numpy as np

from ..sim.analysis.concurrency import concurrency_series
from ..sim.analysis.queries import power_samples
from ..sim.analysis.task_rows import extents, thread_table
from ..sim.run import Run
from ..sim.trace import KIND_CODE
from .rows import COLLAPSE_ABOVE_PES
from .sorting import end_order
from .spans import SpanLayout

_WAIT, _SWITCH = KIND_CODE["wait"], KIND_CODE["switch"]


def _is_sorted(a: np.ndarray) -> bool:
    return bool(np.all(a[1:] >= a[:-1]))


def _count_at(pair, t: float) -> int:
    s, e = pair
    return int(np.searchsorted(s, t, "right") - np.searchsorted(e, t, "right"))


class TraceIndex:
    """Sorted views of one run's trace for O(log n) queries at a playhead time.

    Parallelism and concurrency at t are read from the run's own series (a step
    function: one binary search); FLOPs done and active PEs from sorted span times."""

    def __init__(self, run: Run):
        tr = run.trace
        self.run = run
        self.start, self.end = tr.start_s, tr.end_s
        self._last_end = float(self.end.max()) if len(tr) else 0.0
        self.makespan = float(max(run.makespan, self._last_end))
        self._total_flops = float(np.sum(tr.flops))
        self._lock = threading.Lock()           # the worker may be finishing (finish())
        self._counted = False                   # the sorted views for flops_done, active_pes
        # runs opening collapsed draw occupancy, from the ends in order: sorted here, once
        self._by_end = end_order(self.end) if run.pes > COLLAPSE_ABOVE_PES else None
        th = thread_table(run)                  # a program's tasks are its threads
        self.has_tasks = bool(len(th["start_s"])) if th is not None else \
            bool(np.any((tr.task >= 0) & (tr.kind != _SWITCH)))
        self.power = power_samples(run)
        self._events = None
        self._own_series = None
        self._series("concurrency")             # here, off the GUI thread, if not the run's
        self.spans = SpanLayout(run, self._by_end)

    def finish(self) -> None:
        """Build what the first render does not need (the sorted views behind the
        playhead's counters; the layout's edges and merged spans if it left them out):
        the worker thread calls this once it has handed the index over, and a query
        made before (off the run's end) builds them itself or waits for them."""
        self._count()
        self.spans.finish()

    def _count(self) -> None:
        with self._lock:
            if self._counted:
                return
            tr = self.run.trace
            # one sort by start (skipped when the trace is already in start order, as a
            # simulated trace is) and one by end serve the counters below
            by_start = None if _is_sorted(self.start) else np.argsort(self.start,
                                                                      kind="stable")
            by_end = self._by_end if self._by_end is not None else end_order(self.end)
            start_sorted = self.start if by_start is None else self.start[by_start]
            end_sorted = self.end[by_end]
            # FLOPs: completed spans by end time, in-progress spans through a start window
            self._end_sorted = end_sorted
            self._flops_cum = np.r_[0.0, np.cumsum(tr.flops[by_end])]
            fl = tr.flops > 0
            order = np.arange(len(tr)) if by_start is None else by_start
            order = order[fl[order]]
            self._fl_start, self._fl_end, self._fl_flops = self.start[order], \
                self.end[order], tr.flops[order]
            dur = self._fl_end - self._fl_start
            self._fl_maxdur = float(dur.max()) if len(dur) else 0.0
            busy = tr.kind != _WAIT
            self._busy = (start_sorted[busy if by_start is None else busy[by_start]],
                          end_sorted[busy[by_end]])
            self._counted = True

    @property
    def events(self) -> np.ndarray:
        """Every distinct span start and end time, and 0 (computed on first use)."""
        if self._events is None:
            self._events = np.unique(np.concatenate([self.start, self.end, [0.0]]))
        return self._events

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
        if t >= self._last_end:                 # every span done (as at the run's end,
            return self._total_flops            # where the playhead first stands)
        self._count()
        done = self._flops_cum[np.searchsorted(self._end_sorted, t, "right")]
        lo = np.searchsorted(self._fl_start, t - self._fl_maxdur, "left")
        hi = np.searchsorted(self._fl_start, t, "left")
        s, e, f = self._fl_start[lo:hi], self._fl_end[lo:hi], self._fl_flops[lo:hi]
        run = e > t
        if run.any():
            done += float(np.sum(f[run] * (t - s[run]) / (e[run] - s[run])))
        return float(done)

    def active_pes(self, t: float) -> int:
        if t >= self._last_end:                 # every span ended
            return 0
        self._count()
        return _count_at(self._busy, t)

    def parallelism(self, t: float) -> int:
        return self._level_at("parallelism", t)

    def concurrency(self, t: float) -> int:
        return self._level_at("concurrency", t)

    def _level_at(self, name: str, t: float) -> int:
        """The run's series `name` at t (levels hold on [t_i, t_(i+1)); 0 before t_0)."""
        ts, level = self._series(name)
        i = int(np.searchsorted(ts, t, "right")) - 1
        return int(level[i]) if i >= 0 else 0

    def power_at(self, t: float) -> float | None:
        """The power sample in force at t (samples are steps), None without a power model."""
        if self.power is None:
            return None
        ts, watts = self.power
        i = np.searchsorted(ts, t, "right") - 1
        return float(watts[max(i, 0)])

    # -- series over the run -----------------------------------------------------------

    def parallelism_series(self) -> tuple[np.ndarray, np.ndarray]:
        return self._series("parallelism")

    def concurrency_series(self) -> tuple[np.ndarray, np.ndarray]:
        return self._series("concurrency")

    def _series(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The run's own series (sim.analysis.concurrency.concurrency_series; computed
        here, once, for a run that lacks it)."""
        if self._own_series is None:
            got = self.run.extras.get("concurrency")
            if got is None:
                got = concurrency_series(self.run.trace, self.makespan, extents(self.run))
            self._own_series = got
        return np.asarray(self._own_series["t_s"], np.float64), \
            np.asarray(self._own_series[name])
