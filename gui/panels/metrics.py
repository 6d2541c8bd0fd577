"""The metrics panel: the summary table and the plot tabs, redrawn when the run changes."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...sim.report import summary_rows, work_unit
from ...sim.scenario import VIEW_TABS
from ..state import AppState
from .plots import ConcurrencyTab, LayersTab, PowerTab, UtilisationTab
from .roofline import RooflineTab

# short tab labels so all seven fit the dock; the tooltip says what each shows
TAB_NAMES = (("Concurrency", "Concurrency and parallelism over time"),
             ("Power", "Power over time"),
             ("Use", "Utilisation: how each PE spent the makespan"),
             ("Roofline", "Roofline: each task's intensity and rate under the machine's roofs"),
             ("Layers", "FLOPs and busy time per CNN layer"))


def fill_table(table: QTableWidget, header: list[str], rows: list[list[str]]) -> None:
    table.clear()
    table.setColumnCount(len(header))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels(header)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()
    table.horizontalHeader().setSectionResizeMode(len(header) - 1, QHeaderView.Stretch)


class SummaryTab(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.table = QTableWidget()
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.title)
        lay.addWidget(self.table, 1)

    def show_run(self, run, conv: str = "flops", idle: str = "No run yet.",
                 source: str = "") -> None:
        if run is None:
            self.title.setText(idle)
            fill_table(self.table, ["metric", "value"], [])
            return
        source = run.scenario.name if run.scenario else f"trace file {source} (no "\
            "scenario: peak and speedup unknown)"
        self.title.setText(f"<b>{source}</b><br>work counted in {work_unit(conv)[2]}; "
                           "speedup curves: the Sweep tab")
        fill_table(self.table, ["metric", "value"],
                   [list(r) for r in summary_rows(run.summary, conv)])


class MetricsPanel(QTabWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.summary = SummaryTab()
        self.concurrency = ConcurrencyTab()
        self.plots = [self.concurrency, PowerTab(), UtilisationTab(), RooflineTab(),
                      LayersTab()]
        self.by_name = dict(zip(VIEW_TABS, [self.summary, *self.plots]))
        self.addTab(self.summary, "Summary")
        for tab, (name, tip) in zip(self.plots, TAB_NAMES):
            self.setTabToolTip(self.addTab(tab, name), tip)
        self.tabBar().setElideMode(Qt.ElideNone)
        self.tabBar().setStyleSheet("QTabBar::tab { padding: 4px 5px; }")
        self.tabBar().setUsesScrollButtons(True)
        self._stale = set()
        state.run_changed.connect(self.show_run)
        state.convention_changed.connect(lambda _c: self.show_run(state.run))
        state.time_changed.connect(self.concurrency.set_time)
        state.busy_changed.connect(lambda _b: state.run or self.show_run(None))
        self.currentChanged.connect(self._refresh_current)
        self.show_run(state.run)

    def show_tab(self, name: str) -> None:
        """Open the tab a scenario's `[view] tab` names (sim.scenario.VIEW_TABS)."""
        self.setCurrentWidget(self.by_name[name])

    def show_run(self, run) -> None:
        """Fill the summary now and the plots lazily: a tab is drawn when it is shown."""
        self.summary.show_run(run, self.state.convention, self.state.idle_text(),
                              os.path.basename(self.state.source))
        for tab in self.plots:
            tab.idle_text = self.state.idle_text()
        self._stale = set(self.plots)
        self._refresh_current()

    def _refresh_current(self, *_):
        tab = self.currentWidget()
        if tab in self._stale:
            self._stale.discard(tab)
            tab.convention = self.state.convention
            tab.show_run(self.state.index if self.state.run is not None else None)
