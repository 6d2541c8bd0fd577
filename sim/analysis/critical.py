"""The run's critical path as it happened: the chain of tasks and messages that set the
makespan, and which resource its time went to.

Per task (from its spans): begin = its first compute, stall or send span's start (its
last recv's end if it has none), finish = its last span's end. Walking back from the
task that finished last, each task's binding predecessor is the one ready last: a
dependency (ready at its finish), an incoming message (ready at its arrival) or the
task its PE ran just before (the PE is free at its finish: a task that waited for a
core follows the core). The walk follows it until a task has none. Along the way the
time goes to

    compute   the path's compute spans
    memory    its stall spans (the core waits on memory)
    network   message flights (sent -> arrival) and blocking send spans
    waiting   the rest: gaps between a task being ready and starting (no free PE, its
              turn in its PE's program) and the start before the first task

so the four add up to the finish of the last task (the makespan). A message's source
task counts up to the message's send (the end of its arithmetic): compute first, the
rest as memory.
"""

from __future__ import annotations

import numpy as np

from ..trace import KIND_CODE, Trace

RESOURCES = ("compute", "memory", "network", "waiting")
_RECV = KIND_CODE["recv"]


def _per_task(trace: Trace, n: int) -> dict:
    m = (trace.task >= 0) & (trace.task < n)
    task, kind = trace.task[m].astype(np.int64), trace.kind[m]
    s, e = trace.start_s[m], trace.end_s[m]
    out: dict[str, np.ndarray] = {}
    for name in ("compute", "stall", "send"):
        k = kind == KIND_CODE[name]
        out[name] = np.bincount(task[k], weights=e[k] - s[k], minlength=n)
    finish = np.zeros(n)
    np.maximum.at(finish, task, e)
    recv_end = np.zeros(n)
    np.maximum.at(recv_end, task[kind == _RECV], e[kind == _RECV])
    begin = np.full(n, np.inf)
    own = kind != _RECV
    np.minimum.at(begin, task[own], s[own])
    out["begin"] = np.where(np.isfinite(begin), begin, recv_end)
    out["finish"] = finish
    pe = np.full(n, -1, np.int64)
    pe[task[::-1]] = trace.pe[m][::-1]            # the PE of each task's first span
    ran = np.flatnonzero(pe >= 0)
    order = ran[np.lexsort((out["begin"][ran], pe[ran]))]
    prev = np.full(n, -1, np.int64)
    same = pe[order[1:]] == pe[order[:-1]]
    prev[order[1:][same]] = order[:-1][same]
    out["prev"] = prev
    return out


def critical_path(trace: Trace, n: int, dep_ptr, dep_idx, msg_src, msg_dst,
                  sent=None, arrival=None) -> dict:
    """{"tasks", "messages" (in time order), "length_s", "time_s": {resource: s},
    "dominant"} of a run of an n-task graph; sent/arrival per message (None: no
    messages)."""
    if n == 0 or not len(trace):
        return {"tasks": [], "messages": [], "length_s": 0.0,
                "time_s": dict.fromkeys(RESOURCES, 0.0), "dominant": None}
    p = _per_task(trace, n)
    begin, finish = p["begin"], p["finish"]
    msg_src, msg_dst = np.asarray(msg_src, np.int64), np.asarray(msg_dst, np.int64)
    by_dst = np.argsort(msg_dst, kind="stable")
    in_ptr = np.searchsorted(msg_dst[by_dst], np.arange(n + 1))
    t = int(np.argmax(finish))
    part_end = finish[t]
    tasks, msgs = [], []
    time = dict.fromkeys(RESOURCES, 0.0)
    while True:
        tasks.append(t)
        span = part_end - begin[t]
        if part_end >= finish[t]:
            c, mem, snd = p["compute"][t], p["stall"][t], p["send"][t]
        else:                                  # up to a message's send
            c = min(p["compute"][t], span)
            mem, snd = span - c, 0.0
        time["compute"] += c
        time["memory"] += mem
        time["network"] += snd
        time["waiting"] += max(span - c - mem - snd, 0.0)
        deps = np.asarray(dep_idx[dep_ptr[t]:dep_ptr[t + 1]], np.int64)
        if p["prev"][t] >= 0:
            deps = np.r_[deps, p["prev"][t]]
        ins = by_dst[in_ptr[t]:in_ptr[t + 1]]
        dep_ready = finish[deps].max() if len(deps) else -np.inf
        msg_ready = arrival[ins].max() if len(ins) else -np.inf
        if not len(deps) and not len(ins):
            time["waiting"] += begin[t]
            break
        if msg_ready > dep_ready:
            m = int(ins[np.argmax(arrival[ins])])
            msgs.append(m)
            time["waiting"] += max(begin[t] - arrival[m], 0.0)
            time["network"] += arrival[m] - sent[m]
            t, part_end = int(msg_src[m]), sent[m]
        else:
            d = int(deps[np.argmax(finish[deps])])
            time["waiting"] += max(begin[t] - finish[d], 0.0)
            t, part_end = d, finish[d]
    time = {k: float(v) for k, v in time.items()}
    return {"tasks": tasks[::-1], "messages": msgs[::-1], "length_s": float(finish.max()),
            "time_s": time, "dominant": max(RESOURCES, key=lambda r: time[r])}
