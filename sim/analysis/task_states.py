"""Each task's states over time: running (on a core), blocked on I/O, waiting for a copy
(its PE holds it while its inputs are copied between memories: `copy` spans), and
waiting (ready or started, but on no core: the gaps between the others)."""

from __future__ import annotations

import numpy as np

from ..trace import KIND_CODE, Trace

RUNNING_KINDS = (KIND_CODE["compute"], KIND_CODE["stall"], KIND_CODE["switch"])


def _intervals(task, start, end) -> dict:
    return {"task": np.asarray(task, np.int64), "start_s": np.asarray(start, np.float64),
            "end_s": np.asarray(end, np.float64)}


def task_count(run) -> int:
    """Tasks in a run: its names if any, else the highest task id seen (trace or I/O) + 1."""
    ids = [run.trace.task]
    io = run.extras.get("io")
    if io is not None:
        ids.append(np.asarray(io["task"]))
    top = max((int(a.max()) + 1 for a in ids if len(a)), default=0)
    return max(top, len(run.task_names or ()))


def task_states(trace: Trace, io: dict | None = None) -> dict:
    """{"running", "blocked on I/O", "waiting for a copy", "waiting"} -> {"task",
    "start_s", "end_s"} arrays.

    waiting = the gaps in the union of a task's other intervals, so it lies between the
    task's first and last activity and overlaps none of them."""
    run = np.isin(trace.kind, RUNNING_KINDS) & (trace.task >= 0)
    running = _intervals(trace.task[run], trace.start_s[run], trace.end_s[run])
    blocked = _intervals(*(io[k] for k in ("task", "start_s", "end_s"))) if io is not None \
        else _intervals([], [], [])
    cp = (trace.kind == KIND_CODE["copy"]) & (trace.task >= 0)
    copying = _intervals(trace.task[cp], trace.start_s[cp], trace.end_s[cp])
    task = np.r_[running["task"], blocked["task"], copying["task"]]
    s = np.r_[running["start_s"], blocked["start_s"], copying["start_s"]]
    e = np.r_[running["end_s"], blocked["end_s"], copying["end_s"]]
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
    return {"running": running, "blocked on I/O": blocked, "waiting for a copy": copying,
            "waiting": waiting}
