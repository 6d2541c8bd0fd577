"""Builds a run's per-view index (a MachineModel, a Selection) in a QThread."""

from __future__ import annotations

from PySide6.QtCore import QThread, Signal


class Builder(QThread):
    """Calls `factory(run)` off the GUI thread; `built(run, result or error text)`."""

    built = Signal(object, object)

    def __init__(self, run, factory, parent=None):
        super().__init__(parent)
        self.run_, self.factory = run, factory

    def run(self) -> None:
        try:
            self.built.emit(self.run_, self.factory(self.run_))
        except Exception as exc:  # noqa: BLE001 - shown to the user, the run stays
            self.built.emit(self.run_, f"{type(exc).__name__}: {exc}")


def start_builder(owner, run, factory, on_built) -> Builder:
    """Start a Builder owned by `owner` (kept in owner.builders until it finishes)."""
    b = Builder(run, factory, owner)
    b.built.connect(on_built)
    b.finished.connect(lambda: (owner.builders.discard(b), b.deleteLater()))
    owner.builders.add(b)
    b.start()
    return b
