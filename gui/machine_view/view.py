"""The Machine tab: the machine at the playhead (canvas), and beside it the communication
matrix, the busiest links' load over time, the critical path's breakdown and what-if
re-runs. The model is built off the GUI thread when a run arrives; the player's
playhead drives the drawing while the tab is visible."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...sim.analysis.traffic import comm_matrix
from ...sim.studies.whatif import WHATIFS
from ...sim.units import percent, seconds, si
from ..panels.export import export_with_dialog
from ..panels.plots import fit_title
from ..panels.record import record_dialog
from ..style import CHOSEN_COLOR, PLAYHEAD_COLOR, legend_html
from .builder import Builders
from .canvas import MachineCanvas
from .model import MachineModel
from .whatif_runner import WhatIfRunner

MATRIX_PES = 256         # the matrix's largest side: beyond, per node, then node groups
NARROW_PX = 800          # narrower than this (and not much wider than tall), the
WIDE_ASPECT = 1.3        # panels go under the machine
SCROLLBAR_PX = 20        # room kept for a scroll bar when the panel is fitted
PLOT_MIN_PX = 180        # the matrix's and the links plot's smallest side
MATRIX_TICKS = 5         # at most about this many row labels on the matrix
BUSIEST = 3


class MachineView(QWidget):
    """`player` (the window's one Player) is borrowed while this tab is shown, so the
    same player drives the timeline and the machine."""

    def __init__(self, state, player=None, parent=None):
        super().__init__(parent)
        self.state = state
        self.player = player
        self._player_home = None            # (layout, index) the player came from
        self._orientation = None
        self._plots_shown: bool | None = None     # the split is fitted when this changes
        self.model: MachineModel | None = None
        self.builders = Builders(self)
        self.whatif = WhatIfRunner(self)          # re-runs in a worker thread
        self.canvas = MachineCanvas()
        self.legend = QLabel(legend_html(["compute", "stall", "send", "recv", "wait", "copy"])
                             + "&nbsp;&nbsp;□ idle&nbsp;&nbsp; links and gauges: grey idle "
                               "→ red full; ● message, dashed from its sender to its receiver")
        self.legend.setWordWrap(True)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(2, 2, 2, 2)
        ll.addWidget(self.canvas, 1)
        ll.addWidget(self.legend)
        scroll = QScrollArea()              # the panel never widens the window
        self.panel = self._panel()
        scroll.setWidget(self.panel)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)   # it wraps instead
        scroll.setFrameShape(QFrame.NoFrame)
        self.split = split = QSplitter()
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split, 1)
        state.run_changed.connect(self.show_run)
        state.time_changed.connect(self.set_time)
        self.canvas.on_choose = state.select_pe
        self.canvas.on_choose_link = state.select_link
        state.pe_selected.connect(self.canvas.set_selected)
        state.link_selected.connect(self._link_chosen)
        self.show_run(state.run)

    def _panel(self) -> QWidget:
        """The matrix, the links' load, the critical path and the what-if buttons."""
        self.matrix_kind = QComboBox()
        self.matrix_kind.addItems(["bytes", "messages"])
        self.matrix_kind.currentIndexChanged.connect(lambda _i: self._show_matrix())
        self.matrix_range = QComboBox()
        self.matrix_range.addItems(["whole run", "selected range"])
        self.matrix_range.setToolTip("The selected range: shift-drag on the timeline")
        self.matrix_range.setEnabled(False)
        for box in (self.matrix_kind, self.matrix_range):   # may shrink: never widen
            box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(5)                 # the panel past its view
        self.matrix_range.currentIndexChanged.connect(lambda _i: self._show_matrix())
        self.region: tuple[float, float] | None = None
        self.matrix = pg.PlotWidget()
        self.matrix.setTitle("communication matrix (whole run)", size="9pt")
        self.matrix.setLabel("left", "sender")
        self.matrix.setLabel("bottom", "receiver")
        self.matrix.getPlotItem().invertY(True)
        self.matrix.getPlotItem().setAspectLocked(True)   # square cells
        self.matrix_img = pg.ImageItem(axisOrder="row-major")
        self.matrix_img.setColorMap(pg.colormap.get("viridis"))
        self.matrix.addItem(self.matrix_img)
        self.links_plot = pg.PlotWidget()
        self.links_plot.setLabel("left", "load", units="")
        self.links_plot.setLabel("bottom", "simulated time", units="s")
        self.links_plot.addLegend(offset=(5, 5))
        self.playhead = pg.InfiniteLine(angle=90, pen=pg.mkPen(PLAYHEAD_COLOR, width=1))
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.whatif_buttons = []
        self.buttons = buttons = QBoxLayout(QBoxLayout.LeftToRight)  # a column at the side
        buttons.addWidget(QLabel("What if:"))
        for name in WHATIFS:
            b = QPushButton(name)
            b.setToolTip(f"Re-run this scenario with {name} and show the gain")
            b.clicked.connect(lambda _c=False, n=name: self.what_if(n))
            buttons.addWidget(b)
            self.whatif_buttons.append(b)
        self.whatif_result = QLabel()
        self.whatif_result.setWordWrap(True)
        self.whatif.result.connect(self._whatif_shown)
        png = QPushButton("Export PNG…")
        png.clicked.connect(lambda: self.export_png())
        record = QPushButton("Record…")
        record.setToolTip("Record this view playing, as GIF, MP4 or PNG frames")
        record.clicked.connect(self.record)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(2, 2, 2, 2)
        self.matrix_row = QWidget()             # hidden when the run has no messages
        top = QHBoxLayout(self.matrix_row)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel("matrix of"))
        top.addWidget(self.matrix_kind)
        top.addWidget(self.matrix_range)
        top.addStretch(1)
        rl.addWidget(self.matrix_row)
        self.plots = QBoxLayout(QBoxLayout.TopToBottom)   # side by side under the machine
        for plot in (self.matrix, self.links_plot):       # share what is left, never
            plot.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Ignored)   # overflow
            plot.setMinimumSize(PLOT_MIN_PX, PLOT_MIN_PX)
        self.plots.addWidget(self.matrix, 3)
        self.plots.addWidget(self.links_plot, 2)
        rl.addLayout(self.plots, 1)
        rl.addWidget(self.info)
        rl.addLayout(buttons)
        rl.addWidget(self.whatif_result)
        export = QHBoxLayout()
        export.addWidget(png)
        export.addWidget(record)
        export.addStretch(1)
        rl.addLayout(export)
        return right

    # -- run and time ------------------------------------------------------------------

    def set_region(self, t0: float, t1: float) -> None:
        """The time range selected on the timeline: the matrix can show just it."""
        self.region = (t0, t1)
        self.matrix_range.setEnabled(True)
        self._show_matrix()

    def show_run(self, run) -> None:
        self.model = None
        self.canvas.selected = -1
        self.region = None
        self.matrix_range.setCurrentIndex(0)
        self.matrix_range.setEnabled(False)
        for box in (self.matrix_kind, self.matrix_range):   # may shrink: never widen
            box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(5)                 # the panel past its view
        self.canvas.set_model(None)
        self.whatif_result.setText("")
        for b in self.whatif_buttons:
            b.setEnabled(run is not None and run.scenario is not None)
        if run is None:
            self.info.setText("")
            return
        self.builders.start(run, MachineModel, self._built)

    @Slot(object, object)
    def _built(self, run, model) -> None:
        if run is not self.state.run:
            return                     # a newer run has arrived meanwhile
        if isinstance(model, str):
            self.info.setText(f"cannot draw this machine: {model}")
            return
        self.model = model
        self.canvas.set_model(model)
        has_msgs = len(model.traffic.f["msg"]) > 0
        self.matrix.setVisible(has_msgs)
        self.matrix_row.setVisible(has_msgs)
        self.links_plot.setVisible(bool(model.traffic.link_bytes.any()))
        shown = has_msgs or bool(model.traffic.link_bytes.any())
        if shown != self._plots_shown:
            self._plots_shown = shown
            self._fit_split()
        self._show_matrix()
        self._show_links()
        self._show_info()
        self.set_time(self.state.time, force=True)

    def _link_chosen(self, link: int) -> None:
        self.canvas.set_chosen_link(link)
        if self.model is not None:
            self._show_links()

    def set_time(self, t: float, force: bool = False) -> None:
        self.playhead.setValue(t)
        if self.model is not None and (force or self.isVisible()):
            self.canvas.set_frame(self.model.frame(t))

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        p = self.player
        if p is not None and p.parentWidget() is not None and self._player_home is None:
            home = p.parentWidget().layout()
            self._player_home = (home, home.indexOf(p))
            self.layout().addWidget(p)
            p.show()                         # reparenting hides a widget
        self.set_time(self.state.time)

    def resizeEvent(self, ev) -> None:
        """Side by side when wide, the panels under the machine when narrow; the machine
        gets 60 % either way."""
        super().resizeEvent(ev)
        wide = self.width() >= NARROW_PX or self.width() >= WIDE_ASPECT * self.height()
        orientation = Qt.Horizontal if wide else Qt.Vertical
        if orientation != self._orientation:       # a user's drag survives other resizes
            self._orientation = orientation
            self.split.setOrientation(orientation)
            for box in (self.plots, self.buttons):
                box.setDirection(QBoxLayout.TopToBottom if wide else QBoxLayout.LeftToRight)
            self._fit_split()

    def _fit_split(self) -> None:
        """The machine gets 60 %, or all but what the panel needs when it has no plots
        (no messages, no link traffic)."""
        wide = self._orientation == Qt.Horizontal
        total = self.split.width() if wide else self.split.height()
        share = int(total * 0.4)
        self.split.setStretchFactor(1, 0 if self._plots_shown is False else 2)
        if self._plots_shown is False:
            self.panel.layout().activate()       # its boxes may just have turned
            hint = self.panel.sizeHint()
            high = self.panel.heightForWidth(self.split.width() - SCROLLBAR_PX) \
                if self.panel.hasHeightForWidth() else -1      # its text wrapped
            share = min(share, hint.width() if wide
                        else max(high, hint.height()) + SCROLLBAR_PX)
        self.split.setSizes([total - share, share])

    def hideEvent(self, ev) -> None:
        super().hideEvent(ev)
        if self._player_home is not None:
            home, index = self._player_home
            self._player_home = None
            home.insertWidget(index, self.player)
            self.player.show()

    # -- panels ------------------------------------------------------------------------

    def matrix_range_text(self) -> str:
        if self.region is None or self.matrix_range.currentIndex() == 0:
            return "whole run"
        return f"sent in {seconds(self.region[0])} – {seconds(self.region[1])}"

    def matrix_data(self) -> tuple[np.ndarray, str]:
        """The matrix shown (the whole run or the selected range) and its unit: per PE,
        per node on big machines, per group of nodes (at most MATRIX_PES a side)."""
        m = self.model
        run = m.run
        if run.pes <= MATRIX_PES:
            n, per, unit = run.pes, 1, "PE"
        elif run.nodes <= MATRIX_PES:
            n, per, unit = run.nodes, run.cores, "node"
        else:
            k = -(-run.nodes // MATRIX_PES)
            n, per, unit = -(-run.nodes // k), k * run.cores, f"group of {k} nodes"
        counts = self.matrix_kind.currentIndex() == 1
        t0, t1 = self.region if self.region and self.matrix_range.currentIndex() \
            else (0.0, np.inf)
        return comm_matrix(m.traffic.f, n, t0, t1, per=per, counts=counts), unit

    def _show_matrix(self) -> None:
        if self.model is None:
            return
        mat, unit = self.matrix_data()
        if mat.any():
            self.matrix_img.setImage(mat, levels=(0, float(mat.max())))
            self.matrix_img.setRect(-0.5, -0.5, mat.shape[1], mat.shape[0])
        else:
            self.matrix_img.clear()
        n = len(mat)
        step = -(-n // MATRIX_TICKS)
        ticks = [[(i, str(i)) for i in range(0, n, step)]]
        for side in ("left", "bottom"):            # whole rows, not -0.5 .. 0.5
            self.matrix.getPlotItem().getAxis(side).setTicks(ticks)
        self.matrix.getPlotItem().setRange(xRange=(-0.5, n - 0.5), yRange=(-0.5, n - 0.5),
                                           padding=0.02)
        self.matrix.setLabel("left", f"sender {unit}")
        self.matrix.setLabel("bottom", f"receiver {unit}")
        what = "messages" if self.matrix_kind.currentIndex() else "bytes"
        total = si(mat.sum(), "B") if what == "bytes" else f"{mat.sum():,.0f}"
        self.matrix.setTitle(f"matrix: {what}, total {total}<br>"
                             f"{self.matrix_range_text()}" if mat.any() else
                             f"matrix: no messages<br>({self.matrix_range_text()})", size="9pt")
        fit_title(self.matrix.getPlotItem())         # two lines: fits a narrow panel

    def _show_links(self) -> None:
        pl = self.links_plot.getPlotItem()
        pl.clear()
        tr = self.model.traffic
        colors = ("#D62728", "#0072B2", "#E69F00")
        links = [int(k) for k in tr.busiest_links(BUSIEST) if tr.link_bytes[k] > 0]
        chosen = self.canvas.chosen_link
        if chosen >= 0 and chosen not in links:
            links.append(chosen)
        for k, link in enumerate(links):
            t, level = tr.link_flows.series(link)
            mine = link == chosen
            pl.plot(np.r_[t, self.state.makespan], level / tr.capacity[link],
                    stepMode="center", name=tr.link_names[link] + (" (chosen)" if mine else ""),
                    pen=pg.mkPen(CHOSEN_COLOR if mine else colors[k % 3], width=3 if mine else 2))
        pl.addItem(self.playhead, ignoreBounds=True)
        pl.setYRange(0, 1.05)
        pl.setTitle("busiest links' load<br>(click a link to add it)"
                    if tr.link_bytes.any() else "no network traffic<br>in this run", size="9pt")
        fit_title(pl)

    def _show_info(self) -> None:
        run = self.model.run
        cp = run.extras.get("critical_path") if run.extras else None
        lines = []
        if cp is not None and cp["length_s"] > 0:
            parts = ", ".join(f"{k} {percent(v / cp['length_s'])}"
                              for k, v in cp["time_s"].items() if v > 0)
            lines.append(f"<b>critical path as run</b>: {len(cp['tasks'])} tasks, "
                         f"{len(cp['messages'])} messages, {seconds(cp['length_s'])}; "
                         f"mostly <b>{cp['dominant']}</b> ({parts})")
        else:
            lines.append("critical path as run: not computed for this run (a trace "
                         "loaded from a file, or a workload with its own pipeline)")
        if self.model.node_heat:
            lines.append(f"{run.nodes:,} nodes: one square per node, grey idle to green "
                         "all its PEs busy (hover for its figures)")
        elif self.model.heat:
            lines.append(f"{run.pes:,} PEs: each node's cores drawn as a heat map")
        if run.scenario is None:
            lines.append("a trace file has no machine settings: the network is drawn as a "
                         "crossbar and the memory gauges have no ceiling")
        self.info.setText("<br>".join(lines))

    # -- actions -----------------------------------------------------------------------

    def what_if(self, name: str) -> bool:
        """Re-run the scenario on an idealised machine and show the gain."""
        if not self.whatif.start(name, self.state.run):
            return False
        self.whatif_result.setText(f"simulating: what if {name}…")
        return True

    @Slot(str, object)
    def _whatif_shown(self, text: str, base) -> None:
        if base is self.state.run:              # not a run since replaced
            self.whatif_result.setText(text)

    @Slot()
    def record(self):
        """The recording dialog for this view (gui/panels/record.py), in its window."""
        return record_dialog(self.window(), self)

    def export_png(self, path: str | None = None) -> bool:
        return export_with_dialog(self, "png", self.state.run, self.canvas, path)

    def shutdown(self) -> None:
        """Stop the threads (the window is closing)."""
        self.whatif.shutdown()
        self.builders.wait()
