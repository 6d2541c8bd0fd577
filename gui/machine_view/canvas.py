"""The machine drawn with QPainter from a MachineModel's geometry and a Frame.

Cells take their span kind's colour (idle light grey); small machines show each core's
SIMD lanes lit by lanes_active; big ones draw each node's cores as a heat-map image.
Links go from grey (idle) to red (full) and thicken with load; packets are dots, each
with a dashed chord from its sender's node to its receiver's (the pattern: a ring, a
neighbour exchange, an all-to-all);
each node's memory gauge fills with its bandwidth in use (red at its ceiling).
Hovering tells the state and figures of the element under the mouse.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen, QTransform
from PySide6.QtWidgets import QToolTip, QWidget

from ...sim.trace import KINDS
from ...sim.units import percent, seconds, si
from ..style import CHOSEN_COLOR, IDLE_COLOR, KIND_COLORS, MESSAGE_COLOR
from ..tooltips import span_text
from .geometry import GAP, LANE_STRIP

STATE_COLORS = [IDLE_COLOR] + [KIND_COLORS[k] for k in KINDS]   # state index 0 = idle
STATE_NAMES = ["idle", *KINDS]
LOAD_LEVELS = 10
GHOST = "#F6F6F6"       # heat-map cells beyond a node's cores
FULL = 0.98             # a gauge or link at this share of its capacity shows as full


def load_color(share: float) -> QColor:
    """Grey when idle, through orange to red when full."""
    s = min(max(share, 0.0), 1.0)
    if s <= 0:
        return QColor("#C8C8C8")
    return QColor.fromHsvF(0.11 * (1 - s), 0.35 + 0.65 * s, 0.95 - 0.2 * s)


def _argb(hex_color: str) -> int:
    return 0xFF000000 | int(hex_color[1:], 16)


STATE_ARGB = np.array([_argb(c) for c in STATE_COLORS] + [_argb(GHOST)], np.uint32)
HEAT_ARGB = np.array([QColor(IDLE_COLOR).toRgb().rgba() if i == 0 else
                      QColor.fromHsvF(0.44, 0.15 + 0.85 * i / 10, 0.9 - 0.3 * i / 10).rgba()
                      for i in range(11)], np.uint32)     # busy share 0 .. 1


class MachineCanvas(QWidget):
    """Draws a MachineModel at a Frame; `set_frame` repaints."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = None
        self.frame = None
        self.selected = -1                 # the chosen PE, outlined
        self.on_choose = None              # called with the PE clicked (-1: none)
        self.chosen_link = -1              # outlined (set_chosen_link); a click calls
                                           # on_choose_link(link under it or -1)
        self.on_choose_link = None
        self.setMouseTracking(True)
        self.setMinimumSize(200, 150)
        self._colors = [QColor(c) for c in STATE_COLORS]
        self._load_colors = [load_color(i / LOAD_LEVELS) for i in range(LOAD_LEVELS + 1)]

    def set_model(self, model) -> None:
        self.model = model
        self.frame = None
        self.chosen_link = -1
        if model is not None:
            g = model.geometry
            self._rects = [QRectF(*r) for r in g.cells]
            self._lines = [[QLineF(*s) for s in segs] for segs in g.links]
            self._node_rects = [QRectF(*r) for r in g.node_box]
            self._switch_rects = [QRectF(*r) for r in g.switches]
            self._gauge_rects = [QRectF(*r) for r in g.gauge]
            self._gauge_list = g.gauge.tolist()
            w = 1.0 / g.lanes if g.lanes else 0.0
            self._lane_rects = [QRectF(x + k * w, y + ch + GAP / 2, w * 0.85, LANE_STRIP)
                                for x, y, _cw, ch in g.cells for k in range(g.lanes)]
        self.update()

    def set_selected(self, pe: int) -> None:
        self.selected = pe
        self.update()

    def set_chosen_link(self, link: int) -> None:
        self.chosen_link = link
        self.update()

    def set_frame(self, frame) -> None:
        self.frame = frame
        self.update()

    # -- coordinates -------------------------------------------------------------------

    def transform(self) -> QTransform:
        """World -> widget: the whole machine fitted, centred, aspect kept."""
        x0, y0, x1, y1 = self.model.geometry.bounds
        s = min(self.width() / (x1 - x0), self.height() / (y1 - y0))
        dx = (self.width() - s * (x1 - x0)) / 2 - s * x0
        dy = (self.height() - s * (y1 - y0)) / 2 - s * y0
        return QTransform(s, 0, 0, s, dx, dy)

    # -- painting ----------------------------------------------------------------------

    def paintEvent(self, _ev) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), Qt.white)
        if self.model is None or self.frame is None:
            p.setPen(QColor("#666666"))
            p.drawText(self.rect(), Qt.AlignCenter,
                       "run a scenario to see its machine" if self.model is None
                       else "building the machine view…")
            return
        tf = self.transform()
        scale = tf.m11()
        p.setTransform(tf)
        if self.model.node_heat:
            self._node_heat(p, self.frame)
            p.end()
            return
        f = self.frame
        self._links(p, f, scale)
        box_pen = QPen(QColor("#555555"))
        box_pen.setCosmetic(True)
        p.setPen(box_pen)
        p.setBrush(QColor("#FAFAFA"))
        p.drawRects(self._switch_rects)
        p.setBrush(Qt.white)
        p.drawRects(self._node_rects)
        p.setPen(Qt.NoPen)
        if self.model.heat:
            self._heat(p, f)
        else:
            self._cells(p, f)
        self._gauges(p, f, scale)
        g = self.model.geometry
        if 0 <= self.selected < len(g.cells):
            pen = QPen(QColor(CHOSEN_COLOR), 3)
            pen.setCosmetic(True)
            p.setPen(pen)
            p.setBrush(Qt.NoBrush)
            x, y, w, h = g.cells[self.selected]
            p.drawRect(QRectF(x - GAP / 2, y - GAP / 2, w + GAP, h + GAP))
            p.setPen(Qt.NoPen)
        if len(f.packets):
            chord = QColor(MESSAGE_COLOR)
            chord.setAlpha(110)
            pen = QPen(chord, 1.5, Qt.DashLine)
            pen.setCosmetic(True)
            p.setPen(pen)                      # sender -> receiver: the pattern
            p.drawLines([QLineF(*c) for c in f.chords.tolist()])
            p.setPen(Qt.NoPen)
            r = 5.0 / scale                    # 5 pixels whatever the zoom
            p.setBrush(QColor(MESSAGE_COLOR))
            for x, y in f.packets:
                p.drawEllipse(QPointF(x, y), r, r)
        p.end()

    def _links(self, p: QPainter, f, scale: float) -> None:
        if not self._lines:
            return
        level = np.clip(np.rint(f.link_load * LOAD_LEVELS), 0, LOAD_LEVELS).astype(int)
        for lv in np.unique(level):
            pen = QPen(self._load_colors[lv])
            pen.setCosmetic(True)
            pen.setWidthF(min(1.5 + 3.0 * lv / LOAD_LEVELS, max(1.0, 0.25 * scale)) + 1)
            p.setPen(pen)
            lines = self._lines
            p.drawLines([ln for i in np.flatnonzero(level == lv).tolist() for ln in lines[i]])
        if 0 <= self.chosen_link < len(self._lines):
            pen = QPen(QColor(CHOSEN_COLOR), 5)
            pen.setCosmetic(True)
            p.setPen(pen)
            p.drawLines(self._lines[self.chosen_link])

    def _cells(self, p: QPainter, f) -> None:
        rects = self._rects
        for s in np.unique(f.state):
            p.setBrush(self._colors[s])
            p.drawRects([rects[i] for i in np.flatnonzero(f.state == s).tolist()])
        lanes = self.model.geometry.lanes
        if lanes:
            lit = [[], []]                       # dark (unused) and lit lane cells
            for i, r in enumerate(self._lane_rects):
                on = int(f.lanes[i // lanes])
                lit[i % lanes < on].append(r)
            p.setBrush(QColor("#DDDDDD"))
            p.drawRects(lit[0])
            p.setBrush(QColor(KIND_COLORS["compute"]).darker(130))
            p.drawRects(lit[1])

    def _heat(self, p: QPainter, f) -> None:
        grids = self.model.heat_grids(f)
        argb = STATE_ARGB[np.where(grids < 0, len(STATE_ARGB) - 1, grids)]
        _, rows, cols = argb.shape
        pitch = 1 + GAP
        for node, (x, y) in enumerate(self.model.geometry.grid[:, :2].tolist()):
            img = QImage(argb[node].data, cols, rows, cols * 4, QImage.Format_ARGB32)
            p.drawImage(QRectF(x, y, cols * pitch - GAP, rows * pitch - GAP), img)

    def _node_heat(self, p: QPainter, f) -> None:
        """One pixel per node on its grid: the share of its PEs busy, grey to green."""
        _, _, cols, rows = (int(v) for v in self.model.geometry.grid[0])
        busy = np.zeros(cols * rows)
        busy[:self.model.run.nodes] = self.model.node_busy(f)
        argb = HEAT_ARGB[np.rint(busy * (len(HEAT_ARGB) - 1)).astype(int)].reshape(rows, cols)
        img = QImage(np.ascontiguousarray(argb).data, cols, rows, cols * 4,
                     QImage.Format_ARGB32)
        p.drawImage(QRectF(0, 0, cols, rows), img)

    def _gauges(self, p: QPainter, f, scale: float) -> None:
        """Grey troughs, blue fills (red at the ceiling), figures when there is room."""
        g = self.model.geometry
        share = np.zeros(len(g.gauge))
        share[:len(f.memory_share)] = np.minimum(f.memory_share[:len(g.gauge)], 1.0)
        p.setBrush(QColor("#E4E4E4"))
        p.drawRects(self._gauge_rects)
        for color, pick in (("#4C72B0", (share > 0) & (share < FULL)),
                            ("#D62728", share >= FULL)):
            p.setBrush(QColor(color))
            gl = self._gauge_list
            p.drawRects([QRectF(gl[i][0], gl[i][1], gl[i][2] * v, gl[i][3])
                         for i, v in zip(np.flatnonzero(pick).tolist(), share[pick].tolist())])
        cap = self.model.traffic.mem_capacity
        x, y, w, h = g.gauge[0]
        if not cap or w * scale <= 30 or h * scale <= 8 or len(g.gauge) > 64:
            return
        font = QFont()
        font.setPixelSize(max(7, min(12, int(0.45 * scale))))
        p.save()
        p.resetTransform()
        p.setFont(font)
        p.setPen(Qt.black)
        tf = self.transform()
        fm = QFontMetrics(font)
        for node, r in enumerate(self._gauge_rects):
            box = tf.mapRect(r)
            text = f"{si(float(f.memory[node]), 'B/s')} of {si(cap, 'B/s')}"
            if self.model.traffic.device is not None and node == 0:
                text = "not modelled"           # the host's memory in an offload run
            if fm.horizontalAdvance(text) > box.width() - 4:
                text = si(float(f.memory[node]), "B/s")
            p.drawText(box, Qt.AlignCenter, text)
        p.restore()

    # -- hover -------------------------------------------------------------------------

    def describe(self, x: float, y: float) -> str | None:
        """Tooltip text for the world point (x, y) at the current frame."""
        m, f = self.model, self.frame
        if m is None or f is None:
            return None
        g, tr = m.geometry, m.traffic
        tol = 6.0 / self.transform().m11()
        if len(f.packets):
            d = np.hypot(f.packets[:, 0] - x, f.packets[:, 1] - y)
            if d.min() <= tol:
                k = int(f.packet_flight[int(np.argmin(d))])
                fl = tr.f
                return (f"<b>message {int(fl['msg'][k])}</b>: PE {int(fl['src_pe'][k])} → "
                        f"PE {int(fl['dst_pe'][k])}, {si(float(fl['bytes'][k]), 'B')}<br>"
                        f"sent {seconds(float(fl['sent_s'][k]))}, arrives "
                        f"{seconds(float(fl['arrival_s'][k]))}")
        pe = g.cell_at(x, y)
        if pe >= 0:
            state = STATE_NAMES[int(f.state[pe])]
            text = f"<b>PE {pe}</b> (node {m.node_of[pe]}): {state}"
            hc = getattr(m.traffic, "host_cores", None)
            if hc is not None:
                text = f"<b>host core {pe}</b>: {state}" if pe < hc else \
                    f"<b>SM {pe - hc}</b>: {state}"
            row = int(f.rows[pe])
            return text + ("<br>" + span_text(m.run, row) if row >= 0 else "")
        link = g.link_at(x, y, tol)
        if link >= 0:
            used = float(f.link_load[link])
            return (f"<b>link {tr.link_names[link]}</b><br>load {percent(used)} of "
                    f"{si(float(tr.capacity[link]), 'B/s')}<br>carried "
                    f"{si(float(tr.link_bytes[link]), 'B')} in the whole run")
        node = g.box_at(g.node_box, x, y)
        if node >= 0:
            busy = m.node_busy(f)[node]
            cap = tr.mem_capacity
            mem = si(float(f.memory[node]), "B/s") + (f" of {si(cap, 'B/s')}" if cap else "")
            label = ("device" if node == 1 else "host") if tr.device is not None \
                else f"node {node}"
            if tr.device is not None and node == 0:
                mem = "not modelled (the offload model times the copies and the kernel)"
            return f"<b>{label}</b>: {percent(busy)} of its PEs busy<br>memory {mem}"
        if g.box_at(g.switches, x, y) >= 0:
            return "<b>switch</b>"
        return None

    def mousePressEvent(self, ev) -> None:
        """A click chooses the core under it (or none) and, off the cores, a link."""
        if self.model is None:
            return
        inv, _ = self.transform().inverted()
        pt = inv.map(ev.position())
        g = self.model.geometry
        pe = g.cell_at(pt.x(), pt.y())
        if self.on_choose is not None:
            self.on_choose(pe)
        if pe < 0 and self.on_choose_link is not None:
            self.on_choose_link(g.link_at(pt.x(), pt.y(), 6.0 / self.transform().m11()))

    def mouseMoveEvent(self, ev) -> None:
        if self.model is None:
            return
        inv, _ = self.transform().inverted()
        pt = inv.map(ev.position())
        text = self.describe(pt.x(), pt.y())
        if text:
            QToolTip.showText(ev.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()
