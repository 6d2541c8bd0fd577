import time

import numpy as np
from PySide6.QtCore import Qt

from sim.trace import Trace


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
    assert Trace.read_csv(path).equals(ran.state.run.trace)
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
    assert ed.error.isVisibleTo(window)
    assert ed.error.text() == "machine.memory.bandwidth_gbs must be > 0, got 0"
    assert not window.run_button.isEnabled()
    assert not window.start_run()
    ed.widget.setText("40")
    assert not ed.error.isVisibleTo(window) and window.run_button.isEnabled()


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
    t0 = time.perf_counter()
    with qtbot.waitSignal(window.worker.cancelled, timeout=1000):
        window.cancel_button.click()
    assert time.perf_counter() - t0 < 1.0
    qtbot.waitUntil(lambda: window.worker is None, timeout=1000)
    assert window.state.run is None and window.run_button.isEnabled()


def test_a_large_run_asks_first(window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    _long_bag(window, 300_000)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.No))
    assert not window.start_run() and window.worker is None


def test_malformed_trace_shows_an_error_and_keeps_the_view(ran, tmp_path):
    run = ran.state.run
    bad = tmp_path / "bad.csv"
    bad.write_text("pe,node\n1,2\n")
    assert not ran.open_trace(str(bad))
    assert ran.dialogs[-1][0] == "critical" and "line 1" in ran.dialogs[-1][1]
    assert ran.state.run is run and ran.timeline.run is run
    good = tmp_path / "good.csv"
    run.write_csv(good)
    assert ran.open_trace(str(good))
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
    assert c.table.columnCount() == 3 and c.table.rowCount() > 5


def test_power_tab_says_when_there_is_no_power_model(ran):
    power = ran.metrics.plots[1]
    ran.metrics.setCurrentWidget(power)
    assert power.currentWidget() is power.message
    assert "no power model" in power.message.text()
