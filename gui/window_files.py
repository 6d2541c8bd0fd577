"""The main window's files: opening a trace CSV or a session (.parasim), saving a session
with its view state and bookmarks, exporting the run, a plot, or a recording."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..sim.errors import ScenarioError, TraceFormatError
from ..sim.io import session
from ..sim.io.files import write_atomic
from ..sim.run import Run
from ..sim.units import clip, one_line, seconds, si
from .analysis import TraceIndex
from .panels.export import NAMES, export_with_dialog, widget_image
from .panels.record import record_dialog, write_plot

DRAWABLE = (1e-200, 1e200)   # positive times, FLOPs and bytes the plots can scale to


def undrawable(run: Run) -> str | None:
    """Why the view cannot draw `run` (a makespan, FLOPs or bytes beyond DRAWABLE: Qt
    and pyqtgraph overflow computing pixel scales), or None."""
    lo, hi = DRAWABLE
    tr = run.trace
    makespan = float(tr.end_s.max()) if len(tr) else 0.0
    if 0 < makespan < lo or makespan > hi:
        return (f"its makespan {makespan:g} s is outside the {lo:g} .. {hi:g} s the view "
                f"can draw")
    for col in ("flops", "bytes"):
        top = float(tr[col].max()) if len(tr) else 0.0
        if top > hi:
            return f"a span has {col} = {top:g}, more than the {hi:g} the view can draw"
    return None


class FilesMixin:
    """MainWindow's file methods."""

    def open_trace_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open session or trace", "",
            f"Session or trace (*{session.SUFFIX} *.csv);;Session (*{session.SUFFIX});;"
            "Trace CSV (*.csv)")
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> bool:
        """A session file (.parasim) or a trace CSV."""
        return self.open_session(path) if path.endswith(session.SUFFIX) else \
            self.open_trace(path)

    # -- sessions ----------------------------------------------------------------------

    def view_state(self) -> dict:
        """How the run is being shown: playhead, tabs, time range, folded nodes, text size."""
        (x0, x1), _ = self.timeline.box.viewRange()
        return {"time_s": self.state.time, "centre_tab": self.tabs.tabText(
                    self.tabs.currentIndex()),
                "metrics_tab": next((k for k, v in self.metrics.by_name.items()
                                     if v is self.metrics.currentWidget()), "summary"),
                "x_range": [x0, x1], "collapsed": sorted(self.timeline.rows.collapsed),
                "text_size": self.presenter.zoom}

    def apply_view_state(self, view: dict) -> None:
        """The opposite of view_state; keys missing or unknown are left as they are."""
        tl = self.timeline
        if view.get("collapsed") is not None:
            tl.rows = tl.rows.all_collapsed(False)
            for node in view["collapsed"]:
                if 0 <= node < tl.rows.nodes:
                    tl.rows = tl.rows.toggled(node)
            tl._layout_rows()
        if view.get("x_range"):
            tl.box.setXRange(*view["x_range"], padding=0)
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i) == view.get("centre_tab"):
                self.tabs.setCurrentIndex(i)
        if view.get("metrics_tab") in self.metrics.by_name:
            self.metrics.show_tab(view["metrics_tab"])
        if view.get("text_size"):
            self.presenter.set_zoom(int(view["text_size"]))
        if view.get("time_s") is not None:
            self.state.set_time(float(view["time_s"]))

    def save_session_dialog(self) -> None:
        if self.state.run is None:
            QMessageBox.information(self, "Nothing to save", "Run a scenario first.")
            return
        run = self.state.run
        name = (run.scenario.name if run.scenario else "session") + session.SUFFIX
        path, _ = QFileDialog.getSaveFileName(self, "Save session", name,
                                              f"Session (*{session.SUFFIX})")
        if path:
            self.save_session(path)

    def save_session(self, path: str) -> bool:
        """Write the run, its lesson, bookmarks and view state as one file."""
        if not path.endswith(session.SUFFIX):
            path += session.SUFFIX
        run = self.state.run
        try:
            session.write(path, run.to_session(source=self.state.source,
                                               bookmarks=self.state.bookmarks,
                                               view=self.view_state()))
        except OSError as exc:
            QMessageBox.critical(self, "Save failed", f"Could not write {path}:\n{exc}")
            return False
        self.status.setText(f"saved the session to {path} ({si(os.path.getsize(path), 'B')})")
        return True

    def open_session(self, path: str) -> bool:
        """Reopen a session as it was saved; a bad file: a dialog, the view kept."""
        try:
            s = session.read(path)
            run = Run.from_session(s)
            problem = undrawable(run)
            if problem:
                raise TraceFormatError(problem)
            index = TraceIndex(run)
        except (TraceFormatError, ScenarioError, OSError, ValueError, MemoryError) as exc:
            QMessageBox.critical(self, "Cannot open session",
                                 f"{clip(path, 200)[1:-1]}:\n{one_line(str(exc))}")
            return False
        if run.scenario is not None:
            self.set_scenario(run.scenario)
            self.show_run(run, index)
        else:
            self.show_trace(run, s.source or path, index)
        self.state.set_bookmarks(s.bookmarks)
        self.apply_view_state(s.view)
        self.setWindowTitle(f"ParaSim — {os.path.basename(path)}")
        self.status.setText(f"opened the session {path}")
        return True

    def open_trace(self, path: str) -> bool:
        """Show a saved trace; on a bad file (or one the view cannot draw) show the error
        and keep the current run: everything is built before the run is replaced."""
        try:
            run = Run.from_trace_csv(path)
            problem = undrawable(run)
            if problem:
                raise TraceFormatError(problem)
            index = TraceIndex(run)
        except (TraceFormatError, OSError, ValueError, MemoryError) as exc:
            QMessageBox.critical(self, "Cannot open trace",
                                 f"{clip(path, 200)[1:-1]}:\n{one_line(str(exc))}")
            return False
        self.show_trace(run, path, index)
        self.status.setText(f"opened {path}: {len(run.trace):,} spans" if len(run.trace)
                            else f"opened {path}: the trace is empty (no spans)")
        return True

    def show_trace(self, run: Run, path: str, index: TraceIndex | None = None) -> None:
        """Show a run loaded from a trace file; the form is greyed out until a scenario
        is loaded."""
        self.state.set_run(run, index, source=path)
        self.state.set_bookmarks([])
        self.lesson_origin = None
        self.learn.show_scenario(None)
        self.guided.set_lesson(None)
        self._set_trace_mode(path)
        self.setWindowTitle(f"ParaSim — {os.path.basename(path)}")
        self._mark_edited()

    def export(self, kind: str, path: str | None = None) -> bool:
        """Export the run (PNG: the current centre tab); the status line says where."""
        view = self.tabs.currentWidget()
        written = export_with_dialog(self, kind, self.state.run, view, path)
        if written:
            size = os.path.getsize(written)
            self.status.setText(f"exported the {NAMES[kind]} to {written} ({si(size, 'B')})")
        return bool(written)

    def record(self) -> None:
        """Record the centre view playing, as GIF or MP4 (gui/panels/record.py)."""
        self.record_dialog = record_dialog(self)

    def current_plot(self):
        """The plot to export: the metrics tab's when it shows one, else the timeline's."""
        tab = self.metrics.currentWidget()
        if self.metrics_dock.isVisible() and tab in self.metrics.plots and \
                tab.currentWidget() is not tab.message:
            return tab.item
        return self.timeline.item

    def export_plot(self, kind: str, path: str | None = None) -> bool:
        """The current plot as PNG at 2x or SVG, for slides (with its key when the key is
        a text line beside the plot, as the roofline's)."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export plot", f"plot.{kind}",
                                                  f"{kind.upper()} (*.{kind})")
            if not path:
                return False
        try:
            item, tab = self.current_plot(), self.metrics.currentWidget()
            if item is getattr(tab, "item", None) and hasattr(tab, "key"):
                write_atomic(path, widget_image(tab.view, kind))
            else:
                write_plot(item, kind, path)
        except OSError as exc:
            QMessageBox.critical(self, "Export failed", f"Could not write {path}:\n{exc}")
            return False
        self.status.setText(f"exported the plot to {path} ({si(os.path.getsize(path), 'B')})")
        return True

    def add_bookmark(self) -> None:
        """A bookmark at the playhead (saved with the session)."""
        if self.state.run is None:
            return
        t = self.state.time
        self.state.set_bookmarks(self.state.bookmarks + [{"t_s": t,
                                                          "caption": f"t = {seconds(t)}"}])
        self.status.setText(f"bookmark at {seconds(t)}")

    def jump_bookmark(self, step: int) -> None:
        """The playhead to the next (step 1) or previous (-1) bookmark."""
        t = self.state.time
        times = [m["t_s"] for m in self.state.bookmarks]
        ahead = [x for x in times if x > t] if step > 0 else [x for x in times if x < t]
        if ahead:
            self.player.pause()
            self.state.set_time(min(ahead) if step > 0 else max(ahead))
