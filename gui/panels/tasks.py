"""The Tasks tab: one row per task, its states over simulated time (runs of <= 64 tasks).

    running   the task's compute, stall and switch spans in the trace (by its `task` id)
    I/O       its I/O waits, run.extras["io"] = {"task", "start_s", "end_s"} (timeslice.py)
    waiting   between its first and last activity (running or I/O), when it is neither:
              ready but not running (concurrency without parallelism)
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from sim.run import Run
from sim.trace import KIND_CODE, Trace

from ..style import KIND_COLORS, PLAYHEAD_COLOR
from .plots import PlotTab

MAX_TASKS = 64
RUNNING_KINDS = (KIND_CODE["compute"], KIND_CODE["stall"], KIND_CODE["switch"])
STATE_COLORS = {"running": KIND_COLORS["compute"], "waiting": "#CC79A7",
                "blocked on I/O": "#0072B2"}
ROW_HEIGHT = 0.7
HEADROOM = 0.08     # x rows, kept free above task 0 for the legend (~7% of the height)


def _intervals(task, start, end) -> dict:
    return {"task": np.asarray(task, np.int64), "start_s": np.asarray(start, np.float64),
            "end_s": np.asarray(end, np.float64)}


def task_count(run: Run) -> int:
    """Tasks in a run: its names if any, else the highest task id seen (trace or I/O) + 1."""
    ids = [run.trace.task]
    io = run.extras.get("io")
    if io is not None:
        ids.append(np.asarray(io["task"]))
    top = max((int(a.max()) + 1 for a in ids if len(a)), default=0)
    return max(top, len(run.task_names or ()))


def task_states(trace: Trace, io: dict | None = None) -> dict:
    """{"running", "blocked on I/O", "waiting"} -> {"task", "start_s", "end_s"} arrays.

    waiting = the gaps in the union of a task's running and I/O intervals, so it lies
    between the task's first and last activity and overlaps neither."""
    run = np.isin(trace.kind, RUNNING_KINDS) & (trace.task >= 0)
    running = _intervals(trace.task[run], trace.start_s[run], trace.end_s[run])
    blocked = _intervals(*(io[k] for k in ("task", "start_s", "end_s"))) if io is not None \
        else _intervals([], [], [])
    task = np.r_[running["task"], blocked["task"]]
    s = np.r_[running["start_s"], blocked["start_s"]]
    e = np.r_[running["end_s"], blocked["end_s"]]
    order = np.lexsort((s, task))
    task, s, e = task[order], s[order], e[order]
    gap_t, gap_s, gap_e = [], [], []
    for t in np.unique(task):
        mine = task == t
        reach = np.maximum.accumulate(e[mine])      # busy until, after each interval
        nxt = s[mine][1:]
        gap = nxt > reach[:-1]
        gap_t.append(np.full(int(gap.sum()), t))
        gap_s.append(reach[:-1][gap])
        gap_e.append(nxt[gap])
    waiting = _intervals(np.concatenate(gap_t) if gap_t else [],
                         np.concatenate(gap_s) if gap_s else [],
                         np.concatenate(gap_e) if gap_e else [])
    return {"running": running, "blocked on I/O": blocked, "waiting": waiting}


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
        state.run_changed.connect(self.show_run)
        state.time_changed.connect(self.playhead.setValue)
        self.show_run(state.run)

    def show_run(self, run: Run | None) -> None:
        self.bars = {}
        if run is None or not len(run.trace):
            return self.say("No run yet.")
        n = task_count(run)
        if n > MAX_TASKS:
            return self.say(f"too many tasks for the task view ({n}); "
                            f"it shows runs of up to {MAX_TASKS} tasks")
        item = self.reset()
        item.addLegend(offset=(-10, 5), colCount=3, brush=pg.mkBrush(255, 255, 255, 220))
        item.setLabel("bottom", "simulated time", units="s")
        item.setTitle("task states: running, waiting (ready, no core free), blocked on I/O",
                      size="10pt")
        for name, iv in task_states(run.trace, run.extras.get("io")).items():
            bar = pg.BarGraphItem(x0=iv["start_s"], width=iv["end_s"] - iv["start_s"],
                                  y0=iv["task"] - ROW_HEIGHT / 2, height=ROW_HEIGHT,
                                  brush=pg.mkBrush(STATE_COLORS[name]), pen=None, name=name)
            item.addItem(bar)
            self.bars[name] = bar
        names = run.task_names or ()
        item.getAxis("left").setTicks([[(i, names[i] if i < len(names) else f"task {i}")
                                        for i in range(n)]])
        item.setYRange(-0.5 - HEADROOM * n, n - 0.5, padding=0)     # the legend above
        item.setXRange(0.0, float(run.trace.end_s.max()), padding=0.01)
        item.addItem(self.playhead, ignoreBounds=True)
