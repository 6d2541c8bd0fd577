"""The main window's files: opening a trace CSV or a session (.parasim), saving a session
with its view state and bookmarks, exporting the run, a plot, or a recording."""

from __future__ import annotations

import os

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..sim.io import session
from ..sim.io.files import write_atomic
from ..sim.run import Run
from ..sim.units import seconds, si
from .analysis import TraceIndex
from .file_loader import FileLoader, Opened, is_session
from .panels.export import NAMES, export_with_dialog, widget_image
from .panels.record import record_dialog, write_plot


class FilesMixin:
    """MainWindow's file methods."""

    def open_trace_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open session or trace", "",
            f"Session or trace (*{session.SUFFIX} *.csv);;Session (*{session.SUFFIX});;"
            "Trace CSV (*.csv)")
        if path:
            self.open_file(path)

    def open_file(self, path: str, run: Run | None = None) -> bool:
        """Read a session (.parasim) or a trace CSV in a FileLoader thread (its TraceIndex
        built there too) and show it when read (`_on_opened`); a file that cannot be read
        or drawn: a dialog, and the run shown stays. Cancel drops it. False (nothing
        started) while a run or another file is under way. `run`: the CSV's run, already
        read (only indexed in the thread)."""
        if self.worker is not None:
            self.status.setText("busy: cancel the run (or the file being opened) first")
            return False
        w = FileLoader(path, self, run)
        self._start_worker(w, ((w.done, self._on_opened), (w.failed, self._on_open_failed),
                               (w.cancelled, self._on_cancelled)),
                           f"opening {path}…", "Opening the file… its run appears here "
                           "when it is read.")
        return True

    def open_file_now(self, path: str, run: Run | None = None) -> bool:
        """open_file, returning once the file is shown or refused (the event loop runs
        meanwhile): True if it is shown. For the command line and scripts."""
        before = self.state.run
        if not self.open_file(path, run):
            return False
        w, loop = self.worker, QEventLoop()
        w.finished.connect(loop.quit)           # queued after _on_thread_finished
        if not w.isFinished():
            loop.exec()
        while self.worker is w:                 # its queued slots not yet run
            loop.processEvents()
        return self.state.run is not before

    def _on_opened(self, opened: Opened) -> None:
        """Show a file read by the FileLoader (a session with its lesson, bookmarks and
        view state)."""
        run, path, s = opened.run, opened.path, opened.session
        if s is None:
            self.show_trace(run, path, opened.index)
            self.status.setText(f"opened {path}: {len(run.trace):,} spans" if len(run.trace)
                                else f"opened {path}: the trace is empty (no spans)")
            return
        if run.scenario is not None:
            self.set_scenario(run.scenario)
            self.show_run(run, opened.index)
        else:
            self.show_trace(run, s.source or path, opened.index)
        self.state.set_bookmarks(s.bookmarks)
        self.apply_view_state(s.view)
        self.setWindowTitle(f"ParaSim — {os.path.basename(path)}")
        self.status.setText(f"opened the session {path}")

    def _on_open_failed(self, message: str) -> None:
        kind = "session" if is_session(self.worker.path) else "trace"
        self.status.setText(f"could not open the {kind}; the run shown stays")
        QMessageBox.critical(self, f"Cannot open {kind}", message)

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
