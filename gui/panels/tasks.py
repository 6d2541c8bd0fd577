"""The Tasks tab: one row per task, its states over simulated time (the first 64 tasks;
a program's tasks are its threads: sim/analysis/task_rows.py).

    running   the task's compute, stall and switch spans in the trace (by its `task` id)
    I/O       its I/O waits, run.extras["io"] = {"task", "start_s", "end_s"} (timeslice.py)
    copy      its `copy` spans: held by its PE while its inputs are copied (engine/hetero.py)
    waiting   between its first and last activity (running or I/O), when it is neither:
              ready but not running (concurrency without parallelism)
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from ...sim.analysis.task_rows import legend, task_rows
from ...sim.run import Run
from ..style import KIND_COLORS, PLAYHEAD_COLOR
from .plots import PlotTab, fit_title

MAX_TASKS = 64
MAX_LABELLED = 32           # more rows: every k-th labelled
STATE_COLORS = {"running": KIND_COLORS["compute"], "waiting": "#CC79A7",
                "blocked on I/O": "#0072B2", "waiting for a copy": KIND_COLORS["copy"]}
ROW_HEIGHT = 0.7


class TasksView(PlotTab):
    """Task rows (task 0 on top) with one BarGraphItem per state and the shared playhead."""

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.item.invertY(True)
        self.item.setMouseEnabled(x=True, y=False)
        self.playhead = pg.InfiniteLine(angle=90, pen=pg.mkPen(PLAYHEAD_COLOR, width=2,
                                                               style=Qt.DashLine))
        self.playhead.setZValue(10)
        self.bars: dict[str, pg.BarGraphItem] = {}
        self.state = state
        state.run_changed.connect(self.show_run)
        state.busy_changed.connect(lambda _b: self.state.run or self.show_run(None))
        state.time_changed.connect(self.playhead.setValue)
        self.show_run(state.run)

    def show_run(self, run: Run | None) -> None:
        self.bars = {}
        if run is None or not len(run.trace):
            return self.say(self.state.idle_text())
        states, names, total = task_rows(run, MAX_TASKS)
        n = len(names)
        item = self.reset()
        item.setLabel("bottom", "simulated time", units="s")
        key = "&nbsp;&nbsp;".join(                  # the legend, in the title: never on a row
            f"<span style='color:{STATE_COLORS[name]}'>■</span>&nbsp;"     # on one line:
            f"{text.replace(' ', '&nbsp;')}" for name, text in legend(run).items()  # the
            if name == "running" or len(states[name]["task"]))           # states it has
        item.setTitle(key + (f"<br>the first {n} of {total:,} tasks" if total > n else ""),
                      size="10pt")
        fit_title(item)
        for name, iv in states.items():
            bar = pg.BarGraphItem(x0=iv["start_s"], width=iv["end_s"] - iv["start_s"],
                                  y0=iv["task"] - ROW_HEIGHT / 2, height=ROW_HEIGHT,
                                  brush=pg.mkBrush(STATE_COLORS[name]), pen=None, name=name)
            item.addItem(bar)
            self.bars[name] = bar
        step = max(1, -(-n // MAX_LABELLED))     # labels that never overlap
        item.getAxis("left").setTicks([[(i, names[i]) for i in range(0, n, step)]])
        item.setYRange(-0.5, n - 0.5, padding=0)
        item.setXRange(0.0, float(run.trace.end_s.max()), padding=0.01)
        item.addItem(self.playhead, ignoreBounds=True)
