"""Task names written on the bars that are wide enough on screen.

Painted in device pixels (the view transform is undone), so text keeps its size at any
zoom; a name is wrapped at spaces when the bar is tall enough for the lines, and skipped
when it does not fit whole (never cut to "fp…"). `font` is scaled by presentation mode.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics

from .style import LABEL_COLORS

MIN_CHARS_PX = 24          # narrower bars get no name
WRAPPED = Qt.AlignCenter | Qt.TextWordWrap


class TaskLabels(pg.GraphicsObject):
    def __init__(self):
        super().__init__()
        self.font = QFont()
        self.font.setPointSizeF(8)
        self.texts: list[str] = []
        self.colors: list[str] = []
        self.rects = np.zeros((0, 4))
        self._bounds = QRectF()
        self.setZValue(2)

    def setData(self, x0, x1, y0, height, texts, colors) -> None:
        self.prepareGeometryChange()
        self.rects = np.column_stack([x0, y0, np.subtract(x1, x0), height]).astype(float)
        self.texts, self.colors = list(texts), list(colors)
        if len(self.rects):
            lo = self.rects[:, :2].min(axis=0)
            hi = (self.rects[:, :2] + self.rects[:, 2:]).max(axis=0)
            self._bounds = QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])
        else:
            self._bounds = QRectF()
        self.update()

    def show(self, run, spans, drawn: list, min_width: float, max_labels: int) -> None:
        """Name the bars in `drawn` ((kind, positions in the kind's start order, x, width,
        y0, height) per kind) at least `min_width` wide; none when more than max_labels."""
        out = []
        for k, sel, xs, ws, y, h in drawn:
            wide = np.flatnonzero(ws >= min_width)
            if len(wide):
                rows = spans.kind_index[k][np.arange(len(spans.kind_index[k]))[sel][wide]]
                out.append((k, run.trace.task[rows], xs[wide], ws[wide], y[wide], h[wide]))
        if not out or sum(len(o[1]) for o in out) > max_labels:
            self.setData([], [], [], [], [], [])
            return
        names = run.task_names
        texts, colors, cols = [], [], []
        for k, t, xs, ws, y, h in out:
            ok = (t >= 0) & (t < len(names))
            texts += [names[i] for i in t[ok]]
            colors += [LABEL_COLORS[k]] * int(ok.sum())
            cols.append((xs[ok], xs[ok] + ws[ok], y[ok], h[ok]))
        self.setData(*(np.concatenate(c) for c in zip(*cols)), texts, colors)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter, *_args) -> None:
        tr = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setFont(self.font)
        metrics = QFontMetrics(self.font)
        for (x, y, w, h), text, color in zip(self.rects, self.texts, self.colors):
            r = tr.mapRect(QRectF(x, y, w, h)).adjusted(3, 0, -3, 0)
            if r.width() < MIN_CHARS_PX or r.height() < 0.8 * metrics.height():
                continue
            if fits(metrics, r, text):
                painter.setPen(QColor(color))
                painter.drawText(r, WRAPPED, text)
        painter.restore()


def fits(metrics: QFontMetrics, rect: QRectF, text: str) -> bool:
    """Whether `text`, wrapped at spaces, fits `rect` whole (a cut name, "fp…", is no
    name: the tooltip says it)."""
    wrap = metrics.boundingRect(rect.toRect(), WRAPPED, text)
    return wrap.width() <= rect.width() and wrap.height() <= rect.height()
