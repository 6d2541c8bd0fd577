"""The timeline's bookmarks (a guided lesson's steps, the user's marks): a dashed line
at each one's time with its caption, the text kept away from the plot's edge."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

BOOKMARK_COLOR = "#8E44AD"


def bookmark_lines(marks: list[dict], makespan: float) -> list[pg.InfiniteLine]:
    """One line per mark ({"t_s", "caption"}), drawn above the spans and the veil."""
    lines = []
    for m in marks:
        side = 1.0 if m["t_s"] > makespan / 2 else 0.0      # text away from the edge
        line = pg.InfiniteLine(m["t_s"], angle=90,
                               pen=pg.mkPen(BOOKMARK_COLOR, width=2, style=Qt.DashLine),
                               label=m["caption"], labelOpts={
                                   "position": 0.02, "color": BOOKMARK_COLOR,
                                   "fill": (255, 255, 255, 220),
                                   "anchors": [(side, 0), (side, 0)]})
        line.setZValue(8)
        lines.append(line)
    return lines
