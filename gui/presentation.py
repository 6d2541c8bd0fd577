"""Presentation mode: the centre view and the player fill the window, the lesson's key
numbers (sim.report.key_figures) in large type above them (and the guided questions'
answer field under them), every font scaled together.

    F5               presentation mode on / off (the side panels and toolbar hide)
    Ctrl + / Ctrl -  text size, 100-250 % (labels, axes, tables, lesson text, banner)
    Ctrl 0           text size back to 100 %
    F11              full screen
"""

from __future__ import annotations

import html

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ..sim.report import key_figures
from ..sim.units import si
from .panels.plots import fit_title

ZOOM_MIN, ZOOM_MAX, ZOOM_STEP = 100, 250, 25
PRESENTATION_ZOOM = 175         # presentation mode starts at least this large
LABEL_PT = 8.0                  # span names at 100 %
TITLE_PT = 10.0                 # plot titles at 100 %
BANNER_SCALE = (1.2, 2.0)       # banner numbers: x the text size, normal / presentation

_base_pt: float | None = None   # the application's font size at 100 %


def base_point_size() -> float:
    global _base_pt
    if _base_pt is None:
        _base_pt = QApplication.font().pointSizeF()
    return _base_pt


class Banner(QLabel):
    """The run's key figures on one line; power at the playhead when time-dependent."""

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.state = state
        self.large = False
        self.caption = ""
        self.setTextFormat(Qt.RichText)
        self.setAlignment(Qt.AlignCenter)
        self.setWordWrap(True)                  # a narrow screen: two lines, not wider
        self.setStyleSheet("background: #F4F4F4; padding: 2px")
        state.run_changed.connect(lambda _r: self.refresh())
        state.time_changed.connect(lambda _t: self.refresh())
        state.convention_changed.connect(lambda _c: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        run, ix = self.state.run, self.state.index
        self.setVisible(run is not None)
        if run is None:
            return
        figures = key_figures(run.summary, self.state.convention)
        watts = ix.power_at(self.state.time) if ix is not None else None
        if watts is not None:
            figures.append(("POWER NOW", si(watts, "W")))
        base = self.font().pointSizeF()
        pt = base * BANNER_SCALE[self.large]
        nb = "&nbsp;"                           # a figure never wraps inside itself
        text = f"{nb}{nb} ".join(
            f"<span style='font-size:{max(pt * 0.55, base):.0f}pt; color:#555'>"
            f"{label.replace(' ', nb)}</span>{nb}"
            f"<span style='font-size:{pt:.0f}pt'><b>{value.replace(' ', nb)}</b></span>"
            for label, value in figures)
        if self.caption:
            text += (f"<br><span style='font-size:{base * (1.4 if self.large else 1):.0f}pt;"
                     f" color:#8E44AD'>{html.escape(self.caption)}</span>")
        self.setText(text)

    def set_caption(self, text: str) -> None:
        """A line under the figures: the guided lesson's step (visible in presentation)."""
        self.caption = text
        self.refresh()


class Presenter:
    """Text size and presentation mode of a MainWindow."""

    def __init__(self, window):
        self.w = window
        self.zoom = ZOOM_MIN
        for sig in (window.state.run_changed, window.state.pinned_changed,
                    window.metrics.currentChanged, window.tabs.currentChanged):
            sig.connect(self._after_redraw)
        self.on = False
        self._restore: list = []        # (widget, was visible) hidden by presentation
        self._zoom_before = ZOOM_MIN

    def set_zoom(self, pct: int) -> int:
        """Scale every font to pct % (clamped to 100-250); returns the size set."""
        pct = int(min(max(pct, ZOOM_MIN), ZOOM_MAX))
        self.zoom = pct
        pt = base_point_size() * pct / 100
        app = QApplication.instance()
        font = QFont(app.font())
        font.setPointSizeF(pt)
        self.w.setFont(font)            # the window's widgets, at once
        for child in self.w.findChildren(QWidget):
            if child.font().pointSizeF() != pt:     # under a style sheet it does not
                child.setFont(font)                 # propagate: set it
        app.setFont(font)               # and dialogs
        for plot in self.w.findChildren(pg.PlotWidget):
            item = plot.getPlotItem()
            for name in ("left", "bottom"):
                axis = item.getAxis(name)
                axis.setTickFont(font)
                if axis.label.isVisible():
                    axis.setLabel(axis.labelText, axis.labelUnits, axis.labelUnitPrefix,
                                  **{**axis.labelStyle, "font-size": f"{pt:.1f}pt"})
        self.scale_titles()
        from .timeline import TimelineView
        for view in self.w.findChildren(TimelineView):
            view.labels.font.setPointSizeF(LABEL_PT * pct / 100)
            view._layout_rows()
        self.w.banner.refresh()
        self.w.status.setText(f"text size {pct} %")
        return pct

    def scale_titles(self) -> None:
        """Plot titles at TITLE_PT x the text size (the tabs set them when they redraw:
        the window calls this again after a redraw)."""
        size = f"{TITLE_PT * self.zoom / 100:.0f}pt"
        for plot in self.w.findChildren(pg.PlotWidget):
            item = plot.getPlotItem()
            if item.titleLabel.isVisible() and item.titleLabel.text and \
                    item.titleLabel.opts.get("size") != size:
                item.setTitle(item.titleLabel.text, size=size)
                fit_title(item)

    def _after_redraw(self, *_) -> None:
        if self.zoom != ZOOM_MIN:
            QTimer.singleShot(0, self.scale_titles)

    def bigger(self) -> None:
        self.set_zoom(self.zoom + ZOOM_STEP)

    def smaller(self) -> None:
        self.set_zoom(self.zoom - ZOOM_STEP)

    def toggle(self) -> None:
        """Presentation mode on or off: side panels and toolbar hidden (and restored),
        the banner large, text at least PRESENTATION_ZOOM %."""
        w = self.w
        self.on = not self.on
        if self.on:
            self._restore = [(x, x.isVisible()) for x in (w.left_dock, w.metrics_dock,
                                                          w.toolbar)]
            for x, _ in self._restore:
                x.hide()
            if w.tabs.currentWidget() not in (w.timeline_page, w.tasks):
                w.tabs.setCurrentWidget(w.timeline_page)
            self._zoom_before = self.zoom
            w.banner.large = True
            self.set_zoom(max(self.zoom, PRESENTATION_ZOOM))
        else:
            for x, visible in self._restore:
                x.setVisible(visible)
            w.banner.large = False
            self.set_zoom(self._zoom_before)
        w.answer_bar.set_presenting(self.on)
        w.presentation_action.setChecked(self.on)

    def toggle_full_screen(self) -> None:
        self.w.showNormal() if self.w.isFullScreen() else self.w.showFullScreen()
