"""The plot tabs of the metrics panel. Each tab shows a plot, or says why it cannot.

    concurrency vs parallelism   step curves over time (definitions in gui/analysis.py)
    power                        the run's power samples, W over time (and per node, for
                                 a few nodes, when the run carries node series)
    utilisation                  per PE: compute / stall / comm / switch / wait+idle,
                                 as % of the makespan, stacked
    roofline                     gui/panels/roofline.py
    FLOPs per layer              per layer: a table (kind, shape, params, work, busy time,
                                 the MAC formula) and bars of the work and busy-time shares
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
)

from ...sim.analysis.layers import layer_details, per_layer
from ...sim.analysis.metrics import time_by_kind
from ...sim.report import work_unit
from ...sim.trace import KIND_CODE
from ...sim.units import percent, si
from ..analysis import TraceIndex
from ..style import IDLE_COLOR, KIND_COLORS, PLAYHEAD_COLOR

MAX_LAYERS = 1000           # more groups than this are not layers worth a row each
                            # (GPT-2 medium: 341 layers, Llama-2-7B: 547)
MAX_NODE_LINES = 8          # per-node power lines drawn up to this many nodes
NODE_COLORS = ("#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#000000", "#999999", "#F0E442",
               "#882255")


class PlotTab(QStackedWidget):
    """A plot, or a message in its place. `convention` is how work is displayed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.convention = "flops"
        self.idle_text = "No run yet."          # the metrics panel says when a run is on
        self.plot = pg.PlotWidget()
        self.item = self.plot.getPlotItem()
        self.item.hideButtons()
        self.item.showGrid(x=True, y=True, alpha=0.25)
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #555555; font-size: 12pt; padding: 20px")
        self.addWidget(self.plot)
        self.addWidget(self.message)

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.setCurrentWidget(self.message)

    def reset(self) -> pg.PlotItem:
        self.item.clear()
        if self.item.legend is not None:
            self.item.legend.clear()
        self.setCurrentWidget(self.plot)
        return self.item


def key_title(item: pg.PlotItem, title: str, per_line: int = 3) -> None:
    """`title` with the plot's legend on the lines under it, never over the data: per
    named curve a mark in its colour (━ line, ┄ dashed line, ● points), `per_line` a line
    (a title does not wrap)."""
    marks = []
    for curve in item.listDataItems():
        if not curve.name():
            continue
        pen = pg.mkPen(curve.opts.get("pen"))
        if pen.style() == Qt.NoPen:
            mark, color = "●", pg.mkBrush(curve.opts.get("symbolBrush")).color()
        else:
            mark, color = ("━" if pen.style() == Qt.SolidLine else "┄"), pen.color()
        marks.append(f"<span style='color:{color.name()}'>{mark}</span>&nbsp;"
                     f"{html.escape(curve.name()).replace(' ', '&nbsp;')}")
    lines = ["&nbsp;&nbsp; ".join(marks[i:i + per_line])
             for i in range(0, len(marks), per_line)]
    item.setTitle("<br>".join([title, *lines]), size="10pt")
    fit_title(item)


def fit_title(item: pg.PlotItem) -> None:
    """Make the title's row as tall as its text: pyqtgraph fixes it at 30 px, which cuts
    a title of two lines or more."""
    h = max(30.0, item.titleLabel.item.boundingRect().height())
    item.titleLabel.setMaximumHeight(h)
    item.layout.setRowFixedHeight(0, h)


def _step(item, t, level, end, color, name, width=2):
    x = np.r_[t, max(end, t[-1])]
    item.plot(x, level, stepMode="center", pen=pg.mkPen(color, width=width), name=name)


class ConcurrencyTab(PlotTab):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.playhead = pg.InfiniteLine(angle=90, pen=pg.mkPen(PLAYHEAD_COLOR, style=Qt.DashLine))

    def show_run(self, ix: TraceIndex | None) -> None:
        if ix is None or not len(ix.run.trace):
            return self.say(self.idle_text)
        item = self.reset()
        item.setLabel("bottom", "simulated time", units="s")
        item.setLabel("left", "count")
        if ix.has_tasks:
            _step(item, *ix.concurrency_series(), ix.makespan, "#CC79A7",
                  "concurrency = tasks started and not finished", width=5)
        par = ix.parallelism_series()
        _step(item, *par, ix.makespan, KIND_COLORS["compute"],
              "parallelism = PEs running a task")
        top = max(par[1].max(), ix.concurrency_series()[1].max() if ix.has_tasks else 0)
        item.setYRange(0, 1.1 * top + 1, padding=0)
        item.addItem(self.playhead, ignoreBounds=True)
        key_title(item, "concurrency vs parallelism", per_line=1)     # long names

    def set_time(self, t: float) -> None:
        self.playhead.setValue(t)


class PowerTab(PlotTab):
    def show_run(self, ix: TraceIndex | None) -> None:
        if ix is None or ix.power is None:
            return self.say("This run has no power model, so there is no power over time.\n"
                            "Runs from machines with a power model show their watts here.")
        item = self.reset()
        t, w = ix.power
        item.plot(np.r_[t, max(ix.makespan, t[-1])], w, stepMode="center",
                  pen=pg.mkPen("#D55E00", width=2), name="machine")
        p = ix.run.extras["power"]
        nodes = p.get("node_ptr") if isinstance(p, Mapping) else None
        if nodes is not None and 1 < len(nodes) - 1 <= MAX_NODE_LINES:
            for k in range(len(nodes) - 1):
                a, b = int(nodes[k]), int(nodes[k + 1])
                nt, nw = np.asarray(p["node_t_s"][a:b]), np.asarray(p["node_watts"][a:b])
                if len(nt):
                    item.plot(np.r_[nt, max(ix.makespan, nt[-1])], nw, stepMode="center",
                              pen=pg.mkPen(NODE_COLORS[k % len(NODE_COLORS)], width=1),
                              name=f"node {k}")
        top = float(np.max(w))
        item.setYRange(0, 1.1 * top if top > 0 else 1.0, padding=0)
        item.setLabel("bottom", "simulated time", units="s")
        item.setLabel("left", "power", units="W")
        key_title(item, "power over time", per_line=5)


class UtilisationTab(PlotTab):
    GROUPS = (("compute", ("compute",)), ("stall", ("stall",)), ("comm", ("send", "recv")),
              ("switch", ("switch",)), ("wait + idle", None))

    def show_run(self, ix: TraceIndex | None) -> None:
        run = ix.run if ix else None
        if run is None or ix.makespan <= 0:
            return self.say(self.idle_text)
        item = self.reset()
        tk = time_by_kind(run.trace, run.pes) / ix.makespan * 100
        label = "PE"
        if run.pes > 256:                       # too many bars: average per node
            tk = tk.reshape(run.nodes, run.cores, -1).mean(axis=1)
            label = "node (mean of its PEs)"
        n = len(tk)
        y = np.arange(n)
        left = np.zeros(n)
        key = []                                # the legend, in the title: never on a bar
        for name, kinds in self.GROUPS:
            if kinds is None:
                width = np.maximum(100 - left, 0)
                color = IDLE_COLOR
            else:
                width = sum(tk[:, KIND_CODE[k]] for k in kinds)
                color = KIND_COLORS[kinds[0]]
            if kinds is None or width.any():
                bar = pg.BarGraphItem(x0=left, width=width, y=y, height=0.8, brush=color,
                                      pen=pg.mkPen("#888888", width=0.5) if kinds is None
                                      else None, name=name)
                item.addItem(bar)
                mark = "□" if kinds is None else "■"      # idle is near-white: outlined
                shown = "#888888" if kinds is None else pg.mkColor(color).name()
                key.append(f'<span style="color:{shown}">{mark}</span> {name}')
            left = left + width
        item.getViewBox().invertY(True)
        item.setLabel("bottom", "share of the makespan (%)")
        item.setLabel("left", label)
        item.setTitle("  ".join(key), size="9pt")
        item.setXRange(0, 100, padding=0.02)
        item.getAxis("bottom").setTicks([[(v, str(v)) for v in range(0, 101, 20)]])
        item.setYRange(-0.6, n - 0.4, padding=0)
        step = max(1, int(np.ceil(n / 24)))     # whole PEs (or nodes), at most ~24 ticks
        axis = item.getAxis("left")
        axis.enableAutoSIPrefix(False)
        axis.setTicks([[(i, str(i)) for i in range(0, n, step)]])


class LayersTab(PlotTab):
    """Per layer (sim.analysis.layers): a scrolling table (layer, kind, work, share, busy
    time, time share, output shape, params, the MACs of one sample as the lecture's
    k*k*c*H*W*o) above bars of the work and busy-time shares by layer number."""

    COLUMNS = ("#", "Layer", "Kind", "Work", "Share", "Busy (PE-s)", "Time share",
               "Output shape", "Params", "MACs per sample")
    RIGHT = frozenset((0, 3, 4, 5, 6, 8))
    PLOT_MIN_HEIGHT = 130     # px
    TABLE_MIN_HEIGHT = 90     # px: the header and about 3 rows
    NAME_MAX_WIDTH = 240      # px: a longer layer name is elided (full name in its tooltip)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QTableWidget()
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.removeWidget(self.plot)
        self.view = QSplitter(Qt.Vertical)
        self.view.addWidget(self.table)
        self.view.addWidget(self.plot)
        self.plot.show()  # the stack hid it as a page
        self.view.setStretchFactor(0, 3)
        self.view.setStretchFactor(1, 2)
        self.view.setSizes([300, 200])  # proportions: the table above, the bars below
        self.plot.setMinimumHeight(self.PLOT_MIN_HEIGHT)  # bars stay readable in a short dock
        self.table.setMinimumHeight(self.TABLE_MIN_HEIGHT)
        self.table.setTextElideMode(Qt.ElideMiddle)  # long names keep both ends
        self.insertWidget(0, self.view)

    def reset(self) -> pg.PlotItem:
        self.item.clear()
        if self.item.legend is not None:
            self.item.legend.clear()
        self.setCurrentWidget(self.view)
        return self.item

    def show_run(self, ix: TraceIndex | None) -> None:
        rows = per_layer(ix.run) if ix is not None else ()
        if not 1 < len(rows) <= MAX_LAYERS:
            return self.say("FLOPs per layer appear for runs whose tasks are layers "
                            "(CNN and transformer workloads: tasks named 'layer @ tag'); this run "
                            "has none.")
        unit, k, _ = work_unit(self.convention)
        self._fill(rows, layer_details(ix.run), unit, k)
        item = self.reset()
        x = np.arange(1, len(rows) + 1)
        flops = np.array([r.flops_share for r in rows]) * 100
        busy = np.array([r.time_share for r in rows]) * 100
        # top right, above the bars: the y range leaves it the top half
        item.addLegend(offset=(-6, 2), labelTextSize="8pt", verSpacing=-6,
                       brush=pg.mkBrush(255, 255, 255, 210))
        item.addItem(pg.BarGraphItem(x=x - 0.2, height=flops, y0=0, width=0.4,
                                     brush="#0072B2", pen=None, name=f"share of the {unit}s"))
        item.addItem(pg.BarGraphItem(x=x + 0.2, height=busy, y0=0, width=0.4,
                                     brush="#E69F00", pen=None, name="share of the busy time"))
        item.setXRange(0.4, len(rows) + 0.6, padding=0)
        item.setYRange(0, max(flops.max(), busy.max()) * 2.0, padding=0)  # room for the legend
        item.setLabel("bottom", "layer # (the table's first column)")
        item.setLabel("left", "share of the run (%)")
        total = sum(r.flops for r in rows) * k
        item.setTitle(f"per layer: {si(total, unit)} in {len(rows)} layers", size="10pt")

    def _fill(self, rows, details, unit: str, k: float) -> None:
        t = self.table
        t.clear()
        t.setColumnCount(len(self.COLUMNS))
        t.setRowCount(len(rows))
        t.setHorizontalHeaderLabels([f"Work ({unit})" if c == "Work" else c for c in self.COLUMNS])
        for i, r in enumerate(rows):
            d = details.get(r.layer)
            cells = (str(i + 1), r.layer, d.kind if d else "-", si(r.flops * k, unit),
                     percent(r.flops_share), si(r.time_s, "s"), percent(r.time_share),
                     "x".join(map(str, d.output_shape)) if d else "-",
                     si(d.params) if d and d.params else "-", d.formula if d else "")
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c in self.RIGHT:
                    cell.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if c == len(cells) - 1 and text:
                    cell.setToolTip(f"{r.layer}: MACs of one sample = {text}")
                elif c == 1:
                    cell.setToolTip(text)
                t.setItem(i, c, cell)
        t.resizeColumnsToContents()
        t.setColumnWidth(1, min(t.columnWidth(1), self.NAME_MAX_WIDTH))
        t.horizontalHeader().setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.Stretch)
