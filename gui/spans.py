"""The trace arranged for drawing (pure numpy, built once per run, off the GUI thread).

    kind_rows[kind]  (start, end, pe, longest duration, lanes active) of that kind's
                     spans, by start (kind_index[kind]: their trace rows);
                     the spans overlapping [x0, x1] are found by two binary searches,
                     the first widened by the longest duration
    pe_order/pe_ptr  trace rows grouped by PE, each group by start: the span under the
                     mouse on a PE is one binary search
    pairs            (send row, recv row) per message
    flight           (left, arrived) per message: it leaves at its send span's start and
                     arrives at the end of its send span when that has a length (a blocking
                     send lasts until delivery), else at the end of its recv span (a recv
                     ends at the arrival; a zero-length recv: it was already there)
    edges            (x, pe, width) where a span follows another task's span on the same
                     PE; width = the shorter of the two spans (an edge is drawn only when
                     that is a few pixels wide, so it never hides sub-pixel spans)
    occupancy(kind)  per-node share of PEs in that kind over time (collapsed rows): built
                     here for runs that open collapsed, else on first use
    lod_rows[kind]   the same spans with neighbours on a PE merged when the gap between
                     them is under makespan / LOD_RESOLUTION (below a pixel on any screen);
                     drawn instead of kind_rows for big traces seen whole
    edges and lod_rows are built here for runs that open expanded; for runs that open
    collapsed (whose rows need neither) by finish(), which the worker thread calls after
    handing the layout over for the first render

Sorting: see gui/sorting.py (PE keys radix-sorted; a trace in start order needs no sort
by start: rows picked in PE order are put back in start order by a scatter).
"""

from __future__ import annotations

import threading

import numpy as np

from ..sim.analysis.queries import message_pairs
from ..sim.trace import KINDS
from .occupancy import Occupancy
from .rows import COLLAPSE_ABOVE_PES
from .sorting import small_ints

LOD_RESOLUTION = 4096      # merge gap: makespan / this
LOD_MIN_SPANS = 50_000     # smaller traces are always drawn span by span
LOD_VIEW_SHARE = 0.125     # use the merged spans when the view shows more than this share


class SpanLayout:
    def __init__(self, run):
        self.run = run
        self.kind_rows: dict[str, tuple] = {}
        self.kind_index: dict[str, np.ndarray] = {}
        self.pairs = (np.zeros(0, np.int64), np.zeros(0, np.int64))
        self.flight = (np.zeros(0), np.zeros(0))
        self._edges = (np.zeros(0), np.zeros(0, np.int32), np.zeros(0))
        self._occupancy: dict[str, Occupancy] = {}
        self.max_lanes = 0
        self._lod_rows: dict[str, tuple] | None = {}
        self.makespan = 0.0
        self.in_order = True
        self._lock = threading.Lock()           # the worker may be finishing (finish())
        if run is None:
            return
        tr = run.trace
        in_order = bool(np.all(tr.start_s[1:] >= tr.start_s[:-1]))   # as simulated
        # rows by PE, then start: a stable (radix) sort by PE when already in start order
        order = np.argsort(small_ints(tr.pe, run.pes), kind="stable") if in_order else \
            np.lexsort((tr.start_s, tr.pe))
        self.pe_order = order
        self.pe_ptr = np.searchsorted(tr.pe[order], np.arange(run.pes + 1))
        for code, k in enumerate(KINDS):
            idx = np.flatnonzero(tr.kind == code)
            if len(idx):
                if not in_order:
                    idx = idx[np.argsort(tr.start_s[idx], kind="stable")]
                s, e = tr.start_s[idx], tr.end_s[idx]
                self.kind_index[k] = idx
                self.kind_rows[k] = (s, e, tr.pe[idx], float((e - s).max()),
                                     tr.lanes_active[idx])
        self.max_lanes = int(tr.lanes_active.max()) if len(tr) else 0
        self.pairs = message_pairs(tr)
        send, recv = self.pairs
        s0, s1 = tr.start_s[send], tr.end_s[send]
        self.flight = (s0, np.where(s1 > s0, s1, tr.end_s[recv]))
        self.makespan = float(tr.end_s.max()) if len(tr) else 0.0
        self.in_order = in_order
        self._edges, self._lod_rows = None, None
        if run.pes > COLLAPSE_ABOVE_PES:        # opens collapsed: build it here, off the GUI
            for k in self.kind_rows:
                self.occupancy(k)
        else:                                   # opens expanded: these, here
            self._edges, self._lod_rows = self.edges, self.lod_rows

    def finish(self) -> None:
        """Build what a run opening collapsed leaves out of its first render (edges,
        merged spans): the worker thread calls this once it has handed the layout over,
        so that a node expanded later finds them ready (or waits for them)."""
        self.edges, self.lod_rows   # noqa: B018 (the properties build them)

    @property
    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Task edges (task_edges); for a run opening collapsed, built by finish()."""
        with self._lock:
            if self._edges is None:
                self._edges = task_edges(self.run.trace, self.pe_order, self.in_order)
            return self._edges

    @property
    def lod_rows(self) -> dict[str, tuple]:
        """Merged spans per kind (merge_close), {} for small traces; for a run opening
        collapsed, built by finish()."""
        with self._lock:
            if self._lod_rows is None:
                tr, order = self.run.trace, self.pe_order
                lod = {}
                if len(tr) >= LOD_MIN_SPANS:
                    eps = self.makespan / LOD_RESOLUTION
                    kind_by_pe = tr.kind[order]
                    lod = {k: merge_close(tr, order[kind_by_pe == code], eps, self.in_order)
                           for code, k in enumerate(KINDS) if k in self.kind_rows}
                self._lod_rows = lod
            return self._lod_rows

    def occupancy(self, kind: str) -> Occupancy:
        if kind not in self._occupancy:
            s, e, pe, _, _ = self.kind_rows[kind]
            self._occupancy[kind] = Occupancy(s, e, pe, self.run.nodes, self.run.cores)
        return self._occupancy[kind]

    def use_lod(self, view_width: float) -> bool:
        return bool(self.lod_rows) and view_width > LOD_VIEW_SHARE * self.makespan

    def rows_for(self, kind: str, lod: bool = False) -> tuple:
        return (self.lod_rows if lod else self.kind_rows)[kind]

    def visible(self, kind: str, x0: float, x1: float, lod: bool = False) -> slice | np.ndarray:
        """Positions (in the kind's start order) of the spans overlapping [x0, x1]."""
        s, e, _pe, maxdur, _lanes = self.rows_for(kind, lod)
        lo = np.searchsorted(s, x0 - maxdur, "left")
        hi = np.searchsorted(s, x1, "right")
        if lo == 0 and hi == len(s):
            return slice(None)
        return lo + np.flatnonzero(e[lo:hi] >= x0)

    def span_at(self, pes, x: float) -> int | None:
        """Trace row of the span covering time x on one of `pes`, or None."""
        tr = self.run.trace
        for pe in pes:
            idx = self.pe_order[self.pe_ptr[pe]:self.pe_ptr[pe + 1]]
            j = np.searchsorted(tr.start_s[idx], x, "right") - 1
            if j >= 0 and tr.end_s[idx[j]] >= x:
                return int(idx[j])
        return None


def task_edges(tr, pe_order: np.ndarray, in_order: bool = False
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, pe, width) sorted by x of every span start that directly follows a span of
    another task on the same PE (where same-coloured bars would otherwise merge); width
    is the shorter of the two tasks' blocks there (a block: one task's consecutive spans
    on the PE, e.g. its compute sliver and its stall), so a sliver does not hide the edge.
    `in_order`: the trace is sorted by start, so its rows are already in x order."""
    task, s, e = tr.task[pe_order], tr.start_s[pe_order], tr.end_s[pe_order]
    if not len(task):
        return s, tr.pe[:0], e
    touching = e[:-1] == s[1:]
    ends = np.cumsum(np.bincount(tr.pe))[:-1]   # where each PE's rows end in pe_order
    touching[ends[(ends > 0) & (ends < len(task))] - 1] = False   # not across two PEs
    other_task = task[1:] != task[:-1]
    new_block = np.r_[True, ~touching | other_task]
    block = np.cumsum(new_block) - 1
    first = np.flatnonzero(new_block)
    block_len = np.maximum.reduceat(e, first) - s[first]
    i = np.flatnonzero(touching & other_task)
    b = block[i]                                # the edge's row i + 1 starts block b + 1
    width = np.minimum(block_len[b], block_len[b + 1])
    if in_order:                    # back to trace order (= x order) by a scatter, no sort
        rows = pe_order[i + 1]
        at = np.zeros(len(tr), bool)
        at[rows] = True
        by_row = np.empty(len(tr))
        by_row[rows] = width
        rows = np.flatnonzero(at)
        return tr.start_s[rows], tr.pe[rows], by_row[rows]
    x, epe = s[i + 1], tr.pe[pe_order[i + 1]]
    order = np.argsort(x, kind="stable")
    return x[order], epe[order], width[order]


def merge_close(tr, rows: np.ndarray, eps: float, in_order: bool = False) -> tuple:
    """Merge one kind's spans (`rows`: trace rows sorted by PE, then start) that follow
    each other on a PE with a gap <= eps (one kind's spans do not overlap on a PE).
    Returns kind_rows' layout: (start, end, pe, longest duration, lanes) by start.
    `in_order`: the trace is sorted by start, so the groups' first rows are too."""
    s, e, pe, lanes = tr.start_s[rows], tr.end_s[rows], tr.pe[rows], tr.lanes_active[rows]
    brk = np.r_[True, (pe[1:] != pe[:-1]) | (s[1:] - e[:-1] > eps)]
    first = np.flatnonzero(brk)
    gs, ge = s[first], np.maximum.reduceat(e, first)
    gp, gl = pe[first], np.maximum.reduceat(lanes, first)
    if in_order:                    # groups in their first rows' trace order: a scatter
        group_of = np.full(len(tr), -1)
        group_of[rows[first]] = np.arange(len(first))
        by_start = group_of[group_of >= 0]
    else:
        by_start = np.argsort(gs, kind="stable")
    gs, ge, gp, gl = gs[by_start], ge[by_start], gp[by_start], gl[by_start]
    return gs, ge, gp, float((ge - gs).max()), gl
