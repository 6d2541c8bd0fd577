"""The run's critical path as it happened: the chain of tasks and messages that set the
makespan, and which resource its time went to.

Per task (from its spans): begin = its first compute, stall or send span's start (its
last recv's end if it has none), finish = its last span's end. Walking back from the
task that finished last, each task's binding predecessor is the one ready last: a
dependency (ready at its finish), an incoming message (ready at its arrival) or the
task its PE ran just before, if it finished before this one began (the PE is free at
its finish: a task that waited for a core follows the core; a task whose receive
overhead was charged at the message's arrival, before it began, may overlap it). The walk follows it until a task has none. Along the way the
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


def _after_deps(begin: np.ndarray, finish: np.ndarray, dep_ptr: np.ndarray,
                dep_idx: np.ndarray) -> None:
    """In place: no task begins before its dependencies have finished. Only a task whose
    spans all came early moves (one that does nothing but receive, its receive overhead
    charged when the message arrived, engine/arrivals.py) or one with no spans at all
    (it did nothing): it begins, and ends, as the last of them ends (down chains too)."""
    has = np.flatnonzero(np.diff(dep_ptr) > 0)
    if not len(has):
        return
    for _ in range(len(has)):
        ready = np.maximum.reduceat(finish[dep_idx], dep_ptr[has])
        late = ready > begin[has]
        if not late.any():
            return
        t = has[late]
        begin[t] = ready[late]
        finish[t] = np.maximum(finish[t], begin[t])


def _per_task(trace: Trace, n: int, dep_ptr: np.ndarray, dep_idx: np.ndarray) -> dict:
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
    _after_deps(out["begin"], finish, dep_ptr, dep_idx)
    pe = np.full(n, -1, np.int64)
    pe[task[::-1]] = trace.pe[m][::-1]            # the PE of each task's first span
    ran = np.flatnonzero(pe >= 0)
    order = ran[np.lexsort((finish[ran], out["begin"][ran], pe[ran]))]   # ties: ended first
    prev = np.full(n, -1, np.int64)
    after, before = order[1:], order[:-1]
    same = (pe[after] == pe[before]) & (finish[before] <= out["begin"][after])
    prev[after[same]] = before[same]              # the PE was free at its finish
    out["prev"] = prev
    return out


def _binding(child: np.ndarray, cand: np.ndarray, ready: np.ndarray, n: int):
    """Per task: the candidate ready last (the first listed on a tie) and its ready time
    (-1 and -inf where a task has none)."""
    best = np.full(n, -1, np.int64)
    when = np.full(n, -np.inf)
    if len(child):
        order = np.lexsort((-np.arange(len(child)), ready, child))
        last = order[np.r_[child[order][1:] != child[order][:-1], True]]
        best[child[last]], when[child[last]] = cand[last], ready[last]
    return best, when


def critical_path(trace: Trace, n: int, dep_ptr, dep_idx, msg_src, msg_dst,
                  sent=None, arrival=None) -> dict:
    """{"tasks", "messages" (int arrays, in time order), "length_s", "time_s":
    {resource: s}, "dominant"} of a run of an n-task graph; sent/arrival per message
    (None: no messages)."""
    if n == 0 or not len(trace):
        return {"tasks": np.zeros(0, np.int64), "messages": np.zeros(0, np.int64),
                "length_s": 0.0,
                "time_s": dict.fromkeys(RESOURCES, 0.0), "dominant": None}
    dep_ptr = np.asarray(dep_ptr, np.int64)
    p = _per_task(trace, n, dep_ptr, np.asarray(dep_idx, np.int64))
    begin, finish, prev = p["begin"], p["finish"], p["prev"]
    has_prev = np.flatnonzero(prev >= 0)
    child = np.r_[np.repeat(np.arange(n), np.diff(dep_ptr)), has_prev]
    cand = np.r_[np.asarray(dep_idx, np.int64), prev[has_prev]]
    dep, dep_ready = _binding(child, cand, finish[cand], n)
    msg_dst = np.asarray(msg_dst, np.int64)
    arrival = np.asarray(arrival if arrival is not None else [], float)
    sent = np.asarray(sent if sent is not None else [], float)
    msg, msg_ready = _binding(msg_dst, np.arange(len(msg_dst)), arrival, n)
    via_msg = msg_ready > dep_ready
    src = np.asarray(msg_src, np.int64)
    nxt = np.where(via_msg, src[np.maximum(msg, 0)] if len(src) else -1, dep)
    path, t, step = [], int(np.argmax(finish)), nxt.tolist()
    seen = bytearray(n)
    while t >= 0 and not seen[t]:              # back from the task that finished last
        seen[t] = 1                            # (each task once, whatever the ties)
        path.append(t)
        t = step[t]
    chain = np.array(path, np.int64)
    m = msg[chain[:-1]]
    by_msg = via_msg[chain[:-1]]
    mm = np.maximum(m, 0)
    prev_end = np.where(by_msg, sent[mm] if len(sent) else 0.0, finish[chain[1:]])
    part_end = np.r_[finish[chain[0]], prev_end]   # each task counts up to here
    span = part_end - begin[chain]
    full = part_end >= finish[chain]
    c = np.where(full, p["compute"][chain], np.minimum(p["compute"][chain], span))
    mem = np.where(full, p["stall"][chain], span - c)
    snd = np.where(full, p["send"][chain], 0.0)
    ready = np.where(by_msg, arrival[mm] if len(arrival) else 0.0, finish[chain[1:]])
    flight = np.where(by_msg, ready - prev_end, 0.0)
    waiting = (np.maximum(span - c - mem - snd, 0.0).sum()
               + np.maximum(begin[chain[:-1]] - ready, 0.0).sum() + begin[chain[-1]])
    time = {"compute": float(c.sum()), "memory": float(mem.sum()),
            "network": float(snd.sum() + flight.sum()), "waiting": float(waiting)}
    return {"tasks": chain[::-1].copy(), "messages": m[by_msg][::-1].copy(),
            "length_s": float(finish.max()), "time_s": time,
            "dominant": max(RESOURCES, key=lambda r: time[r])}
