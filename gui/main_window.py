"""The main window: scenario form and lesson (left), timeline and player (centre, with the
compare tab), metrics (right), progress and Cancel in the status bar.

The window owns the AppState and the worker thread; widgets only follow the state.
Its menus, toolbar and keys are built by gui/menus.py.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..sim import scenario as scenario_mod
from ..sim import size_guard
from ..sim.approximations import APPROXIMATIONS
from ..sim.errors import ScenarioError, TraceFormatError
from ..sim.run import Run
from ..sim.scenario import Scenario
from .machine_view import install as machine_views
from .menus import build_menus
from .panels.compare import CompareView
from .panels.export import export_with_dialog
from .panels.metrics import MetricsPanel
from .panels.sweep import SweepPanel
from .panels.tasks import TasksView
from .player import Player
from .scenario_panel import ScenarioPanel
from .state import AppState
from .timeline import TimelineView
from .worker import SimWorker

LARGE_RUN_TASKS = 200_000
DEFAULT_PRESET = "smp-memory-wall"
DEFAULT_SWEEP = "machine.cores=1,2,4,8,16"


class MainWindow(QMainWindow):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("ParaSim")
        self.state = AppState(self)
        self.worker: SimWorker | None = None
        self._detached: set[SimWorker] = set()     # cancelled, still winding down
        self._t0 = 0.0

        self.timeline = TimelineView(self.state)
        self.player = Player(self.state)
        self.timeline_page = centre = QWidget()          # the timeline with its player
        lay = QVBoxLayout(centre)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.timeline, 1)
        lay.addWidget(self.player)
        self.compare = CompareView(self.state)
        self.sweep = SweepPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(centre, "Timeline")
        self.tasks = TasksView(self.state)
        self.tabs.addTab(self.tasks, "Tasks")
        self.tabs.addTab(self.compare, "Compare")
        self.tabs.addTab(self.sweep, "Sweep")
        self.setCentralWidget(self.tabs)

        left = ScenarioPanel()
        self.form, self.run_button, self.learn = left.form, left.run_button, left.learn
        self.scenario_panel = left
        self.run_button.clicked.connect(lambda: self.start_run())
        self.learn.override.connect(self.apply_override)
        self.learn.compare.connect(self.compare_with)
        self.trace_path: str | None = None
        self._after_run = None             # called once with the next finished run
        left_dock = self._dock("Scenario", left, Qt.LeftDockWidgetArea)
        self.metrics = MetricsPanel(self.state)
        right_dock = self._dock("Metrics", self.metrics, Qt.RightDockWidgetArea)
        self.metrics.setMinimumWidth(360)
        self._docks = [left_dock, right_dock]

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(260)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_run)
        self.cancel_button.hide()
        self.status = QLabel("ready")
        sb = self.statusBar()
        sb.addWidget(self.status, 1)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)

        self.form.validity_changed.connect(self._validity)
        self.form.edited.connect(self._form_edited)
        machine_views.install(self)
        build_menus(self)

    def _dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def show_approximations(self) -> None:
        """The model's simplifications (sim.approximations), so results are read right."""
        text = "\n\n".join(f"• {line}" for line in APPROXIMATIONS)
        QMessageBox.information(self, "What the model leaves out", text)

    def _toggle_lanes(self) -> None:
        on = self.lanes_action.isChecked()
        if not self.timeline.show_lanes(on) and on:
            self.lanes_action.setChecked(False)
            self.status.setText("this trace records no SIMD lanes")

    # -- scenarios ---------------------------------------------------------------------

    def load_scenario(self, name_or_path: str, run: bool = False) -> bool:
        try:
            sc = scenario_mod.load(name_or_path)
        except ScenarioError as exc:
            QMessageBox.critical(self, "Cannot open scenario", str(exc))
            return False
        self.set_scenario(sc)
        if run:
            self.start_run()
        return True

    def set_scenario(self, sc: Scenario) -> None:
        """Show a scenario in the form, as its `[view]` asks: centre and metrics tabs, sweep."""
        self._set_trace_mode(None)
        self.form.set_scenario(sc)
        self.sweep.set_scenario(sc)
        self.sweep.vary.setPlainText(sc.view.sweep or DEFAULT_SWEEP)
        self.metrics.show_tab(sc.view.tab)
        self.tabs.setCurrentWidget(self.tasks if sc.view.centre == "tasks"
                                   else self.timeline_page)
        self.learn.show_scenario(sc)
        self.setWindowTitle(f"ParaSim — {sc.name}")
        self._mark_edited()

    def apply_override(self, item: str) -> bool:
        """Apply one `key=value` (a lesson's --set suggestion) to the form and re-run."""
        try:
            data = scenario_mod.apply_overrides(self.form.data(), [item])
        except ScenarioError as exc:
            self.status.setText(f"cannot apply {item}: {exc}")
            return False
        self.form.build(data)
        self._form_edited()
        if self.form.scenario is None:
            self.status.setText(f"{item}: {self.form.error}")
            return False
        self.status.setText(f"applied --set {item}")
        return self.start_run()

    def compare_with(self, name: str) -> bool:
        """Pin the current run, run the preset `name` and open Compare when it is done."""
        if self.state.run is None or self.worker is not None:
            self.status.setText("run this scenario first, then compare")
            return False
        self.state.pin(self.state.run)
        if not self.load_scenario(name):
            return False
        self._after_run = lambda _run: self.tabs.setCurrentWidget(self.compare)
        if not self.start_run():
            self._after_run = None
            return False
        return True

    def _mark_edited(self) -> None:
        """Flag a form that differs from the run on show (until Run); `[view]` settings
        change no result, so they do not count."""
        run = self.state.run
        sc = self.form.scenario
        edited = (self.trace_path is None and run is not None and run.scenario is not None
                  and sc is not None and sc.replace(view=run.scenario.view) != run.scenario)
        self.scenario_panel.show_edited(edited)

    def _set_trace_mode(self, path: str | None) -> None:
        """Grey out the form while a trace file (which has no scenario) is shown."""
        self.trace_path = path
        self.scenario_panel.show_trace(path)
        self._validity(self.form.scenario is not None)

    def open_scenario_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open scenario", "", "Scenario (*.toml)")
        if path:
            self.load_scenario(path)

    def save_scenario_dialog(self) -> None:
        sc = self.form.scenario
        if sc is None:
            QMessageBox.warning(self, "Invalid scenario", self.form.error or "invalid")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save scenario", f"{sc.name}.toml",
                                              "Scenario (*.toml)")
        if path:
            self.save_scenario(path)

    def save_scenario(self, path: str) -> bool:
        """Write the form's scenario as TOML; report a failure in a dialog."""
        try:
            scenario_mod.save(self.form.scenario, path)
        except OSError as exc:
            QMessageBox.critical(self, "Save failed", f"Could not write {path}:\n{exc}")
            return False
        return True

    def _form_edited(self) -> None:
        """The display convention applies at once, to the run already shown; the sweep
        tab sweeps the scenario as edited."""
        if self.form.scenario is not None:
            self.state.set_convention(self.form.scenario.options.flop_convention)
            self.sweep.set_scenario(self.form.scenario)
        self._mark_edited()

    def _validity(self, ok: bool) -> None:
        busy = self.worker is not None
        ok = ok and self.trace_path is None
        self.run_button.setEnabled(ok and not busy)
        self.run_action.setEnabled(ok and not busy)
        self.run_button.setToolTip("Simulate this scenario (Ctrl+R)" if ok else
                                   "Showing a trace file: pick a preset or open a scenario"
                                   if self.trace_path else
                                   f"Fix the scenario first: {self.form.error}")

    # -- traces ------------------------------------------------------------------------

    def open_trace_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open trace", "", "Trace CSV (*.csv)")
        if path:
            self.open_trace(path)

    def open_trace(self, path: str) -> bool:
        """Show a saved trace; on a bad file show the error and keep the current view."""
        try:
            run = Run.from_trace_csv(path)
        except (TraceFormatError, OSError, UnicodeDecodeError, ValueError) as exc:
            QMessageBox.critical(self, "Cannot open trace", f"{path}:\n{exc}")
            return False
        self.show_trace(run, path)
        self.status.setText(f"opened {path}: {len(run.trace):,} spans")
        return True

    def show_trace(self, run: Run, path: str) -> None:
        """Show a run loaded from a trace file; the form is greyed out until a scenario
        is loaded."""
        self.state.set_run(run)
        self.learn.show_scenario(None)
        self._set_trace_mode(path)
        self._mark_edited()

    def export(self, kind: str, path: str | None = None) -> bool:
        view = self.tabs.currentWidget()
        return export_with_dialog(self, kind, self.state.run, view, path)

    def pin(self) -> None:
        if self.state.run is not None:
            self.state.pin(self.state.run)
            self.status.setText("pinned; change the scenario and run again, then open Compare")

    # -- running -----------------------------------------------------------------------

    def start_run(self, confirm_large: bool = True) -> bool:
        sc = self.form.validate()
        if sc is None or self.worker is not None:
            return False
        n = size_guard.tasks_on(sc.workload, sc.machine.nodes * sc.machine.cores)
        if confirm_large and n > LARGE_RUN_TASKS:
            answer = QMessageBox.question(
                self, "Large run", f"This run has about {n:,} tasks and may take a while "
                "and a lot of memory. Start it?", QMessageBox.Yes | QMessageBox.No)
            if answer != QMessageBox.Yes:
                return False
        self.worker = SimWorker(sc, self)
        self.worker.progress.connect(self._on_progress)
        self.worker.done.connect(self._on_done)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.finished.connect(self._on_thread_finished)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self._validity(True)
        self.status.setText(f"simulating {sc.name}…")
        self._t0 = time.perf_counter()
        self.worker.start()
        return True

    def cancel_run(self) -> None:
        """Stop the run. The engine stops within its next 8192 events; a worker still in
        a phase that cannot be interrupted (graph building, summary) is detached: the
        window is free at once and its result is dropped."""
        w = self.worker
        if w is None:
            return
        w.cancel()
        for sig, slot in ((w.progress, self._on_progress), (w.done, self._on_done),
                          (w.failed, self._on_failed), (w.cancelled, self._on_cancelled)):
            sig.disconnect(slot)
        self._detached.add(w)
        w.finished.connect(lambda w=w: (self._detached.discard(w), w.deleteLater()))
        self._on_thread_finished()
        self._on_cancelled()

    def _on_progress(self, fraction: float) -> None:
        self.progress.setValue(int(fraction * 1000))

    def _on_done(self, run, index) -> None:
        self.show_run(run, index)
        self.status.setText(f"{run.scenario.name}: simulated {len(run.trace):,} spans in "
                            f"{time.perf_counter() - self._t0:.2f} s wall time")
        after, self._after_run = self._after_run, None
        if after is not None:
            after(run)

    def show_run(self, run: Run, index=None) -> None:
        """Show a simulated run (its TraceIndex if already built) with its lesson."""
        self.state.set_run(run, index)
        self.learn.show_scenario(run.scenario)
        self._mark_edited()

    def _on_failed(self, message: str) -> None:
        self._after_run = None
        self.status.setText("simulation failed")
        QMessageBox.critical(self, "Simulation failed", message)

    def _on_cancelled(self) -> None:
        self._after_run = None
        self.status.setText("cancelled; the previous run is still shown")

    def _on_thread_finished(self) -> None:
        if self.worker is None:
            return
        if self.worker not in self._detached:
            self.worker.deleteLater()
        self.worker.finished.disconnect(self._on_thread_finished)
        self.worker = None
        self.progress.hide()
        self.cancel_button.hide()
        self._validity(self.form.scenario is not None)

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        self.resizeDocks(self._docks, [400, max(360, self.width() // 4)], Qt.Horizontal)

    def closeEvent(self, ev) -> None:
        machine_views.shutdown(self)
        self.sweep.cancel()
        if self.sweep.worker is not None:
            self.sweep.worker.wait(5000)
        for w in [self.worker, *self._detached]:
            if w is not None:
                w.cancel()
                w.wait(5000)
        super().closeEvent(ev)
