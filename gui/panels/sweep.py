"""Sweep tab: run a parameter sweep in the background, plot speedup and efficiency
against PEs (measured points, the ideal line, the fitted Amdahl or Gustafson law), and
energy against time when the runs report energy (frequency sweeps). "Validation
CSV..." draws predicted against measured from `parasim validate --csv` instead
(validation.py).

The window gives it the current scenario with `set_scenario(sc)`, and calls
`run_named()` when the tab is opened: the sweep a preset names runs then. A `SweepWorker`
(QThread) calls `sim.sweep.run_sweep` with a progress callback and a cancel flag; the
result arrives on the GUI thread through `SweepPanel.finished`.
"""

from __future__ import annotations

import math
import os
import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...sim import size_guard
from ...sim.analysis.fits import quality_text, relative_rms
from ...sim.errors import Cancelled, ScenarioError, TraceFormatError
from ...sim.scenario import Scenario
from ...sim.simulate import check_runs
from ...sim.studies.backends import make_executor
from ...sim.studies.sweep import MODES, SweepResult, expand, parse_vary, run_sweep
from ...sim.studies.validate import read_csv
from ...sim.units import one_line, seconds
from .plots import key_title
from .validation import plot_validation

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
LOG_SPAN = 100      # a setting whose values span this factor or more is drawn on log x
BOTTOM_AXIS_PX = 44 # ticks and the x label, never clipped
ENERGY_TITLE = "Energy against time"


def fit_text(label: str, series) -> str:
    """'label: Amdahl serial fraction s = 0.1160, rms error 0.86 (29 % of the mean
    speedup) - poor Amdahl fit: a bandwidth plateau?' (the wording: sim.analysis.fits)"""
    fit = series.fit
    rel = relative_rms(fit, series.pes, series.speedup)
    return (f"{label}: {fit.law.capitalize()} serial fraction s = {fit.serial_fraction:.4f}, "
            f"rms error {fit.rms_error:.3g}" + quality_text(fit, rel))


class SweepWorker(QThread):
    progress = Signal(int, int)    # runs done, runs in all
    done = Signal(object)          # SweepResult
    failed = Signal(str)           # one-line error message
    cancelled = Signal()

    def __init__(self, scenario: Scenario, grid: dict, mode: str, workers: int, parent=None):
        super().__init__(parent)
        self.scenario, self.grid, self.mode, self.workers = scenario, grid, mode, workers
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def run(self) -> None:
        try:
            with make_executor(self.workers) as ex:
                result = run_sweep(self.scenario, self.grid, self.mode, ex,
                                   self.progress.emit, self._stop.is_set)
        except Cancelled:
            self.cancelled.emit()
            return
        except Exception as exc:  # noqa: BLE001 - any model error is shown to the user
            self.failed.emit(str(exc) or type(exc).__name__)
            return
        self.done.emit(result)


class SweepPanel(QWidget):
    finished = Signal(object)      # SweepResult, after the plots are drawn

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scenario: Scenario | None = None
        self._swept: Scenario | None = None     # the scenario last swept
        self.result: SweepResult | None = None
        self.worker: SweepWorker | None = None
        self.vary = QPlainTextEdit("machine.cores=1,2,4,8,16")
        self.vary.setToolTip("One KEY=V1,V2,... per line; the sweep runs every combination")
        self.vary.setMaximumHeight(70)
        self.mode = QComboBox()
        self.mode.addItems(MODES)
        self.workers = QSpinBox()
        self.workers.setRange(1, 256)
        self.workers.setValue(os.cpu_count() or 1)
        self.workers.setToolTip("Worker processes (1 runs in this process)")
        self.run_button = QPushButton("Run sweep")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.validation_button = QPushButton("Validation CSV...")
        self.validation_button.setToolTip("Plot predicted against measured from the CSV of "
                                          "parasim validate --csv")
        self.bar = QProgressBar()
        self.status = QLabel("Set the values to vary, then Run sweep.")
        self.status.setWordWrap(True)
        self.fits = QLabel("")
        self.fits.setWordWrap(True)
        self.speedup_plot = pg.PlotWidget(title="Speedup")
        self.efficiency_plot = pg.PlotWidget(title="Parallel efficiency")
        self.energy_plot = pg.PlotWidget(title=ENERGY_TITLE)
        for plot, y in ((self.speedup_plot, "speedup"), (self.efficiency_plot, "efficiency"),
                        (self.energy_plot, "energy (J)")):
            plot.showGrid(x=True, y=True, alpha=0.3)
            plot.setLabel("left", y)
            plot.setLabel("bottom", "time (s)" if plot is self.energy_plot else "PEs")
            plot.getAxis("bottom").enableAutoSIPrefix(False)    # never "x0.001"
            plot.getAxis("bottom").setHeight(BOTTOM_AXIS_PX)    # room for the label
        self.energy_plot.hide()

        form = QFormLayout()
        form.addRow("Vary", self.vary)
        form.addRow("Mode", self.mode)
        form.addRow("Workers", self.workers)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.bar, 1)
        buttons.addWidget(self.validation_button)
        plots = QHBoxLayout()
        for plot in (self.speedup_plot, self.efficiency_plot, self.energy_plot):
            plots.addWidget(plot)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.status)
        lay.addLayout(plots, 1)
        lay.addWidget(self.fits)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.validation_button.clicked.connect(lambda: self.load_validation(
            QFileDialog.getOpenFileName(self, "Validation CSV", "", "CSV (*.csv)")[0]))

    def load_validation(self, path: str) -> bool:
        """Plot a validation CSV (errors in the status line); False if none was drawn."""
        if not path:
            return False
        try:
            cases = read_csv(path)
        except TraceFormatError as exc:
            self.status.setText(f"error: {exc}")
            return False
        self.result = None
        self.energy_plot.hide()
        self.fits.setStyleSheet("")
        self.fits.setText(plot_validation(self.speedup_plot, self.efficiency_plot, cases))
        self._keys()
        self.status.setText(f"{os.path.basename(path)}: {len(cases)} cases from parasim "
                            f"validate (dotted: each kernel's target)")
        return True

    def set_scenario(self, scenario: Scenario) -> None:
        self.scenario = scenario

    def run_named(self) -> bool:
        """Run the sweep the scenario names (`[view] sweep`) when the tab is opened, once
        per scenario and only with the Vary text as named: no empty axes until Run."""
        sc = self.scenario
        if sc is None or not sc.view.sweep or sc == self._swept or \
                self.vary.toPlainText().strip() != sc.view.sweep:
            return False
        return self.start()

    def start(self) -> bool:
        """Validate the grid (errors shown in the status line) and start the worker."""
        if self.worker is not None or self.scenario is None:
            return False
        mode = self.mode.currentText()
        try:
            lines = [ln.strip() for ln in self.vary.toPlainText().splitlines() if ln.strip()]
            grid = parse_vary(lines)
            scenarios = expand(self.scenario, grid, mode)[1]
            est = check_runs(scenarios, math.inf)
        except ScenarioError as exc:
            self.status.setText(f"error: {one_line(str(exc))}")
            return False
        if est.seconds > size_guard.ASK_ABOVE_S and QMessageBox.question(
                self, "Large sweep", f"This sweep would take {est.describe()}. It shows "
                "progress and can be cancelled. Start it?",
                QMessageBox.Yes | QMessageBox.No) != QMessageBox.Yes:
            return False
        self._swept = self.scenario
        self.worker = SweepWorker(self.scenario, grid, mode, self.workers.value(), self)
        self.worker.progress.connect(self._progress)
        self.worker.done.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled.connect(lambda: self._stopped("Sweep cancelled."))
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.bar.setValue(0)
        self.status.setText("Running...")
        self.worker.start()
        return True

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _progress(self, done: int, total: int) -> None:
        self.bar.setMaximum(total)
        self.bar.setValue(done)

    def _stopped(self, message: str) -> None:
        if self.worker is not None:
            self.worker.wait()
            self.worker.deleteLater()
        self.worker = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.status.setText(message)

    def _failed(self, message: str) -> None:
        """A failed sweep leaves no stale plots: they are cleared and greyed."""
        self._stopped(f"error: {message}")
        self.result = None
        for plot in (self.speedup_plot, self.efficiency_plot, self.energy_plot):
            plot.clear()
            plot.setEnabled(False)
        self.fits.setText("The sweep failed; no curves to show.")
        self.fits.setStyleSheet("")

    def _done(self, result: SweepResult) -> None:
        self.result = result
        self._stopped(f"{len(result.rows)} runs, {result.mode} scaling.")
        self.plot(result)
        self.finished.emit(result)

    def _axes(self, by_pes: bool, key: str = "") -> None:
        """Titles and labels: speedup and efficiency against PEs, or (no PE count
        varied) makespan and fraction of peak against the first varied setting."""
        x = "PEs" if by_pes else key
        for plot, title, y, unit in (
                ((self.speedup_plot, "Speedup", "speedup", ""),
                 (self.efficiency_plot, "Parallel efficiency", "efficiency", ""))
                if by_pes else ((self.speedup_plot, "Makespan", "makespan", "s"),
                                (self.efficiency_plot, "Fraction of peak", "% of peak", ""))):
            plot.setTitle(title)
            plot.setLabel("left", y, units=unit)
            plot.setLabel("bottom", x)
            plot.getAxis("bottom").setTicks(None)
            plot.setLogMode(x=False, y=False)
            plot.getAxis("left").enableAutoSIPrefix(True)
            plot.getAxis("bottom").enableAutoSIPrefix(False)    # never "x0.001"

    def plot(self, result: SweepResult) -> None:
        """Measured points and fitted law per series; the ideal line; energy vs time."""
        for plot in (self.speedup_plot, self.efficiency_plot, self.energy_plot):
            plot.clear()
            plot.setEnabled(True)
        self._axes(bool(result.series))
        texts = []
        note = "No fits: vary machine.cores or machine.nodes to study scaling."
        if not result.series and result.keys:
            note += " " + self.plot_setting(result)
        top = max((s.pes.max() for s in result.series), default=1.0)
        if result.series:
            ideal = np.array([1.0, top])
            self.speedup_plot.plot(ideal, ideal, pen=pg.mkPen("#888", style=Qt.DashLine), name="ideal")
            self.efficiency_plot.plot(ideal, [1.0, 1.0], pen=pg.mkPen("#888", style=Qt.DashLine),
                                      name="ideal")
        for i, s in enumerate(result.series):
            color = COLORS[i % len(COLORS)]
            label = ", ".join(f"{k}={v}" for k, v in s.label.items()) or "measured"
            order = np.argsort(s.pes, kind="stable")
            pes, speedup = s.pes[order], s.speedup[order]
            self.speedup_plot.plot(pes, speedup, pen=None, symbol="o", symbolBrush=color,
                                   name=label)
            self.efficiency_plot.plot(pes, speedup / pes, pen=pg.mkPen(color), symbol="o",
                                      symbolBrush=color, name=label)
            if s.fit is not None:
                grid = np.linspace(1.0, top, 200)
                self.speedup_plot.plot(grid, s.fit.predict(grid), pen=pg.mkPen(color),
                                       name=f"{s.fit.law} fit s={s.fit.serial_fraction:.4f}")
                texts.append(fit_text(label, s))
        energy = result.column("energy_j") if "energy_j" in result.columns() else None
        has_energy = energy is not None and bool(np.isfinite(energy).any())
        self.energy_plot.setVisible(has_energy)
        if has_energy:
            self.energy_plot.plot(result.column("makespan_s"), energy, pen=None, symbol="s",
                                  name="runs")
        self._keys()
        self.fits.setText("\n".join(texts) if texts else note)
        self.fits.setStyleSheet("color: #B00000" if any("poor" in t for t in texts) else "")

    def _keys(self) -> None:
        """Each plot's legend under its title (drawn over the data at 1024x768)."""
        for plot, title in ((self.speedup_plot, None), (self.efficiency_plot, None),
                            (self.energy_plot, ENERGY_TITLE)):
            item = plot.getPlotItem()
            key_title(item, title or item.titleLabel.text)

    def plot_setting(self, result: SweepResult) -> str:
        """No PE count varied: makespan and fraction of peak against the first varied
        setting (text values evenly spaced and named), one curve per combination of the
        others. Returns the line naming the fastest point."""
        key = result.keys[0]
        self._axes(False, key)
        values = [row[key] for row in result.rows]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        names = list(dict.fromkeys(map(str, values)))
        x = np.array([float(v) if numeric else names.index(str(v)) for v in values])
        if not numeric:
            ticks = [[(i, n) for i, n in enumerate(names)]]
            for plot in (self.speedup_plot, self.efficiency_plot):
                plot.getAxis("bottom").setTicks(ticks)
        elif x.min() > 0 and x.max() >= LOG_SPAN * x.min():     # message sizes: log axis
            for plot in (self.speedup_plot, self.efficiency_plot):
                plot.setLogMode(x=True)
                plot.setLabel("bottom", f"{key} (log scale)")
        others = result.keys[1:]
        groups: dict[str, list[int]] = {}
        for i, row in enumerate(result.rows):
            label = ", ".join(f"{k}={row[k]}" for k in others) or "measured"
            groups.setdefault(label, []).append(i)
        makespan = result.column("makespan_s")
        peak = result.column("fraction_of_peak") * 100 if "fraction_of_peak" in \
            result.columns() else np.full(len(x), np.nan)
        if not np.nanmax(peak, initial=0.0) > 0:       # communication only: no FLOPs
            peak = np.full(len(x), np.nan)
            self.efficiency_plot.setTitle("Fraction of peak: these runs do no FLOPs")
        for n, (label, idx) in enumerate(groups.items()):
            color = COLORS[n % len(COLORS)]
            order = np.array(idx)[np.argsort(x[idx], kind="stable")]
            for plot, y in ((self.speedup_plot, makespan), (self.efficiency_plot, peak)):
                if np.isfinite(y[order]).any():
                    plot.plot(x[order], y[order], pen=pg.mkPen(color), symbol="o",
                              symbolBrush=color, name=label if others else None)
        best = int(np.nanargmin(makespan))
        return (f"Makespan against {key}: fastest at {key}={values[best]} "
                f"({seconds(float(makespan[best]))}).")
