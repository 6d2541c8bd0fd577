"""The main window: scenario form and lesson (left), timeline and player (centre, with the
compare tab), metrics (right), progress and Cancel in the status bar.

The window owns the AppState and the worker thread; widgets only follow the state.
Its menus, toolbar and keys are built by gui/menus.py; its layout, scenario, file and run
methods live in gui/window_layout.py, window_scenarios.py, window_files.py, window_run.py.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..sim.approximations import APPROXIMATIONS
from ..sim.run import Run
from ..sim.scenario import Scenario
from .file_loader import FileLoader
from .help import Tour, about_text, shortcut_sheet
from .machine_view import install as machine_views
from .menus import build_menus
from .panels.compare import CompareView
from .panels.guided import AnswerBar, GuidedPanel
from .panels.metrics import MetricsPanel
from .panels.program import ProgramView
from .panels.sweep import SweepPanel
from .panels.tasks import TasksView
from .player import Player
from .presentation import Banner, Presenter
from .program_file import ProgramFile
from .scenario_panel import ScenarioPanel
from .state import AppState
from .timeline import TimelineView
from .window_files import FilesMixin
from .window_layout import DEFAULT_SIZE, LayoutMixin, settings
from .window_run import RunMixin
from .window_scenarios import ScenarioMixin
from .worker import SimWorker

DEFAULT_PRESET = "smp-memory-wall"
__all__ = ["DEFAULT_PRESET", "DEFAULT_SIZE", "MainWindow"]


class MainWindow(LayoutMixin, ScenarioMixin, FilesMixin, RunMixin, QMainWindow):
    """The window: builds its widgets and docks; the mixins hold its behaviour."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("ParaSim")
        self.state = AppState(self)
        self.worker: SimWorker | FileLoader | None = None   # one at a time
        self._links: tuple = ()                    # its signals and the slots they call
        self._detached: set[SimWorker | FileLoader] = set()   # cancelled, winding down
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
        self.answer_bar = AnswerBar(self.guided)      # answers in presentation mode
        lay.insertWidget(1, self.answer_bar)
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

    def closeEvent(self, ev) -> None:
        self.save_layout()
        machine_views.shutdown(self)
        self.sweep.cancel()
        if self.sweep.worker is not None:
            self.sweep.worker.wait(5000)
        for w in [self.worker, *self._detached]:     # a file being read is read to its
            if w is not None:                         # end: its thread cannot be stopped
                w.cancel()
                w.wait() if isinstance(w, FileLoader) else w.wait(5000)
        super().closeEvent(ev)
