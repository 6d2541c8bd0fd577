"""Builds a run's per-view index (a MachineModel, a Selection) in worker threads whose
lifetime is explicit, so that no Qt object is finalised or touched outside the GUI
thread:

- each Builder (a QThread) is parented to a Builders object living in the GUI thread,
  so the thread object itself lives (and is deleted) there;
- the result and the thread's end reach the GUI thread by queued connections to bound
  slots of GUI-thread objects (never a lambda, which would run in the worker thread
  and keep the view alive from there);
- a finished thread is waited for, then deleted with deleteLater, in the GUI thread;
  `wait` (the window is closing) joins every thread still running.

The worker thread only calls `factory(run)` (numpy work) and emits one signal."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot


class Builder(QThread):
    """Calls `factory(run)` off the GUI thread; `built(run, result or error text)`."""

    built = Signal(object, object)

    def __init__(self, run, factory, parent):
        super().__init__(parent)
        self.run_, self.factory = run, factory

    def run(self) -> None:
        try:
            result = self.factory(self.run_)
        except Exception as exc:  # noqa: BLE001 - shown to the user, the run stays
            result = f"{type(exc).__name__}: {exc}"
        self.built.emit(self.run_, result)
        self.run_ = self.factory = None       # the worker keeps nothing alive


class Builders(QObject):
    """The builder threads of one view (create it in the GUI thread, parented to the
    view)."""

    def __init__(self, parent):
        super().__init__(parent)
        self.running: set[Builder] = set()

    def start(self, run, factory, on_built) -> Builder:
        """Run `factory(run)` in a new thread; `on_built(run, result)` (a bound method of
        a GUI-thread QObject) is then called in the GUI thread."""
        b = Builder(run, factory, self)
        b.built.connect(on_built)
        b.finished.connect(self._reap)
        self.running.add(b)
        b.start()
        return b

    @Slot()
    def _reap(self) -> None:
        """In the GUI thread: wait for and delete the threads that have finished."""
        for b in [b for b in self.running if b.isFinished()]:
            self.running.discard(b)
            b.wait()
            b.deleteLater()

    def wait(self, ms: int = 5000) -> bool:
        """Join every running thread (at most `ms` each); True when all finished."""
        return all([b.wait(ms) for b in list(self.running)])

    def settle(self, ms: int = 30000) -> bool:
        """Join the threads, then deliver their results (their queued signals) now."""
        done = self.wait(ms)
        QCoreApplication.processEvents()
        self._reap()
        return done
