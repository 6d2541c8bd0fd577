"""The Machine tab: geometry per topology, colours, links, packets, gauges at a playhead."""

import copy

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from parasim.gui.machine_view.geometry import Geometry
from parasim.gui.machine_view.model import MachineModel
from parasim.gui.machine_view.view import MachineView
from parasim.gui.state import AppState
from parasim.gui.style import KIND_COLORS
from parasim.sim.analysis.traffic import Traffic
from parasim.sim.run import Run
from parasim.sim.simulate import simulate
from parasim.sim.studies.whatif import WHATIFS, gain
from parasim.sim.trace import KINDS
from parasim.sim.units import seconds
from tests.helpers import scenario
from tests.sim.analysis.test_traffic import ring_of_4, ring_run
from tests.trace_factory import SMALL, make_run


def net_run(nodes, cores=2, **network):
    sc = scenario("pingpong", machine_kw={"nodes": nodes, "cores": cores, "network": network})
    base = make_run([(0, "compute", 0, 0.0, 1.0, 1.0)], nodes=nodes, cores=cores)
    return Run(sc, base.trace, base.summary, nodes, cores)


@pytest.mark.parametrize("topology, nodes, links, switches, extra", [
    ("crossbar", 8, 16, 1, {}),
    ("bus", 6, 1, 0, {}),
    ("ring", 5, 10, 0, {}),
    ("mesh2d", 12, 2 * (3 * 3 + 2 * 4), 0, {"mesh_x": 4, "mesh_y": 3}),
    ("torus2d", 16, 64, 0, {}),
    ("fattree", 16, 2 * (16 + 4), 4 + 1, {"fattree_k": 4}),
])
def test_node_core_and_link_counts_per_topology(topology, nodes, links, switches, extra):
    run = net_run(nodes, topology=topology, **extra)
    g = Geometry(run, Traffic(run))
    assert len(g.node_box) == nodes and len(g.cells) == nodes * 2
    assert len(g.links) == links and len(g.switches) == switches
    assert all(len(segs) >= 1 for segs in g.links)
    inside = [(x0 <= x <= x1 and y0 <= y <= y1) for x, y in g.cells[:, :2]
              for x0, y0, x1, y1 in [g.bounds]]
    assert all(inside)
    if topology == "torus2d":       # 4 x 4: 2 wrap links per row and column, each 2 stubs
        assert sum(len(segs) == 2 for segs in g.links) == 16


def model_view(qtbot, run):
    state = AppState()
    view = MachineView(state)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    with qtbot.waitSignal(state.run_changed):
        state.set_run(run)
    qtbot.waitUntil(lambda: view.model is not None, timeout=10000)
    return state, view


def pixel(canvas, x, y):
    pt = canvas.transform().map(QPointF(x, y))
    return canvas.grab().toImage().pixelColor(int(pt.x()), int(pt.y())).name()


def test_core_colour_is_its_span_kind_at_the_playhead(qtbot):
    state, view = model_view(qtbot, make_run(SMALL, nodes=1, cores=2))
    cells = view.model.geometry.cells
    centre = [(x + w / 2, y + h / 2) for x, y, w, h in cells]
    state.set_time(2.5)                       # PE0 stalls, PE1 computes
    assert pixel(view.canvas, *centre[0]) == KIND_COLORS["stall"].lower()
    assert pixel(view.canvas, *centre[1]) == KIND_COLORS["compute"].lower()
    state.set_time(3.5)                       # PE1 idle now
    assert pixel(view.canvas, *centre[1]) == "#eeeeee"
    assert "stall" not in view.canvas.describe(*centre[0])
    assert "PE 1" in view.canvas.describe(*centre[1])


def test_links_packets_and_tooltips_follow_the_flows(qtbot):
    """Ring of 4: 50 B from node 0 to 2 over [0, 10] on 10 B/s links (load 0.5)."""
    state, view = model_view(qtbot, ring_run())
    names = view.model.traffic.link_names
    state.set_time(2.5)
    f = view.canvas.frame
    a, b = names.index("0 -> 1"), names.index("1 -> 2")
    assert f.link_load[a] == pytest.approx(0.5) and f.link_load[b] == pytest.approx(0.5)
    g = view.model.geometry
    where = {tuple(np.round(p, 6)) for p in f.packets}
    assert tuple(np.round(g.point_on(a, 0.5), 6)) in where      # half along 0 -> 1
    state.set_time(7.5)
    assert np.allclose(view.canvas.frame.packets[0], g.point_on(b, 0.5))
    x0, y0, x1, y1 = g.links[b][0]
    assert "50.0 %" in view.canvas.describe((3 * x0 + x1) / 4, (3 * y0 + y1) / 4)  # off the packet
    assert view.matrix_data()[0][0, 2] == 50.0


def test_memory_wall_gauge_pinned_at_its_ceiling(ran, qtbot):
    """smp-memory-wall: mid-run the 16 cores stall and the memory gives its 40 GB/s."""
    mv = ran.machine
    ran.tabs.setCurrentWidget(mv)
    qtbot.waitUntil(lambda: mv.model is not None, timeout=10000)
    ran.state.set_time(0.55 * ran.state.makespan)
    f = mv.canvas.frame
    assert f.memory[0] == pytest.approx(40e9, rel=0.02) and f.memory_share[0] >= 0.98
    kinds = f.state - 1
    assert (kinds == 1).sum() >= 12                # most cores in stall
    g = mv.model.geometry
    x, y, w, h = g.gauge[0]
    assert pixel(mv.canvas, x + w * 0.05, y + h / 2) == "#d62728"
    assert "40 GB/s" in mv.canvas.describe(g.node_box[0][0] + 0.1, g.node_box[0][1] + 0.1)


def test_export_png_and_what_if(ran, qtbot, tmp_path):
    mv = ran.machine
    ran.tabs.setCurrentWidget(mv)
    qtbot.waitUntil(lambda: mv.model is not None, timeout=10000)
    path = tmp_path / "machine.png"
    assert mv.export_png(str(path)) and path.read_bytes()[:4] == b"\x89PNG"
    assert mv.what_if("ideal memory")
    assert not mv.what_if("2x clock")                  # one at a time
    qtbot.waitUntil(lambda: mv.whatif.worker is None, timeout=20000)
    run = ran.state.run
    other = simulate(WHATIFS["ideal memory"](run.scenario), baseline=False).makespan
    assert f"what if <b>ideal memory</b>: makespan {seconds(other)} instead of " \
        f"{seconds(run.makespan)}: <b>{gain(run.makespan, other):.3g} x</b> faster" \
        == mv.whatif_result.text()


def test_a_what_if_of_a_replaced_run_is_not_shown(ran, qtbot):
    mv = ran.machine
    assert mv.what_if("2x clock")
    ran.state.set_run(copy.copy(ran.state.run))
    qtbot.waitUntil(lambda: mv.whatif.worker is None, timeout=20000)
    assert mv.whatif_result.text() == ""


def test_big_machines_draw_cores_as_heat_maps(qtbot):
    run = net_run(1024, cores=4, topology="torus2d")
    state, view = model_view(qtbot, run)
    assert view.model.heat
    state.set_time(0.5)
    grids = view.model.heat_grids(view.canvas.frame)
    assert grids.shape == (1024, 2, 2) and grids[0, 0, 0] == 1      # PE 0 computing
    assert (grids[1:] == 0).all()                                  # the rest idle
    assert pixel(view.canvas, *view.model.geometry.grid[0][:2] + 0.3) == \
        KIND_COLORS["compute"].lower()


def test_very_many_nodes_become_one_heat_map(qtbot):
    """8,192 nodes (a 64 x 128 torus): one square per node, coloured by its busy share."""
    state, view = model_view(qtbot, net_run(8192, cores=1, topology="torus2d"))
    g = view.model.geometry
    assert view.model.node_heat and len(g.node_box) == 8192 and len(g.cells) == 0
    assert tuple(g.grid[0][2:]) == (64, 128)
    state.set_time(0.5)                                  # only PE 0 (node 0) computes
    busy = pixel(view.canvas, 0.5, 0.5)
    assert busy != pixel(view.canvas, 1.5, 0.5) and pixel(view.canvas, 1.5, 0.5) == "#eeeeee"
    assert "node 0" in view.canvas.describe(0.5, 0.5)
    assert "100.0 % of its PEs busy" in view.canvas.describe(0.5, 0.5)
    mat, unit = view.matrix_data()
    assert mat.shape == (256, 256) and unit == "group of 32 nodes"
    assert "8,192 nodes" in view.info.text()


def test_offload_draws_host_device_and_link():
    import dataclasses

    from parasim.sim import scenario as scenario_mod
    from parasim.sim.simulate import simulate
    sc = scenario_mod.load("gpu-offload")
    run = simulate(sc.replace(workload=dataclasses.replace(sc.workload, n=2000)),
                   baseline=False)
    m = MachineModel(run)
    g = m.geometry
    assert len(g.node_box) == 2 and len(g.cells) == 8 + 80 and len(g.links) == 2
    assert (m.node_of == 1).sum() == 80
    f = m.frame(10.5e-6)                # the copy in: 16 kB at 16 GB/s after 10 us
    assert f.link_load[0] == pytest.approx(1.0) and f.link_load[1] == 0.0
    assert (f.state[8:] - 1 == KINDS.index("copy")).all()      # the SMs wait for it


def test_selection_statistics_of_a_measured_region(window, qtbot):
    """Shift-drag [1, 2) over the hand trace of two spans half inside (all rows in view)."""
    from tests.sim.analysis.test_selection import SPANS
    panel = window.selection
    window.show_trace(make_run(SPANS, nodes=1, cores=2), "hand.csv")
    qtbot.waitUntil(lambda: panel.index is not None, timeout=10000)
    window.timeline.reset_view()
    window.timeline.box.measured.emit(1.0, 2.0, True)
    qtbot.waitUntil(lambda: panel.last is not None, timeout=5000)     # off the GUI thread
    assert panel.isVisible()
    st = panel.last
    assert st["flops"] == pytest.approx(5.0) and st["messages"] == 1
    assert st["time_s"]["compute"] == pytest.approx(2.0) and st["pes"] == 2
    assert "5 FLOP" in panel.text.text() and "1 messages" in panel.text.text()


def test_critical_path_toggle_outlines_its_spans(ran, qtbot):
    cp = ran.state.run.extras["critical_path"]
    ran.critical_action.trigger()
    assert ran.critical_action.isChecked() and ran.critical.bars.isVisible()
    tr = ran.state.run.trace
    on = np.isin(tr.task, cp["tasks"]) & (tr.end_s > tr.start_s) & (tr.kind != 3)
    assert len(ran.critical.bars.opts["x0"]) == on.sum() > 0
    ran.critical_action.trigger()
    assert not ran.critical.bars.isVisible()
    ran.show_trace(make_run(SMALL), "small.csv")        # no path in a loaded trace
    ran.critical_action.trigger()
    assert not ran.critical_action.isChecked() and "no critical path" in ran.status.text()


def test_matrix_over_the_selected_range(window, qtbot):
    """Ring of 4 (PE i sends 100 (i + 1) B at t = i): a region [1, 3) on the timeline
    leaves messages 1 -> 2 and 2 -> 3 in the Machine tab's matrix."""
    mv = window.machine
    window.show_trace(ring_of_4(), "ring.csv")
    qtbot.waitUntil(lambda: mv.model is not None and window.selection.index is not None,
                    timeout=10000)
    assert mv.matrix_data()[0].sum() == 1000.0
    window.timeline.reset_view()
    window.timeline.box.measured.emit(1.0, 3.0, True)
    mv.matrix_range.setCurrentIndex(1)
    mat = mv.matrix_data()[0]
    assert mat[1, 2] == 200.0 and mat[2, 3] == 300.0 and mat.sum() == 500.0
    assert "sent in" in mv.matrix.getPlotItem().titleLabel.text


def test_ctrl_click_in_the_legend_hides_a_kind(ran, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication
    tl = ran.timeline
    tl.legend.linkActivated.emit("stall")                 # a plain click does nothing
    assert tl.bars["stall"].isVisible()
    monkeypatch.setattr(QApplication, "keyboardModifiers",
                        staticmethod(lambda: Qt.ControlModifier))
    tl.legend.linkActivated.emit("stall")
    assert not tl.bars["stall"].isVisible() and "<s " in tl.legend.text()
    tl.set_run(ran.state.run)                              # the choice outlives a new run
    assert not tl.bars["stall"].isVisible()
    tl.legend.linkActivated.emit("stall")
    assert tl.bars["stall"].isVisible() and "<s " not in tl.legend.text()


def test_a_pe_chosen_in_the_machine_view_is_highlighted_on_the_timeline(ran, qtbot):
    from PySide6.QtCore import QPoint, Qt
    mv = ran.machine
    ran.tabs.setCurrentWidget(mv)
    qtbot.waitUntil(lambda: mv.model is not None, timeout=10000)
    x, y, w, h = mv.model.geometry.cells[5]
    pt = mv.canvas.transform().map(QPointF(x + w / 2, y + h / 2))
    qtbot.mouseClick(mv.canvas, Qt.LeftButton, pos=QPoint(int(pt.x()), int(pt.y())))
    assert ran.state.selected_pe == 5 and mv.canvas.selected == 5
    band = ran.pe_highlight.band
    row = ran.timeline.rows.row_of_pe[5]
    assert band.isVisible() and band.getRegion() == pytest.approx((row - 0.5, row + 0.5))
    qtbot.mouseClick(mv.canvas, Qt.LeftButton, pos=QPoint(2, 2))   # outside: none
    assert ran.state.selected_pe == -1 and not band.isVisible()


def test_a_click_on_a_timeline_row_chooses_its_pe(ran, qtbot):
    from PySide6.QtCore import QPointF, Qt
    tl = ran.timeline
    tl.reset_view()
    row = tl.rows.row_of_pe[3]
    scene = tl.box.mapViewToScene(QPointF(0.5 * ran.state.makespan, float(row)))
    pos = tl.plot.mapFromScene(scene)
    qtbot.mouseClick(tl.plot.viewport(), Qt.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: ran.state.selected_pe == 3, timeout=3000)
    assert ran.machine.canvas.selected == 3


def test_the_one_player_follows_the_shown_tab(ran, qtbot):
    player = ran.player
    ran.tabs.setCurrentWidget(ran.machine)
    assert player.parentWidget() is not ran.timeline_page and player.isVisible()
    assert ran.machine.isAncestorOf(player)
    ran.tabs.setCurrentWidget(ran.timeline_page)
    assert player.parentWidget() is ran.timeline_page and player.isVisible()
    lay = ran.timeline_page.layout()
    assert lay.indexOf(player) == lay.count() - 1       # back under the timeline


def test_panels_go_under_the_machine_when_the_tab_is_narrow(qtbot):
    from PySide6.QtCore import Qt
    _, view = model_view(qtbot, make_run(SMALL))
    view.resize(1000, 700)
    qtbot.waitUntil(lambda: view.split.orientation() == Qt.Horizontal)
    view.resize(600, 700)
    qtbot.waitUntil(lambda: view.split.orientation() == Qt.Vertical)
    assert view.minimumSizeHint().width() < 600


def test_time_plots_follow_the_timeline_zoom_and_the_playhead(ran, qtbot):
    m = ran.state.makespan
    conc = ran.metrics.concurrency
    ran.metrics.setCurrentWidget(conc)
    ran.timeline.box.setXRange(0.2 * m, 0.4 * m, padding=0)
    lo, hi = conc.item.viewRange()[0]
    assert lo == pytest.approx(0.2 * m) and hi == pytest.approx(0.4 * m)
    ran.state.set_time(0.3 * m)
    assert conc.playhead.value() == pytest.approx(0.3 * m)


def test_the_power_plot_carries_the_playhead(window, qtbot):
    with qtbot.waitSignal(window.state.run_changed, timeout=20000):
        window.load_scenario("power-wall", run=True)
    qtbot.waitUntil(lambda: window.worker is None, timeout=5000)
    window.metrics.show_tab("power")
    tab = window.metrics.currentWidget()
    line = window.plot_sync.lines[tab]
    assert line.getViewBox() is tab.item.getViewBox()
    window.state.set_time(0.25 * window.state.makespan)
    assert line.value() == pytest.approx(0.25 * window.state.makespan)
    window.timeline.box.setXRange(0.0, 0.5 * window.state.makespan, padding=0)
    assert tab.item.viewRange()[0][1] == pytest.approx(0.5 * window.state.makespan)


def test_a_clicked_link_joins_the_load_plot(qtbot):
    """Ring of 4: click the idle link 2 -> 3; its (zero) load curve joins the plot."""
    from PySide6.QtCore import QPoint, Qt
    _, view = model_view(qtbot, ring_run())
    names = view.model.traffic.link_names
    link = names.index("2 -> 3")
    x0, y0, x1, y1 = view.model.geometry.links[link][0]
    pt = view.canvas.transform().map(QPointF((x0 + x1) / 2, (y0 + y1) / 2))
    qtbot.mouseClick(view.canvas, Qt.LeftButton, pos=QPoint(int(pt.x()), int(pt.y())))
    assert view.canvas.chosen_link == link
    curves = view.links_plot.getPlotItem().listDataItems()
    assert [c.name() for c in curves][-1] == "2 -> 3 (chosen)"
    assert not curves[-1].yData.any()                    # it carried nothing


def test_hovering_a_packet_names_its_message(qtbot):
    state, view = model_view(qtbot, ring_run())
    state.set_time(2.5)
    f = view.canvas.frame
    k = int(np.flatnonzero(f.packet_flight == 0)[0])      # message 0: node 0 -> 2
    text = view.canvas.describe(*f.packets[k])
    assert "message 0" in text and "PE 0 → PE 2" in text and "50 B" in text


def test_a_trace_file_says_what_it_cannot_know(qtbot):
    _, view = model_view(qtbot, ring_of_4())
    assert "crossbar" in view.info.text() and view.model.traffic.net.topology == "crossbar"
    assert view.model.traffic.mem_capacity is None


def run_preset(window, qtbot, name):
    with qtbot.waitSignal(window.state.run_changed, timeout=30000):
        window.load_scenario(name, run=True)
    qtbot.waitUntil(lambda: window.worker is None, timeout=5000)
    window.tabs.setCurrentWidget(window.machine)
    qtbot.waitUntil(lambda: window.machine.model is not None, timeout=10000)
    return window.machine.model.traffic


def click_view(qtbot, tl, x, y):
    from PySide6.QtCore import Qt
    pos = tl.plot.mapFromScene(tl.box.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(tl.plot.viewport(), Qt.LeftButton, pos=pos)


def test_a_link_chosen_in_either_view_is_highlighted_in_the_other(window, qtbot):
    """cluster-pingpong (node 0 <-> node 1 through a switch, 10 round trips): choosing
    the up link of node 0 in the Machine view draws its 10 messages (0 -> 1) in gold on
    the timeline; a click on one of the back messages (1 -> 0) on the timeline at a
    time when it is on the switch's down link chooses that link in the Machine view."""
    from PySide6.QtCore import QPoint, Qt
    tr = run_preset(window, qtbot, "cluster-pingpong")
    mv, tl = window.machine, window.timeline
    up = tr.link_names.index("node 0 -> switch")
    x0, y0, x1, y1 = mv.model.geometry.links[up][0]
    pt = mv.canvas.transform().map(QPointF((x0 + x1) / 2, (y0 + y1) / 2))
    qtbot.mouseClick(mv.canvas, Qt.LeftButton, pos=QPoint(int(pt.x()), int(pt.y())))
    assert window.state.selected_link == up and mv.canvas.chosen_link == up
    xs, ys = window.link_highlight.arrows.getData()
    f = tr.f
    ours = np.flatnonzero(f["src_pe"] == 0)
    assert len(ours) == 10 and len(xs) == 2 * len(ours)
    assert np.array_equal(xs[0::2], tl.spans.flight[0][ours])
    assert set(ys[0::2]) == {tl.rows.row_of_pe[0]} and set(ys[1::2]) == {tl.rows.row_of_pe[1]}
    hx, hy = window.link_highlight.heads.getData()          # heads at the arrivals
    assert np.array_equal(hx, tl.spans.flight[1][ours]) and set(hy) == {tl.rows.row_of_pe[1]}
    window.tabs.setCurrentWidget(window.timeline_page)
    back = int(np.flatnonzero(f["src_pe"] == 1)[2])
    a, b = tl.spans.flight[0][back], tl.spans.flight[1][back]
    tl.box.setRange(xRange=(a - (b - a), b + (b - a)), padding=0)
    t = a + 0.75 * (b - a)                                 # its second hop by then
    y = tl.rows.row_of_pe[1] + 0.75 * (tl.rows.row_of_pe[0] - tl.rows.row_of_pe[1])
    click_view(qtbot, tl, t, y)
    down = tr.link_names.index("switch -> node 0")
    assert tr.link_of(back, t) == down
    qtbot.waitUntil(lambda: window.state.selected_link == down, timeout=3000)
    assert mv.canvas.chosen_link == down
    assert len(window.link_highlight.arrows.getData()[0]) == 20
    click_view(qtbot, tl, a - 0.5 * (b - a), tl.rows.row_of_pe[0])   # no arrow there
    qtbot.waitUntil(lambda: window.state.selected_link == -1, timeout=3000)
    assert mv.canvas.chosen_link == -1 and not len(window.link_highlight.arrows.getData()[0])


def test_a_link_with_a_timeline_row_is_chosen_by_its_row(window, qtbot):
    """gpu-offload: the host link has a row under the SMs; choosing it in either view
    puts the band on that row and outlines it in the Machine view."""
    tr = run_preset(window, qtbot, "gpu-offload")
    tl = window.timeline
    assert tl.rows.links and tl.rows.links[0].endswith(tr.link_names[0])
    window.tabs.setCurrentWidget(window.timeline_page)
    tl.reset_view()
    row = tl.rows.link_first_row
    click_view(qtbot, tl, 0.5 * window.state.makespan, row)
    qtbot.waitUntil(lambda: window.state.selected_link == 0, timeout=3000)
    band = window.link_highlight.band
    assert band.isVisible() and band.getRegion() == pytest.approx((row - 0.5, row + 0.5))
    assert window.machine.canvas.chosen_link == 0
    window.state.select_link(-1)
    assert not band.isVisible() and window.machine.canvas.chosen_link == -1


def test_builder_threads_deliver_and_end_in_the_gui_thread(qtbot):
    """A result (or an error's text) and the thread's end both reach the GUI thread;
    the finished thread is waited for and deleted there, none is left running."""
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, Slot

    from parasim.gui.machine_view.builder import Builders

    gui = QCoreApplication.instance().thread()
    reaped = []

    class Pool(Builders):
        @Slot()
        def _reap(self):
            reaped.append(QThread.currentThread() is gui)
            super()._reap()

    class Receiver(QObject):
        got: list = []

        @Slot(object, object)
        def built(self, run, result):
            self.got.append((run, result, QThread.currentThread() is gui))

    owner, receiver = QObject(), Receiver()
    pool = Pool(owner)
    threads = [pool.start("ab", lambda r: r * 2, receiver.built),
               pool.start("x", lambda r: 1 / 0, receiver.built)]
    qtbot.waitUntil(lambda: not pool.running, timeout=10000)
    assert sorted(receiver.got) == [("ab", "abab", True),
                                    ("x", "ZeroDivisionError: division by zero", True)]
    assert reaped and all(reaped)
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    assert not any(shiboken6.isValid(t) for t in threads)


def test_a_packet_carries_a_chord_from_its_sender_to_its_receiver(qtbot):
    """Ring of 4 at t = 2.5: message 0 (node 0 -> 2) and 1 (3 -> 2) in flight; each
    chord joins the centres of its nodes' boxes (the pattern, not the route)."""
    state, view = model_view(qtbot, ring_run())
    state.set_time(2.5)
    f = view.canvas.frame
    box = view.model.geometry.node_box
    centre = box[:, :2] + box[:, 2:] / 2
    got = {int(k): tuple(c) for k, c in zip(f.packet_flight, f.chords)}
    assert got == {0: pytest.approx((*centre[0], *centre[2])),
                   1: pytest.approx((*centre[3], *centre[2]))}


def test_the_panel_fits_what_it_shows(qtbot):
    """Wide for its height: side by side even under NARROW_PX; no messages: the panel
    under the machine takes only the height it needs; the matrix labels whole rows."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QBoxLayout
    _, view = model_view(qtbot, make_run(SMALL))
    view.resize(700, 400)
    qtbot.waitUntil(lambda: view.split.orientation() == Qt.Horizontal)
    assert view.plots.direction() == QBoxLayout.TopToBottom
    view.resize(600, 800)
    qtbot.waitUntil(lambda: view.split.orientation() == Qt.Vertical)
    assert view.plots.direction() == QBoxLayout.LeftToRight
    assert not view.matrix.isVisible()
    assert view.split.sizes()[1] <= 0.3 * 800
    qtbot.waitUntil(lambda: not view.split.widget(1).verticalScrollBar().isVisible(),
                    timeout=3000)                                     # all of it shown
    _, ring = model_view(qtbot, ring_of_4())
    ticks = ring.matrix.getPlotItem().getAxis("left")._tickLevels
    assert [v for v, _ in ticks[0]] == [0, 1, 2, 3]


def test_nic_rows_are_not_links(window, qtbot):
    """loggp-pingpong has a NIC row per node under the nodes: choosing network link 1
    draws its messages and bands no row; a click on a NIC row chooses no link."""
    tr = run_preset(window, qtbot, "loggp-pingpong")
    tl = window.timeline
    assert len(tl.rows.links) == 2 and len(tr.link_names) >= 2
    window.state.select_link(1)
    assert not window.link_highlight.band.isVisible()
    assert len(window.link_highlight.arrows.getData()[0]) == 2 * len(tr.flights_on(1)) > 0
    window.tabs.setCurrentWidget(window.timeline_page)
    tl.reset_view()
    click_view(qtbot, tl, 0.5 * window.state.makespan, tl.rows.link_first_row)
    qtbot.waitUntil(lambda: window.state.selected_link == -1, timeout=3000)


def test_presentation_mode_at_1024_keeps_the_panel_inside_its_view(window, qtbot):
    """At 175 % text on 1024x768 the panel beside the machine is no wider than what
    shows it: its titles wrap to two lines and its choosers may shrink."""
    window.resize(1024, 768)
    window.show()
    run_preset(window, qtbot, "cluster-stencil")
    window.presenter.toggle()
    window.presenter.set_zoom(175)
    window.tabs.setCurrentWidget(window.machine)
    qtbot.wait(50)
    scroll = window.machine.split.widget(1)
    assert window.machine.panel.width() <= scroll.viewport().width()
    assert "<br>" in window.machine.matrix.getPlotItem().titleLabel.text
    window.presenter.toggle()
