"""The app model the widgets subscribe to: the current run, the playhead, the pinned run.

Widgets never talk to each other; they read and set this object and redraw on its
signals (napari-style). The playhead time is clamped to [0, makespan].
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..sim.run import Run
from .analysis import TraceIndex

SIMULATING = "Simulating… the first run appears here when it is done."


class AppState(QObject):
    run_changed = Signal(object)        # Run (or None)
    time_changed = Signal(float)        # playhead, simulated seconds
    pinned_changed = Signal(object)     # Run pinned for comparison (or None)
    convention_changed = Signal(str)    # "flops" or "macs": how work is displayed
    pe_selected = Signal(int)           # the PE chosen in a view (-1: none)
    link_selected = Signal(int)         # the network link chosen in a view (-1: none)
    busy_changed = Signal(bool)         # a simulation is running (the run shown stays)
    bookmarks_changed = Signal(list)    # [{"t_s", "caption"}], in time order

    def __init__(self, parent=None):
        super().__init__(parent)
        self.run: Run | None = None
        self.index: TraceIndex | None = None
        self.time = 0.0
        self.pinned: Run | None = None
        self.convention = "flops"
        self.selected_pe = -1
        self.selected_link = -1             # an index into the run's Traffic links
        self.busy = False
        self._busy_text = ""
        self.source = ""                    # the file a run was opened from, if any
        self.bookmarks: list[dict] = []

    def set_run(self, run: Run | None, index: TraceIndex | None = None,
                source: str = "") -> None:
        """Show a new run (with its TraceIndex if already built; `source` the file it was
        opened from); the playhead moves to its end (the whole run revealed)."""
        self.run = run
        self.source = source
        if run is not None and run.scenario is not None:
            self.convention = run.scenario.options.flop_convention
        self.index = index if index is not None else TraceIndex(run) if run is not None \
            else None
        self.time = self.index.makespan if self.index else 0.0
        self.selected_pe = -1
        self.selected_link = -1
        self.run_changed.emit(run)
        self.time_changed.emit(self.time)

    @property
    def makespan(self) -> float:
        return self.index.makespan if self.index else 0.0

    def set_time(self, t: float) -> None:
        t = min(max(float(t), 0.0), self.makespan)
        if t != self.time:
            self.time = t
            self.time_changed.emit(t)

    def select_pe(self, pe: int) -> None:
        """Choose a PE (-1: none); every view highlights it."""
        if pe != self.selected_pe:
            self.selected_pe = pe
            self.pe_selected.emit(pe)

    def select_link(self, link: int) -> None:
        """Choose a network link (-1: none); every view highlights it."""
        if link != self.selected_link:
            self.selected_link = link
            self.link_selected.emit(link)

    def set_convention(self, convention: str) -> None:
        if convention != self.convention:
            self.convention = convention
            self.convention_changed.emit(convention)

    def set_bookmarks(self, marks: list[dict]) -> None:
        self.bookmarks = sorted(marks, key=lambda m: m["t_s"])
        self.bookmarks_changed.emit(self.bookmarks)

    def set_busy(self, busy: bool, idle: str = SIMULATING) -> None:
        """A worker started (with what views with no run say meanwhile) or ended."""
        self._busy_text = idle
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)

    def idle_text(self) -> str:
        """What a view with no run to show says."""
        return self._busy_text if self.busy else "No run yet."

    def pin(self, run: Run | None) -> None:
        self.pinned = run
        self.pinned_changed.emit(run)
