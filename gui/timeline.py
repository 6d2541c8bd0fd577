"""The Gantt timeline of a run: one row per PE, one colour per span kind.

Rendering: one `BarGraphItem` per kind (single brush, no pen), fed only the spans
that overlap the visible time range (spans are sorted by start, so the window is two
binary searches widened by the longest span). Hover finds the span under the mouse by
binary search in the PE's spans (on a collapsed row: the node's PEs per kind). The
future past the playhead is veiled, so playing reveals the run as it happened.

A collapsed node's row shows occupancy: per pixel column, the share of its PEs in
each kind, stacked (gui/occupancy.py). Task edges (white lines between two tasks'
spans) are drawn only where both spans are at least EDGE_MIN_PX wide on screen, task
names only on bars wide enough for them; rows thinner than THIN_ROW_PX get bars filling
them and no edges (else gaps and lines alias into stripes that look idle). A send is drawn in the
top half of its row and a recv in the bottom half (a PE often does both at once). Message
arrows (black, 2 px): see gui/messages.py; the note beside the legend says what is not drawn, and
`messages_action` (M, right-click menu) switches them off.

Mouse: wheel zooms time (Ctrl+wheel zooms rows), drag pans, shift-drag measures a
duration, double-click a row collapses/expands its node, right-click for the menu.
Keys W/S zoom, A/D pan, M messages. Ctrl-click a kind in the legend hides or shows it. Hover, clicks, measuring and keys: gui/timeline_input.py.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ..sim.run import Run
from ..sim.trace import KINDS
from . import messages
from .bookmark_lines import bookmark_lines
from .labels import TaskLabels
from .link_rows import link_bars, nic_bars
from .occupancy import collapsed_bars
from .rows import COLLAPSE_ABOVE_PES, RowLayout, thin_ticks
from .run_labels import kind_names, link_names, pe_names
from .spans import SpanLayout
from .style import KIND_COLORS, MESSAGE_COLOR, NIC_COLOR, PLAYHEAD_COLOR, legend_html
from .timeline_box import Bars, TimelineBox
from .timeline_input import TimelineInput

BAR_HEIGHT = 0.8            # of a row, leaving a gap between rows ...
THIN_ROW_PX = 4             # ... unless rows are thinner than this: then bars fill them
MAX_ARROWS = 2_000          # more in view: sampled evenly in time
HIDE_ARROWS_PER_PX = 8      # more in view than this per pixel column: none drawn
EDGE_MIN_PX = 3             # an edge needs both its spans at least this wide on screen
LABEL_MIN_PX = 30           # a task name needs a bar at least this wide
MAX_LABELS = 500
ARROW_PX = 2                # message arrows' line width
HALF_ROW = {"send": 0.0, "recv": 0.5}   # send in the row's top half, recv in the bottom:
                                        # a PE often sends and receives at once


class TimelineView(TimelineInput, QWidget):
    """Legend above a plot of the run. `state` (optional) drives the playhead."""

    def __init__(self, state=None, parent=None, title: str = ""):
        super().__init__(parent)
        self.state = state
        self.run: Run | None = None
        self.rows: RowLayout | None = None
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.RichText)
        self.legend.setToolTip("Ctrl-click a kind to hide or show its spans")
        self.legend.linkActivated.connect(self._legend_clicked)
        self.hidden_kinds: set[str] = set()
        self.box = TimelineBox()
        self.plot = pg.PlotWidget(viewBox=self.box)
        self.plot.setFocusPolicy(Qt.StrongFocus)
        self.item = self.plot.getPlotItem()
        self.item.setLabel("bottom", "simulated time", units="s")
        if title:
            self.item.setTitle(title)
        self.item.hideButtons()
        self.box.invertY(True)
        self.messages_action = QAction("Show messages", self)
        self.messages_action.setCheckable(True)
        self.messages_action.setChecked(True)
        self.messages_action.setShortcut("M")
        self.messages_action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.messages_action.setToolTip("Draw message arrows (M)")
        self.messages_action.toggled.connect(lambda _on: self._redraw())
        self.addAction(self.messages_action)
        self.box.actions_menu.addAction(self.messages_action)
        self.item.getAxis("left").setStyle(autoExpandTextSpace=False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.note = QLabel()
        self.note.setStyleSheet("color: #6A3D9A")
        self.note.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        top = QHBoxLayout()
        top.addWidget(self.legend)
        top.addWidget(self.note, 1)
        lay.addLayout(top)
        lay.addWidget(self.plot, 1)
        self.bars = {}
        for k in KINDS:
            b = Bars(x0=[], width=[], y0=[], height=[], brush=KIND_COLORS[k], pen=None)
            self.item.addItem(b)
            self.bars[k] = b
        self.links = Bars(x0=[], width=[], y0=[], height=[], brush=KIND_COLORS["copy"],
                          pen=None)               # copies on their link's row
        self.item.addItem(self.links)
        self.nic = Bars(x0=[], width=[], y0=[], height=[], brush=NIC_COLOR, pen=None)
        self.item.addItem(self.nic)               # each message's NIC busy time (LogGOPS)
        self.separators = pg.PlotCurveItem(pen=pg.mkPen("#999999", width=1), connect="pairs")
        line = QColor(MESSAGE_COLOR)
        line.setAlpha(170)                      # bundles of arrows show their density
        self.arrows = pg.PlotCurveItem(pen=pg.mkPen(line, width=ARROW_PX), connect="pairs")
        self.heads = pg.ScatterPlotItem(size=4 * ARROW_PX, brush=MESSAGE_COLOR, pen=None)
        self.edges = pg.PlotCurveItem(pen=pg.mkPen("w", width=1), connect="pairs")
        self.lane_lines = pg.PlotCurveItem(pen=pg.mkPen(255, 255, 255, 160, width=1),
                                           connect="pairs")
        self.labels = TaskLabels()
        for it in (self.separators, self.edges, self.lane_lines, self.labels, self.arrows,
                   self.heads):
            self.item.addItem(it)
        self.veil = QGraphicsRectItem()
        self.veil.setBrush(QBrush(QColor(255, 255, 255, 215)))
        self.veil.setPen(Qt.NoPen)
        self.veil.setZValue(5)
        self.item.addItem(self.veil, ignoreBounds=True)
        self.playhead = pg.InfiniteLine(angle=90, movable=state is not None,
                                        pen=pg.mkPen(PLAYHEAD_COLOR, width=2))
        self.playhead.setZValue(10)
        self.item.addItem(self.playhead, ignoreBounds=True)
        self._build_input()
        self._ticks: list = []                  # row labels (rows.ticks), placed by _place_ticks
        self._tick_px, self._tick_gap = 14, None
        self.box.sigXRangeChanged.connect(self._redraw)
        self.box.sigYRangeChanged.connect(self._redraw)     # row height decides gaps
        self.box.sigResized.connect(self._redraw)
        self.playhead.sigPositionChanged.connect(self._on_drag_playhead)
        if state is not None:
            state.time_changed.connect(self.set_time)
            state.run_changed.connect(lambda run: self.set_run(
                run, keep_rows=True, spans=state.index.spans if state.index else None))
            state.bookmarks_changed.connect(self.show_bookmarks)
            state.busy_changed.connect(
                lambda _b: self.run is None and self.note.setText(state.idle_text()))
        self._time = None
        self._hold = False
        self.bookmark_lines: list = []
        self.clear()

    # -- data --------------------------------------------------------------------------

    def clear(self) -> None:
        self.set_run(None)

    def set_run(self, run: Run | None, keep_rows: bool = False,
                spans: SpanLayout | None = None) -> None:
        """Show `run`; `spans` is its SpanLayout if already built (by the worker)."""
        self.run = run
        if run is None:
            self.rows = RowLayout(1, 1)
            self.spans = SpanLayout(None)
        else:
            if not (keep_rows and self.rows and self.rows.nodes == run.nodes
                    and self.rows.cores == run.cores):
                self.rows = RowLayout(run.nodes, run.cores).all_collapsed(
                    run.pes > COLLAPSE_ABOVE_PES)
            self.rows = self.rows.with_names(pe_names(run)).with_links(link_names(run))
            self.spans = spans if spans is not None else SpanLayout(run)
            if self.rows.lanes > 1 and self.rows.lanes != self.spans.max_lanes:
                self.rows = self.rows.with_lanes(max(1, self.spans.max_lanes))
        self._show_legend()
        self._layout_rows(redraw=False)
        self._hold = True                       # one redraw below, not one per change
        self.reset_view()
        self._hold = False
        self._redraw()
        if self.state is not None:
            self.set_time(self.state.time)
        else:
            self.set_time(self.makespan)

    def _show_legend(self) -> None:
        """One link per kind (Ctrl-click toggles it); hidden kinds struck through."""
        names = kind_names(self.run)
        parts = []
        for k in (k for k in KINDS if k in self.spans.kind_rows):
            html = legend_html([k], names)
            if k in self.hidden_kinds:
                html = f"<s style='color:#999999'>{html}</s>"
            parts.append(f"<a href='{k}' style='color:black; text-decoration:none'>{html}</a>")
        self.legend.setText("&nbsp;&nbsp;".join(parts) + (
            f"&nbsp;&nbsp;<span style='color:{MESSAGE_COLOR}'>&#8594;</span> message"
            if len(self.spans.pairs[0]) else ""))

    def _legend_clicked(self, kind: str) -> None:
        if QApplication.keyboardModifiers() & Qt.ControlModifier:
            self.toggle_kind(kind)

    def toggle_kind(self, kind: str) -> None:
        """Hide or show one span kind's bars (Jumpshot's legend toggles)."""
        self.hidden_kinds ^= {kind}
        self.bars[kind].setVisible(kind not in self.hidden_kinds)
        self._show_legend()

    @property
    def makespan(self) -> float:
        if self.run is None or not len(self.run.trace):
            return 1.0
        return float(max(self.run.makespan, self.run.trace.end_s.max())) or 1.0

    def _layout_rows(self, redraw: bool = True) -> None:
        rows = self.rows
        axis = self.item.getAxis("left")
        ticks = rows.ticks()
        metrics = QFontMetrics(axis.style.get("tickFont") or self.font())
        width = max((metrics.horizontalAdvance(label) for _, label in ticks), default=40)
        axis.setStyle(tickTextWidth=width + 8)       # labels wider than this are dropped
        self._ticks, self._tick_px, self._tick_gap = ticks, metrics.height() + 2, None
        self._place_ticks()
        ys = np.repeat(rows.separators(), 2)
        xs = np.tile([0.0, self.makespan * 10], len(rows.separators()))
        self.separators.setData(xs, ys)
        self.links.setOpts(**link_bars(self.run, rows, BAR_HEIGHT))
        self.nic.setOpts(**nic_bars(self.run, rows, BAR_HEIGHT))
        lanes = rows.lane_lines()
        self.lane_lines.setData(np.tile([0.0, self.makespan * 10], len(lanes)),
                                np.repeat(lanes, 2))
        self.box.setLimits(xMin=-0.05 * self.makespan, xMax=1.1 * self.makespan,
                           yMin=-1, yMax=rows.n_rows, minXRange=self.makespan * 1e-7)
        self._place_veil()
        if redraw:
            self._redraw()

    def reset_view(self) -> None:
        self.box.setRange(xRange=(0, self.makespan), yRange=(-0.5, self.rows.n_rows - 0.5),
                          padding=0.02)

    def toggle_node(self, node: int) -> None:
        self.rows = self.rows.toggled(node)
        self._layout_rows()
        self.box.setYRange(-0.5, self.rows.n_rows - 0.5, padding=0.02)

    def show_lanes(self, on: bool) -> bool:
        """Expand every SIMD core into its lanes (when the trace records lanes)."""
        lanes = self.spans.max_lanes if on else 1
        if on and lanes <= 1:
            return False
        self.rows = self.rows.with_lanes(lanes)
        self._layout_rows()
        self.box.setYRange(-0.5, self.rows.n_rows - 0.5, padding=0.02)
        return True

    def collapse_all(self, collapse: bool) -> None:
        self.rows = self.rows.all_collapsed(collapse)
        self._layout_rows()
        self.box.setYRange(-0.5, self.rows.n_rows - 0.5, padding=0.02)

    # -- drawing -----------------------------------------------------------------------

    def _place_ticks(self) -> None:
        """Row labels thinned to the rows' height on screen (rows.thin_ticks), set again
        only when that height changes."""
        rows_per_px = self.box.viewPixelSize()[1]
        gap = round(self._tick_px * rows_per_px, 1) if np.isfinite(rows_per_px) else 0.0
        if gap != self._tick_gap:
            self._tick_gap = gap
            self.item.getAxis("left").setTicks([thin_ticks(self._ticks, gap), []])

    def _redraw(self, *_args) -> None:
        if self._hold:
            return
        self._place_ticks()
        x0, x1 = self.box.viewRange()[0]
        px = max(self.box.viewPixelSize()[0], 1e-300)      # seconds per pixel
        thin = self.box.viewPixelSize()[1] * THIN_ROW_PX > 1.0
        bh = 1.0 if thin else BAR_HEIGHT       # thin rows: no white gap between them
        row_of_pe, hidden = self.rows.row_of_pe, self.rows.pe_collapsed
        occupancy = self._occupancy(x0, x1, px)
        all_hidden = bool(hidden.all())         # every node collapsed: occupancy only
        labels = []
        for k, bar in self.bars.items():
            if k not in self.spans.kind_rows or (all_hidden and k not in occupancy):
                bar.setOpts(x0=[], width=[], y0=[], height=[])
                continue
            lod = not all_hidden and self.spans.use_lod(x1 - x0)
            s, e, pe, _, lanes = self.spans.rows_for(k, lod)
            sel = self.spans.visible(k, x0, x1, lod) if not all_hidden else np.zeros(0, int)
            if self.rows.collapsed:             # collapsed rows: occupancy instead
                sel = np.arange(len(s))[sel] if isinstance(sel, slice) else sel
                sel = sel[~hidden[pe[sel]]]
            p = pe[sel]
            y = row_of_pe[p] - bh / 2
            if self.rows.lanes > 1:             # a span covers its PE's lane rows
                n = self.rows.rows_per_pe[p]
                if k == "compute":              # ... or as many as it has lanes active
                    n = np.clip(lanes[sel], 1, n)
                height = n - (1 - bh)
            else:
                height = np.full(len(p), bh)
            if k in HALF_ROW:
                y = y + HALF_ROW[k] * height
                height = height / 2
            xs, ws = s[sel], e[sel] - s[sel]
            if not lod and self.run is not None and self.run.task_names:
                labels.append((k, sel, xs, ws, y, height))
            if k in occupancy:
                ox, ow, oy, oh = occupancy[k]
                xs, ws = np.concatenate([xs, ox]), np.concatenate([ws, ow])
                y, height = np.concatenate([y, oy]), np.concatenate([height, oh])
            bar.setOpts(x0=xs, width=ws, y0=y, height=height)
        self.labels.show(self.run, self.spans, labels, LABEL_MIN_PX * px, MAX_LABELS)
        self._draw_arrows(x0, x1)
        self._draw_edges(x0, x1, px, thin)

    def _occupancy(self, x0: float, x1: float, px: float) -> dict[str, tuple]:
        """Per kind, the occupancy bars of the collapsed nodes (occupancy.collapsed_bars)."""
        if self.run is None:
            return {}
        return collapsed_bars(self.spans, self.rows, x0, min(x1, self.makespan), px,
                              BAR_HEIGHT, self.box.viewPixelSize()[1])

    def _draw_edges(self, x0: float, x1: float, px: float, thin: bool) -> None:
        """White lines where one task's span follows another's on a PE, only where both
        spans are at least EDGE_MIN_PX wide on screen (never on collapsed or thin rows)."""
        if self.rows.pe_collapsed.all():       # no edges on collapsed rows
            self.edges.setData([], [])
            return
        x, pe, width = self.spans.edges
        if thin:
            x, pe, width = x[:0], pe[:0], width[:0]
        lo, hi = np.searchsorted(x, x0), np.searchsorted(x, x1, "right")
        m = lo + np.flatnonzero((width[lo:hi] >= EDGE_MIN_PX * px)
                                & ~self.rows.pe_collapsed[pe[lo:hi]])
        y = self.rows.row_of_pe[pe[m]].astype(float)
        bottom = y + self.rows.rows_per_pe[pe[m]] - 1 + BAR_HEIGHT / 2
        self.edges.setData(np.repeat(x[m], 2),
                           np.column_stack([y - BAR_HEIGHT / 2, bottom]).ravel())

    def _draw_arrows(self, x0: float, x1: float) -> None:
        send, recv = self.spans.pairs
        self.note.setText("")
        if not len(send) or not self.messages_action.isChecked():
            self.arrows.setData([], [])
            self.heads.setData([], [])
            if len(send):
                self.note.setText("messages hidden (M shows them)")
            return
        tr = self.run.trace
        a, b = self.spans.flight
        src, dst = tr.pe[send], tr.pe[recv]
        hidden = self.rows.pe_collapsed
        vis, note = messages.choose(a, b, hidden[src], hidden[dst], x0, x1, MAX_ARROWS,
                                    HIDE_ARROWS_PER_PX * max(self.box.width(), 1.0))
        self.note.setText(note)
        rows = self.rows.row_of_pe
        ya, yb = rows[src[vis]], rows[dst[vis]]
        xs = np.column_stack([a[vis], b[vis]]).ravel()
        ys = np.column_stack([ya, yb]).ravel().astype(float)
        self.arrows.setData(xs, ys)
        self.heads.setData(b[vis], yb.astype(float))

    def set_time(self, t: float) -> None:
        """Move the playhead; veil what has not happened yet."""
        if t == self._time:
            return
        self._time = t
        self.playhead.blockSignals(True)
        self.playhead.setValue(t)
        self.playhead.blockSignals(False)
        self._place_veil()

    def _place_veil(self) -> None:
        """The veil over the future, over every row (rows change when a node folds)."""
        t = self._time if self._time is not None else self.makespan
        end = self.makespan * 1.2
        self.veil.setRect(QRectF(t, -1.0, max(end - t, 0.0), self.rows.n_rows + 1.0))
        self.veil.setVisible(t < self.makespan)

    def show_bookmarks(self, marks: list[dict]) -> None:
        """A dashed line and its caption per bookmark (bookmark_lines)."""
        for line in self.bookmark_lines:
            self.item.removeItem(line)
        self.bookmark_lines = bookmark_lines(marks, self.makespan)
        for line in self.bookmark_lines:
            self.item.addItem(line, ignoreBounds=True)

    def _on_drag_playhead(self) -> None:
        if self.state is not None:
            self.state.set_time(self.playhead.value())
