"""Sweep tab: a sweep runs in the background and its points and fit land on the plots."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from parasim.gui.panels.sweep import SweepPanel
from parasim.sim import scenario as scenario_mod


@pytest.fixture
def panel(qtbot):
    p = SweepPanel()
    qtbot.addWidget(p)
    p.set_scenario(scenario_mod.load("amdahl", ["workload.tasks=48"]))
    p.workers.setValue(1)
    yield p
    if p.worker is not None:
        p.worker.cancel()
        p.worker.wait(5000)


def curves(plot):
    return [(item.opts.get("name"), *item.getData()) for item in plot.getPlotItem().listDataItems()]


def test_sweep_runs_and_plots_points_ideal_and_fit(panel, qtbot):
    panel.vary.setPlainText("machine.cores=1,2,4")
    with qtbot.waitSignal(panel.finished, timeout=20000) as sig:
        assert panel.start()
    result = sig.args[0]
    assert panel.worker is None and panel.run_button.isEnabled()
    assert panel.bar.value() == panel.bar.maximum() == 4      # 1 shared baseline + 3 runs
    named = {name: (x, y) for name, x, y in curves(panel.speedup_plot)}
    assert list(named["ideal"][1]) == [1.0, 4.0]
    assert list(named["measured"][0]) == [1, 2, 4]
    assert np.allclose(named["measured"][1], result.column("speedup"))
    fit_name = next(n for n in named if n.startswith("amdahl fit"))
    assert fit_name == "amdahl fit s=0.1000"
    x, y = named[fit_name]
    assert np.allclose(y, 1 / (0.1 + 0.9 / x), rtol=1e-6)
    eff = {name: y for name, _, y in curves(panel.efficiency_plot)}
    assert np.allclose(eff["measured"], result.column("parallel_efficiency"))
    assert "Amdahl serial fraction s = 0.1000" in panel.fits.text()
    assert panel.energy_plot.isHidden()          # no energy in these runs
    item = panel.speedup_plot.getPlotItem()      # the legend under the title, not on data
    assert item.legend is None
    key = item.titleLabel.text.replace("&nbsp;", " ")
    assert key.startswith("Speedup<br>") and "┄</span> ideal" in key
    assert "●</span> measured" in key and "━</span> amdahl fit s=0.1000" in key
    lines = item.titleLabel.item.boundingRect().height()     # two lines, none cut off
    assert lines > 30 and item.layout.rowMinimumHeight(0) >= lines
    panel.plot(result)                           # drawn again: the key is not repeated
    assert item.titleLabel.text.count("ideal") == 1


def test_bad_vary_is_shown_and_nothing_starts(panel):
    panel.vary.setPlainText("machine.corez=1,2")
    assert not panel.start()
    assert panel.worker is None
    assert panel.status.text().startswith("error: --vary machine.corez: no such setting")


def test_a_large_sweep_asks_first(panel, monkeypatch):
    """32 runs of 100,000 tasks (about 0.66 s each): over the size guard's ASK_ABOVE_S,
    so the panel asks (with the estimate) and starts nothing on No."""
    from PySide6.QtWidgets import QMessageBox
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: asked.append(a[2]) or QMessageBox.No))
    panel.vary.setPlainText("machine.cores=1,2,3,4,5,6,7,8\nseed=1,2,3,4")
    panel.set_scenario(scenario_mod.load("amdahl", ["workload.tasks=100000"]))
    assert not panel.start() and panel.worker is None
    assert "32 runs" in asked[0]


def test_cancel_stops_the_sweep(panel, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.Yes))
    panel.vary.setPlainText("machine.cores=1,2,3,4,5,6,7,8\nseed=1,2,3,4")
    panel.set_scenario(scenario_mod.load("amdahl", ["workload.tasks=20000"]))
    assert panel.start()
    panel.cancel()
    qtbot.waitUntil(lambda: panel.worker is None, timeout=20000)
    assert panel.status.text() == "Sweep cancelled."
    assert panel.result is None


def test_frequency_sweep_plots_energy_against_time(panel, qtbot):
    panel.set_scenario(scenario_mod.load("power-wall"))
    panel.vary.setPlainText("machine.freq_ghz=1,2")
    with qtbot.waitSignal(panel.finished, timeout=20000) as sig:
        assert panel.start()
    result = sig.args[0]
    assert not panel.energy_plot.isHidden()
    ((_, x, y),) = curves(panel.energy_plot)
    assert list(x) == list(result.column("makespan_s"))
    assert list(y) == list(result.column("energy_j"))
    assert panel.fits.text().startswith("No fits")


def test_a_failed_sweep_clears_and_greys_the_plots(panel, qtbot, monkeypatch):
    panel.vary.setPlainText("machine.cores=1,2")
    with qtbot.waitSignal(panel.finished, timeout=20000):
        assert panel.start()
    assert curves(panel.speedup_plot)

    def boom(*_a, **_k):
        raise RuntimeError("model exploded")
    monkeypatch.setattr("parasim.gui.panels.sweep.run_sweep", boom)
    assert panel.start()
    qtbot.waitUntil(lambda: panel.worker is None, timeout=20000)
    assert panel.status.text() == "error: model exploded"
    for plot in (panel.speedup_plot, panel.efficiency_plot):
        assert curves(plot) == [] and not plot.isEnabled()
    assert panel.result is None and "failed" in panel.fits.text()
    monkeypatch.undo()
    with qtbot.waitSignal(panel.finished, timeout=20000):      # a good sweep draws again
        assert panel.start()
    assert panel.speedup_plot.isEnabled() and curves(panel.speedup_plot)


def test_the_fit_line_reports_its_rms_error(panel, qtbot):
    panel.vary.setPlainText("machine.cores=1,2,4")
    with qtbot.waitSignal(panel.finished, timeout=20000) as sig:
        assert panel.start()
    fit = sig.args[0].series[0].fit
    assert f"rms error {fit.rms_error:.3g}" in panel.fits.text()
    assert "poor" not in panel.fits.text()             # amdahl is Amdahl's law exactly


def test_a_sweep_without_pes_plots_makespan_against_the_setting(panel, qtbot):
    panel.vary.setPlainText("workload.tasks=16,48")
    with qtbot.waitSignal(panel.finished, timeout=20000) as sig:
        assert panel.start()
    result = sig.args[0]
    assert not result.series
    ((_, x, y),) = curves(panel.speedup_plot)
    assert list(x) == [16, 48] and list(y) == list(result.column("makespan_s"))
    assert panel.speedup_plot.getPlotItem().titleLabel.text.startswith("Makespan")
    best = int(np.argmin(y))
    assert f"fastest at workload.tasks={[16, 48][best]} (" in panel.fits.text()
    panel.vary.setPlainText("machine.cores=1,2")             # back to scaling axes
    with qtbot.waitSignal(panel.finished, timeout=20000):
        assert panel.start()
    assert panel.speedup_plot.getPlotItem().titleLabel.text.startswith("Speedup<br>")
    assert panel.speedup_plot.getAxis("left").labelUnits == ""


def test_text_values_are_spaced_evenly_and_named(panel, qtbot):
    panel.set_scenario(scenario_mod.load("amdahl", ["workload.tasks=48"]))
    panel.vary.setPlainText("schedule.policy=dynamic,cyclic")
    with qtbot.waitSignal(panel.finished, timeout=20000):
        assert panel.start()
    ((_, x, _y),) = curves(panel.speedup_plot)
    assert list(x) == [0, 1]
    assert panel.speedup_plot.getAxis("bottom")._tickLevels == [[(0, "dynamic"),
                                                                  (1, "cyclic")]]


def test_message_sizes_go_on_a_log_axis_and_no_flops_means_no_peak(panel, qtbot):
    panel.set_scenario(scenario_mod.load("cluster-pingpong"))
    panel.vary.setPlainText("workload.bytes=8,1024,1048576")
    with qtbot.waitSignal(panel.finished, timeout=20000) as sig:
        assert panel.start()
    ((_, x, y),) = curves(panel.speedup_plot)
    assert panel.speedup_plot.getAxis("bottom").logMode
    assert np.allclose(x, np.log10([8, 1024, 1048576]))       # drawn at log10 of the size
    assert list(y) == list(sig.args[0].column("makespan_s"))
    assert curves(panel.efficiency_plot) == []
    assert "no FLOPs" in panel.efficiency_plot.getPlotItem().titleLabel.text


def test_the_named_sweep_runs_once_when_asked_and_x_is_never_si_scaled(panel, qtbot):
    sc = scenario_mod.load("cluster-pingpong")
    panel.set_scenario(sc)
    assert not panel.run_named()                 # the Vary text is not the preset's
    panel.vary.setPlainText(sc.view.sweep)
    with qtbot.waitSignal(panel.finished, timeout=30000):
        assert panel.run_named()
    assert not panel.run_named()                 # once per scenario
    assert not panel.speedup_plot.getAxis("bottom").autoSIPrefix
    assert len(panel.speedup_plot.getPlotItem().listDataItems()) > 0
