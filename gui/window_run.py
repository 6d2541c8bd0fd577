"""The main window's runs: starting one on the worker thread (asking first above the size
guard's limit), progress and Cancel, and showing the result with the previous run pinned
(before and after)."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from ..sim import simulate as simulate_mod
from ..sim import size_guard
from ..sim.errors import ScenarioError
from ..sim.run import Run
from ..sim.scenario import Scenario
from ..sim.studies.compare import describe_change
from ..sim.units import one_line
from .state import SIMULATING
from .worker import SimWorker


class RunMixin:
    """MainWindow's run methods."""

    def start_run(self, confirm_large: bool = True) -> bool:
        sc = self.form.validate()
        if sc is None or self.worker is not None:
            return False
        if confirm_large and not self.confirm_size(sc):
            return False
        w = SimWorker(sc, self)
        self._before = self.state.run           # pinned when this run is done
        self._t0 = time.perf_counter()
        self._start_worker(w, ((w.progress, self._on_progress), (w.done, self._on_done),
                               (w.failed, self._on_failed), (w.cancelled, self._on_cancelled)),
                           f"simulating {sc.name}…")
        return True

    def _start_worker(self, w, links, status: str, idle: str = SIMULATING) -> None:
        """Start `w` (a SimWorker or FileLoader, parented to the window) with its signals
        linked to slots run in the GUI thread; the progress bar (a busy bar for a worker
        without progress) and Cancel show until it finishes; `idle`: what views with no
        run say meanwhile."""
        self.worker, self._links = w, links
        for sig, slot in links:
            sig.connect(slot)
        w.finished.connect(self._on_thread_finished)
        self.progress.setRange(0, 1000 if isinstance(w, SimWorker) else 0)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self._validity(True)
        self.state.set_busy(True, idle)
        self.status.setText(status)
        w.start()

    def confirm_size(self, sc: Scenario) -> bool:
        """Ask before a run the size guard estimates at over ASK_ABOVE_S (events, not
        tasks: time slices, memory flows, messages, I/O waits); True to go on."""
        try:
            est = simulate_mod.estimate(sc)
        except ScenarioError as exc:
            QMessageBox.critical(self, "Cannot run", one_line(str(exc)))
            return False
        if est.seconds <= size_guard.ASK_ABOVE_S:
            return True
        answer = QMessageBox.question(
            self, "Large run", f"This run would take {est.describe()}, and may need a lot "
            "of memory. It shows progress and can be cancelled. Start it?",
            QMessageBox.Yes | QMessageBox.No)
        return answer == QMessageBox.Yes

    def cancel_run(self) -> None:
        """Stop the run (or the file being opened). The engine stops within its next 8192
        events; a worker still in a phase that cannot be interrupted (graph building,
        summary, reading a file) is detached: the window is free at once and its result
        is dropped."""
        w = self.worker
        if w is None:
            return
        w.cancel()
        for sig, slot in self._links:
            sig.disconnect(slot)
        self._detached.add(w)
        w.finished.connect(self._reap_detached, Qt.QueuedConnection)
        self._on_thread_finished()
        self._on_cancelled()

    def _reap_detached(self) -> None:
        """In the GUI thread (a queued call from a worker's `finished`): forget and
        delete the detached workers that have ended. Never done in the worker's thread."""
        for w in [w for w in self._detached if w.isFinished()]:
            self._detached.discard(w)
            w.deleteLater()

    def _on_progress(self, fraction: float) -> None:
        self.progress.setValue(int(fraction * 1000))

    def _on_done(self, run, index) -> None:
        """Show the run; the one it replaces becomes the pinned run (before and after),
        and the status line says what changed and by how much (sim.studies.compare)."""
        before, self._before = self._before, None
        self.show_run(run, index)
        if before is not None:
            self.state.pin(before)
            self.status.setText(f"{describe_change(before, run)}   (the previous run is "
                                "pinned: Compare shows both)")
        else:
            self.status.setText(f"{run.scenario.name}: simulated {len(run.trace):,} spans "
                                f"in {time.perf_counter() - self._t0:.2f} s wall time")
        after, self._after_run = self._after_run, None
        if after is not None:
            after(run)

    def show_run(self, run: Run, index=None) -> None:
        """Show a simulated run (its TraceIndex if already built) with its lesson."""
        self.state.set_run(run, index)
        self.learn.show_scenario(run.scenario)
        if self.lesson_origin is None or run.scenario.name != self.lesson_origin.name:
            self.lesson_origin = run.scenario
            self.guided.set_lesson(run.scenario.lesson)
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
        self.state.set_busy(False)
        self.progress.hide()
        self.cancel_button.hide()
        self._validity(self.form.scenario is not None)

    def pin(self) -> None:
        if self.state.run is not None:
            self.state.pin(self.state.run)
            self.status.setText("pinned; change the scenario and run again, then open Compare")
