"""Concurrency and parallelism over time, from a run's trace (the lecture's two words).

    concurrency(t) = tasks started and not finished at t: a task counts from the start
                     of its first span carrying its id (any kind but the switch into
                     it) to the end of its last, including the time it is preempted,
                     blocked on I/O or waiting on a message (logically active);
    parallelism(t) = PEs running a task at t: inside a compute or stall span (actually
                     active; a stalled core still holds its task; switch, wait, send
                     and recv spans do not count: a core spinning on a message computes
                     nothing, though power.py counts it busy).

Each PE runs one task at a time, so parallelism <= concurrency at every instant.
Averages are time averages over [0, makespan].
"""

from __future__ import annotations

import numpy as np

from ..steps import count_steps, level_at
from ..trace import KIND_CODE, Trace

RUNNING = (KIND_CODE["compute"], KIND_CODE["stall"])


def task_extents(trace: Trace) -> tuple[np.ndarray, np.ndarray]:
    """Per task (in id order): the start of its first span and the end of its last
    (switch spans excluded): the interval in which it counts towards concurrency."""
    mine = (trace.task >= 0) & (trace.kind != KIND_CODE["switch"])
    task, s, e = trace.task[mine], trace.start_s[mine], trace.end_s[mine]
    order = np.lexsort((s, task))
    by_task = task[order]
    heads = np.flatnonzero(np.r_[True, by_task[1:] != by_task[:-1]])[:len(task)]
    first = s[order[heads]]
    last_end = np.maximum.reduceat(e[order], heads) if len(heads) else np.zeros(0)
    return first, last_end


def concurrency_series(trace: Trace, makespan: float,
                       extents: tuple[np.ndarray, np.ndarray] | None = None) -> dict:
    """{"t_s", "concurrency", "parallelism"}: levels on [t_i, t_(i+1)), on one time grid;
    `extents` (first, last end) per task when the trace's task ids are not the tasks
    (a program's: analysis/task_rows.py)."""
    first, last_end = task_extents(trace) if extents is None else extents
    _, tc, conc = count_steps(first, last_end, horizon=makespan)
    run = np.isin(trace.kind, RUNNING) & (trace.task >= 0)
    _, tp, par = count_steps(trace.start_s[run], trace.end_s[run], horizon=makespan)
    t = np.union1d(tc, tp)
    return {"t_s": t, "concurrency": level_at(tc, conc, t), "parallelism": level_at(tp, par, t)}


def concurrency_summary(series: dict, makespan: float) -> dict:
    """avg_/max_ concurrency and parallelism (time averages over the makespan)."""
    t = series["t_s"]
    dt = np.diff(t)
    out = {}
    for key in ("concurrency", "parallelism"):
        level = series[key]
        avg = float(np.sum(level[:-1] * dt) / makespan) if makespan > 0 else 0.0
        out[f"avg_{key}"] = avg
        out[f"max_{key}"] = int(level.max()) if len(level) else 0
    return out
