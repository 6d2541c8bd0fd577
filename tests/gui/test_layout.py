import numpy as np

from parasim.gui.rows import RowLayout
from parasim.gui.spans import SpanLayout, merge_close
from tests.trace_factory import SMALL, make_run, make_trace


def test_merge_close_joins_spans_closer_than_eps_on_one_pe():
    tr = make_trace([(0, "compute", 0, 0.0, 1.0, 1.0), (0, "compute", 1, 1.05, 2.0, 1.0),
                     (0, "compute", 2, 3.0, 4.0, 1.0), (1, "compute", 3, 1.0, 1.5, 1.0)])
    rows = np.lexsort((tr.start_s, tr.pe))
    s, e, pe, maxdur, _ = merge_close(tr, rows, eps=0.1)
    assert list(zip(s, e, pe)) == [(0.0, 2.0, 0), (1.0, 1.5, 1), (3.0, 4.0, 0)]
    assert maxdur == 2.0


def test_small_traces_have_no_level_of_detail():
    sp = SpanLayout(make_run(SMALL))
    assert not sp.use_lod(100.0) and sp.span_at([1], 2.0) == 4


def test_row_layout_collapse_and_lanes():
    r = RowLayout(2, 3)
    assert r.n_rows == 6 and list(r.row_of_pe) == [0, 1, 2, 3, 4, 5]
    c = r.toggled(0)
    assert c.n_rows == 4 and list(c.row_of_pe) == [0, 0, 0, 1, 2, 3]
    assert list(c.pes_in_row[0]) == [0, 1, 2] and c.node_of_row(2) == 1
    lanes = c.with_lanes(4)
    assert lanes.n_rows == 1 + 3 * 4 and list(lanes.row_of_pe[3:]) == [1, 5, 9]
    assert list(lanes.rows_per_pe) == [1, 1, 1, 4, 4, 4]
    assert len(lanes.lane_lines()) == 3 * 3


def test_ticks_stay_readable_for_many_rows():
    few = RowLayout(1, 4).ticks()
    assert [label for _, label in few] == ["core 0", "core 1", "core 2", "core 3"]
    many = RowLayout(64, 16).all_collapsed(True).ticks()
    assert len(many) <= 24 and many[0] == (0, "node 0 (16 PEs) ▸")


def test_message_flight_from_send_start_to_arrival():
    from tests.sim.io.test_perfetto import MSG_SPANS
    sp = SpanLayout(make_run(MSG_SPANS, nodes=2, cores=2))
    left, arrived = sp.flight
    assert list(left) == [4.0] and list(arrived) == [4.5]      # blocking send: its end
    nonblocking = SMALL + [(0, "send", -1, 4.0, 4.0, 0.0, 8.0, 3, 1),
                           (3, "recv", -1, 4.2, 5.0, 0.0, 8.0, 0, 1)]
    left, arrived = SpanLayout(make_run(nonblocking, nodes=2, cores=2)).flight
    assert list(left) == [4.0] and list(arrived) == [5.0]      # the recv ends at arrival


def test_task_edges_measure_whole_task_blocks_not_slivers():
    """Task 0: compute [0, 0.001] + stall [0.001, 1]; task 1: compute [1, 1.001] + stall
    to 2. The edge at t = 1 separates two 1 s blocks, though a 1 ms sliver touches it."""
    import numpy as np

    from parasim.gui.spans import task_edges
    from tests.trace_factory import make_trace
    tr = make_trace([(0, "compute", 0, 0.0, 0.001, 1.0), (0, "stall", 0, 0.001, 1.0, 0.0),
                     (0, "compute", 1, 1.0, 1.001, 1.0), (0, "stall", 1, 1.001, 2.0, 0.0)], cores=1)
    order = np.lexsort((tr.start_s, tr.pe))
    x, pe, width = task_edges(tr, order)
    assert x.tolist() == [1.0] and pe.tolist() == [0]
    assert width.tolist() == [1.0]
