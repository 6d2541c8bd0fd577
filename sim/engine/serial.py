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

A heterogeneous run's baseline (simulate.one_core: one core of the machine's first CPU
group, no devices; the graph without `where`, `block` and `dep_bytes`) runs on the
HeteroEngine, one PE of one group in host memory: no copies, no launch latency, and the
same steps with that group's numbers (t_c from costs.group_compute_times, which keeps
matrix units; r = min(group unit bandwidth, memory bandwidth), the group's latency).
Its "dynamic" queues are FIFO for owned tasks too: the oldest ready owned task first.

`exact(machine, graph)`: the formula holds when the baseline runs to completion on one
PE: no I/O waits (the run-to-completion TimeSlicer splits a task into bursts around its
waits; the HeteroEngine refuses them) and, on the HeteroEngine, one CPU group and a graph
with no `where`, `block` or `dep_bytes` (as simulate.on_one_core makes it); every
heterogeneous baseline is then exact. Elsewhere it is simulated (simulate.serial_time).
"""

from __future__ import annotations

import heapq
from collections import deque

import numpy as np

from ..machine.costs import compute_times, group_compute_times
from ..machine.machine import Machine
from ..taskgraph import TaskGraph
from .timeslice import has_io


def hetero(machine: Machine, graph: TaskGraph) -> bool:
    """True when make_engine runs the baseline on the HeteroEngine."""
    return machine.hetero or graph.hetero


def exact(machine: Machine, graph: TaskGraph) -> bool:
    """True when one_core_makespan equals the one-core run (see above)."""
    if machine.pes != 1 or has_io(graph):
        return False
    return not hetero(machine, graph) or (
        machine.groups[0].domain < 0 and graph.where is None and graph.block is None
        and graph.dep_bytes is None)


def run_order(graph: TaskGraph, owned_fifo: bool = False) -> np.ndarray:
    """The order in which the Engine runs `graph` on one PE (see the module doc);
    `owned_fifo`: the HeteroEngine's, ready owned tasks oldest first."""
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
    heap: list[int] = []                          # owned, lowest index first
    first: deque[int] = deque()                   # owned, oldest first (owned_fifo)
    fifo: deque[int] = deque()                    # unowned, oldest first

    def ready(t: int) -> None:
        if not owned[t]:
            fifo.append(t)
        elif owned_fifo:
            first.append(t)
        else:
            heapq.heappush(heap, t)

    for t in np.flatnonzero(np.diff(graph.dep_ptr) == 0).tolist():
        ready(t)
    order = []
    while heap or first or fifo:
        t = heapq.heappop(heap) if heap else first.popleft() if first else fifo.popleft()
        order.append(t)
        for k in range(succ_ptr[t], succ_ptr[t + 1]):
            s = succ_idx[k]
            pending[s] -= 1
            if pending[s] == 0:
                ready(s)
    return np.asarray(order, np.int64)


def one_core_makespan(machine: Machine, graph: TaskGraph) -> float:
    """T1 of `graph` on `machine` (one PE, `exact` true) by the formula above."""
    if graph.n == 0:
        return 0.0
    if hetero(machine, graph):                         # one PE of the first group
        g = machine.groups[0]
        order = run_order(graph, owned_fifo=True)
        ctime = group_compute_times(machine, graph)[0][order]
        cap, lat = g.unit_bandwidth, g.mem_latency
    else:
        order = run_order(graph)
        ctime = compute_times(machine, graph)[order]
        cap, lat = machine.core_bandwidth, machine.mem_latency
    nbytes = graph.bytes[order]
    if not np.any(nbytes > 0):
        return float(np.add.accumulate(ctime)[-1])     # e = s + t_c, left to right
    rate = cap                                         # fluid.py: a flow alone
    if machine.mem_bandwidth < rate:
        rate = machine.mem_bandwidth
    s = 0.0
    for ct, b in zip(ctime.tolist(), nbytes.tolist()):
        if b > 0:
            a = s + b / rate
            m = s + max(a - s, 0.0)
            s = m + max(max(s + ct, m + lat) - m, 0.0)
        else:
            s = s + ct
    return s
