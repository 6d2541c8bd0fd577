import time

import numpy as np
from PySide6.QtCore import Qt

from parasim.sim.io import trace_csv
from parasim.sim.units import si


def drawn_spans(timeline):
    return sum(len(b.opts["x0"]) for b in timeline.bars.values())


def test_clicking_run_populates_the_timeline(window, qtbot):
    assert window.timeline.run is None and drawn_spans(window.timeline) == 0
    with qtbot.waitSignal(window.state.run_changed, timeout=20000):
        qtbot.mouseClick(window.run_button, Qt.LeftButton)
    run = window.state.run
    assert window.timeline.run is run
    assert drawn_spans(window.timeline) == len(run.trace) > 0
    assert "stall" in window.timeline.legend.text()
    assert window.metrics.summary.table.rowCount() > 5


def test_play_advances_the_playhead(ran, qtbot):
    p = ran.player
    p.play()
    assert ran.state.time == 0.0                     # played from the start
    qtbot.waitUntil(lambda: ran.state.time > 0, timeout=2000)
    assert p.playing
    p.pause()
    t = ran.state.time
    qtbot.wait(100)
    assert ran.state.time == t


def test_step_lands_exactly_on_the_next_event(ran):
    tr = ran.state.run.trace
    times = np.unique(np.r_[tr.start_s, tr.end_s])
    ran.player.reset()
    for expected in times[times > 0][:5]:
        ran.player.step()
        assert ran.state.time == expected
    ran.player.step_back()
    assert ran.state.time == times[times > 0][3]
    ran.player.end()
    assert ran.state.time == ran.state.makespan


def test_scrubber_and_time_field(ran):
    ran.player.time_field.setText("5e-3")
    ran.player.time_field.returnPressed.emit()
    assert ran.state.time == 5e-3
    assert "done:" in ran.player.counters.text()
    ran.player.time_field.setText("soon")
    ran.player.time_field.returnPressed.emit()
    assert ran.state.time == 5e-3 and "border" in ran.player.time_field.styleSheet()


def test_export_csv_loads_back_identically(ran, tmp_path):
    path = tmp_path / "trace.csv"
    assert ran.export("csv", str(path))
    assert trace_csv.read_csv(path).equals(ran.state.run.trace)
    for kind in ("perfetto", "summary", "png"):
        assert ran.export(kind, str(tmp_path / f"out.{kind}"))
        assert (tmp_path / f"out.{kind}").stat().st_size > 0


def test_export_to_an_unwritable_path_shows_an_error_and_loses_nothing(ran, tmp_path):
    run = ran.state.run
    assert not ran.export("csv", str(tmp_path / "missing-dir" / "t.csv"))
    assert ran.dialogs and ran.dialogs[-1][0] == "critical"
    assert ran.state.run is run


def test_invalid_field_shows_its_message_and_disables_run(window):
    ed = window.form.editors["machine.memory.bandwidth_gbs"]
    ed.widget.setText("0")
    assert ed.message == "machine.memory.bandwidth_gbs must be > 0, got 0"
    assert ed.widget.toolTip().startswith(ed.message)
    assert ed.message in window.form.status.text()
    assert not window.run_button.isEnabled()
    assert not window.start_run()
    ed.widget.setText("40")
    assert ed.message is None and window.run_button.isEnabled()


def test_workload_kind_switches_the_form(window):
    window.form.kind.setCurrentText("matmul")
    assert "workload.tile" in window.form.editors
    assert "workload.tasks" not in window.form.editors
    assert window.form.scenario.workload.kind == "matmul"


def _long_bag(window, tasks):
    window.form.kind.setCurrentText("bag")
    window.form.editors["workload.tasks"].widget.setText(str(tasks))
    window.form.editors["workload.flops_per_task"].widget.setText("1e6")
    assert window.form.scenario is not None


def test_cancel_stops_a_long_run_within_a_second(window, qtbot):
    _long_bag(window, 1_000_000)
    got = []
    assert window.start_run()
    window.worker.progress.connect(got.append)
    qtbot.waitUntil(lambda: bool(got) and got[-1] > 0.02, timeout=20000)
    qtbot.waitUntil(lambda: window.progress.value() > 0, timeout=1000)   # via the signal
    worker = window.worker
    t0 = time.perf_counter()
    window.cancel_button.click()
    assert window.worker is None and window.run_button.isEnabled()   # the window is free
    assert worker.wait(1000)                       # and the engine really stopped
    assert time.perf_counter() - t0 < 1.0
    assert window.state.run is None and "cancelled" in window.status.text()
    qtbot.waitUntil(lambda: not window._detached, timeout=5000)   # reaped in the GUI thread


def test_a_large_run_asks_first(window, monkeypatch):
    """Asked by its estimated time (events: here memory flows shared by 64 cores), not
    by its task count."""
    from PySide6.QtWidgets import QMessageBox
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: asked.append(a[2]) or QMessageBox.No))
    _long_bag(window, 300_000)
    window.form.editors["machine.cores"].widget.setText("64")
    assert window.form.scenario is not None
    assert window.start_run() and not asked          # 300,000 compute tasks: about 2 s
    window.cancel_run()
    window.form.editors["workload.bytes_per_task"].widget.setText("1e6")
    assert not window.start_run() and window.worker is None
    assert "300,000 memory flows" in asked[0]


def test_malformed_trace_shows_an_error_and_keeps_the_view(ran, tmp_path):
    run = ran.state.run
    bad = tmp_path / "bad.csv"
    bad.write_text("pe,node\n1,2\n")
    assert not ran.open_file_now(str(bad))
    assert ran.dialogs[-1][0] == "critical" and "line 1" in ran.dialogs[-1][1]
    assert ran.state.run is run and ran.timeline.run is run
    good = tmp_path / "good.csv"
    run.write_csv(good)
    assert ran.open_file_now(str(good))
    assert ran.state.run.trace.equals(run.trace) and ran.state.run.scenario is None


def test_hover_finds_the_span_by_binary_search(ran):
    tl, tr = ran.timeline, ran.state.run.trace
    for i in (0, len(tr) // 2, len(tr) - 1):
        x = (tr.start_s[i] + tr.end_s[i]) / 2
        j = tl.span_at(x, float(tl.rows.row_of_pe[tr.pe[i]]))
        assert j is not None and tr.pe[j] == tr.pe[i] and tr.start_s[j] <= x <= tr.end_s[j]
    assert "duration" in tl.describe(0)


def test_zoom_culls_to_the_visible_range(ran):
    tl = ran.timeline
    total = drawn_spans(tl)
    m = ran.state.makespan
    tl.box.setXRange(0.4 * m, 0.45 * m, padding=0)
    assert 0 < drawn_spans(tl) < total
    tl.key(Qt.Key_D)
    assert tl.box.viewRange()[0][0] > 0.4 * m


def test_compare_pins_and_shows_both_runs(ran, qtbot):
    ran.pin()
    first = ran.state.run
    ran.form.editors["machine.cores"].widget.setText("4")
    with qtbot.waitSignal(ran.state.run_changed, timeout=20000):
        ran.start_run()
    qtbot.waitUntil(lambda: ran.worker is None, timeout=5000)
    c = ran.compare
    assert c.pinned_view.run is None                 # drawn when first shown
    ran.tabs.setCurrentWidget(c)
    assert c.pinned_view.run is first and c.current_view.run is ran.state.run
    assert c.table.columnCount() == 4 and c.table.rowCount() > 5
    cells = [[c.table.item(r, k).text() for k in range(4)] for r in range(c.table.rowCount())]
    differ = [r[1] != r[2] for r in cells]
    assert differ == sorted(differ, reverse=True)        # the rows that differ come first
    pes = next(r for r in cells if r[0] == "PEs")
    assert pes[1:] == ["16", "4", "0.25 x"]              # ratio = current / pinned, by hand
    assert c.titles == ("pinned: smp-memory-wall (cores 16)",
                        "current: smp-memory-wall (cores 4)")
    assert c.pinned_view.item.titleLabel.text == c.titles[0]
    assert not c.power.isVisibleTo(c)                    # this machine has no power model


def test_power_tab_says_when_there_is_no_power_model(ran):
    power = ran.metrics.plots[1]
    ran.metrics.setCurrentWidget(power)
    assert power.currentWidget() is power.message
    assert "no power model" in power.message.text()


def test_messages_power_and_nodes_are_drawn_when_present(window):
    from tests.sim.io.test_perfetto import MSG_SPANS
    from tests.trace_factory import make_run
    power = {"t_s": [0.0, 2.0], "watts": [40.0, 90.0], "node_ptr": [0, 2, 3],
             "node_t_s": [0.0, 2.0, 0.0], "node_watts": [20.0, 50.0, 40.0]}
    run = make_run(MSG_SPANS, nodes=2, cores=2, power=power)
    window.state.set_run(run)
    tl = window.timeline
    assert len(tl.arrows.getData()[0]) == 2             # one message: one segment
    assert "message" in tl.legend.text()
    window.state.set_time(2.5)
    assert "power: 90 W" in window.player.counters.text()
    tab = window.metrics.plots[1]
    window.metrics.setCurrentWidget(tab)
    assert tab.currentWidget() is tab.plot
    assert len(tab.item.listDataItems()) == 3          # machine + 2 nodes
    assert tl.rows.n_rows == 4
    tl.toggle_node(1)
    assert tl.rows.n_rows == 3 and tl.span_at(4.5, 2.0) is not None   # node 1 is one row


def test_keyboard_shortcuts_drive_the_player(ran, qtbot):
    from PySide6.QtTest import QTest
    ran.activateWindow()
    ran.tabs.setFocus()
    QTest.keyClick(ran, Qt.Key_Home)
    assert ran.state.time == 0.0
    QTest.keyClick(ran, Qt.Key_Right)
    assert ran.state.time == ran.state.index.next_event(0.0)
    QTest.keyClick(ran, Qt.Key_Space)
    assert ran.player.playing
    QTest.keyClick(ran, Qt.Key_Space)
    assert not ran.player.playing
    (x0, x1), _ = ran.timeline.box.viewRange()
    QTest.keyClick(ran, Qt.Key_W)
    (y0, y1), _ = ran.timeline.box.viewRange()
    assert y1 - y0 < x1 - x0


def test_shift_drag_measures_a_duration(ran):
    ran.timeline.box.measured.emit(0.001, 0.004, True)
    assert abs(ran.timeline.last_measure - 0.003) < 1e-15
    assert "3 ms" in ran.timeline.measure_text.textItem.toPlainText()


def test_simd_cores_expand_into_their_lanes(ran):
    tl = ran.timeline
    lanes = int(ran.state.run.trace.lanes_active.max())
    assert lanes == 4                                   # 256-bit SIMD, fp64
    rows = tl.rows.n_rows
    ran.lanes_action.trigger()
    assert tl.rows.n_rows == rows * lanes
    h = tl.bars["compute"].opts["height"]
    assert np.allclose(h, lanes - 0.2)                  # every lane of a triad is busy
    tr = ran.state.run.trace
    i = int(np.flatnonzero(tr.kind == 0)[0])
    x = (tr.start_s[i] + tr.end_s[i]) / 2
    assert tl.span_at(x, tl.rows.row_of_pe[tr.pe[i]] + lanes - 1) is not None
    ran.lanes_action.trigger()
    assert tl.rows.n_rows == rows


def test_save_and_open_scenario_round_trip(window, tmp_path):
    from parasim.sim import scenario
    window.form.editors["machine.cores"].widget.setText("6")
    path = tmp_path / "mine.toml"
    assert window.save_scenario(str(path))
    assert scenario.load(str(path)) == window.form.scenario
    assert not window.save_scenario(str(tmp_path / "no-dir" / "x.toml"))
    assert window.dialogs[-1][0] == "critical"
    window.load_scenario("amdahl")
    assert window.form.editors["machine.cores"].widget.text() == "16"
    assert window.load_scenario(str(path))
    assert window.form.scenario.machine.cores == 6
    assert "Amdahl" not in window.learn.text.toPlainText()


def test_hover_shows_a_tooltip_for_the_span(ran, monkeypatch):
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QToolTip
    shown = []
    monkeypatch.setattr(QToolTip, "showText", staticmethod(lambda *a: shown.append(a[1])))
    tl, tr = ran.timeline, ran.state.run.trace
    i = len(tr) // 2
    x = (tr.start_s[i] + tr.end_s[i]) / 2
    tl._on_hover(tl.box.mapViewToScene(QPointF(x, float(tl.rows.row_of_pe[tr.pe[i]]))))
    assert shown and f"PE {tr.pe[i]}" in shown[-1] and "duration" in shown[-1]


def test_big_traces_draw_merged_spans_only_when_seen_whole(window):
    from benchmarks.gui import synthetic_run
    run = synthetic_run(100_000, pes=16)
    window.state.set_run(run)
    tl = window.timeline
    whole = drawn_spans(tl)
    assert 0 < whole < len(run.trace) // 4             # merged below a pixel
    m = tl.makespan
    tl.box.setXRange(0.5 * m, 0.51 * m, padding=0)
    s, e = run.trace.start_s, run.trace.end_s
    assert drawn_spans(tl) == int(((e >= 0.5 * m) & (s <= 0.51 * m)).sum())   # exact


def test_flop_convention_switch_applies_to_the_shown_run(ran):
    work = ran.state.run.summary["flops"]
    ran.form.editors["options.flop_convention"].widget.setCurrentText("macs")
    table = ran.metrics.summary.table
    assert table.item(0, 1).text() == si(work / 2, "MAC")
    assert "MAC" in ran.player.counters.text()
    ran.form.editors["options.flop_convention"].widget.setCurrentText("flops")
    assert table.item(0, 1).text() == si(work, "FLOP")


def test_optional_sections_and_values_in_forms(qtbot):
    from dataclasses import dataclass

    from parasim.gui.panels.scenario_form import ScenarioForm
    from parasim.sim.spec import param

    @dataclass
    class Inner:
        a: float = param(1.0, unit="W", help="a power")

    @dataclass
    class Outer:
        opt: Inner | None = None
        lat: float | None = param(None, unit="us", ge=0, help="unset: a default")

    form = ScenarioForm()
    qtbot.addWidget(form)
    form._group(form._box("T"), Outer, {}, "x")
    assert not form.toggles["x.opt"].isChecked() and "x.opt.a" not in form.editors
    lat = form.editors["x.lat"]
    assert lat.optional and lat.widget.text() == "" and lat.get() == ""
    form._group(form._box("U"), Outer, {"opt": {"a": 2.0}, "lat": 3.0}, "y")
    assert form.toggles["y.opt"].isChecked() and form.editors["y.opt.a"].widget.text() == "2.0"
    assert form.editors["y.lat"].get() == 3.0


def _mouse(widget, kind, pos, buttons, mods):
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication
    types = {"press": QEvent.MouseButtonPress, "move": QEvent.MouseMove,
             "release": QEvent.MouseButtonRelease}
    button = Qt.NoButton if kind == "move" else Qt.LeftButton
    p = QPointF(pos)
    ev = QMouseEvent(types[kind], p, widget.mapToGlobal(p), button, buttons, mods)
    QApplication.sendEvent(widget, ev)


def test_real_shift_drag_measures_and_plain_drag_pans(ran, qtbot):
    from PySide6.QtCore import QPointF
    tl = ran.timeline
    vp = tl.plot.viewport()

    def to_px(x, y):
        return tl.plot.mapFromScene(tl.box.mapViewToScene(QPointF(x, y)))

    m = ran.state.makespan
    a, b = to_px(0.2 * m, 3.0), to_px(0.6 * m, 3.0)
    _mouse(vp, "press", a, Qt.LeftButton, Qt.ShiftModifier)
    for k in range(1, 6):
        _mouse(vp, "move", a + (b - a) * k / 5, Qt.LeftButton, Qt.ShiftModifier)
    _mouse(vp, "release", b, Qt.NoButton, Qt.ShiftModifier)
    assert tl.last_measure is not None
    assert abs(tl.last_measure - 0.4 * m) < 0.02 * m        # within a few pixels
    qtbot.wait(300)                                          # a human pause between gestures
    before = tl.box.viewRange()[0]
    _mouse(vp, "press", b, Qt.LeftButton, Qt.NoModifier)
    for k in range(1, 6):
        _mouse(vp, "move", b + (a - b) * k / 5, Qt.LeftButton, Qt.NoModifier)
    _mouse(vp, "release", a, Qt.NoButton, Qt.NoModifier)
    assert tl.box.viewRange()[0][0] > before[0]              # dragged left: view moved right


def test_sweep_tab_follows_the_edited_scenario(window):
    assert window.tabs.indexOf(window.sweep) >= 0
    assert window.sweep.scenario == window.form.scenario
    window.form.editors["machine.cores"].widget.setText("4")
    assert window.sweep.scenario.machine.cores == 4


def test_layers_tab_shows_shares_per_layer(window):
    from tests.trace_factory import SMALL, make_run
    run = make_run(SMALL, names=("conv1 @ pe0", "fc @ pe0", "conv1 @ pe1"))
    window.state.set_run(run)
    tab = window.metrics.plots[4]
    window.metrics.setCurrentWidget(tab)
    assert tab.currentWidget() is tab.view
    bars = [i for i in tab.item.items if hasattr(i, "opts") and "width" in i.opts]
    flops = next(b for b in bars if b.opts["name"] == "share of the FLOPs")
    assert np.allclose(flops.opts["height"], [100 * 10 / 12, 100 * 2 / 12])   # conv1, fc
    assert tab.table.rowCount() == 2
    assert [tab.table.item(r, 1).text() for r in range(2)] == ["conv1", "fc"]
    assert tab.table.item(0, 4).text() == "83.3 %"
    assert tab.table.item(0, 2).text() == "-"   # a trace without a model: no kind
    window.state.set_run(make_run(SMALL))
    window.metrics.setCurrentWidget(window.metrics.summary)
    window.metrics.setCurrentWidget(tab)
    assert tab.currentWidget() is tab.message


def test_layers_tab_table_of_a_cnn_run(window):
    from parasim.sim import scenario as scenario_mod
    from parasim.sim.simulate import simulate
    run = simulate(scenario_mod.load("vgg16-inference", ['workload.batch=1', 'machine.cores=2']))
    window.state.set_run(run)
    tab = window.metrics.plots[4]
    window.metrics.setCurrentWidget(tab)
    t = tab.table
    assert t.rowCount() == 40 and t.columnCount() == len(tab.COLUMNS)
    row = {t.item(0, c).text() for c in range(t.columnCount())}
    assert {"1", "conv1_1", "conv2d", "64x224x224", "1.79 k",
            "k*k*c*H*W*o = 3*3*3*224*224*64"} <= row
    fc6 = next(r for r in range(t.rowCount()) if t.item(r, 1).text() == "fc6")
    assert t.item(fc6, 9).text() == "in*out = 25088*4096"


def test_help_menu_lists_the_model_approximations(window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from parasim.sim.approximations import APPROXIMATIONS
    shown = {}
    monkeypatch.setattr(QMessageBox, "information",
                        lambda parent, title, text: shown.update(title=title, text=text))
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    next(a for a in help_menu.actions() if a.text().startswith("What the model")).trigger()
    assert shown["title"] == "What the model leaves out"
    assert all(line in shown["text"] for line in APPROXIMATIONS)


def test_layers_tab_table_of_a_transformer_run(window):
    # GPT-2 medium: wte, wpe, drop, 24 blocks of 14 layers, ln_f, lm_head = 341 rows
    from parasim.sim import scenario as scenario_mod
    from parasim.sim.simulate import simulate
    run = simulate(scenario_mod.load("pipeline-bubble", ["workload.seq=16"]), baseline=False)
    window.state.set_run(run)
    tab = window.metrics.plots[4]
    window.metrics.setCurrentWidget(tab)
    t = tab.table
    assert tab.currentWidget() is tab.view and t.rowCount() == 341
    rows = {t.item(r, 1).text(): r for r in range(t.rowCount())}
    r = rows["h.0.attn.scores"]
    assert t.item(r, 2).text() == "attention_scores"
    assert t.item(r, t.columnCount() - 1).text() == "h*dh*s*L = 16*64*16*16"


def test_layers_tab_keeps_long_names_narrow_and_the_bars_tall(window):
    # ViT-B/16: 176 layers named like encoder.layers.encoder_layer_0.self_attention.q_proj
    from parasim.sim import scenario as scenario_mod
    from parasim.sim.simulate import simulate
    sc = scenario_mod.load("vgg16-inference", ['workload.model="vit_b_16"', "workload.batch=1",
                                               "machine.cores=1"])
    window.state.set_run(simulate(sc, baseline=False))
    window.resize(1024, 768)
    tab = window.metrics.plots[4]
    window.metrics.setCurrentWidget(tab)
    t = tab.table
    assert t.rowCount() == 176
    assert t.columnWidth(1) <= tab.NAME_MAX_WIDTH
    name = "encoder.layers.encoder_layer_0.self_attention.q_proj"
    r = next(i for i in range(t.rowCount()) if t.item(i, 1).text() == name)
    assert t.item(r, 1).toolTip() == name
    assert t.item(0, 2).text() == "conv2d"
    assert t.item(0, t.columnCount() - 1).text() == "k*k*c*H*W*o = 16*16*3*14*14*768"
    assert tab.plot.minimumHeight() == tab.PLOT_MIN_HEIGHT
