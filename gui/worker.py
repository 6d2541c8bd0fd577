"""Runs `sim.simulate.simulate` in a QThread; progress and the result come back as signals.

Cancel sets a flag the engine polls every 8192 events (a few ms of work), so a run stops
well within a second; the window learns of it through `cancelled`. A user program
stuck in a loop of its own is stopped too (sim/programs/interrupt.py).
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QThread, Signal

from ..sim.errors import Cancelled
from ..sim.scenario import Scenario
from ..sim.simulate import simulate
from .analysis import TraceIndex


class SimWorker(QThread):
    progress = Signal(float)       # fraction done, 0..1
    done = Signal(object, object)  # Run, its TraceIndex (built here, off the GUI thread)
    failed = Signal(str)           # one-line error message
    cancelled = Signal()

    def __init__(self, scenario: Scenario, parent=None, makespan_only: bool = False):
        """`makespan_only`: a what-if's run, of which only the makespan is shown: no
        one-core baseline, no TraceIndex (`done` carries None for it)."""
        super().__init__(parent)
        self.scenario = scenario
        self.makespan_only = makespan_only
        self._stop = threading.Event()
        self._last_emit = 0.0

    def cancel(self) -> None:
        self._stop.set()

    def _progress(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self._last_emit > 0.03 or fraction >= 1.0:    # at most ~30 updates/s
            self._last_emit = now
            self.progress.emit(fraction)

    def run(self) -> None:
        try:
            result = simulate(self.scenario, progress=self._progress, cancel=self._stop.is_set,
                              baseline=not self.makespan_only)
            index = None if self.makespan_only else TraceIndex(result)
        except Cancelled:
            self.cancelled.emit()
            return
        except Exception as exc:  # noqa: BLE001 - any model error is shown to the user
            self.failed.emit(f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc))
            return
        if self._stop.is_set():
            self.cancelled.emit()
        else:
            self.done.emit(result, index)
            if index is not None:
                index.finish()              # what the first render does not need, here
