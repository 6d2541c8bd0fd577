"""The main window: scenario form and lesson (left), timeline and player (centre, with the
compare tab), metrics (right), progress and Cancel in the status bar.

The window owns the AppState and the worker thread; widgets only follow the state.
Its menus, toolbar and keys are built by gui/menus.py.
"""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..sim import scenario as scenario_mod
from ..sim import simulate as simulate_mod
from ..sim import size_guard
from ..sim.approximations import APPROXIMATIONS
from ..sim.errors import ScenarioError, TraceFormatError
from ..sim.io import session
from ..sim.run import Run
from ..sim.scenario import Scenario, changed_settings
from ..sim.studies.compare import describe_change
from ..sim.units import clip, one_line, seconds, si
from .analysis import TraceIndex
from .help import Tour, about_text, shortcut_sheet
from .machine_view import install as machine_views
from .menus import build_menus
from .panels.compare import CompareView
from .panels.export import NAMES, export_with_dialog
from .panels.guided import GuidedPanel
from .panels.metrics import MetricsPanel
from .panels.program import ProgramView
from .panels.record import record_dialog, write_plot
from .panels.sweep import SweepPanel
from .panels.tasks import TasksView
from .player import Player
from .presentation import Banner, Presenter
from .program_file import ProgramFile
from .scenario_panel import ScenarioPanel
from .state import AppState
from .timeline import TimelineView
from .worker import SimWorker

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


NARROW_PX = 1200            # narrower windows put the metrics under the timeline
DEFAULT_SIZE = (1600, 1000)
TITLE_BAR_PX = 40
DEFAULT_PRESET = "smp-memory-wall"
DEFAULT_SWEEP = "machine.cores=1,2,4,8,16"


def fitted_size(free_w: int, free_h: int) -> tuple[int, int]:
    """DEFAULT_SIZE, or less on a screen whose free area (less a title bar) is smaller."""
    return min(DEFAULT_SIZE[0], free_w - 8), min(DEFAULT_SIZE[1], free_h - TITLE_BAR_PX)


def settings() -> QSettings:
    """Where the window keeps its layout between sessions."""
    return QSettings(QSettings.IniFormat, QSettings.UserScope, "ParaSim", "ParaSim")


class MainWindow(QMainWindow):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("ParaSim")
        self.state = AppState(self)
        self.worker: SimWorker | None = None
        self._detached: set[SimWorker] = set()     # cancelled, still winding down
        self._t0 = 0.0
        self._shown = False
        self._before: Run | None = None
        self.lesson_origin: Scenario | None = None     # the scenario the lesson describes

        self.timeline = TimelineView(self.state)
        self.player = Player(self.state)
        self.player.reset_done.connect(self.timeline.reset_view)
        self.timeline_page = centre = QWidget()          # the timeline with its player
        lay = QVBoxLayout(centre)
        lay.setContentsMargins(2, 2, 2, 2)
        self.banner = Banner(self.state)                  # the lesson's key numbers
        lay.addWidget(self.banner)
        lay.addWidget(self.timeline, 1)
        lay.addWidget(self.player)
        self.compare = CompareView(self.state)
        self.sweep = SweepPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(centre, "Timeline")
        self.tasks = TasksView(self.state)
        self.tabs.addTab(self.tasks, "Tasks")
        self.program = ProgramView(self.state)
        self.tabs.addTab(self.program, "Program")
        self.tabs.addTab(self.compare, "Compare")
        self.tabs.addTab(self.sweep, "Sweep")
        self.setCentralWidget(self.tabs)
        self.tabs.currentChanged.connect(
            lambda _i: self.tabs.currentWidget() is self.sweep and self.sweep.run_named())

        left = ScenarioPanel()
        self.form, self.run_button, self.learn = left.form, left.run_button, left.learn
        self.scenario_panel = left
        self.run_button.clicked.connect(lambda: self.start_run())
        self.learn.override.connect(self.apply_override)
        self.learn.compare.connect(self.compare_with)
        self.trace_path: str | None = None
        self._after_run = None             # called once with the next finished run
        self.guided = GuidedPanel(self.state, self.player)
        self.learn.layout().addWidget(self.guided)
        self.guided.caption.connect(self.banner.set_caption)
        left_dock = self._dock("Scenario", left, Qt.LeftDockWidgetArea)
        self.metrics = MetricsPanel(self.state)
        right_dock = self._dock("Metrics", self.metrics, Qt.RightDockWidgetArea)
        self.metrics.setMinimumWidth(280)
        self._docks = [left_dock, right_dock]
        self.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)    # metrics moved under
        self.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)  # the timeline: centre only
        self.left_dock, self.metrics_dock = left_dock, right_dock
        self._reflowed = False              # the metrics moved under the timeline by us

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(260)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_run)
        self.cancel_button.hide()
        self.status = QLabel("ready")
        sb = self.statusBar()
        sb.addWidget(self.status, 1)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)

        self.presenter = Presenter(self)
        self.form.validity_changed.connect(self._validity)
        self.form.edited.connect(self._form_edited)
        self.program_file = ProgramFile(self)
        machine_views.install(self)
        build_menus(self)

    def _dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                         | QDockWidget.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    # -- layout ------------------------------------------------------------------------

    def fit_screen(self) -> None:
        """Open at DEFAULT_SIZE or, on a smaller screen, at what its free area allows."""
        screen = self.screen().availableGeometry()
        w, h = fitted_size(screen.width(), screen.height())
        self._reflow(w)
        for part in (self.left_dock, self.toolbar, self.metrics_dock):
            self.layout().activate()
            hint = self.minimumSizeHint()       # e.g. 1280x720 at QT_SCALE_FACTOR=1.5:
            if w >= hint.width() and h >= hint.height():
                break
            part.hide()                         # panels wait in the View menu
        self.resize(w, h)
        self.move(screen.x() + (screen.width() - w) // 2,
                  screen.y() + max(0, (screen.height() - h - TITLE_BAR_PX) // 2))

    def restore_layout(self) -> bool:
        """The window's size and docks as the last session left them (QSettings)."""
        st = settings()
        geometry, docks = st.value("window/geometry"), st.value("window/state")
        if geometry is None:
            return False
        self.restoreGeometry(geometry)
        if docks is not None:
            self.restoreState(docks)
        return True

    def save_layout(self) -> None:
        st = settings()
        st.setValue("window/geometry", self.saveGeometry())
        st.setValue("window/state", self.saveState())

    def default_layout(self) -> None:
        """Every panel (and the toolbar) back in its place and shown."""
        self.toolbar.show()
        for dock, area in ((self.left_dock, Qt.LeftDockWidgetArea),
                           (self.metrics_dock, Qt.RightDockWidgetArea)):
            dock.setFloating(False)
            self.addDockWidget(area, dock)
            dock.show()
        self._reflowed = False
        self._reflow()
        self._size_docks()

    def resize(self, *size) -> None:
        """Reflow for the new width first: a right-hand metrics panel would hold the
        window wider than a small screen."""
        self._reflow(size[0] if len(size) == 2 else size[0].width())
        self.layout().activate()            # the new minimum size, now
        super().resize(*size)

    def _reflow(self, width: int | None = None) -> None:
        """Narrow window: the metrics go under the timeline; wide again: back right."""
        dock = self.metrics_dock
        width = self.width() if width is None else width
        if dock.isFloating():
            return
        area = self.dockWidgetArea(dock)
        if width < NARROW_PX and area == Qt.RightDockWidgetArea:
            self.addDockWidget(Qt.BottomDockWidgetArea, dock)
            self._reflowed = True
            self._size_docks()
        elif width >= NARROW_PX and self._reflowed and area == Qt.BottomDockWidgetArea:
            self.addDockWidget(Qt.RightDockWidgetArea, dock)
            self._reflowed = False
            self._size_docks()

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._reflow()

    def show_approximations(self) -> None:
        """The model's simplifications (sim.approximations), so results are read right."""
        text = "\n\n".join(f"• {line}" for line in APPROXIMATIONS)
        QMessageBox.information(self, "What the model leaves out", text)

    def show_shortcuts(self) -> None:
        self.shortcuts_dialog = shortcut_sheet(self)
        self.shortcuts_dialog.show()

    def show_about(self) -> None:
        QMessageBox.about(self, "About ParaSim", about_text())

    def show_tour(self) -> None:
        """The tour of the window's areas; finishing or skipping it is remembered."""
        self.tour = Tour(self, lambda: settings().setValue("tour/done", True))
        self.tour.show()

    def first_start(self) -> bool:
        return not settings().value("tour/done", False, type=bool)

    def _toggle_lanes(self) -> None:
        on = self.lanes_action.isChecked()
        if not self.timeline.show_lanes(on) and on:
            self.lanes_action.setChecked(False)
            self.status.setText("this trace records no SIMD lanes")

    # -- scenarios ---------------------------------------------------------------------

    def load_scenario(self, name_or_path: str, run: bool = False) -> bool:
        try:
            sc = scenario_mod.load(name_or_path)
        except ScenarioError as exc:
            QMessageBox.critical(self, "Cannot open scenario", str(exc))
            return False
        self.set_scenario(sc)
        if run:
            self.start_run()
        return True

    def set_scenario(self, sc: Scenario) -> None:
        """Show a scenario in the form, as its `[view]` asks: centre and metrics tabs, sweep."""
        self._set_trace_mode(None)
        if self.lesson_origin is None or sc.name != self.lesson_origin.name:
            self.state.set_bookmarks([])
        self.form.set_scenario(sc)
        self.sweep.set_scenario(sc)
        self.sweep.vary.setPlainText(sc.view.sweep or DEFAULT_SWEEP)
        self.metrics.show_tab(sc.view.tab)
        self.tabs.setCurrentWidget(self.tasks if sc.view.centre == "tasks"
                                   else self.timeline_page)
        self.learn.show_scenario(sc)
        self.guided.set_lesson(sc.lesson)
        self.lesson_origin = sc
        self.setWindowTitle(f"ParaSim — {sc.name}")
        self._mark_edited()

    def apply_override(self, item: str) -> bool:
        """Apply one `key=value` (a lesson's --set suggestion) to the form and re-run."""
        try:
            data = scenario_mod.apply_overrides(self.form.data(), [item])
        except ScenarioError as exc:
            self.status.setText(f"cannot apply {item}: {exc}")
            return False
        self.form.build(data)
        self._form_edited()
        if self.form.scenario is None:
            self.status.setText(f"{item}: {self.form.error}")
            return False
        self.status.setText(f"applied --set {item}")
        return self.start_run()

    def compare_with(self, name: str) -> bool:
        """Run the preset `name` (the current run is pinned when it is done, as for any
        re-run) and open Compare."""
        if self.state.run is None or self.worker is not None:
            self.status.setText("run this scenario first, then compare")
            return False
        if not self.load_scenario(name):
            return False
        self._after_run = lambda _run: self.tabs.setCurrentWidget(self.compare)
        if not self.start_run():
            self._after_run = None
            return False
        return True

    def _mark_edited(self) -> None:
        """Flag a form that differs from the run on show (until Run); `[view]` settings
        change no result, so they do not count."""
        run = self.state.run
        sc = self.form.scenario
        edited = (self.trace_path is None and run is not None and run.scenario is not None
                  and sc is not None and sc.replace(view=run.scenario.view) != run.scenario)
        self.scenario_panel.show_edited(edited)
        origin = self.lesson_origin
        self.learn.show_edits(changed_settings(origin, sc) if origin is not None
                              and sc is not None and self.trace_path is None else [])

    def _set_trace_mode(self, path: str | None) -> None:
        """Grey out the form while a trace file (which has no scenario) is shown."""
        self.trace_path = path
        self.scenario_panel.show_trace(path)
        self._validity(self.form.scenario is not None)

    def open_scenario_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open scenario", "", "Scenario (*.toml)")
        if path:
            self.load_scenario(path)

    def save_scenario_dialog(self) -> None:
        sc = self.form.scenario
        if sc is None:
            QMessageBox.warning(self, "Invalid scenario", self.form.error or "invalid")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save scenario", f"{sc.name}.toml",
                                              "Scenario (*.toml)")
        if path:
            self.save_scenario(path)

    def save_scenario(self, path: str) -> bool:
        """Write the form's scenario as TOML; report a failure in a dialog."""
        try:
            scenario_mod.save(self.form.scenario, path)
        except OSError as exc:
            QMessageBox.critical(self, "Save failed", f"Could not write {path}:\n{exc}")
            return False
        return True

    def _form_edited(self) -> None:
        """The display convention applies at once, to the run already shown; the sweep
        tab sweeps the scenario as edited."""
        if self.form.scenario is not None:
            self.state.set_convention(self.form.scenario.options.flop_convention)
            self.sweep.set_scenario(self.form.scenario)
        self._mark_edited()

    def _validity(self, ok: bool) -> None:
        busy = self.worker is not None
        ok = ok and self.trace_path is None
        self.run_button.setEnabled(ok and not busy)
        self.run_action.setEnabled(ok and not busy)
        self.run_button.setToolTip("Simulate this scenario (Ctrl+R)" if ok else
                                   "Showing a trace file: pick a preset or open a scenario"
                                   if self.trace_path else
                                   f"Fix the scenario first: {self.form.error}")

    # -- traces ------------------------------------------------------------------------

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
                tab.currentWidget() is tab.plot:
            return tab.item
        return self.timeline.item

    def export_plot(self, kind: str, path: str | None = None) -> bool:
        """The current plot as PNG at 2x or SVG, for slides."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export plot", f"plot.{kind}",
                                                  f"{kind.upper()} (*.{kind})")
            if not path:
                return False
        try:
            write_plot(self.current_plot(), kind, path)
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

    def pin(self) -> None:
        if self.state.run is not None:
            self.state.pin(self.state.run)
            self.status.setText("pinned; change the scenario and run again, then open Compare")

    # -- running -----------------------------------------------------------------------

    def start_run(self, confirm_large: bool = True) -> bool:
        sc = self.form.validate()
        if sc is None or self.worker is not None:
            return False
        if confirm_large and not self.confirm_size(sc):
            return False
        self.worker = SimWorker(sc, self)
        self.worker.progress.connect(self._on_progress)
        self.worker.done.connect(self._on_done)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.finished.connect(self._on_thread_finished)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self._validity(True)
        self.state.set_busy(True)
        self.status.setText(f"simulating {sc.name}…")
        self._before = self.state.run           # pinned when this run is done
        self._t0 = time.perf_counter()
        self.worker.start()
        return True

    def confirm_size(self, sc: Scenario) -> bool:
        """Ask before a run the size guard estimates at over ASK_ABOVE_S (events, not
        tasks: time slices, memory flows, messages, I/O waits); True to go on."""
        try:
            est = simulate_mod.estimate(sc)
        except ScenarioError as exc:
            QMessageBox.critical(self, "Cannot run", one_line(str(exc)))
            return False
        if est.seconds <= size_guard.ASK_ABOVE_S:
            return True
        answer = QMessageBox.question(
            self, "Large run", f"This run would take {est.describe()}, and may need a lot "
            "of memory. It shows progress and can be cancelled. Start it?",
            QMessageBox.Yes | QMessageBox.No)
        return answer == QMessageBox.Yes

    def cancel_run(self) -> None:
        """Stop the run. The engine stops within its next 8192 events; a worker still in
        a phase that cannot be interrupted (graph building, summary) is detached: the
        window is free at once and its result is dropped."""
        w = self.worker
        if w is None:
            return
        w.cancel()
        for sig, slot in ((w.progress, self._on_progress), (w.done, self._on_done),
                          (w.failed, self._on_failed), (w.cancelled, self._on_cancelled)):
            sig.disconnect(slot)
        self._detached.add(w)
        w.finished.connect(lambda w=w: (self._detached.discard(w), w.deleteLater()))
        self._on_thread_finished()
        self._on_cancelled()

    def _on_progress(self, fraction: float) -> None:
        self.progress.setValue(int(fraction * 1000))

    def _on_done(self, run, index) -> None:
        """Show the run; the one it replaces becomes the pinned run (before and after),
        and the status line says what changed and by how much (sim.studies.compare)."""
        before, self._before = self._before, None
        self.show_run(run, index)
        if before is not None:
            self.state.pin(before)
            self.status.setText(f"{describe_change(before, run)}   (the previous run is "
                                "pinned: Compare shows both)")
        else:
            self.status.setText(f"{run.scenario.name}: simulated {len(run.trace):,} spans "
                                f"in {time.perf_counter() - self._t0:.2f} s wall time")
        after, self._after_run = self._after_run, None
        if after is not None:
            after(run)

    def show_run(self, run: Run, index=None) -> None:
        """Show a simulated run (its TraceIndex if already built) with its lesson."""
        self.state.set_run(run, index)
        self.learn.show_scenario(run.scenario)
        if self.lesson_origin is None or run.scenario.name != self.lesson_origin.name:
            self.lesson_origin = run.scenario
            self.guided.set_lesson(run.scenario.lesson)
        self._mark_edited()

    def _on_failed(self, message: str) -> None:
        self._after_run = None
        self.status.setText("simulation failed")
        QMessageBox.critical(self, "Simulation failed", message)

    def _on_cancelled(self) -> None:
        self._after_run = None
        self.status.setText("cancelled; the previous run is still shown")

    def _on_thread_finished(self) -> None:
        if self.worker is None:
            return
        if self.worker not in self._detached:
            self.worker.deleteLater()
        self.worker.finished.disconnect(self._on_thread_finished)
        self.worker = None
        self.state.set_busy(False)
        self.progress.hide()
        self.cancel_button.hide()
        self._validity(self.form.scenario is not None)

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if not self._shown:
            self._shown = True
            self._size_docks()

    def _size_docks(self) -> None:
        """Side panels in proportion to the window; under the timeline, a third of it."""
        w = self.width()
        left = min(400, max(280, int(w * 0.23)))
        if self.dockWidgetArea(self.metrics_dock) == Qt.BottomDockWidgetArea:
            self.resizeDocks([self.left_dock], [left], Qt.Horizontal)
            self.resizeDocks([self.metrics_dock], [max(220, self.height() // 3)], Qt.Vertical)
        else:
            self.resizeDocks(self._docks, [left, min(480, max(300, int(w * 0.28)))],
                             Qt.Horizontal)

    def closeEvent(self, ev) -> None:
        self.save_layout()
        machine_views.shutdown(self)
        self.sweep.cancel()
        if self.sweep.worker is not None:
            self.sweep.worker.wait(5000)
        for w in [self.worker, *self._detached]:
            if w is not None:
                w.cancel()
                w.wait(5000)
        super().closeEvent(ev)
