"""The one-core speedup baseline T1 by formula, where that is exact.

On one core run to completion by the Engine (engine.py), tasks run one after another
and nothing contends: a task's memory flow is alone on the node's memory, at rate
r = min(core bandwidth, memory bandwidth); every message goes to the same PE, which
the transport delivers at once with no LogGOPS overhead. So

    T1 = sum over tasks of max(t_c, latency + bytes / r)   (costs.min_durations, no I/O)

It is summed in the order the engine runs the tasks and with the engine's own
floating-point steps (s: the task's start, e: its end), so it equals the simulated
makespan bit for bit:

    compute only   e = s + t_c
    with memory    a = s + bytes / r;  m = s + (a - s);  e = m + (max(s + t_c, m + latency) - m)

Order: with messages the tasks form one program and run in index order; otherwise the
engine's queues on one PE: the lowest-index ready owned task first, else the oldest
ready unowned one (successors become ready when a task ends, in index order).

`exact(machine, graph)`: the formula holds when the Engine would run the baseline:
no I/O waits (the run-to-completion TimeSlicer splits a task into bursts around its
waits) and neither machine nor graph heterogeneous (HeteroEngine). Elsewhere the
baseline is simulated (simulate.serial_time).
"""

from __future__ import annotations

import heapq
from collections import deque

import numpy as np

from ..machine.costs import compute_times
from ..machine.machine import Machine
from ..taskgraph import TaskGraph
from .timeslice import has_io


def exact(machine: Machine, graph: TaskGraph) -> bool:
    """True when one_core_makespan equals the Engine's one-core run (see above)."""
    return machine.pes == 1 and not (machine.hetero or graph.hetero or has_io(graph))


def run_order(graph: TaskGraph) -> np.ndarray:
    """The order in which the Engine runs `graph` on one PE (see the module doc)."""
    n = graph.n
    if len(graph.msg_src) or not len(graph.dep_idx):
        if len(graph.msg_src):
            return np.arange(n)
        owned = graph.owner >= 0                  # all ready at once: owned, then the rest
        return np.r_[np.flatnonzero(owned), np.flatnonzero(~owned)]
    owned = (graph.owner >= 0).tolist()
    pending = np.diff(graph.dep_ptr).tolist()
    sp, si = graph.successors()
    succ_ptr, succ_idx = sp.tolist(), si.tolist()
    heap: list[int] = []
    fifo: deque[int] = deque()
    for t in np.flatnonzero(np.diff(graph.dep_ptr) == 0).tolist():
        heapq.heappush(heap, t) if owned[t] else fifo.append(t)
    order = []
    while heap or fifo:
        t = heapq.heappop(heap) if heap else fifo.popleft()
        order.append(t)
        for k in range(succ_ptr[t], succ_ptr[t + 1]):
            s = succ_idx[k]
            pending[s] -= 1
            if pending[s] == 0:
                heapq.heappush(heap, s) if owned[s] else fifo.append(s)
    return np.asarray(order, np.int64)


def one_core_makespan(machine: Machine, graph: TaskGraph) -> float:
    """T1 of `graph` on `machine` (one PE, `exact` true) by the formula above."""
    if graph.n == 0:
        return 0.0
    order = run_order(graph)
    ctime = compute_times(machine, graph)[order]
    nbytes = graph.bytes[order]
    if not np.any(nbytes > 0):
        return float(np.add.accumulate(ctime)[-1])     # e = s + t_c, left to right
    rate = machine.core_bandwidth                      # fluid.py: a flow alone
    if machine.mem_bandwidth < rate:
        rate = machine.mem_bandwidth
    lat = machine.mem_latency
    s = 0.0
    for ct, b in zip(ctime.tolist(), nbytes.tolist()):
        if b > 0:
            a = s + b / rate
            m = s + max(a - s, 0.0)
            s = m + max(max(s + ct, m + lat) - m, 0.0)
        else:
            s = s + ct
    return s
