"""Statistics over a time range x rows, by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.analysis.selection import Selection
from parasim.sim.trace import KIND_CODE, KINDS
from tests.trace_factory import make_trace

# two spans half inside [1, 2): PE0 compute [0,2) 4 FLOP 8 B, PE1 compute [1,3) 6 FLOP;
# PE0 sends a message at 1.5; PE1 waits [0, 1)
SPANS = [(0, "compute", 0, 0.0, 2.0, 4.0, 8.0), (1, "wait", -1, 0.0, 1.0, 0.0),
         (1, "compute", 1, 1.0, 3.0, 6.0, 0.0), (0, "send", 0, 1.5, 1.5, 0.0, 16.0, 1, 0)]


def test_two_spans_half_inside():
    power = (np.array([0.0, 1.0, 3.0]), np.array([10.0, 20.0, 5.0]))
    st = Selection(make_trace(SPANS), power).stats(1.0, 2.0)
    assert st["time_s"]["compute"] == pytest.approx(2.0)
    assert st["time_s"]["wait"] == 0.0
    assert st["flops"] == pytest.approx(2.0 + 3.0)
    assert st["bytes"] == pytest.approx(4.0 + 16.0)       # half of 8 B, the whole message
    assert st["messages"] == 1
    assert st["avg_parallelism"] == pytest.approx(2.0)
    assert st["avg_concurrency"] == pytest.approx(2.0)
    assert st["energy_j"] == pytest.approx(20.0) and st["avg_power_w"] == pytest.approx(20.0)


def test_rows_restrict_the_region():
    st = Selection(make_trace(SPANS)).stats(0.5, 2.0, pes=[1])
    assert st["pes"] == 1
    assert st["time_s"] == pytest.approx({"compute": 1.0, "stall": 0.0, "send": 0.0,
                                          "recv": 0.0, "wait": 0.5, "switch": 0.0,
                                          "copy": 0.0})
    assert st["flops"] == pytest.approx(3.0) and st["messages"] == 0
    assert st["avg_parallelism"] == pytest.approx(1.0 / 1.5)
    assert st["energy_j"] is None


def test_the_whole_run_adds_up():
    st = Selection(make_trace(SPANS)).stats(0.0, 3.0)
    assert st["flops"] == pytest.approx(10.0) and st["bytes"] == pytest.approx(24.0)
    assert sum(st["time_s"].values()) == pytest.approx(2.0 + 1.0 + 2.0)


@st.composite
def traces(draw):
    """Random back-to-back spans on up to 4 PEs (tasks one per span), some zero-length."""
    spans = []
    for pe in range(draw(st.integers(1, 4))):
        t = 0.0
        for k in range(draw(st.integers(1, 6))):
            d = draw(st.sampled_from([0.0, 0.5, 1.0, 2.5]))
            kind = draw(st.sampled_from(["compute", "stall", "send", "wait"]))
            task = -1 if kind == "wait" else pe * 10 + k
            spans.append((pe, kind, task, t, t + d, draw(st.floats(0, 10)),
                          draw(st.floats(0, 10))))
            t += d
    return make_trace(sorted(spans, key=lambda s: s[3]), cores=4)


@settings(max_examples=40, deadline=None)
@given(traces(), st.floats(-1, 12), st.floats(0, 8), st.sets(st.integers(0, 3)))
def test_the_windowed_figures_equal_a_brute_force_sum(tr, t0, width, pes):
    t1 = t0 + width
    got = Selection(tr).stats(t0, t1, sorted(pes) if pes else None)
    rows = np.isin(tr.pe, sorted(pes)) if pes else np.ones(len(tr), bool)
    inside = np.clip(np.minimum(tr.end_s, t1) - np.maximum(tr.start_s, t0), 0, None) * rows
    length = tr.end_s - tr.start_s
    share = np.where(length > 0, inside / np.where(length > 0, length, 1),
                     (tr.start_s >= t0) & (tr.start_s < t1) & rows)
    assert got["flops"] == pytest.approx(float(np.sum(tr.flops * share)))
    assert got["bytes"] == pytest.approx(float(np.sum(tr.bytes * share)))
    for i, k in enumerate(("compute", "stall", "send", "recv", "wait", "switch")):
        assert got["time_s"][k] == pytest.approx(float(inside[tr.kind == i].sum()))


@st.composite
def overlapping_traces(draw):
    """Spans at random times on up to 4 PEs, overlapping (a send beside a recv), some
    zero-length, tasks of several spans (possibly on two PEs), in any row order."""
    spans = []
    for _ in range(draw(st.integers(1, 12))):
        s = draw(st.sampled_from([0.0, 0.5, 1.0, 1.5, 3.0, 4.0]))
        d = draw(st.sampled_from([0.0, 0.25, 1.0, 3.5]))
        kind = draw(st.sampled_from(["compute", "stall", "send", "recv", "wait", "switch"]))
        task = draw(st.integers(-1, 3))
        spans.append((draw(st.integers(0, 3)), kind, task, s, s + d,
                      draw(st.floats(0, 10)), draw(st.floats(0, 10))))
    return make_trace(draw(st.permutations(spans)), cores=4)


def brute_force(tr, t0, t1, pes):
    """Every figure of Selection.stats from the module docstring, span by span."""
    rows = np.isin(tr.pe, pes) if pes is not None else np.ones(len(tr), bool)
    inside = np.clip(np.minimum(tr.end_s, t1) - np.maximum(tr.start_s, t0), 0, None) * rows
    length = tr.end_s - tr.start_s
    starts = rows & (tr.start_s >= t0) & (tr.start_s < t1)
    share = np.where(length > 0, inside / np.where(length > 0, length, 1), starts)
    running = np.isin(tr.kind, [KIND_CODE["compute"], KIND_CODE["stall"]]) & (tr.task >= 0)
    task_time = 0.0
    m = (tr.task >= 0) & (tr.kind != KIND_CODE["switch"])
    for task in np.unique(tr.task[m]):
        mine = m & (tr.task == task)
        first = tr.start_s[mine].min()
        pe = tr.pe[mine][np.argmin(tr.start_s[mine])]
        if pes is None or pe in pes:
            task_time += max(0.0, min(tr.end_s[mine].max(), t1) - max(first, t0))
    width = t1 - t0
    return {"time_s": {k: float(inside[tr.kind == i].sum()) for i, k in enumerate(KINDS)},
            "flops": float(np.sum(tr.flops * share)), "bytes": float(np.sum(tr.bytes * share)),
            "messages": int(np.sum(starts & (tr.kind == KIND_CODE["send"]))),
            "avg_parallelism": float(inside[running].sum() / width) if width > 0 else 0.0,
            "avg_concurrency": task_time / width if width > 0 else 0.0}


@settings(max_examples=60, deadline=None)
@given(overlapping_traces(), st.sampled_from([-1.0, 0.0, 0.5, 0.75, 1.0, 2.0, 4.0]),
       st.sampled_from([0.0, 0.25, 0.5, 1.0, 3.0, 10.0]), st.sets(st.integers(0, 4)))
def test_every_figure_equals_a_brute_force_sum_with_overlaps(tr, t0, width, pes):
    """Span edges on the range's edges, overlapping spans, PEs without spans."""
    t1 = t0 + width
    chosen = sorted(pes) if pes else None
    got = Selection(tr).stats(t0, t1, chosen)
    want = brute_force(tr, t0, t1, chosen)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=1e-9), key
    assert got["pes"] == (len(pes) if pes else len(np.unique(tr.pe)))
