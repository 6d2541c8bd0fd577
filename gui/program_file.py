"""Open a program (.py) or GOAL schedule (.goal) on the current machine, and re-run it
whenever the file is saved, keeping the previous run pinned for Compare."""

from __future__ import annotations

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..sim import scenario as scenario_mod
from ..sim.errors import ScenarioError

SETTLE_MS = 300          # editors write a file in several steps: wait for the last


class ProgramFile(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.path: str | None = None
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._changed)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._rerun)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Open program", "",
                                              "Program or GOAL schedule (*.py *.goal)")
        if path:
            self.open(path)

    def open(self, path: str, run: bool = True) -> bool:
        """Show the program on the machine of the scenario in the form; watch the file."""
        base = self.w.form.scenario
        try:
            sc = scenario_mod.for_file(path, base if base is not None else "smp-memory-wall")
        except ScenarioError as exc:
            QMessageBox.critical(self.w, "Cannot open program", str(exc))
            return False
        self.w.set_scenario(sc)
        self.watch(path)
        self.w.tabs.setCurrentWidget(self.w.program)
        if run:
            self.w.start_run()
        return True

    def watch(self, path: str) -> None:
        if self.watcher.files():
            self.watcher.removePaths(self.watcher.files())
        self.path = path
        self.watcher.addPath(path)

    def _changed(self, path: str) -> None:
        if path not in self.watcher.files():          # replaced by an atomic save
            self.watcher.addPath(path)
        self.timer.start(SETTLE_MS)

    def _rerun(self) -> None:
        """The file was saved: pin the run shown (for Compare), run the new version."""
        if self.w.worker is not None:                 # still running: try again shortly
            self.w.cancel_run()
            self.timer.start(SETTLE_MS)
            return
        if self.w.state.run is not None:
            self.w.state.pin(self.w.state.run)
        self.w.start_run()
