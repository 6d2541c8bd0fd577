"""Sweep tab: predicted against measured from a `parasim validate --csv` file."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from parasim.gui.panels.sweep import SweepPanel  # noqa: E402
from parasim.sim.studies.validate import Case, write_csv  # noqa: E402

CASES = [Case("DGEMM", "n=768, 1 thread", 0.105, 0.1), Case("DGEMM", "n=768, 2", 0.05, 0.06),
         Case("ping-pong", "8 B one way", 1.2e-6, 1.0e-6)]


@pytest.fixture
def panel(qtbot):
    p = SweepPanel()
    qtbot.addWidget(p)
    return p


def named(plot):
    return {item.opts.get("name"): item for item in plot.getPlotItem().listDataItems()}


def test_validation_csv_plots_each_kernel_against_y_equals_x(panel, tmp_path):
    path = tmp_path / "v.csv"
    write_csv(CASES, str(path))
    assert panel.load_validation(str(path))
    times = named(panel.speedup_plot)
    assert {"predicted = measured", "DGEMM", "ping-pong"} <= set(times)
    assert list(times["DGEMM"].xData) == [0.1, 0.06]
    assert list(times["DGEMM"].yData) == [0.105, 0.05]
    errors = named(panel.efficiency_plot)
    assert sorted(round(e, 6) for e in errors["DGEMM"].yData) == [-16.666667, 5.0]
    assert panel.speedup_plot.getPlotItem().getAxis("left").logMode
    assert panel.fits.text().startswith("1 of 3 cases within target")
    assert "3 cases" in panel.status.text()
    panel._axes(True)                              # a sweep afterwards: linear axes again
    assert not panel.speedup_plot.getPlotItem().getAxis("left").logMode


def test_a_bad_validation_csv_is_one_line_in_the_status(panel, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("kernel,case,predicted_s,measured_s,rel_error\nDGEMM,x,abc,1,0\n")
    assert not panel.load_validation(str(path))
    assert panel.status.text() == f"error: {path} line 2: predicted_s must be a time > 0, " \
                                  f"got 'abc'"
    assert not panel.load_validation("")               # the dialog was cancelled
