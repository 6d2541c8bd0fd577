"""Time slicing and I/O waits: round robin over run queues, tasks that block on I/O.

Policy "timeslice": a free core takes the task at the head of its run queue (its own
queue of owned tasks first, then the shared one) and runs it for at most `quantum_s`;
a task with compute left goes to the back of the queue it came from. A context
switch costs `context_switch_s` and shows as a `switch` span (labelled with the
incoming task). It is paid whenever a core starts a slice of a task other than the
last one it ran: the first task a core runs is free, and so is a task that carries
on because nothing else is runnable. So one core time-slicing CPU-bound tasks takes

    makespan = sum of their compute times + switches x context_switch_s.

I/O waits (TaskGraph.io_count, io_wait_s): a task runs its compute in io_count + 1
equal bursts separated by io_count waits of io_wait_s. Under "timeslice" a task
blocked on I/O leaves its core, which takes the next runnable task; the task rejoins
the back of its queue when the I/O ends. Blocked intervals are not on any PE: they
are listed in `io_intervals()` (Run.extras["io"]). Under the run-to-completion
policies (dynamic, block, cyclic) a blocked task keeps its core through the wait,
shown as a `wait` span carrying the task's id: the tasks run one after another.

Memory traffic is spread over a task's compute: a slice of r seconds of arithmetic
moves bytes x r / compute time (all of them if the task has no arithmetic) as a flow
through the node's memory, shared fairly with the other cores (fluid.py), and ends
when both are done (a `stall` span for the rest). The memory latency is paid once,
on the task's first slice, so a task that is never preempted takes exactly as long
as in the engine.

There is no network model here: a workload with messages is refused with a one-line
ScenarioError on schedule.policy (use dynamic, block or cyclic).
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable

import numpy as np
from simpy.events import Timeout

from ..errors import ScenarioError
from ..machine.costs import compute_times, lanes_active
from ..machine.machine import Machine
from ..taskgraph import TaskGraph
from ..trace import KIND_CODE, Trace
from .calendar_queue import CalendarEnvironment
from .engine import Engine, drive
from .fluid import FluidModel
from .hetero import HeteroEngine
from .recorder import TraceRecorder
from .schedule import STATIC_POLICIES, ScheduleSpec, place

COMPUTE, STALL = KIND_CODE["compute"], KIND_CODE["stall"]
WAIT, SWITCH = KIND_CODE["wait"], KIND_CODE["switch"]
IO_POLICIES = ("dynamic", "block", "cyclic", "timeslice")


def has_io(graph: TaskGraph) -> bool:
    return graph.io_count is not None and bool(np.any(graph.io_count > 0))


def make_engine(machine: Machine, graph: TaskGraph, schedule: ScheduleSpec | None, **kw):
    """The executor for a schedule (None: the one-core speedup baseline, run to completion).

    Engine for the list/static policies; TimeSlicer for "timeslice" and for any graph
    with I/O waits. `kw` goes to the executor (record, progress, cancel).
    """
    policy = schedule.policy if schedule is not None else "dynamic"
    if machine.hetero or graph.hetero or policy == "heft":
        if policy == "timeslice" or has_io(graph):
            raise ScenarioError("time slicing and I/O waits are not simulated on "
                                "heterogeneous machines", "schedule.policy")
        return HeteroEngine(machine, graph, policy, **kw)
    if policy != "timeslice" and not has_io(graph):
        return Engine(machine, graph, policy, **kw)
    if policy not in IO_POLICIES:
        raise ScenarioError(f"schedule.policy {policy!r} cannot run a workload with I/O waits "
                            f"(use one of {', '.join(IO_POLICIES)})", "schedule.policy")
    if policy == "timeslice":
        assert schedule is not None                 # policy came from it
        return TimeSlicer(machine, graph, policy, schedule.quantum_s,
                          schedule.context_switch_s, **kw)
    return TimeSlicer(machine, graph, policy, **kw)


class TimeSlicer:
    """Round-robin executor; run() -> (makespan, trace), like Engine."""

    def __init__(self, machine: Machine, graph: TaskGraph, policy: str = "timeslice",
                 quantum_s: float = math.inf, context_switch_s: float = 0.0,
                 record: bool = True, progress: Callable[[float], None] | None = None,
                 cancel: Callable[[], bool] | None = None):
        if len(graph.msg_src):
            fix = "; use dynamic, block or cyclic" if policy == "timeslice" else ""
            raise ScenarioError(f"schedule.policy {policy!r} cannot run a workload that sends "
                                f"messages (this one sends {len(graph.msg_src):,}): time "
                                f"slicing and I/O waits have no network model{fix}",
                                "schedule.policy")
        self.m, self.g = machine, graph
        self.preempt = policy == "timeslice"
        self.quantum = quantum_s if self.preempt else math.inf
        self.switch = context_switch_s if self.preempt else 0.0
        self.progress, self.cancel = progress, cancel
        self.env = CalendarEnvironment()
        self.rec = TraceRecorder() if record else None
        pes, n = machine.pes, graph.n
        owner = place(graph.owner, pes, policy) if policy in STATIC_POLICIES else graph.owner
        if owner.size and owner.max() >= pes:
            raise ValueError(f"a task is owned by PE {int(owner.max())} but the machine "
                             f"has {pes} PEs")
        self.owner = owner.tolist()
        ctime = compute_times(machine, graph)
        count = graph.io_count if graph.io_count is not None else np.zeros(n, np.int32)
        wait = graph.io_wait_s if graph.io_wait_s is not None else np.zeros(n)
        self.burst = (ctime / (count + 1)).tolist()
        self.waits_left = count.tolist()
        self.io_s = wait.tolist()
        self.rem = self.burst[:]                  # compute left in the current burst
        self.ctime = ctime.tolist()
        self.flops = graph.flops.tolist()
        self.flops_left = self.flops[:]
        self.lanes = lanes_active(machine, graph).tolist()
        self.pending = np.diff(graph.dep_ptr).tolist()
        sp, si = graph.successors()
        self.succ_ptr, self.succ_idx = sp.tolist(), si.tolist()
        self.pe_q: list[deque[int]] = [deque() for _ in range(pes)]
        self.shared: deque = deque()
        self.busy = [False] * pes
        self.idle = list(range(pes))              # heap of idle PEs, lowest first
        self.in_idle = [True] * pes
        self.last = [-1] * pes                    # the task each PE ran last
        self.cur = [-1] * pes
        self.cur_slice = [(0.0, 0.0, 0.0, 0.0, 0.0)] * pes   # run, start, compute end, flops, bytes
        self.nbytes = graph.bytes.tolist()
        self.bytes_left = self.nbytes[:]
        self.latency_paid = [False] * n
        self.memory = [FluidModel(self.env, [machine.mem_bandwidth]) for _ in range(machine.nodes)]
        self.io_log: list[tuple[int, float, float]] = []
        self.done_count = 0
        self.makespan = 0.0

    # -- queues ------------------------------------------------------------------------

    def _enqueue(self, t: int) -> None:
        """A runnable task joins the back of its queue; idle PEs pick it up."""
        o = self.owner[t]
        if o >= 0:
            self.pe_q[o].append(t)
            if not self.busy[o]:
                self._run(o)
            return
        self.shared.append(t)
        while self.shared and self.idle:
            pe = heapq.heappop(self.idle)
            self.in_idle[pe] = False
            if not self.busy[pe]:
                self._run(pe)

    def _run(self, pe: int) -> None:
        """Start `pe` on the head of its queue (own, then shared), or idle it."""
        if self.pe_q[pe]:
            t = self.pe_q[pe].popleft()
        elif self.shared:
            t = self.shared.popleft()
        else:
            if not self.in_idle[pe]:
                heapq.heappush(self.idle, pe)
                self.in_idle[pe] = True
            return
        now = self.env.now
        cs = self.switch if 0 <= self.last[pe] != t else 0.0
        if cs > 0 and self.rec is not None:
            self.rec.span(pe, SWITCH, t, now, now + cs)
        self._slice(pe, t, cs)

    def _slice(self, pe: int, t: int, cs: float = 0.0) -> None:
        """After a switch of `cs` s, run task t on pe for min(quantum, its burst's rest)
        with its share of the task's memory traffic."""
        run = min(self.quantum, self.rem[t])
        now = self.env.now
        start, end = now + cs, now + (cs + run)
        last = run == self.rem[t] and self.waits_left[t] == 0
        b = self.bytes_left[t] if last or self.ctime[t] == 0 \
            else self.nbytes[t] * run / self.ctime[t]
        self.bytes_left[t] -= b
        f = 0.0
        if run > 0:
            f = self.flops_left[t] if last else self.flops[t] * run / self.ctime[t]
            self.flops_left[t] -= f
        self.busy[pe] = True
        self.last[pe] = self.cur[pe] = t
        self.cur_slice[pe] = (run, start, end, f, b)
        if b <= 0:
            Timeout(self.env, cs + run, pe).callbacks.append(self._slice_end)
            return
        lat = 0.0 if self.latency_paid[t] else self.m.mem_latency   # once per task
        self.latency_paid[t] = True

        def flow_done(t1: float) -> None:
            wait = max(end, t1 + lat) - self.env.now
            Timeout(self.env, max(wait, 0.0), pe).callbacks.append(self._slice_end)

        def begin(_e=None) -> None:
            self.memory[pe // self.m.cores].start(b, (0,), self.m.core_bandwidth, flow_done)

        if cs > 0:
            Timeout(self.env, cs).callbacks.append(begin)
        else:
            begin()

    def _slice_end(self, ev) -> None:
        pe = ev.value
        t = self.cur[pe]
        now = self.env.now
        run, start, cend, f, b = self.cur_slice[pe]
        cend = min(cend, now)
        if self.rec is not None:
            if run > 0:
                self.rec.span(pe, COMPUTE, t, start, cend, f, b, lanes=self.lanes[t])
            if now > cend:                        # waited on memory after its arithmetic
                self.rec.span(pe, STALL, t, cend, now, 0.0, 0.0 if run > 0 else b)
        self.rem[t] -= run
        self.busy[pe] = False
        if self.rem[t] > 0:                       # preempted: back of its queue
            (self.pe_q[self.owner[t]] if self.owner[t] >= 0 else self.shared).append(t)
        elif self.waits_left[t] > 0:              # blocks on I/O
            self.waits_left[t] -= 1
            self.rem[t] = self.burst[t]
            end = now + self.io_s[t]
            self.io_log.append((t, now, end))
            if not self.preempt:                  # run to completion: it keeps its core
                self.busy[pe] = True
                if self.rec is not None and end > now:
                    self.rec.span(pe, WAIT, t, now, end)
                Timeout(self.env, self.io_s[t], pe).callbacks.append(
                    lambda _e, pe=pe, t=t: self._slice(pe, t))  # type: ignore[misc]
                return
            Timeout(self.env, self.io_s[t], t).callbacks.append(
                lambda e: self._enqueue(e.value))
        else:
            self._finish(t, now)
        if not self.busy[pe]:
            self._run(pe)

    def _finish(self, t: int, now: float) -> None:
        self.done_count += 1
        self.makespan = max(self.makespan, now)
        pending, idx = self.pending, self.succ_idx
        for k in range(self.succ_ptr[t], self.succ_ptr[t + 1]):
            s = idx[k]
            pending[s] -= 1
            if pending[s] == 0:
                self._enqueue(s)

    # -- driving -----------------------------------------------------------------------

    def io_intervals(self) -> dict:
        """The I/O waits: {"task", "start_s", "end_s"} arrays in the order they began."""
        log = np.array(self.io_log, dtype=np.float64).reshape(-1, 3)
        return {"task": log[:, 0].astype(np.int32), "start_s": log[:, 1], "end_s": log[:, 2]}

    def run(self) -> tuple[float, Trace | None]:
        """Run to completion; return (makespan, trace or None when not recording)."""
        for t, p in enumerate(self.pending):
            if p == 0:
                self._enqueue(t)
        trace = drive(self, "use a longer quantum or fewer, larger tasks")
        return self.makespan, trace
