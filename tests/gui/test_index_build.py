"""The trace index's fast paths (radix sorts, scatters instead of sorts, prefix sums,
series read from the run) agree with the plain definitions on random traces."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.gui import spans as spans_module
from parasim.gui.analysis import TraceIndex
from parasim.gui.occupancy import Occupancy
from parasim.gui.sorting import end_order, small_ints
from parasim.gui.spans import SpanLayout, merge_close, task_edges
from parasim.sim.analysis.concurrency import task_extents
from parasim.sim.trace import COLUMNS, KIND_CODE, Trace
from tests.trace_factory import make_run, make_trace

KINDS = ("compute", "stall", "wait", "switch")

# per span: PE, kind, task (-1: none), gap before it, duration; spans back to back per PE
spans = st.lists(st.tuples(st.integers(0, 5), st.sampled_from(KINDS), st.integers(-1, 6),
                           st.sampled_from([0.0, 0.0, 0.5, 1.0]),
                           st.sampled_from([0.0, 0.25, 1.0, 2.0])), min_size=1, max_size=40)


def build(raw):
    """A trace in start order (as simulated): 6 PEs, 3 nodes of 2 cores."""
    rows, free = [], [0.0] * 6
    for pe, kind, task, gap, dur in raw:
        s = free[pe] + gap
        rows.append((pe, kind, task if kind != "wait" else -1, s, s + dur, dur))
        free[pe] = s + dur
    rows.sort(key=lambda r: r[3])
    return rows


def as_set(*cols):
    return sorted(zip(*(c.tolist() for c in cols)))


@settings(max_examples=60, deadline=None)
@given(spans)
def test_layout_fast_paths_match_the_sorting_ones(raw):
    tr = make_trace(build(raw), cores=2)
    sp = SpanLayout(make_run(build(raw), nodes=3, cores=2))
    lex = np.lexsort((tr.start_s, tr.pe))
    assert np.array_equal(tr.pe[sp.pe_order], tr.pe[lex])
    assert np.array_equal(tr.start_s[sp.pe_order], tr.start_s[lex])
    fast, slow = task_edges(tr, lex, in_order=True), task_edges(tr, lex, in_order=False)
    assert np.all(np.diff(fast[0]) >= 0) and as_set(*fast) == as_set(*slow)
    by_hand = sorted((float(tr.start_s[b]), int(tr.pe[b])) for a, b in zip(lex, lex[1:])
                     if tr.pe[a] == tr.pe[b] and tr.end_s[a] == tr.start_s[b]
                     and tr.task[a] != tr.task[b])
    assert as_set(fast[0], fast[1]) == by_hand          # a span after another task's
    for code in np.unique(tr.kind):
        rows = lex[tr.kind[lex] == code]
        if len(rows):
            f, s = merge_close(tr, rows, 0.3, True), merge_close(tr, rows, 0.3, False)
            assert np.all(np.diff(f[0]) >= 0) and f[3] == s[3]
            assert as_set(f[0], f[1], f[2], f[4]) == as_set(s[0], s[1], s[2], s[4])


@settings(max_examples=60, deadline=None)
@given(spans, st.lists(st.floats(-1, 40), min_size=1, max_size=8))
def test_counters_at_a_time_count_the_spans_and_tasks_covering_it(raw, times):
    run = make_run(build(raw), nodes=3, cores=2)
    tr, ix = run.trace, TraceIndex(run)
    first, last = task_extents(tr)
    running = np.isin(tr.kind, [KIND_CODE["compute"], KIND_CODE["stall"]]) & (tr.task >= 0)
    for t in times:
        cover = (tr.start_s <= t) & (t < tr.end_s)
        assert ix.parallelism(t) == np.count_nonzero(cover & running)
        assert ix.concurrency(t) == np.count_nonzero((first <= t) & (t < last))
    assert ix.has_tasks == bool(len(first))


@settings(max_examples=60, deadline=None)
@given(spans, st.lists(st.floats(-1, 40), min_size=2, max_size=8, unique=True))
def test_occupancy_by_prefix_sums_matches_the_spans(raw, edges):
    tr = make_trace(build(raw), cores=2)
    occ = Occupancy(tr.start_s, tr.end_s, tr.pe, 3, 2)
    edges = np.sort(np.asarray(edges))
    for node in range(3):
        mine = tr.pe // 2 == node
        s, e = tr.start_s[mine], tr.end_s[mine]
        for x in edges:
            assert occ.count_at(node, x) == np.count_nonzero((s <= x) & (x < e))
        busy = np.clip(np.minimum(e[:, None], edges[None, 1:])
                       - np.maximum(s[:, None], edges[None, :-1]), 0, None).sum(axis=0)
        assert np.allclose(occ.fractions(node, edges), busy / (np.diff(edges) * 2),
                           atol=1e-9)


def test_small_ints_picks_a_radix_sortable_type_when_the_values_fit():
    a = np.array([3, 0, 2], np.int32)
    assert small_ints(a, 256).dtype == np.uint8 and small_ints(a, 65_536).dtype == np.uint16
    assert small_ints(a, 70_000) is a


def test_a_run_opening_collapsed_leaves_edges_and_merged_spans_to_finish():
    pes = 1024                      # above COLLAPSE_ABOVE_PES: opens collapsed
    rows = [(pe, "compute", pe, 0.0, 1.0, 1.0) for pe in range(pes)] \
        + [(pe, "compute", pes + pe, 1.0, 2.0, 1.0) for pe in range(pes)]
    run = make_run(rows, nodes=1, cores=pes)
    sp = SpanLayout(run)
    assert sp._edges is None and sp._lod_rows is None and sp._occupancy
    sp.finish()
    assert sp._edges is not None and len(sp.edges[0]) == pes     # one edge per PE at t = 1
    assert sp.lod_rows == {}                                    # under LOD_MIN_SPANS


def with_lanes(tr, lanes):
    """The trace with its lanes_active column replaced."""
    cols = {c: tr[c] for c in COLUMNS}
    cols["lanes_active"] = np.asarray(lanes, cols["lanes_active"].dtype)
    return Trace(**cols)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.5, 1.0, 1.0 + 1e-9, 1.0 + 2e-9, 1.5, 2.0, 3.0, -1.0,
                                 1e-300, 7.25]), max_size=60),
       st.sampled_from([None, "sorted", "inf", "nan"]))
def test_end_order_is_the_stable_argsort(values, shape):
    t = np.asarray(values, np.float64)
    if shape == "sorted":
        t = np.sort(t)
    elif shape in ("inf", "nan") and len(t):
        t[len(t) // 2] = np.inf if shape == "inf" else np.nan
    assert np.array_equal(end_order(t), np.argsort(t, kind="stable"))


@settings(max_examples=60, deadline=None)
@given(spans)
def test_end_order_on_span_ends_in_start_order(raw):
    tr = make_trace(build(raw), cores=2)
    assert np.array_equal(end_order(tr.end_s), np.argsort(tr.end_s, kind="stable"))


@settings(max_examples=60, deadline=None)
@given(spans, st.sampled_from(["compute", "stall", "wait", "switch"]))
def test_occupancy_from_the_traces_end_order_is_the_same(raw, kind):
    tr = make_trace(build(raw), cores=2)
    rows = np.flatnonzero(tr.kind == KIND_CODE[kind])
    by_end = np.argsort(tr.end_s, kind="stable")
    mine = by_end[tr.kind[by_end] == KIND_CODE[kind]]
    s, e, pe = tr.start_s[rows], tr.end_s[rows], tr.pe[rows]
    plain = Occupancy(s, e, pe, 3, 2)
    shared = Occupancy(s, e, pe, 3, 2, ends=(tr.end_s[mine], tr.pe[mine]))
    for a in ("s", "e", "ptr", "s_sum", "e_sum"):
        assert np.array_equal(getattr(plain, a), getattr(shared, a)), a


def edges_by_hand(tr):
    """(x, pe, width) of each row that touches the previous row of its PE (by start) and
    belongs to another task; width: the shorter of the two blocks (runs of touching rows
    of one task) meeting there."""
    out = []
    for pe in range(6):
        rows = [r for r in np.lexsort((tr.start_s, tr.pe)) if tr.pe[r] == pe]
        blocks = []                             # [first row, end, starts at an edge]
        for a, b in zip([None] + rows, rows):
            touch = a is not None and tr.end_s[a] == tr.start_s[b]
            if touch and tr.task[a] == tr.task[b]:
                blocks[-1][1] = max(blocks[-1][1], tr.end_s[b])
            else:
                blocks.append([b, tr.end_s[b], touch])
        for prev, nxt in zip(blocks, blocks[1:]):
            if nxt[2]:
                width = min(prev[1] - tr.start_s[prev[0]], nxt[1] - tr.start_s[nxt[0]])
                out.append((float(tr.start_s[nxt[0]]), pe, float(width)))
    return sorted(out)


def merged_by_hand(tr, code, eps):
    """One kind's spans merged per PE while the gap to the previous one is <= eps:
    (start, end, pe, lanes) per group, and the longest group."""
    out = []
    for pe in range(6):
        rows = [r for r in np.lexsort((tr.start_s, tr.pe))
                if tr.pe[r] == pe and tr.kind[r] == code]
        for a, b in zip([None] + rows, rows):
            if a is None or tr.start_s[b] - tr.end_s[a] > eps:
                out.append([float(tr.start_s[b]), float(tr.end_s[b]), pe,
                            int(tr.lanes_active[b])])
            else:
                out[-1][1] = max(out[-1][1], float(tr.end_s[b]))
                out[-1][3] = max(out[-1][3], int(tr.lanes_active[b]))
    return sorted(map(tuple, out)), max(e - s for s, e, _, _ in out)


# as `spans`, with durations of many lengths (distinct block widths)
varied = st.lists(st.tuples(st.integers(0, 5), st.sampled_from(KINDS), st.integers(-1, 6),
                            st.sampled_from([0.0, 0.0, 0.0, 0.5, 1.0]),
                            st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0])),
                  min_size=1, max_size=60)


@settings(max_examples=100, deadline=None)
@given(varied, st.integers(0, 3), st.sampled_from([1, 10**9]), st.booleans())
def test_layout_edges_and_merged_spans_match_their_definitions(raw, max_lane, share, late):
    """SpanLayout builds edges and merged spans from one gather of the trace in PE order
    (PEs counted, not gathered; no lanes: no gather of them); either way of putting rows
    back in trace order (scatter or sort: SCATTER_SHARE) gives the result by hand, in
    x order, built at once or (a run opening collapsed) by finish()."""
    run = make_run(build(raw), nodes=3, cores=2)
    rng = np.random.default_rng(len(raw))
    tr = with_lanes(run.trace, rng.integers(0, max_lane + 1, len(run.trace)))
    run = type(run)(None, tr, run.summary, 3, 2)
    lex = np.lexsort((tr.start_s, tr.pe))
    saved = spans_module.LOD_MIN_SPANS, spans_module.SCATTER_SHARE
    spans_module.LOD_MIN_SPANS, spans_module.SCATTER_SHARE = 0, share
    try:
        sp = SpanLayout(run)
        if late:                    # as for a run opening collapsed: finish() builds them
            sp._edges = sp._lod_rows = None
            sp.finish()
        edges, lod = sp.edges, sp.lod_rows
        plain = task_edges(tr, lex, in_order=False)
        public = task_edges(tr, lex, in_order=True)
    finally:
        spans_module.LOD_MIN_SPANS, spans_module.SCATTER_SHARE = saved
    assert np.all(np.diff(edges[0]) >= 0) and np.all(np.diff(public[0]) >= 0)
    assert as_set(*edges) == as_set(*plain) == as_set(*public) == edges_by_hand(tr)
    eps = sp.makespan / spans_module.LOD_RESOLUTION
    assert set(lod) == set(sp.kind_rows)
    for k, got in lod.items():
        want, longest = merged_by_hand(tr, KIND_CODE[k], eps)
        assert np.all(np.diff(got[0]) >= 0) and got[3] == longest
        assert as_set(got[0], got[1], got[2], got[4]) == want
        first_rows = [int(np.flatnonzero((tr.start_s == s) & (tr.pe == p)
                                         & (tr.kind == KIND_CODE[k]))[0])
                      for s, p in zip(got[0].tolist(), got[2].tolist())]
        assert first_rows == sorted(first_rows)      # by start, ties in trace order


@settings(max_examples=60, deadline=None)
@given(spans, st.lists(st.floats(-1, 40), min_size=1, max_size=8), st.booleans())
def test_playhead_counters_match_their_definitions_built_late_or_early(raw, times, early):
    """FLOPs done and active PEs (built on first use off the run's end, or by finish())
    against the plain definitions; at and after the last end, without the sorted views."""
    run = make_run([r[:5] + (r[5] * 3.0,) for r in build(raw)], nodes=3, cores=2)
    tr, ix = run.trace, TraceIndex(run)
    if early:
        ix.finish()
    last = float(tr.end_s.max())
    for t in times + [last, last + 1.0]:
        frac = np.clip((t - tr.start_s) / np.where(tr.end_s > tr.start_s,
                                                   tr.end_s - tr.start_s, 1.0), 0, 1)
        frac[(tr.end_s == tr.start_s) & (t >= tr.end_s)] = 1.0
        assert np.isclose(ix.flops_done(t), np.sum(tr.flops * frac), rtol=1e-9, atol=1e-9)
        busy = (tr.kind != KIND_CODE["wait"]) & (tr.start_s <= t) & (t < tr.end_s)
        assert ix.active_pes(t) == np.count_nonzero(busy)
    assert ix._counted == (early or any(t < last for t in times))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 599), st.sampled_from(KINDS), st.integers(-1, 6),
                          st.sampled_from([0.0, 0.0, 0.5]),
                          st.sampled_from([0.0, 0.25, 1.0, 2.0])), min_size=1, max_size=80))
def test_a_collapsed_runs_occupancy_from_the_shared_sort_by_end_is_the_same(raw):
    """A run opening collapsed (600 PEs: 3 nodes of 200) sorts its ends once in
    TraceIndex; each kind's occupancy picks its rows from that sort."""
    rows, free = [], [0.0] * 600
    for pe, kind, task, gap, dur in raw:
        s = free[pe] + gap
        rows.append((pe, kind, task if kind != "wait" else -1, s, s + dur, dur))
        free[pe] = s + dur
    rows.sort(key=lambda r: r[3])
    run = make_run(rows, nodes=3, cores=200)
    shared, plain = TraceIndex(run).spans, SpanLayout(run)
    assert shared._by_end is not None and plain._by_end is None
    assert set(shared._occupancy) == set(plain._occupancy) == set(plain.kind_rows)
    for k, occ in plain._occupancy.items():
        for a in ("s", "e", "ptr", "s_sum", "e_sum"):
            assert np.array_equal(getattr(shared._occupancy[k], a), getattr(occ, a)), a
