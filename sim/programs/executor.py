"""The program executor: threads of user code on a machine's PEs, messages by LogGOPS.

A *thread* is a Python generator (a rank's `main`, or a task it spawned) that yields
operations; the executor drives it on one SimPy clock: a thread resumes from the
callback of the event it waited for (no simpy.Process per thread, see `_resume`).

CPU (cpu.py): each PE does one thing at a time, first come first served: the compute operations
of the threads on it and the CPU overheads of its rank's messages. A compute of f
FLOPs and b bytes costs what a task does in the engine (machine/costs.py): its
arithmetic f x ((1 - v) / scalar rate + v / (vector rate x e)) overlapped with a memory
flow of b bytes through the node (fluid.py), plus the memory latency after the last byte.

Messages: messages.py (LogGOPS); waiting on requests: waiting.py; the operations
and their records: ops.py.
"""

from __future__ import annotations

import gc
from array import array
from collections import deque
from functools import partial
from heapq import heappop

import simpy
from simpy.events import Timeout

from ..engine.fluid import FluidModel
from ..engine.recorder import TraceRecorder
from ..errors import Cancelled, SimulationTooLarge
from ..machine.network import LogGOPS, Network, network_for
from .cpu import Cpu
from .errors import ProgramError
from .messages import Messaging
from .ops import ROW, WAIT, Channel, Compute, Costs, Message, Request, Thread
from .reports import Reports
from .waiting import Waiting

MAX_OPERATIONS = 5_000_000      # about 25 s of simulation at 5 us an operation
GC_THRESHOLD = 100_000         # allocations between young-generation collections during a run
GUARD_STEP = 4096               # operations between size-guard checks within one resume
CHAIN = 10_000                  # computes a thread may run ahead before the clock catches up
_END = object()                 # held "op" of a thread that ended while ahead


def _call(ev) -> None:
    fn, args = ev._value
    fn(*args)


def cpu_pes(machine) -> list[int]:
    """The PEs ranks run on, node by node: every CPU core group's cores (a plain machine:
    all its PEs; a heterogeneous one: not its devices' SMs)."""
    units = [g.first + i for g in machine.groups if g.kind == "cpu" for i in range(g.count)]
    return [n * machine.cores + u for n in range(machine.nodes) for u in units]


class Executor(Cpu, Messaging, Waiting, Reports):
    """Runs threads and messages on `machine`; `ranks` ranks, each with `threads` PEs
    (rank r's thread k on PE r x threads + k)."""

    def __init__(self, machine, ranks: int, threads: int, label, cancel=None,
                 max_operations: int | None = None):
        self.m = machine
        self.ranks = ranks
        self.threads = threads
        self.label = label                 # line id -> "file:line"
        self.cancel = cancel
        self.max_operations = max_operations or MAX_OPERATIONS
        self.env = simpy.Environment()
        self.rec = TraceRecorder()
        self.span_log: array = array("d")     # (pe, kind, task, start, end, flops, bytes,
                                              #  peer, msg) per span but a compute's (span)
        self.compute_log: array = array("d")  # (pe, task, start, compute end, end, flops,
        spec = machine.spec.network           #  bytes, lanes, thread id) per compute
        self.cost = Costs(LogGOPS.of(spec))
        self.chainable = self.cost.o == 0 and self.cost.O == 0
        self.net: Network | None = network_for(spec, machine.nodes) if machine.nodes > 1 else None
        self.links = FluidModel(self.env, self.net.capacity) if self.net else None
        self.flow_done = (self._delivered if self.cost.first_byte   # a message's last
                          else self._delivered_plain)               # byte is there
        self.deliver = [self.flow_done]         # a message's callbacks when all latency
        self.memory = [FluidModel(self.env, [machine.mem_bandwidth])
                       for _ in range(machine.nodes)]
        pes = machine.pes
        self.cpu_busy = [False] * pes
        self.resident = [0] * pes                # live threads per PE
        self.rank_live = [0] * ranks             # live threads per rank
        self.cpu_pes = cpu_pes(machine)          # where ranks run (all PEs unless hetero)
        self.rank_pe: list[int] = [self.cpu_pes[r * threads] for r in range(ranks)]
        self.cpu_queue: list[deque] = [deque() for _ in range(pes)]
        self.nic_send = [0.0] * pes
        self.nic_recv = [0.0] * pes
        self.nic_log = array("d") if self.cost.first_byte else None   # (pe, start, end,
                                                   # bytes, msg) per message between nodes
        self.posted: list[list[Request]] = [[] for _ in range(ranks)]
        self.unexpected: list[list[Message]] = [[] for _ in range(ranks)]
        self.channels: list[dict[int, Channel]] = [{} for _ in range(ranks)]  # [src][dst]
        self.all_threads: list[Thread] = []
        self.live = 0
        self.operations = 0
        self.messages = 0
        self.bytes_sent = 0.0
        self.running = False
        self._rates: dict[tuple, tuple[float, int]] = {}
        self.spawned: dict[int, int] = {}
        self.locks: dict[tuple[int, str], dict] = {}
        self.barriers: dict[int, list] = {}
        self.pending_reports: list = []          # GOAL ranks: what they never completed
        self.rngs: dict[int, object] = {}         # rank -> its numpy Generator (api.py)

    # -- threads ------------------------------------------------------------------------

    def pe_of(self, rank: int, index: int = 0) -> int:
        """The PE of rank `rank`'s thread `index`: the (rank x threads + index)-th CPU PE."""
        if not index:
            return self.rank_pe[rank]
        return self.cpu_pes[rank * self.threads + index % self.threads]

    def start(self, gen, rank: int, index: int = 0, parent: Thread | None = None) -> Thread:
        """A new thread running generator `gen`; it starts now (or, spawned by a thread
        ahead of the clock, when that one is caught up)."""
        th = Thread(gen, rank, self.pe_of(rank, index), index)
        th.id = len(self.all_threads)
        th.t_start = self.env.now if parent is None else self.now_of(parent)
        self.all_threads.append(th)
        self.live += 1
        self.resident[th.pe] += 1
        self.rank_live[rank] += 1
        if parent is not None and parent.ahead:
            parent.pending.append(partial(self.wake_later, th))
        else:
            self.wake_later(th)
        return th

    def _wake(self, ev) -> None:
        th, value = ev._value
        self._resume(th, value)

    def wake_later(self, th: Thread, value=None) -> None:
        Timeout(self.env, 0.0, (th, value)).callbacks.append(self._wake)

    def later(self, delay: float, fn, *args) -> None:
        """fn(*args) `delay` seconds from now, as a Timeout made now (in its order)."""
        Timeout(self.env, delay, (fn, args)).callbacks.append(_call)

    def _resume(self, th: Thread, value=None) -> None:
        """Run `th` until it yields something it must wait for (or ends).

        Chaining (exact, fewer events): a compute with no memory traffic by the only
        thread of its rank, when no message overhead can take its PE (o = O = 0), is
        not given a SimPy event: the thread runs on ahead on its own clock (`th.clock`,
        what comm.now reads), its side effects (sends, receives, spawns, releases) held
        until its next other yield, which is handled at th.clock (`_sync`). (Ranks share
        nothing but messages; a program whose ranks share Python state is not MPI.)"""
        gen = th.gen
        self.running = True
        count = chained = 0
        try:
            while True:
                try:
                    op = gen.send(value)
                except Exception as exc:    # (StopIteration: it ended; else raised)
                    self._stopped(th, exc)
                    break
                count += 1
                if count == GUARD_STEP:            # a loop that never waits is stopped too
                    self.operations += count
                    count = 0
                    self._guard(th)
                tp = type(op)
                if (tp is Compute and self.chainable and op.nbytes == 0
                        and chained < CHAIN and self.rank_live[th.rank] == 1):
                    chained += 1
                    if not th.ahead:
                        if self.cpu_busy[th.pe]:
                            self._compute(th, op)
                            break
                        self.cpu_busy[th.pe] = True
                        th.ahead = True
                        th.clock = self.env.now
                    elif th.pending:
                        th.held = (op, None)
                        self._sync_at(th)
                        break
                    start = th.clock
                    th.clock = end = start + op.seconds
                    task = self.label.ids.get(op.line)
                    self.compute_log.frombytes(ROW(
                        th.pe, self.label.id(op.line) if task is None else task, start, end,
                        end, op.flops, 0.0, op.lanes, th.id))
                    value = None
                    continue
                if (tp is Message or tp is Request) and op.waiter is None and not th.ahead:
                    if op.done:                     # (_wait_one, inline)
                        self._wait_span(th, op, self.env._now)
                        value = op.value
                        continue
                    th.t_block = self.env._now
                    th.wait_reqs = (op,)
                    th.wait_left = 1
                    th.wait_any = False
                    th.single = True
                    op.waiter = th
                    break
                if th.ahead:
                    th.held = (op, None)
                    self._sync_at(th)
                    break
                if tp is Compute:
                    self._compute(th, op)
                    break
                done, value = self._dispatch(th, op)
                if not done:
                    break
        finally:
            self.operations += count
            self.running = False
        if self.operations > self.max_operations:
            self._guard(th)

    def _stopped(self, th: Thread, exc: Exception) -> None:
        """`th`'s generator raised `exc`: StopIteration, it ended; a ProgramError goes
        on up; any other exception is the user's (loader.user_error names its line)."""
        if isinstance(exc, StopIteration):
            self._ended(th, exc.value)
            return
        if isinstance(exc, ProgramError):
            raise exc
        from .loader import user_error
        raise user_error(exc, th.rank) from None

    def _guard(self, th: Thread) -> None:
        """SimulationTooLarge once the program has issued more than max_operations."""
        if self.operations > self.max_operations:
            raise SimulationTooLarge(
                f"the program passed {self.max_operations:,} operations (rank "
                f"{th.rank} at {self.label(self.line_id(self.line_of(th)))}); use "
                f"fewer, larger operations (or fewer ranks or iterations)")

    def _ended(self, th: Thread, result) -> None:
        if th.ahead:                     # it ends when the clock catches up
            th.held = (_END, result)
            self._sync_at(th)
        else:
            self._finished(th, result)

    def _wait_one(self, th: Thread, req: Request):
        """`yield req` (nobody else waits on it): (True, value) if done, else wait.
        (_resume does the same inline.)"""
        if req.done:
            self._wait_span(th, req, self.env._now)
            return True, req.value
        th.t_block = self.env._now
        th.wait_reqs = (req,)
        th.wait_left = 1
        th.wait_any = False
        th.single = True
        req.waiter = th
        return False, None

    def _sync_at(self, th: Thread) -> None:
        """Catch the clock up with thread `th` that ran ahead: at th.clock, free its PE,
        do its held side effects, then handle its held op."""
        Timeout(self.env, th.clock - self.env.now, th).callbacks.append(self._sync)

    def _sync(self, ev) -> None:
        th = ev._value
        th.ahead = False
        self.cpu_free(th.pe)
        pending, th.pending = th.pending, []
        for effect in pending:
            effect()
        op, result = th.held
        th.held = None
        if op is _END:
            self._finished(th, result)
            return
        self.running = True
        try:
            if type(op) is Compute:
                self._compute(th, op)
                return
            done, value = self._dispatch(th, op)
        finally:
            self.running = False
        if done:
            self._resume(th, value)

    def span(self, pe: int, kind: int, task: int, start: float, end: float,
             flops: float = 0.0, nbytes: float = 0.0, peer: int = -1, msg: int = -1) -> None:
        """Record a span (as TraceRecorder.span, lanes 0): kept in `span_log`, a row
        of 9 doubles a span, and put into the recorder, in the same order, by trace()."""
        self.span_log.frombytes(ROW(pe, kind, task, start, end, flops, nbytes, peer, msg))

    def now_of(self, th: Thread) -> float:
        """The time as thread `th` sees it (its own clock when it ran ahead)."""
        return th.clock if th.ahead else self.env.now

    def defer(self, th: Thread, effect) -> None:
        """Do `effect()` now, or when `th`, ahead of the clock, is caught up."""
        if th.ahead:
            th.pending.append(effect)
        else:
            effect()

    def line_of(self, th: Thread):
        """The line the thread is at (its innermost own generator frame's)."""
        frame = th.gen.gi_frame
        return frame.f_lineno if frame is not None else 0

    def line_id(self, line) -> int:
        """The trace task id of a source line (or (line, name))."""
        i = self.label.ids.get(line)
        return i if i is not None else self.label.id(line)

    def _dispatch(self, th: Thread, op):
        """Handle a yielded op other than a compute: (True, value) to go on at once,
        (False, None) when `th` now waits (it is resumed later)."""
        if isinstance(op, Request):
            op = [op]
            single = True
        else:
            single = False
        if isinstance(op, (list, tuple)):
            return self._wait(th, list(op), single, False)
        waiter = getattr(op, "begin", None)
        if waiter is None:
            what = (f"yielded the generator {op.__name__}(...); collectives and "
                    f"parallel_for are generators: `yield from` them"
                    if hasattr(op, "gi_frame") else
                    f"yielded {op!r}; yield a comm operation (compute, send, recv, a "
                    f"request, a list of requests, ...)")
            raise ProgramError(f"{self.label(self.line_id(self.line_of(th)))} (rank "
                               f"{th.rank}): {what}")
        return op.begin(self, th)

    def _finished(self, th: Thread, result) -> None:
        th.finished = True
        th.result = result
        th.t_end = self.env.now
        self.live -= 1
        self.resident[th.pe] -= 1
        self.rank_live[th.rank] -= 1
        for done in th.joiners:
            done()
        th.joiners = []

    def wait_span(self, th: Thread, since: float) -> None:
        """`th` waited (a lock, a join, a barrier) from `since` until now: a wait span,
        when no other thread lives on its PE (else the PE may have been busy meanwhile)."""
        th.blocked = ""
        if self.env.now > since and self.resident[th.pe] == 1:
            self.span(th.pe, WAIT, self.line_id(self.line_of(th)), since, self.env.now)

    # -- driving ------------------------------------------------------------------------

    def run(self) -> float:
        """Run every thread to its end; the makespan (seconds). Environment.step inlined
        (as engine.drive): pop the earliest (time, priority, id, event), set the clock,
        call the event's callbacks with it; every event here is a Timeout or a message
        whose latency elapses (_carry): it never fails and nothing waits on it once
        processed. The garbage collector's first threshold is raised meanwhile, then
        restored: a message allocates a few small objects, which leave no reference
        cycle once it is delivered, so collections are rare and find little to walk
        (the collector stays on for cycles the user's own code may make)."""
        env = self.env
        queue, pop = env._queue, heappop
        thresholds = gc.get_threshold()
        gc.set_threshold(max(thresholds[0], GC_THRESHOLD), *thresholds[1:])
        try:
            while queue:
                for _ in range(4096):
                    if not queue:
                        break
                    env._now, _, _, ev = pop(queue)
                    for callback in ev.callbacks:
                        callback(ev)
                else:                               # (polled as step did: every 4096)
                    if self.cancel is not None and self.cancel():
                        raise Cancelled("simulation cancelled")
        finally:
            gc.set_threshold(*thresholds)
        if self.live:
            raise ProgramError(self.deadlock_report())
        left = [m for q in self.unexpected for m in q]
        if left:
            raise ProgramError(self.unmatched_report(left))
        return self.env.now
