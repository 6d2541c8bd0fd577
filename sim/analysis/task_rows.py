"""What the Tasks view and the concurrency count call a task, for every kind of run.

A built-in workload's tasks are its task ids in the trace. A user program's trace
carries source lines in that column (`file:line`, many spans per line, on many ranks),
so its tasks are its threads instead (each rank's main and every task it spawned; a GOAL
schedule's ranks), from Run.extras["threads"] (runners/program.py):

    concurrency(t) = threads alive at t (started, not finished): a rank waiting on a
                     message is alive, as a task is while it waits
    running        = the thread's computes (compute and stall spans)
    waiting        = the rest of its lifetime: messages, locks, joins, its PE busy
                     with another thread or a message's overhead
"""

from __future__ import annotations

import numpy as np

from ..trace import Trace
from .concurrency import task_extents
from .task_states import task_count, task_states

STATE_TEXT = {"running": "running", "waiting": "waiting (ready, no core free)",
              "blocked on I/O": "blocked on I/O", "waiting for a copy": "waiting for a copy"}
THREAD_STATE_TEXT = {"running": "computing",
                     "waiting": "waiting (a message, a lock, a join, or its core busy)"}


def legend(run) -> dict[str, str]:
    """The states a run's task rows can show, and what each means."""
    return THREAD_STATE_TEXT if thread_table(run) is not None else STATE_TEXT


def thread_table(run) -> dict | None:
    """The program's threads (None for a built-in workload's run)."""
    return run.extras.get("threads")


def extents(run) -> tuple[np.ndarray, np.ndarray]:
    """Per task: (start of its first activity, end of its last), for concurrency."""
    th = thread_table(run)
    if th is None:
        return task_extents(run.trace)
    return np.asarray(th["start_s"], np.float64), np.asarray(th["end_s"], np.float64)


def thread_names(th: dict) -> list[str]:
    """"rank r" for a rank's main thread, "rank r task j" for its j-th spawned task."""
    names: list[str] = []
    spawned: dict[int, int] = {}
    for r in np.asarray(th["rank"]).tolist():
        j = spawned[r] = spawned.get(r, -1) + 1
        names.append(f"rank {r}" if j == 0 else f"rank {r} task {j}")
    return names


def thread_states(th: dict, n: int) -> dict:
    """{"running", "waiting"} -> {"task", "start_s", "end_s"} for threads 0..n-1:
    waiting = the gaps in the thread's lifetime its computes leave."""
    run = th["running"]
    task = np.asarray(run["task"], np.int64)
    keep = task < n
    task, s, e = task[keep], np.asarray(run["start_s"])[keep], np.asarray(run["end_s"])[keep]
    order = np.lexsort((s, task))
    task, s, e = task[order], s[order], e[order]
    t0, t1 = np.asarray(th["start_s"], np.float64), np.asarray(th["end_s"], np.float64)
    bounds = np.searchsorted(task, np.arange(n + 1))
    gt, gs, ge = [], [], []
    for t in range(n):
        a, b = bounds[t], bounds[t + 1]
        reach = np.maximum.accumulate(np.r_[t0[t], e[a:b]])     # busy until, before each
        nxt = np.r_[s[a:b], t1[t]]
        gap = nxt > reach
        gt.append(np.full(int(gap.sum()), t))
        gs.append(reach[gap])
        ge.append(nxt[gap])
    def cat(parts, dt):
        return (np.concatenate(parts).astype(dt) if parts
               else np.zeros(0, dt))
    return {"running": {"task": task, "start_s": s, "end_s": e},
            "waiting": {"task": cat(gt, np.int64), "start_s": cat(gs, np.float64),
                        "end_s": cat(ge, np.float64)}}


def task_rows(run, limit: int) -> tuple[dict, list[str], int]:
    """(states of the first `limit` tasks, their row names, how many tasks the run has)
    for the Tasks view: a program's threads, else the trace's tasks (task_states)."""
    th = thread_table(run)
    if th is not None:
        names = thread_names(th)
        n = min(len(names), limit)
        return thread_states(th, n), names[:n], len(names)
    total = task_count(run)
    n = min(total, limit)
    trace: Trace = run.trace
    io = run.extras.get("io")
    if total > n:
        trace = trace.select(trace.task < n)
        if io is not None:
            keep = np.asarray(io["task"]) < n
            io = {k: np.asarray(io[k])[keep] for k in ("task", "start_s", "end_s")}
    given = run.task_names or ()
    names = [given[i] if i < len(given) else f"task {i}" for i in range(n)]
    return task_states(trace, io), names, total
