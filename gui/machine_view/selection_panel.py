"""Statistics over a selected region of the timeline (sim.analysis.selection): shift-drag
a time range on the timeline; the rows are those in view (Ctrl+wheel zooms the rows).
The Selection index is built, and each region's figures computed, off the GUI thread."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ...sim.analysis.queries import power_samples
from ...sim.analysis.selection import Selection
from ...sim.units import percent, seconds, si
from ..style import KIND_COLORS
from .builder import Builders


def _selection_index(run) -> Selection:
    return Selection(run.trace, power_samples(run))


class SelectionPanel(QWidget):
    """One line of figures under the timeline for its last measured region; `region`
    tells other views (the Machine tab's matrix) the time range chosen."""

    region = Signal(float, float)

    def __init__(self, state, timeline, parent=None):
        super().__init__(parent)
        self.state, self.timeline = state, timeline
        self.index: Selection | None = None
        self.builders = Builders(self)
        self.text = QLabel()
        self.text.setWordWrap(True)
        close = QPushButton("×")
        close.setFixedWidth(24)
        close.setToolTip("Hide the selection statistics")
        close.clicked.connect(self.hide)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 0, 4, 0)
        lay.addWidget(self.text, 1)
        lay.addWidget(close)
        self.last: dict | None = None
        timeline.box.measured.connect(self._measured)
        state.run_changed.connect(self._on_run)
        self.hide()
        self._on_run(state.run)

    def _on_run(self, run) -> None:
        self.index = self.last = None
        self.hide()
        if run is not None:
            self.builders.start(run, _selection_index, self._built)

    @Slot(object, object)
    def _built(self, run, index) -> None:
        if run is self.state.run and not isinstance(index, str):
            self.index = index

    def shutdown(self) -> None:
        self.builders.wait()

    def rows_in_view(self) -> np.ndarray:
        """PEs whose rows the timeline shows."""
        rows = self.timeline.rows
        (_, _), (y0, y1) = self.timeline.box.viewRange()
        r = rows.row_of_pe
        return np.flatnonzero((r >= np.floor(y0)) & (r <= np.ceil(y1)))

    def _measured(self, x0: float, x1: float, finished: bool) -> None:
        """A finished shift-drag: the figures are computed off the GUI thread."""
        if not (finished and self.index is not None and x1 > x0):
            return
        pes = self.rows_in_view()
        pes = None if len(pes) == self.state.run.pes else pes
        index = self.index
        self.builders.start(self.state.run, lambda _run: index.stats(x0, x1, pes),
                            self._computed)
        self.region.emit(x0, x1)

    @Slot(object, object)
    def _computed(self, run, st) -> None:
        if run is self.state.run and not isinstance(st, str):
            self.show_stats(st)

    def show_stats(self, st: dict) -> None:
        """Show the figures of a region (Selection.stats)."""
        self.last = st
        t0, t1 = st["t0_s"], st["t1_s"]
        area = (t1 - t0) * st["pes"]
        kinds = " ".join(
            f"<span style='color:{KIND_COLORS[k]}'>&#9632;</span>{k} {percent(v / area)}"
            for k, v in st["time_s"].items() if v > 0) if area > 0 else ""
        energy = "" if st["energy_j"] is None else \
            f" | energy {si(st['energy_j'], 'J')} (avg {si(st['avg_power_w'], 'W')})"
        self.text.setText(
            f"<b>selection</b> {seconds(t0)} – {seconds(t1)} x {st['pes']} PEs: {kinds} | "
            f"{si(st['flops'], 'FLOP')}, {si(st['bytes'], 'B')}, {st['messages']} messages"
            f" | avg parallelism {st['avg_parallelism']:.2f}, concurrency "
            f"{st['avg_concurrency']:.2f}{energy}")
        self.show()
