"""The Machine tab's what-if re-runs: the shown run's scenario on an idealised machine
(sim.studies.whatif) simulated in a SimWorker, one at a time, and its gain
(whatif.gain) put into words.

The worker is parented to the runner (itself parented to the view); its signals reach
the runner's slots queued, in the GUI thread, where it is also joined and deleted;
`shutdown` (the window closing) cancels it and waits for it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox

from ...sim.studies.whatif import WHATIFS, gain
from ...sim.units import seconds
from ..worker import SimWorker


class WhatIfRunner(QObject):
    """`start(name, run)` re-runs `run`'s scenario with what-if `name`; `result(text,
    run)` then says what changed for that run (a failure: a dialog over the view)."""
    result = Signal(str, object)

    def __init__(self, parent):
        super().__init__(parent)
        self.worker: SimWorker | None = None
        self.asked: tuple = ("", None)          # (what-if name, the run it changes)

    def start(self, name: str, run) -> bool:
        """Start the re-run; False when there is nothing to change or one is running."""
        if run is None or run.scenario is None or self.worker is not None:
            return False
        w = SimWorker(WHATIFS[name](run.scenario), self, makespan_only=True)
        w.done.connect(self._done)
        w.failed.connect(self._failed)
        w.finished.connect(self._finished)
        self.worker, self.asked = w, (name, run)
        w.start()
        return True

    @Slot(object, object)
    def _done(self, other, _index) -> None:
        name, base = self.asked
        self.result.emit(
            f"what if <b>{name}</b>: makespan {seconds(other.makespan)} instead of "
            f"{seconds(base.makespan)}: <b>{gain(base.makespan, other.makespan):.3g} x"
            f"</b> faster", base)

    @Slot(str)
    def _failed(self, msg: str) -> None:
        QMessageBox.critical(self.parent(), "What-if failed", msg)

    @Slot()
    def _finished(self) -> None:
        if self.worker is not None:
            self.worker.wait()
            self.worker.deleteLater()
        self.worker = None

    def shutdown(self) -> None:
        """Stop the re-run (the window is closing)."""
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait(5000)
