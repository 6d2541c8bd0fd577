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
SCATTER_SHARE = 8          # rows put back in trace order by a scatter when more than
                           # 1 / this of the trace, else by a sort (of a few PE runs)


class SpanLayout:
    def __init__(self, run, by_end: np.ndarray | None = None):
        """`by_end`: the trace's rows by end (stable), if already sorted (TraceIndex does,
        for runs opening collapsed): the occupancy's ends are taken from it."""
        self.run = run
        self._by_end = by_end
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
        # = searchsorted(tr.pe[order], arange(pes + 1)): PE p's rows start after those of
        # the PEs below it (counted, not gathered)
        self.pe_ptr = np.r_[0, np.cumsum(np.bincount(tr.pe, minlength=run.pes)[:run.pes])]
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
            self._build_edges_and_lod()

    def finish(self) -> None:
        """Build what a run opening collapsed leaves out of its first render (edges,
        merged spans): the worker thread calls this once it has handed the layout over,
        so that a node expanded later finds them ready (or waits for them)."""
        self._build_edges_and_lod()

    def _build_edges_and_lod(self) -> None:
        """Edges and merged spans together: both read the trace in PE order, gathered
        once here (the trace's columns picked by pe_order)."""
        with self._lock:
            if self._edges is not None and self._lod_rows is not None:
                return
            tr, order = self.run.trace, self.pe_order
            by_pe = _ByPE(tr, order, self.pe_ptr)
            if self._edges is None:
                self._edges = _task_edges(tr, by_pe, self.in_order)
            if self._lod_rows is None:
                self._lod_rows = self._merged(by_pe)

    def _merged(self, by_pe: _ByPE) -> dict[str, tuple]:
        tr = self.run.trace
        if len(tr) < LOD_MIN_SPANS:
            return {}
        eps = self.makespan / LOD_RESOLUTION
        kind = tr.kind[by_pe.order]
        return {k: _merge_close(tr, by_pe, kind == code, eps, self.in_order,
                                self.max_lanes == 0)
                for code, k in enumerate(KINDS) if k in self.kind_rows}

    @property
    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Task edges (task_edges); for a run opening collapsed, built by finish()."""
        if self._edges is None:
            self._build_edges_and_lod()
        return self._edges

    @property
    def lod_rows(self) -> dict[str, tuple]:
        """Merged spans per kind (merge_close), {} for small traces; for a run opening
        collapsed, built by finish()."""
        if self._lod_rows is None:
            self._build_edges_and_lod()
        return self._lod_rows

    def occupancy(self, kind: str) -> Occupancy:
        if kind not in self._occupancy:
            s, e, pe, _, _ = self.kind_rows[kind]
            ends = None
            if self._by_end is not None:        # this kind's rows by end: from the trace's
                tr = self.run.trace
                rows = self._by_end[tr.kind[self._by_end] == KINDS.index(kind)]
                ends = (tr.end_s[rows], tr.pe[rows])
            self._occupancy[kind] = Occupancy(s, e, pe, self.run.nodes, self.run.cores, ends)
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


class _ByPE:
    """The trace's start, end and task columns in PE order (rows sorted by PE, then
    start: `order`; PE p's rows at ptr[p]:ptr[p+1]), gathered once for edges and
    merged spans."""

    def __init__(self, tr, order: np.ndarray, ptr: np.ndarray):
        self.order, self.ptr = order, ptr
        self.s, self.e = tr.start_s[order], tr.end_s[order]
        self._task = None
        self._tr = tr

    @property
    def task(self) -> np.ndarray:
        if self._task is None:
            self._task = self._tr.task[self.order]
        return self._task

    def pe(self, mask: np.ndarray) -> np.ndarray:
        """The PE of each row picked by mask, without a gather."""
        pes = np.arange(len(self.ptr) - 1, dtype=self._tr.pe.dtype)
        size = np.diff(self.ptr)
        counts = np.zeros(len(size), np.int64)
        some = size > 0                 # reduceat over the PEs that have rows
        counts[some] = np.add.reduceat(mask, self.ptr[:-1][some], dtype=np.int64)
        return np.repeat(pes, counts)


def task_edges(tr, pe_order: np.ndarray, in_order: bool = False
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, pe, width) sorted by x of every span start that directly follows a span of
    another task on the same PE (where same-coloured bars would otherwise merge); width
    is the shorter of the two tasks' blocks there (a block: one task's consecutive spans
    on the PE, e.g. its compute sliver and its stall), so a sliver does not hide the edge.
    `pe_order`: the trace's rows by PE, then start. `in_order`: the trace is sorted by
    start, so its rows are already in x order."""
    ptr = np.r_[0, np.cumsum(np.bincount(tr.pe))] if len(tr) else np.zeros(1, np.int64)
    return _task_edges(tr, _ByPE(tr, pe_order, ptr), in_order)


def _task_edges(tr, by_pe: _ByPE, in_order: bool):
    s, e, n = by_pe.s, by_pe.e, len(by_pe.s)
    if not n:
        return s, tr.pe[:0], e
    task = by_pe.task
    touching = e[:-1] == s[1:]
    inner = by_pe.ptr[1:-1]
    touching[inner[(inner > 0) & (inner < n)] - 1] = False      # not across two PEs
    other_task = task[1:] != task[:-1]
    edge = touching & other_task                # row i + 1 follows another task's span
    np.logical_not(touching, out=touching)
    touching |= other_task                      # now: row i + 1 starts a block
    starts = np.flatnonzero(touching)
    starts += 1
    # a block's spans touch and follow each other (end <= next start <= next end), so its
    # last span ends it: block length = last row's end - first row's start
    last = np.r_[starts - 1, n - 1]
    block_len = e[last]
    block_len[1:] -= s[starts]
    block_len[0] -= s[0]
    eb = np.flatnonzero(edge[starts - 1])       # blocks eb + 1 begin at an edge
    width = np.minimum(block_len[eb], block_len[eb + 1])
    at = starts[eb]                             # positions (in PE order) of the edges
    rows = by_pe.order[at]
    if in_order:                    # back to trace order (= x order): rows ascending
        if len(rows) > n // SCATTER_SHARE:     # many: a scatter (linear)
            mark = np.zeros(n, bool)
            mark[rows] = True
            rank = np.cumsum(mark, dtype=np.int32 if n < 2**31 else np.int64)
            sorted_w = np.empty(len(rows))
            sorted_w[rank[rows] - 1] = width
            rows = np.flatnonzero(mark)
            return tr.start_s[rows], tr.pe[rows], sorted_w
        order = np.argsort(rows, kind="stable")   # few: a merge of the PEs' sorted runs
        rows = rows[order]
        return tr.start_s[rows], tr.pe[rows], width[order]
    x, epe = s[at], tr.pe[rows]
    order = np.argsort(x, kind="stable")
    return x[order], epe[order], width[order]


def merge_close(tr, rows: np.ndarray, eps: float, in_order: bool = False) -> tuple:
    """Merge one kind's spans (`rows`: trace rows sorted by PE, then start) that follow
    each other on a PE with a gap <= eps (one kind's spans do not overlap on a PE).
    Returns kind_rows' layout: (start, end, pe, longest duration, lanes) by start.
    `in_order`: the trace is sorted by start, so the groups' first rows are too."""
    pe = tr.pe[rows]
    ptr = np.r_[0, np.cumsum(np.bincount(pe))] if len(rows) else np.zeros(1, np.int64)
    by_pe = _ByPE(tr, rows, ptr)
    return _merge_close(tr, by_pe, np.ones(len(rows), bool), eps, in_order, False)


def _merge_close(tr, by_pe: _ByPE, mask: np.ndarray, eps: float, in_order: bool,
                 no_lanes: bool) -> tuple:
    """merge_close on the rows of by_pe picked by mask (no_lanes: every lanes_active 0)."""
    s, e, rows = by_pe.s[mask], by_pe.e[mask], by_pe.order[mask]
    pe = by_pe.pe(mask)
    brk = np.empty(len(s), bool)
    brk[:1] = True
    np.not_equal(pe[1:], pe[:-1], out=brk[1:])
    brk[1:] |= s[1:] - e[:-1] > eps
    first = np.flatnonzero(brk)
    gs, ge, gp = s[first], np.maximum.reduceat(e, first), pe[first]
    gl = np.zeros(len(first), tr.lanes_active.dtype) if no_lanes else \
        np.maximum.reduceat(tr.lanes_active[rows], first)
    if in_order:                    # groups in their first rows' trace order
        heads = rows[first]
        if len(heads) > len(tr) // SCATTER_SHARE:     # many: a scatter (linear)
            mark = np.zeros(len(tr), bool)
            mark[heads] = True
            rank = np.cumsum(mark, dtype=np.int32 if len(tr) < 2**31 else np.int64)
            by_start = np.empty(len(heads), np.int64)
            by_start[rank[heads] - 1] = np.arange(len(heads))
        else:                           # few: a merge of the PEs' sorted runs
            by_start = np.argsort(heads, kind="stable")
    else:
        by_start = np.argsort(gs, kind="stable")
    gs, ge, gp, gl = gs[by_start], ge[by_start], gp[by_start], gl[by_start]
    return gs, ge, gp, float((ge - gs).max()), gl
