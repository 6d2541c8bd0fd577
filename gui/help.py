"""Help: the keyboard-shortcut sheet (F1 or ?), About with the version, and the tour of
the window's four areas (shown on the first start, skippable, reopened from Help): each
page outlines its area and dims the rest of the window (Highlight), the page beside it."""

from __future__ import annotations

import html
from importlib import metadata

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

# keys handled by widgets rather than by window actions
WIDGET_KEYS = (("Wheel / Ctrl+wheel", "zoom time / rows on the timeline"),
               ("Drag / Shift+drag", "pan / measure a duration on the timeline"),
               ("Double-click a row", "collapse or expand its node"),
               ("M", "message arrows on or off (timeline)"))

TOUR = (
    ("left_dock", "The scenario and its lesson",
     "On the left: the scenario's settings (edit any field, then Run) and the lesson. "
     "Links in the lesson ('--set ...') change a setting and re-run; the previous run is "
     "kept for Compare."),
    ("timeline_page", "The run, played back",
     "In the centre: one row per core, one colour per kind of work, the key numbers "
     "above. The player below plays the run (Space), steps event by event (arrows) and "
     "jumps to a time."),
    ("metrics_dock", "The numbers",
     "On the right: the summary table and plots (concurrency, power, utilisation, "
     "roofline). They follow the run shown."),
    ("status", "What happened",
     "At the bottom: what the last action did ('workload.bytes 1e6 -> 8: makespan 161 ms "
     "-> 801 µs, 201x faster'), progress and Cancel. F1 lists every key; F5 presents."),
)


def version() -> str:
    try:
        return metadata.version("parasim")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def about_text() -> str:
    return (f"<h3>ParaSim {html.escape(version())}</h3><p>A simulator of parallel computers "
            "for teaching: cores, memory, networks and power, played back as a timeline."
            "</p><p>Help ▸ What the model leaves out lists its simplifications.</p>")


def shortcuts(window) -> list[tuple[str, str]]:
    """(keys, what they do) of every window action with a shortcut, then widget keys."""
    seen, out = set(), []
    for act in window.findChildren(QAction):
        keys = act.shortcut().toString(act.shortcut().SequenceFormat.NativeText)
        text = act.text().replace("&", "").rstrip("…")
        if keys and (keys, text) not in seen:
            seen.add((keys, text))
            out.append((keys, text))
    return sorted(out, key=lambda kv: kv[1].lower()) + list(WIDGET_KEYS)


def shortcut_sheet(window) -> QDialog:
    """A non-modal sheet listing the keys."""
    rows = "".join(f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(v)}"
                   "</td></tr>" for k, v in shortcuts(window))
    dlg = QDialog(window)
    dlg.setWindowTitle("Keyboard shortcuts")
    text = QTextBrowser()
    text.setHtml(f"<table cellpadding='2'>{rows}</table>")
    close = QPushButton("Close")
    close.clicked.connect(dlg.close)
    lay = QVBoxLayout(dlg)
    lay.addWidget(text)
    lay.addWidget(close, 0, Qt.AlignRight)
    dlg.resize(520, 560)
    return dlg


VEIL = QColor(0, 0, 0, 110)          # over the rest of the window
OUTLINE = QColor("#8E44AD")           # around the area described
OUTLINE_PX = 4
GAP_PX = 12                           # between the area and the tour's page


class Highlight(QWidget):
    """A veil over the window with a hole around `target` (window coordinates), outlined;
    mouse clicks go through to the window."""

    def __init__(self, window):
        super().__init__(window)
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.target = QRect()
        self.hide()

    def show_around(self, widget: QWidget | None) -> None:
        """Outline `widget` (hidden or None: no highlight) and cover the window."""
        win = self.parentWidget()
        if widget is None or not widget.isVisibleTo(win):
            self.target = QRect()
            self.hide()
            return
        self.target = QRect(widget.mapTo(win, QPoint(0, 0)), widget.size())
        self.setGeometry(win.rect())
        self.show()
        self.raise_()
        self.update()

    def paintEvent(self, _ev) -> None:
        p = QPainter(self)
        veil = QPainterPath()
        veil.addRect(self.rect())
        hole = QPainterPath()
        hole.addRect(self.target)
        p.fillPath(veil.subtracted(hole), VEIL)
        p.setPen(QPen(OUTLINE, OUTLINE_PX))
        half = OUTLINE_PX / 2                   # just outside the area: none of it covered
        p.drawRect(QRectF(self.target).adjusted(-half, -half, half, half))
        p.end()


def beside(area: QRect, size, free: QRect) -> QPoint:
    """Where a page of `size` goes next to `area` (global coordinates) inside `free` (the
    window on its screen): right of it, left, below or above, the one overlapping it
    least (the first of equals)."""
    w, h = size.width(), size.height()
    cy, cx = area.center().y() - h // 2, area.center().x() - w // 2
    spots = [QPoint(area.right() + GAP_PX, cy), QPoint(area.left() - w - GAP_PX, cy),
             QPoint(cx, area.bottom() + GAP_PX), QPoint(cx, area.top() - h - GAP_PX)]

    def placed(pt: QPoint) -> QRect:
        x = min(max(pt.x(), free.left()), free.right() - w)
        y = min(max(pt.y(), free.top()), free.bottom() - h)
        return QRect(x, y, w, h)

    def overlap(r: QRect) -> int:
        i = r.intersected(area)
        return i.width() * i.height() if i.isValid() else 0

    return min((placed(pt) for pt in spots), key=overlap).topLeft()


class Tour(QDialog):
    """Four pages, one per area of the window, each outlining its area; Skip or finishing
    calls `done_cb`."""

    def __init__(self, window, done_cb=None):
        super().__init__(window)
        self.setWindowTitle("A tour of the window")
        self.window_, self.done_cb, self.page = window, done_cb, 0
        self.highlight = Highlight(window)
        window.installEventFilter(self)         # the outline follows the window's layout
        self.title, self.body = QLabel(), QLabel()
        self.title.setStyleSheet("font-weight: bold")
        self.body.setWordWrap(True)
        self.step = QLabel()
        self.back, self.next = QPushButton("Back"), QPushButton("Next")
        skip = QPushButton("Skip the tour")
        self.back.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next.clicked.connect(self._next)
        self.next.setDefault(True)              # Enter: the next page
        skip.clicked.connect(self.finish)
        buttons = QHBoxLayout()
        buttons.addWidget(self.step)
        buttons.addStretch(1)
        for b in (skip, self.back, self.next):
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.body, 1)
        lay.addLayout(buttons)
        self.resize(420, 200)
        self.show_page(0)

    def show_page(self, page: int) -> None:
        self.page = max(0, min(page, len(TOUR) - 1))
        area, title, body = TOUR[self.page]
        self.title.setText(title)
        self.body.setText(body)
        self.step.setText(f"{self.page + 1} / {len(TOUR)}")
        self.back.setEnabled(self.page > 0)
        self.next.setText("Done" if self.page == len(TOUR) - 1 else "Next")
        widget = getattr(self.window_, area)
        self.highlight.show_around(widget)
        if widget.isVisible():                  # beside the area it describes
            area_rect = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
            free = self.window_.geometry() & self.window_.screen().availableGeometry()
            self.move(beside(area_rect, self.frameGeometry().size(), free))
        else:
            self.body.setText(body + "<br><i>(Hidden now: the View menu shows it.)</i>")

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() in (QEvent.Resize, QEvent.LayoutRequest) and self.isVisible():
            self.highlight.show_around(getattr(self.window_, TOUR[self.page][0]))
        return False

    def hideEvent(self, ev) -> None:
        """Skipped, finished or closed (Esc, the title bar): the veil goes too."""
        self.highlight.hide()
        self.window_.removeEventFilter(self)
        super().hideEvent(ev)

    def _next(self) -> None:
        if self.page == len(TOUR) - 1:
            self.finish()
        else:
            self.show_page(self.page + 1)

    def finish(self) -> None:
        if self.done_cb is not None:
            self.done_cb()
        self.close()
