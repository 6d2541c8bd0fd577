"""How the window presents a preset's lesson: its [view] (metrics tab, sweep, paired
preset), the lesson's --set links, the grouped Presets menu, the edited and trace-file
states of the form, and the plots' legends and roofs."""

import numpy as np
import pytest
from PySide6.QtCore import QUrl

from parasim.gui.panels.learn import suggestions
from parasim.gui.presets_menu import GROUPS
from parasim.gui.window_scenarios import DEFAULT_SWEEP
from parasim.sim import scenario


def finish(window, qtbot):
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)


def test_a_preset_opens_its_tab_and_sweep(window):
    window.load_scenario("power-wall")
    assert window.metrics.currentWidget() is window.metrics.plots[1]          # Power
    assert window.learn.compare_button.text() == "Compare with power-wall-half-clock"
    window.load_scenario("amdahl")
    assert window.metrics.currentWidget() is window.metrics.summary
    assert window.sweep.vary.toPlainText() == "machine.cores=1,2,4,8,16,32"
    window.load_scenario("concurrency-vs-parallelism-io")
    assert window.metrics.currentWidget() is window.metrics.concurrency
    assert window.sweep.vary.toPlainText() == DEFAULT_SWEEP     # none declared: no stale one
    window.load_scenario("vgg16-inference")
    assert window.metrics.currentWidget() is window.metrics.plots[4]          # Layers
    window.load_scenario("cluster-pingpong")
    assert not window.learn.compare_button.isVisibleTo(window)


def test_suggestions_are_parsed_from_the_lesson_text():
    text = ("Try --set workload.nb=16 (small), --set workload.p=1 --set workload.q=8. "
            'Compare with `--set workload.split="data"`. Or --set a.b=2.5.')
    assert suggestions(text) == ["workload.nb=16", "workload.p=1", "workload.q=8",
                                 'workload.split="data"', "a.b=2.5"]


def test_a_lesson_link_applies_the_override_and_reruns(window, qtbot):
    sc = scenario.load("smp-memory-wall")
    window.set_scenario(sc.replace(explain="Try --set machine.cores=2. Or not."))
    html = window.learn.text.toHtml()
    assert 'href="set:0"' in html and "--set machine.cores=2" in window.learn.text.toPlainText()
    with qtbot.waitSignal(window.state.run_changed, timeout=20000):
        window.learn.text.anchorClicked.emit(QUrl("set:0"))
    finish(window, qtbot)
    assert window.state.run.scenario.machine.cores == 2
    assert window.form.editors["machine.cores"].widget.text() == "2"


def test_compare_with_the_paired_preset(ran, qtbot):
    first = ran.state.run
    assert ran.learn.pair == "smp-matmul"
    with qtbot.waitSignal(ran.state.run_changed, timeout=20000):
        ran.learn.compare_button.click()
    finish(ran, qtbot)
    assert ran.state.pinned is first
    assert ran.state.run.scenario.name == "smp-matmul"
    assert ran.tabs.currentWidget() is ran.compare
    assert ran.compare.titles[0].startswith("pinned: smp-memory-wall (")
    assert ran.compare.titles[1].startswith("current: smp-matmul (")


def test_compare_overlays_power_when_both_runs_have_it(window, qtbot):
    for name in ("power-wall", "power-wall-half-clock"):
        window.load_scenario(name)
        with qtbot.waitSignal(window.state.run_changed, timeout=20000):
            window.start_run()
        finish(window, qtbot)
        if name == "power-wall":
            window.pin()
    window.tabs.setCurrentWidget(window.compare)
    c = window.compare
    assert c.power.isVisibleTo(c) and len(c.power.getPlotItem().listDataItems()) == 2
    assert c.titles == ("pinned: power-wall (cores 4, freq_ghz 2)",
                        "current: power-wall-half-clock (cores 8, freq_ghz 1)")
    first = [c.table.item(r, 0).text() for r in range(4)]
    assert first == ["Energy", "Average power", "Peak power", "Speedup"]   # no scrolling
    # by hand: 4 cores x (0.1 W + 2 W) = 8.4 W against 8 x (0.1 + 0.25) = 2.8 W
    assert [c.table.item(1, k).text() for k in range(1, 4)] == ["8.4 W", "2.8 W", "0.333 x"]


def test_presets_menu_is_grouped_with_descriptions(window):
    assert not window.presets_menu.actions()            # filled when first opened
    window.presets_menu.aboutToShow.emit()
    window.presets_menu.aboutToShow.emit()              # once
    menus = [a.menu() for a in window.presets_menu.actions()]
    assert [m.title().replace("&&", "&") for m in menus] == list(GROUPS)
    assert menus[0].title() == "Architectures && memory"      # shown as one '&'
    seen = {}
    for m in menus:
        for act in m.actions():
            seen[act.text()] = act
    assert sorted(seen) == scenario.preset_names()
    act = seen["power-wall"]
    assert act.toolTip() == act.statusTip() == scenario.load("power-wall").description
    assert seen["smp-memory-wall"] in menus[0].actions()


def test_edited_banner_until_run(ran, qtbot):
    assert not ran.scenario_panel.edited.isVisibleTo(ran)
    ran.form.editors["machine.cores"].widget.setText("4")
    assert ran.scenario_panel.edited.isVisibleTo(ran) and ran.run_button.styleSheet()
    ran.form.editors["machine.cores"].widget.setText("16")        # back to the shown run
    assert not ran.scenario_panel.edited.isVisibleTo(ran)
    ran.form.editors["machine.cores"].widget.setText("4")
    with qtbot.waitSignal(ran.state.run_changed, timeout=20000):
        ran.start_run()
    finish(ran, qtbot)
    assert not ran.scenario_panel.edited.isVisibleTo(ran) and not ran.run_button.styleSheet()


def test_a_trace_file_clears_the_form_and_shows_its_name(ran, tmp_path):
    path = tmp_path / "t.csv"
    assert ran.export("csv", str(path))
    assert "exported the trace CSV to" in ran.status.text()          # a confirmation
    assert ran.open_file_now(str(path))
    assert not ran.scenario_panel.scroll.isVisibleTo(ran) and not ran.run_button.isEnabled()
    assert ran.scenario_panel.note.isVisibleTo(ran) and str(path) in ran.scenario_panel.note.text()
    assert not ran.scenario_panel.edited.isVisibleTo(ran)
    assert ran.windowTitle() == "ParaSim — t.csv"
    assert "t.csv" in ran.metrics.summary.title.text()
    ran.load_scenario("amdahl")
    assert ran.scenario_panel.scroll.isVisibleTo(ran) and ran.run_button.isEnabled()
    assert not ran.scenario_panel.note.isVisibleTo(ran)


def test_roofline_draws_both_roofs_and_cites_the_summary_ridge(ran):
    tab = ran.metrics.plots[3]
    ran.metrics.setCurrentWidget(tab)
    s = ran.state.run.summary
    # smp-memory-wall: 16 cores x 40 GFLOP/s over 40 GB/s = 16; one core 40 / 10 = 4
    assert tab.ridges == [pytest.approx(16.0), pytest.approx(4.0)]
    assert s["ridge_point"] == pytest.approx(tab.ridges[0])
    names = [it.name() for it in tab.item.listDataItems()]
    assert names[:2] == ["roof, all 16 cores: ridge 16 FLOP/B",
                         "roof, one core: ridge 4 FLOP/B"]


def test_concurrency_legend_states_the_definitions(ran):
    ran.metrics.setCurrentWidget(ran.metrics.concurrency)
    names = [it.name() for it in ran.metrics.concurrency.item.listDataItems()]
    assert names == ["concurrency = tasks started and not finished",
                     "parallelism = PEs running a task"]
    item = ran.metrics.concurrency.item          # the key under the title, not on the steps
    assert item.legend is None
    title = item.titleLabel.text.replace("&nbsp;", " ")
    assert title.startswith("concurrency vs parallelism<br>")
    assert all(f"━</span> {n}" in title for n in names)
    assert item.layout.rowMinimumHeight(0) >= item.titleLabel.item.boundingRect().height()


def test_utilisation_has_whole_pe_ticks_and_no_legend_on_the_bars(window, qtbot):
    window.load_scenario("concurrency-vs-parallelism", run=True)
    finish(window, qtbot)
    tab = window.metrics.plots[2]
    window.metrics.setCurrentWidget(tab)
    axis = tab.item.getAxis("left")
    assert axis._tickLevels == [[(0, "0")]] and not axis.autoSIPrefix
    assert tab.item.legend is None or not tab.item.legend.items
    assert "compute" in tab.item.titleLabel.text and "idle" in tab.item.titleLabel.text


def test_metrics_tabs_fit_without_scrolling(window):
    bar = window.metrics.tabBar()
    texts = [bar.tabText(i) for i in range(bar.count())]
    assert texts == ["Summary", "Concurrency", "Power", "Use", "Roofline", "Layers"]
    assert sum(bar.tabRect(i).width() for i in range(bar.count())) <= window.metrics.width()


def test_sweep_fit_quality_warns_on_a_plateau():
    from types import SimpleNamespace

    from parasim.gui.panels.sweep import fit_text
    from parasim.sim.analysis.fits import amdahl_fit, relative_rms
    pes, speedup = np.array([1.0, 2.0, 4.0]), np.array([1.0, 2.0, 2.0])
    s = SimpleNamespace(pes=pes, speedup=speedup, fit=amdahl_fit(pes, speedup))
    # by hand: s = (0.5*0 + 0.75*0.25) / (0.25 + 0.5625) = 0.230769; fitted 1.625 and
    # 2.3636 against 2 and 2: rms = sqrt((0.375^2 + 0.3636^2) / 2) = 0.3694, mean 2
    assert s.fit.rms_error == pytest.approx(0.3694, abs=1e-4)
    assert relative_rms(s.fit, pes, speedup) == pytest.approx(0.3694 / 2, abs=1e-4)
    assert "rms error 0.369" in fit_text("m", s) and "poor Amdahl fit" in fit_text("m", s)
    exact = 1 / (0.1 + 0.9 / pes)
    good = SimpleNamespace(pes=pes, speedup=exact, fit=amdahl_fit(pes, exact))
    assert "poor" not in fit_text("m", good)


@pytest.mark.parametrize("name", [n for n in scenario.preset_names()
                                  if suggestions(scenario.load(n).explain)])
def test_every_lesson_link_gives_what_the_cli_set_gives(name):
    sc = scenario.load(name)
    for item in suggestions(sc.explain):
        applied = scenario.from_dict(scenario.apply_overrides(scenario.to_dict(sc), [item]))
        assert applied == scenario.load(name, [item])


def test_view_hints_are_kept_but_not_in_the_form(ran):
    assert not any(path.startswith("view.") for path in ran.form.editors)
    loaded = scenario.load("smp-memory-wall")
    assert ran.form.scenario.view == loaded.view
    assert not ran.scenario_panel.edited.isVisibleTo(ran)


def test_memory_wall_roofline_puts_the_whole_run_on_the_bandwidth_roof(ran):
    tab = ran.metrics.plots[3]
    ran.metrics.setCurrentWidget(tab)
    s = ran.state.run.summary
    x, y = tab.run_point.getData()
    assert 10 ** x[0] == pytest.approx(s["arithmetic_intensity"])
    assert 10 ** y[0] == pytest.approx(s["flops_per_s"])
    bw = s["memory_bandwidth_bytes_per_s"]              # on the bandwidth roof, within 10 %
    assert s["flops_per_s"] == pytest.approx(bw * s["arithmetic_intensity"], rel=0.1)
