"""Opening a trace CSV or a session (.parasim) off the GUI thread: `load` reads the file,
checks the view can draw it and builds its TraceIndex; `FileLoader` runs it in a QThread
and hands the result to the window through queued signals, as SimWorker does a run.

Reading cannot be interrupted: Cancel drops the result (the window detaches the loader,
which ends on its own and is deleted in the GUI thread).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from PySide6.QtCore import QThread, Signal

from ..sim.errors import ScenarioError, TraceFormatError
from ..sim.io import session
from ..sim.run import Run
from ..sim.units import clip, one_line
from .analysis import TraceIndex

DRAWABLE = (1e-200, 1e200)   # positive times, FLOPs and bytes the plots can scale to
BAD_FILE = (TraceFormatError, ScenarioError, OSError, ValueError, MemoryError)


def undrawable(run: Run) -> str | None:
    """Why the view cannot draw `run` (a makespan, FLOPs or bytes beyond DRAWABLE: Qt
    and pyqtgraph overflow computing pixel scales), or None."""
    lo, hi = DRAWABLE
    tr = run.trace
    makespan = float(tr.end_s.max()) if len(tr) else 0.0
    if 0 < makespan < lo or makespan > hi:
        return (f"its makespan {makespan:g} s is outside the {lo:g} .. {hi:g} s the view "
                f"can draw")
    for col in ("flops", "bytes"):
        top = float(tr[col].max()) if len(tr) else 0.0
        if top > hi:
            return f"a span has {col} = {top:g}, more than the {hi:g} the view can draw"
    return None


@dataclass(frozen=True)
class Opened:
    """A file read and indexed: its run, the TraceIndex, the session (None for a CSV)."""
    path: str
    run: Run
    index: TraceIndex
    session: session.Session | None


def is_session(path: str) -> bool:
    return path.endswith(session.SUFFIX)


def load(path: str, run: Run | None = None) -> Opened:
    """Read `path` (a session if it ends in .parasim, else a trace CSV) and index it;
    raises one of BAD_FILE on a file that cannot be read or drawn. `run`: a trace CSV's
    run already read (the command line checks it before the window opens)."""
    s = session.read(path) if is_session(path) else None
    if run is None or s is not None:
        run = Run.from_session(s) if s is not None else Run.from_trace_csv(path)
    problem = undrawable(run)
    if problem:
        raise TraceFormatError(problem)
    return Opened(path, run, TraceIndex(run), s)


class FileLoader(QThread):
    """`load(path)` in a thread: `done(Opened)`, `failed(message)` (the path and the
    error on one line) or `cancelled()`, then QThread's `finished`."""
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, path: str, parent=None, run: Run | None = None):
        super().__init__(parent)
        self.path = path
        self.run_read = run                 # a trace CSV's run already read, or None
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def run(self) -> None:
        try:
            opened = load(self.path, self.run_read)
        except BAD_FILE as exc:
            self.failed.emit(f"{clip(self.path, 200)[1:-1]}:\n{one_line(str(exc))}")
            return
        if self._stop.is_set():
            self.cancelled.emit()
            return
        self.done.emit(opened)
        opened.index.finish()               # what the first render does not need, here
