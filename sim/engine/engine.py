"""The discrete-event engine: runs a TaskGraph on a Machine with SimPy and records spans.

Each task runs on one PE from start to end. Its arithmetic takes
`compute_time` (see machine.py) and, overlapped with it, its memory traffic is a fluid
flow through the node's memory (latency + bytes at the fair share, see fluid.py).
The task ends when both are done: the trace shows a `compute` span for the
arithmetic and, if memory finished later, a `stall` span for the wait.

When a static PE has assigned work that is not ready yet, the gap is a `wait` span.
The engine is callback-driven (no SimPy process per task): a compute-only task costs
one event, its PE's reusable Wake (no object allocated), a task with memory traffic
two (flow end, task end); tasks ending at one time whose wake-ups were scheduled back
to back share one event (a same-time run, events.py). Events wait on a calendar (one
list per time, calendar_queue.py) in SimPy's order; `drive` walks it itself
(Environment.step inlined) with the garbage collector held off (gc_hold.py).
Messages (send/recv spans, the network) live in transport.py, behind two hooks: a
task's receive before it begins and its sends after its arithmetic.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from heapq import heappop
from typing import Any

import numpy as np

from ..errors import Cancelled, SimulationTooLarge
from ..machine.costs import compute_times, lanes_active, min_durations
from ..machine.machine import Machine
from ..taskgraph import TaskGraph
from ..trace import KIND_CODE, Trace
from .arrivals import ArrivalOverheads
from .calendar_queue import CalendarEnvironment
from .events import Wake
from .fluid import FluidModel
from .gc_hold import held
from .program_order import programs
from .recorder import TraceRecorder
from .schedule import STATIC_POLICIES, place
from .transport import Transport

MAX_SPANS = 20_000_000
CHECK_EVERY = 8192            # events between checks of cancel, the span limit, progress
WAIT = KIND_CODE["wait"]


class Engine:
    """One simulation: build with a machine, a graph and a policy, then call run()."""

    def __init__(self, machine: Machine, graph: TaskGraph, policy: str = "dynamic",
                 record: bool = True,
                 progress: Callable[[float], None] | None = None,
                 cancel: Callable[[], bool] | None = None):
        if len(graph.msg_src):
            graph = programs(graph, machine.pes, policy)     # placed, run in program order
        self.m = machine
        self.g = graph
        self.policy = policy
        self.progress = progress
        self.cancel = cancel
        self.env = CalendarEnvironment()
        self.rec = TraceRecorder(graph.n) if record else None
        pes = machine.pes
        owner = graph.owner
        if policy in STATIC_POLICIES:
            owner = place(owner, pes, policy)
        if owner.size and owner.max() >= pes:
            raise ValueError(f"a task is owned by PE {int(owner.max())} but the machine "
                             f"has {pes} PEs")
        self.owner = owner.tolist()
        self.ctime = compute_times(machine, graph).tolist()
        self.nbytes = graph.bytes.tolist()
        self.pending = np.diff(graph.dep_ptr).tolist()
        sp, si = graph.successors()
        self.succ_ptr, self.succ_idx = sp.tolist(), si.tolist()
        self.memory = [FluidModel(self.env, [machine.mem_bandwidth]) for _ in range(machine.nodes)]
        # ready queues: per PE (owned tasks, by index) and shared (dynamic policies)
        self.pe_queue: list[list[int]] = [[] for _ in range(pes)]
        self.owned_left = np.bincount(owner[owner >= 0], minlength=pes).tolist()
        if policy == "critical-path":
            self.priority = (-graph.bottom_levels(min_durations(machine, graph))).tolist()
            self.shared: Any = []
        else:
            self.priority = None
            self.shared = deque()
        self.busy = [False] * pes
        self.idle = list(range(pes))          # heap of idle PEs, lowest first
        self.in_idle = [True] * pes
        self.wait_since = [0.0] * pes
        self.kick: list[int] = []             # PEs whose own queue just got work
        self.cur_task = [-1] * pes
        self.cur_start = [0.0] * pes
        self.log: Callable[[int], None] | None = None
        if self.rec is not None:          # each task's row: pe, start, end; the end order
            self.log = self.rec.done.append
            self.log_pe, self.log_start = self.rec.task_pe, self.rec.task_start
            self.log_end = self.rec.task_end
        end = [self._wake]
        self.wake: list[Any] = [Wake(pe, end) for pe in range(pes)]   # on the calendar
        self.run_head = Wake(-1, [])           # the open same-time run (none yet):
        self.run_time, self.run_eid = 0.0, -2                 # its time, its last event id
        self.done_count = 0
        self.net = Transport(self) if len(graph.msg_src) else None
        self.arrivals: ArrivalOverheads | None = None     # LogGOPS: overheads at arrival
        if self.net is not None and ArrivalOverheads.needed(self.net.cost):
            self.arrivals = self.net.arrivals = ArrivalOverheads(self.net)

    # -- scheduling ------------------------------------------------------------------

    def _initial_ready(self) -> None:
        """Queue the tasks without dependencies, as `_ready` one by one in index order
        would (a sorted list is a heap; distinct keys pop in the same order)."""
        ready = np.flatnonzero(np.diff(self.g.dep_ptr) == 0)
        owner = np.asarray(self.owner, np.int64)[ready]
        mine = owner >= 0
        by_pe = ready[mine][np.argsort(owner[mine], kind="stable")]
        ends = np.cumsum(np.bincount(owner[mine], minlength=self.m.pes)).tolist()
        start = 0
        for pe, end in enumerate(ends):
            if end > start:
                self.pe_queue[pe] = by_pe[start:end].tolist()
            start = end
        shared = ready[~mine].tolist()
        if self.priority is None:
            self.shared.extend(shared)
        else:
            self.shared = sorted((self.priority[t], t) for t in shared)

    def _ready(self, t: int) -> None:
        """Queue a task whose dependencies are met; `_dispatch` hands it to a PE."""
        o = self.owner[t]
        if o >= 0:
            heapq.heappush(self.pe_queue[o], t)
            if not self.busy[o]:
                self.kick.append(o)
        elif self.priority is None:
            self.shared.append(t)
        else:
            heapq.heappush(self.shared, (self.priority[t], t))

    def _dispatch(self) -> None:
        """Start idle PEs on queued work: owners first, then the lowest idle PEs."""
        busy = self.busy
        kick, self.kick = self.kick, []
        for pe in kick:
            if not busy[pe]:
                self._start_next(pe)
        idle = self.idle
        while self.shared and idle:
            pe = heapq.heappop(idle)
            self.in_idle[pe] = False
            if not busy[pe]:
                self._start_next(pe)

    def _start_next(self, pe: int, now: float | None = None) -> None:
        """Start `pe` on its next task (own queue first, then the shared one) or idle it.
        A compute-only task's end is its PE's wake-up ctime seconds from now."""
        if self.arrivals is not None and self.arrivals.before_task(pe):
            return                                  # it takes messages in first
        q = self.pe_queue[pe]
        if q:
            t = heapq.heappop(q)
        elif self.shared:
            t = self.shared.popleft() if self.priority is None else heapq.heappop(self.shared)[1]
        else:
            self.busy[pe] = False
            if not self.in_idle[pe]:
                heapq.heappush(self.idle, pe)
                self.in_idle[pe] = True
            return
        env = self.env
        if now is None:           # given, it is the PE's wait_since: no wait to record
            now = env._now
            if self.owned_left[pe] and now > self.wait_since[pe] and self.rec is not None:
                self.rec.span(pe, WAIT, -1, self.wait_since[pe], now)
        self.busy[pe] = True
        self.cur_task[pe] = t
        self.cur_start[pe] = now
        if self.net is not None and self.net.receive(pe, t, now):
            return                                  # waits in recv; the transport begins t
        if self.nbytes[t] > 0:
            self._begin(pe, t)
            return
        time = env._now + self.ctime[t]             # compute only: _end_after inlined
        eid = next(env._eid)
        if eid == self.run_eid + 1 and time == self.run_time:
            self.run_head.more.append(pe)
        else:
            w = self.run_head = self.wake[pe]
            self.run_time = time
            env.put(time, w)
        self.run_eid = eid

    def _end_after(self, pe: int, delay: float) -> None:
        """PE `pe`'s task ends `delay` from now: its Wake goes on the calendar, unless the
        last wake-up scheduled is for the same time and nothing was scheduled since (the
        event ids follow on): then it joins that one's run (events.py)."""
        env = self.env
        time = env._now + delay
        eid = next(env._eid)
        if eid == self.run_eid + 1 and time == self.run_time:
            self.run_head.more.append(pe)
        else:
            w = self.run_head = self.wake[pe]
            self.run_time = time
            env.put(time, w)
        self.run_eid = eid

    def _begin(self, pe: int, t: int) -> None:
        """Start task t's memory flow and arithmetic on `pe` (at cur_start[pe], now)."""
        b = self.nbytes[t]
        if b > 0:
            self.memory[pe // self.m.cores].start(b, (0,), self.m.core_bandwidth,
                                                  lambda t1, pe=pe: self._memory_done(pe, t1))  # type: ignore[misc]
        else:
            self._end_after(pe, self.ctime[t])

    def _memory_done(self, pe: int, t1: float) -> None:
        """The memory flow ended at t1: the task ends when its arithmetic does too."""
        now = self.env.now
        end = max(self.cur_start[pe] + self.ctime[self.cur_task[pe]], t1 + self.m.mem_latency)
        self._end_after(pe, max(end - now, 0.0))

    def _wake(self, ev: Wake) -> None:
        """Wake `ev` fired: its PE's task, then those of its same-time run, end now (a
        wake that fired closes its run: its `more` is emptied first, as the PEs' next
        wake-ups may start a new run on the same Wake)."""
        more = ev.more
        if ev is self.run_head:
            self.run_eid = -2
        if more:
            ev.more = []
            self._finish(ev.pe)
            for pe in more:
                self._finish(pe)
        else:
            self._finish(ev.pe)

    def _finish(self, pe: int) -> None:
        """PE `pe` ended its task now: log it, then (after its blocking sends, when it
        has some: the transport calls `_release`) release it."""
        end = self.env._now
        t = self.cur_task[pe]
        if self.log is not None:
            self.log(t)
            self.log_pe[t] = pe
            self.log_start[t] = self.cur_start[pe]
            self.log_end[t] = end
        if self.net is None or not self.net.send(pe, t, end):
            self._release(pe, t, end)

    def _release(self, pe: int, t: int, end: float) -> None:
        """Task t on `pe` is over at `end`: free the PE, release successors, go on (the
        PE stays marked busy when nothing can be released: `_start_next` settles it)."""
        self.wait_since[pe] = end
        if self.owner[t] >= 0:
            self.owned_left[pe] -= 1
        self.done_count += 1
        a, b = self.succ_ptr[t], self.succ_ptr[t + 1]
        if b - a == 1 and not self.shared and self.owner[self.succ_idx[a]] == pe:
            # one successor, on this PE, no shared work (a program's next task): the
            # loop below, _ready and _dispatch reduce to queueing it and starting this
            # PE (kick is empty between events)
            s = self.succ_idx[a]
            self.busy[pe] = False
            self.pending[s] -= 1
            if self.pending[s]:
                self._start_next(pe, end)
                return
            heapq.heappush(self.pe_queue[pe], s)
            if not self.in_idle[pe]:
                heapq.heappush(self.idle, pe)
                self.in_idle[pe] = True
            self._start_next(pe)
            return
        released = False
        if a != b:
            self.busy[pe] = False
            pending, idx = self.pending, self.succ_idx
            for k in range(a, b):
                s = idx[k]
                pending[s] -= 1
                if pending[s] == 0:
                    self._ready(s)
                    released = True
        if not released:
            # nothing new is queued, so no other idle PE can take work: only this one
            self._start_next(pe, end)
            return
        if not self.in_idle[pe]:
            heapq.heappush(self.idle, pe)
            self.in_idle[pe] = True
        self.kick.append(pe)
        self._dispatch()

    # -- driving -----------------------------------------------------------------------

    def run(self) -> tuple[float, Trace | None]:
        """Run to completion; return (makespan, trace or None when not recording)."""
        self._initial_ready()
        self.kick = list(range(self.m.pes))
        self._dispatch()
        trace = drive(self, "use fewer, larger tasks")
        return max(self.wait_since, default=0.0), trace       # the last release


def drive(ex, fix: str) -> Trace | None:
    """Step executor `ex`'s SimPy environment until no event is left, checking
    `ex.cancel()`, the span limit (SimulationTooLarge suggesting `fix`) and reporting
    `ex.progress(done / tasks)` every 8192 events; the trace, or None without one.
    The garbage collector is held off meanwhile (gc_hold.py)."""
    with held():
        return _drive(ex, fix)


def _drive(ex, fix: str) -> Trace | None:
    """Environment.step inlined over the calendar (calendar_queue.py): take the earliest
    time's events in order, set the clock, run each event's callbacks (events of that
    time that they schedule join the end of the list). Every NORMAL event here is a
    Timeout or a light event of events.py: they never fail and nothing waits on one
    once it is processed, so step's failure check and its clearing of the callbacks
    are left out. Events of other priorities (none in the executors) go through
    env.step at their turn."""
    env, n = ex.env, max(ex.g.n, 1)
    buckets, times, urgent = env.buckets, env.times, env._queue
    left = CHECK_EVERY
    while times or urgent:
        if urgent and env.urgent_first():
            env.step()
            left -= 1
        else:
            t = times[0]
            bucket = buckets[t]
            env._now = t
            i = env.head
            while i < len(bucket):
                ev = bucket[i]
                i += 1
                for callback in ev.callbacks:
                    callback(ev)
                left -= 1
                if not left or urgent:
                    break
            if i == len(bucket):
                heappop(times)
                del buckets[t]
                i = 0
            env.head = i
        if left <= 0:
            left = CHECK_EVERY
            if ex.cancel is not None and ex.cancel():
                raise Cancelled("simulation cancelled")
            if ex.rec is not None and len(ex.rec) > MAX_SPANS:
                raise SimulationTooLarge(f"the run passed {MAX_SPANS:,} trace spans; {fix}")
            if ex.progress is not None:
                ex.progress(ex.done_count / n)
    if ex.done_count != ex.g.n:
        raise RuntimeError(f"deadlock: {ex.g.n - ex.done_count} tasks never ran")
    if ex.rec is None:
        return None
    if hasattr(ex, "finish_trace"):                 # per-PE rates (hetero.py)
        return ex.finish_trace()
    return ex.rec.finish(ex.m.cores, ex.g.flops, ex.g.bytes, lanes_active(ex.m, ex.g),
                         compute_times(ex.m, ex.g))
