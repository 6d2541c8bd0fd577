"""Timeline drawing: task edges by pixel spacing, message sampling, occupancy of
collapsed rows, task names on wide bars."""

import dataclasses

import numpy as np
import pytest

from parasim.gui.timeline import EDGE_MIN_PX, MAX_ARROWS, TimelineView
from parasim.sim.run import Run
from parasim.sim.trace import KIND_CODE, Trace


def make_trace(pe, kind, start, end, task=None, msg=None, node=None, cores=None):
    n = len(pe)
    pe = np.asarray(pe, np.int32)
    return Trace(pe=pe, node=np.asarray(node if node is not None else np.zeros(n), np.int32),
                 core=np.asarray(cores if cores is not None else pe, np.int32),
                 kind=np.asarray([KIND_CODE[k] for k in kind], np.int8),
                 task=np.asarray(task if task is not None else np.arange(n), np.int32),
                 start_s=np.asarray(start, float), end_s=np.asarray(end, float),
                 flops=np.zeros(n), bytes=np.zeros(n),
                 peer=np.full(n, -1, np.int32),
                 msg=np.asarray(msg if msg is not None else np.full(n, -1), np.int32),
                 lanes_active=np.zeros(n, np.int16))


@pytest.fixture
def view(qtbot):
    from parasim.gui.style import setup_pyqtgraph
    setup_pyqtgraph()
    v = TimelineView()
    qtbot.addWidget(v)
    v.resize(900, 500)
    v.show()
    qtbot.waitExposed(v)
    return v


def drawn(curve):
    """Number of line segments a pairs-connected curve draws."""
    x = curve.getData()[0]
    return 0 if x is None else len(x) // 2


def test_edges_only_where_both_spans_are_a_few_pixels_wide(view):
    n = 2000                                  # 2000 back-to-back 1 µs tasks on one core
    t = np.arange(n + 1) * 1e-6
    view.set_run(Run.from_trace(make_trace([0] * n, ["compute"] * n, t[:-1], t[1:])))
    px = view.box.viewPixelSize()[0]
    assert 1e-6 < EDGE_MIN_PX * px            # whole run: sub-3-pixel spans, no lines
    assert drawn(view.edges) == 0
    view.box.setXRange(0, 20e-6, padding=0)   # 20 tasks across the plot: ~40 px each
    assert 1e-6 >= EDGE_MIN_PX * view.box.viewPixelSize()[0]
    xs = view.edges.getData()[0]
    assert set(np.round(xs[::2] * 1e6).astype(int)) >= set(range(1, 20))


def message_run(n_msg):
    """Message i leaves PE 0 at i ms (send lasts 0.5 ms) and is received on PE 1."""
    i = np.arange(n_msg)
    start = np.r_[i * 1e-3, i * 1e-3 + 0.5e-3]
    end = np.r_[i * 1e-3 + 0.5e-3, i * 1e-3 + 0.6e-3]
    tr = make_trace(np.r_[np.zeros(n_msg), np.ones(n_msg)],
                    ["send"] * n_msg + ["recv"] * n_msg, start, end,
                    msg=np.r_[i, i], task=np.full(2 * n_msg, -1))
    order = np.argsort(tr.start_s, kind="stable")
    return Run.from_trace(Trace(**{c: getattr(tr, c)[order] for c in tr.__dataclass_fields__}))


def test_arrows_are_sampled_across_the_whole_view_and_counted(view):
    n = 6000
    view.set_run(message_run(n))
    xs = view.arrows.getData()[0][::2]
    assert len(xs) <= MAX_ARROWS
    assert xs.max() > 0.95 * (n - 1) * 1e-3   # the tail is drawn, not cut
    assert xs.min() < 0.05 * n * 1e-3
    assert np.diff(np.sort(xs)).max() < 3 * n * 1e-3 / MAX_ARROWS   # evenly spread
    assert f"of {n:,} messages" in view.note.text()
    view.box.setXRange(100e-3, 200e-3, padding=0)    # ~100 messages: all drawn
    assert drawn(view.arrows) == 101 and view.note.text() == ""


def test_show_messages_action_hides_arrows_and_says_so(view):
    view.set_run(message_run(50))
    assert drawn(view.arrows) == 50
    view.messages_action.trigger()
    assert drawn(view.arrows) == 0
    assert "hidden" in view.note.text()
    view.messages_action.trigger()
    assert drawn(view.arrows) == 50


def test_arrows_to_collapsed_nodes_are_not_drawn(view):
    run = dataclasses.replace(message_run(50), nodes=2, cores=1)
    view.set_run(run)
    assert drawn(view.arrows) == 50
    view.toggle_node(1)
    assert drawn(view.arrows) == 0
    assert "50 to or from collapsed nodes" in view.note.text()


def test_collapsed_chickens_row_shows_one_busy_pe_in_1024_during_the_serial_part(view):
    from parasim.sim import scenario
    from parasim.sim.simulate import simulate
    run = simulate(scenario.load("oxen-vs-chickens-chickens"), baseline=False)
    view.set_run(run)
    assert view.rows.collapsed == frozenset({0})
    tr = run.trace
    serial_end = np.sort(tr.start_s)[1]             # the parallel tasks start after it
    occ = view.spans.occupancy("compute")
    frac = occ.fractions(0, np.linspace(0, serial_end * 0.99, 11))
    assert np.allclose(frac, 1 / 1024)
    x, w = view.bars["compute"].opts["x0"], view.bars["compute"].opts["width"]
    h = np.asarray(view.bars["compute"].opts["height"])
    serial = x + w <= serial_end
    one_px = view.box.viewPixelSize()[1]
    assert serial.any() and np.allclose(h[serial], max(0.8 / 1024, one_px))
    end = tr.end_s.max()                            # nearly all PEs busy in the parallel part
    assert occ.fractions(0, np.array([serial_end, serial_end + 0.5 * (end - serial_end)]))[0] \
        > 0.5


def test_occupancy_is_the_mean_share_of_busy_pes_by_hand():
    from parasim.gui.occupancy import Occupancy
    # node 0 (PEs 0-3): PE 0 busy [0, 2], PE 1 [1, 3]; node 1: PE 4 [0, 4]
    occ = Occupancy(np.array([0.0, 1, 0]), np.array([2.0, 3, 4]), np.array([0, 1, 4]), 2, 4)
    assert np.allclose(occ.fractions(0, np.array([0, 1, 2, 3, 4.0])), [0.25, 0.5, 0.25, 0])
    assert np.allclose(occ.fractions(0, np.array([0, 4.0])), [(2 + 2) / (4 * 4)])
    assert np.allclose(occ.fractions(1, np.array([0, 2, 4, 6.0])), [0.25, 0.25, 0])


def test_task_names_on_bars_wide_enough(view):
    tr = make_trace([0, 0, 1], ["compute"] * 3, [0.0, 0.5, 0.0], [0.5, 0.501, 1.0],
                    task=[0, 1, 2])
    run = dataclasses.replace(Run.from_trace(tr), task_names=("4 lanes 90%", "tiny", "fp16"))
    view.set_run(run)
    assert sorted(view.labels.texts) == ["4 lanes 90%", "fp16"]     # 1 ms bar: too narrow
    view.box.setXRange(0.499, 0.502, padding=0)
    assert "tiny" in view.labels.texts


def test_offload_rows_are_labelled_host_and_gpu_sms(view):
    from parasim.sim import scenario
    from parasim.sim.simulate import simulate
    run = simulate(scenario.load("gpu-offload"), baseline=False)
    view.set_run(run)
    labels = dict((label, row) for row, label in view.rows.ticks())
    assert run.pes == 8 + 80
    assert labels["cpu core 0"] == 0 and labels["gpu SM 4"] == 12
    assert not any(label.startswith("core") for label in labels)
    assert 7.5 in view.rows.separators()          # a line between the host and the SMs
    assert "copy (waiting for inputs" in view.legend.text()


def test_hetero_rows_are_grouped_by_unit_group_with_their_kind(view):
    from parasim.sim import scenario
    from parasim.sim.simulate import simulate
    run = simulate(scenario.load("big-little"), baseline=False)
    view.set_run(run)
    labels = dict((label, row) for row, label in view.rows.ticks())
    assert labels["big (cpu) core 0"] == 0 and labels["little (cpu) core 0"] == 4
    assert 3.5 in view.rows.separators()


def test_named_rows_label_every_pe_when_few():
    from parasim.gui.rows import RowLayout
    rows = RowLayout(1, 3, names=["host core", "GPU SM 0", "GPU SM 1"])
    assert rows.ticks() == [(0.0, "host core"), (1.0, "GPU SM 0"), (2.0, "GPU SM 1")]
    assert rows.toggled(0).ticks() == [(0, "node 0 (3 PEs) ▸")]
    assert rows.toggled(0).toggled(0).names == rows.names


def test_right_click_offers_show_messages_and_m_toggles_it(view, qtbot):
    from PySide6.QtCore import Qt
    view.set_run(message_run(50))
    vp = view.plot.viewport()
    qtbot.mouseClick(vp, Qt.RightButton, pos=vp.rect().center())
    menu = view.box.actions_menu
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    assert view.messages_action in menu.actions()
    menu.hide()
    view.plot.setFocus()
    qtbot.keyClick(view.plot, Qt.Key_M)
    assert not view.messages_action.isChecked() and drawn(view.arrows) == 0


def test_sampling_keeps_bursts_and_spreads_evenly():
    from parasim.gui.messages import sample_even
    left = np.repeat(np.arange(50) * 1.0, 50)       # 50 bursts of 50 messages at t = 0..49
    kept = sample_even(left, np.arange(len(left)), 0.0, 50.0, 2000)
    assert len(kept) == 2000                        # 40 of each burst
    assert np.array_equal(np.bincount(left[kept].astype(int)), np.full(50, 40))
    sparse = np.r_[np.linspace(0, 25, 100), np.full(3000, 40.0)]   # 100 alone, 1 burst
    kept = sample_even(sparse, np.arange(len(sparse)), 0.0, 50.0, 2000)
    assert np.sum(sparse[kept] < 30) == 100 and len(kept) <= 2000
    assert np.sum(sparse[kept] == 40.0) == 1900


def test_too_many_messages_per_pixel_are_hidden_with_a_note(view):
    from parasim.gui.timeline import HIDE_ARROWS_PER_PX
    n = int(HIDE_ARROWS_PER_PX * view.box.width()) + 10
    view.set_run(message_run(n))
    assert drawn(view.arrows) == 0
    assert f"{n:,} messages in view: too dense" in view.note.text()
    view.box.setXRange(0, 0.1, padding=0)
    assert drawn(view.arrows) == 101


def test_hovering_a_collapsed_row_counts_its_busy_pes():
    from parasim.gui.occupancy import Occupancy
    occ = Occupancy(np.array([0.0, 1, 0]), np.array([2.0, 3, 4]), np.array([0, 1, 4]), 2, 4)
    assert [occ.count_at(0, x) for x in (-1, 0, 0.5, 1, 2, 2.5, 3, 5)] == [0, 1, 1, 2, 1, 1, 0, 0]
    assert occ.count_at(1, 3.9) == 1


def test_collapsed_row_tooltip_text(view):
    tr = make_trace([0, 1, 2], ["compute", "compute", "stall"], [0.0, 0.0, 0.5],
                    [1.0, 0.5, 1.0], node=[0, 0, 0], cores=[0, 1, 2])
    run = dataclasses.replace(Run.from_trace(tr), cores=4)
    view.set_run(run)
    view.collapse_all(True)
    assert view.describe_node(0, 0.25).startswith("<b>node 0</b>")
    assert "2 of 4 PEs busy (2 compute)" in view.describe_node(0, 0.25)
    assert "2 of 4 PEs busy (1 compute, 1 stall)" in view.describe_node(0, 0.75)


def test_thin_rows_fill_their_height_and_draw_no_edges(view):
    from parasim.gui.timeline import BAR_HEIGHT
    pes, n = 400, 4                                 # 400 rows in ~450 px: thin
    pe = np.repeat(np.arange(pes), n)
    t = np.tile(np.arange(n), pes) * 1.0
    run = Run.from_trace(make_trace(pe, ["compute"] * (pes * n), t, t + 1.0,
                                    task=np.arange(pes * n)))
    run = dataclasses.replace(run, nodes=1, cores=pes)
    view.set_run(run)
    view.collapse_all(False)
    assert set(np.asarray(view.bars["compute"].opts["height"]).tolist()) == {1.0}
    assert drawn(view.edges) == 0
    view.box.setYRange(0, 10, padding=0)            # zoomed on 10 rows: gaps and edges back
    assert set(np.asarray(view.bars["compute"].opts["height"]).tolist()) == {BAR_HEIGHT}
    assert drawn(view.edges) > 0


def test_one_big_expanded_node_labels_every_kth_core():
    from parasim.gui.rows import MAX_NODE_LABELS, RowLayout
    ticks = RowLayout(1, 1024).ticks()
    assert ticks[0] == (0.0, "core 0") and ticks[1] == (43.0, "core 43")
    assert len(ticks) <= MAX_NODE_LABELS


def test_copies_are_drawn_on_link_rows_below_the_nodes(view):
    from parasim.sim import scenario
    from parasim.sim.simulate import simulate
    run = simulate(scenario.load("gpu-offload"), baseline=False)
    view.set_run(run)
    labels = dict((label, row) for row, label in view.rows.ticks())
    assert labels["link host → gpu"] == 88 and labels["link gpu → host"] == 89
    assert view.rows.n_rows == 90 and view.rows.node_of_row(89) == -1
    assert 87.5 in view.rows.separators()
    x0 = view.links.opts["x0"]
    assert len(x0) == 2 and view.links.opts["y0"][1] == pytest.approx(89 - 0.4)
    assert view.span_at(0.0001, 88) is None           # no PE on a link row


def test_nic_busy_time_is_drawn_on_nic_rows_below_the_nodes(view):
    """loggp-pingpong (2 nodes, g = 0.5 us, o = 1.5 us, 8 B): each message keeps its
    sender's NIC busy g + 7 G on the row of that node's NIC."""
    from parasim.sim import scenario
    from parasim.sim.simulate import simulate
    run = simulate(scenario.load("loggp-pingpong"), baseline=False)
    view.set_run(run)
    labels = dict((label, row) for row, label in view.rows.ticks())
    assert labels["node 0 NIC"] == 2 and labels["node 1 NIC"] == 3
    assert view.rows.n_rows == 4 and view.rows.node_of_row(3) == -1
    nic = run.extras["nic"]
    assert len(view.nic.opts["x0"]) == len(nic["msg"]) == run.summary["messages"]
    width = 0.5e-6 + 7 / 12.5e9
    assert np.asarray(view.nic.opts["width"]) == pytest.approx(width, rel=1e-12)
    rows = np.asarray(view.nic.opts["y0"]) + 0.4
    assert sorted(set(rows.round(6).tolist())) == [2.0, 3.0]
    assert len(view.links.opts["x0"]) == 0


def test_row_labels_never_closer_than_their_height_and_groups_come_first():
    """By hand: labels every 6 rows, then two link rows; at 2.5 rows per label height
    the link rows (each a group of its own) win over the SM label just above them, and
    the second link row gives way to the first."""
    from parasim.gui.rows import thin_ticks
    ticks = [(float(r), f"SM {r}") for r in range(0, 30, 6)] + [
        (31.0, "link host → gpu"), (32.0, "link gpu → host")]
    assert thin_ticks(ticks, 1.0) == ticks                  # room for all: unchanged
    kept = thin_ticks(ticks, 2.5)
    assert [t for _, t in kept] == ["SM 0", "SM 6", "SM 12", "SM 18", "SM 24",
                                    "link host → gpu"]
    kept = thin_ticks(ticks, 7.0)                          # SM 6 (6 from SM 0) gives way
    assert [t for _, t in kept] == ["SM 0", "SM 12", "SM 24", "link host → gpu"]
    ys = [y for y, _ in thin_ticks(ticks, 7.0)]
    assert min(np.diff(ys)) >= 7.0


def test_gpu_rows_labels_do_not_overlap_on_screen(view):
    """gpu-vgg16's 124 rows at the view's size: every label at least a text height apart
    (the two link rows used to overlap)."""
    from parasim.sim.scenario import load
    from parasim.sim.simulate import simulate
    view.resize(900, 500)
    view.set_run(simulate(load("gpu-vgg16"), baseline=False))
    view.show()
    view._redraw()
    ticks = view.item.getAxis("left")._tickLevels[0]
    rows_per_px = view.box.viewPixelSize()[1]
    ys = sorted(y for y, _ in ticks)
    assert len(ys) >= 5 and min(np.diff(ys)) / rows_per_px >= view._tick_px - 1
