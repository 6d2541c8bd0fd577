"""The program executor: threads of user code on a machine's PEs, messages by LogGOPS.

A *thread* is a Python generator (a rank's `main`, or a task it spawned) that yields
operations; the executor drives it on one SimPy clock: a thread resumes from the
callback of the event it waited for (no simpy.Process per thread, see `_resume`).

CPU: each PE does one thing at a time, first come first served: the compute operations
of the threads on it and the CPU overheads of its rank's messages. A compute of f
FLOPs and b bytes costs what a task does in the engine (machine/costs.py): its
arithmetic f x ((1 - v) / scalar rate + v / (vector rate x e)) overlapped with a memory
flow of b bytes through the node (fluid.py), plus the memory latency after the last byte.

Messages follow LogGOPS (Hoefler, Schneider, Lumsdaine, HPDC'10) as LogGOPSim does. A
message of s bytes whose send starts at t (the CPU and the NIC both free):

    sender CPU     busy o + (s-1) O from t                       (a `send` span)
    sender NIC     next message leaves no earlier than t + g + (s-1) G   (other nodes)
    data           leaves at t + o: latency L (+ hop latencies), then its payload as
                   a flow over the route's links (max-min fair, fluid.py)
    receiver CPU   busy o + max((s-1) O - (s-1) G, 0) after the last byte (a `recv` span),
                   i.e. LogGOPSim's o + max((s-1) O, (s-1) G) counted from the first byte

so alone on the network a message is received o + L + (s-1) G + o after its send starts.
The payload is s - 1 bytes once any LogGOPS setting is given (LogGOPSim: the first byte
travels with L) and s bytes otherwise (Hockney: alpha + s / beta). Within a node the
payload goes through the node's memory as the engine's messages do (transport.py
intra_node: by default a copy, 2 x payload at most core_bandwidth_gbs, after the memory
latency), and to the same PE it is there at once; o applies to every
message, g and G's gap only to messages between nodes (the NIC's).

When a send completes: with no threshold S, once its data is delivered (the engine's
blocking send); messages of at most S bytes are eager: complete when the sender's CPU
overhead ends; larger ones use rendezvous: the envelope (after o + L) must be matched by
a posted receive, then the data leaves after another L (the answer's trip back), so a
rendezvous costs a round trip 2 L more than an eager message; it completes on delivery.
Matching is MPI's: the first posted receive whose source and tag fit, in the order each
sender sent (no overtaking between one pair of ranks); tag ANY_TAG never matches the
negative tags the collectives use.
"""

from __future__ import annotations

import gc
import math
from array import array
from collections import deque
from collections.abc import Sequence
from typing import NamedTuple

import simpy
from simpy.core import EmptySchedule
from simpy.events import Timeout

from ..engine.fluid import FluidModel
from ..engine.recorder import TraceRecorder
from ..engine.transport import intra_node
from ..errors import Cancelled, SimulationTooLarge
from ..machine.network import LogGOPS, network_for
from ..trace import KIND_CODE
from .errors import ProgramError

COMPUTE, STALL, SEND, RECV, WAIT = (KIND_CODE[k] for k in
                                    ("compute", "stall", "send", "recv", "wait"))
ANY_SOURCE = -1
ANY_TAG = -1
MAX_OPERATIONS = 5_000_000      # about 25 s of simulation at 5 us an operation
GC_THRESHOLD = 100_000         # allocations between young-generation collections during a run
GUARD_STEP = 4096               # operations between size-guard checks within one resume
CHAIN = 10_000                  # computes a thread may run ahead before the clock catches up
_END = object()                 # held "op" of a thread that ended while ahead


class Status(NamedTuple):
    """What a receive returns: who sent it, its tag and its size in bytes."""

    source: int
    tag: int
    nbytes: float


class Request:
    """A message in flight or a receive posted: `yield req` (or comm.wait) waits for it.

    Times kept for the trace: the waiting part of a wait is [t0, t1] (t0: the send's
    CPU overhead ended or the receive was posted; t1: the data was processed, or the
    send completed), t2 when the request completed."""

    __slots__ = ("kind", "rank", "peer", "tag", "nbytes", "line", "done", "value", "waiter",
                 "t0", "t1", "t2", "msg", "callback", "on_start", "logged")

    def __init__(self, kind, rank, peer, tag, nbytes, line):
        self.kind = kind             # SEND or RECV
        self.rank = rank
        self.peer = peer
        self.tag = tag
        self.nbytes = nbytes
        self.line = line
        self.callback = None         # called with the request when it completes
        self.on_start = None         # a send: called when its CPU overhead starts
        self.done = False
        self.logged = False          # a send: its span with the bytes is recorded
        self.value = None
        self.waiter = None
        self.t0 = -1.0
        self.t1 = self.t2 = 0.0
        self.msg: Message | None = None

    def describe(self, label) -> str:
        if self.kind == SEND:
            return f"send(dest={self.peer}, tag={self.tag}) at {label(self.line)}"
        src = "ANY_SOURCE" if self.peer == ANY_SOURCE else self.peer
        tag = "ANY_TAG" if self.tag == ANY_TAG else self.tag
        return f"recv(source={src}, tag={tag}) at {label(self.line)}"


class Message:
    """A message sent: its envelope, its route and where it is."""

    __slots__ = ("id", "src", "dst", "tag", "nbytes", "seq", "send", "rdv", "recv", "arrival",
                 "delivered", "line", "src_pe", "dst_pe", "payload", "remote", "ex", "intra")

    def __init__(self, ex: Executor, id: int, src: int, dst: int, tag: int, nbytes: float,
                 seq: int, send: Request, line):
        self.ex, self.id, self.src, self.dst, self.tag = ex, id, src, dst, tag
        self.nbytes, self.seq, self.send, self.line = nbytes, seq, send, line
        self.rdv = nbytes > ex.cost.S            # rendezvous: waits for the match
        self.recv: Request | None = None         # the receive a rendezvous matched
        self.arrival = 0.0
        self.delivered = False
        self.src_pe, self.dst_pe = ex.rank_pe[src], ex.rank_pe[dst]
        self.payload = ex.cost.payload(nbytes)
        self.remote = (ex.net is not None
                       and self.src_pe // ex.m.cores != self.dst_pe // ex.m.cores)
        self.intra = (0.0, 0.0)                  # within a node: (memory bytes, rate cap)

    def begin(self) -> None:
        self.ex._send_begin(self)

    def arrived(self, _t) -> None:
        self.ex._delivered(self)


class Thread:
    """One generator of user code on one PE of its rank."""

    __slots__ = ("gen", "rank", "pe", "index", "finished", "result", "blocked",
                 "t_block", "wait_reqs", "wait_left", "wait_any", "single", "joiners",
                 "ahead", "clock", "pending", "held")

    def __init__(self, gen, rank, pe, index):
        self.gen = gen
        self.rank = rank
        self.pe = pe
        self.index = index
        self.finished = False
        self.result = None
        self.blocked = ""            # what it waits for, for the deadlock report
        self.t_block = 0.0
        self.wait_reqs: Sequence[Request] = ()
        self.wait_left = 0
        self.wait_any = False
        self.single = False
        self.ahead = False           # ran ahead of the clock through computes (chaining)
        self.clock = 0.0
        self.pending: list = []      # side effects held until it is caught up
        self.held = None
        self.joiners: list = []


class Compute:
    """`yield comm.compute(...)`: arithmetic and memory traffic on the thread's PE."""

    __slots__ = ("flops", "nbytes", "seconds", "lanes", "line")

    def __init__(self, flops, nbytes, seconds, lanes, line):
        self.flops = flops
        self.nbytes = nbytes
        self.seconds = seconds
        self.lanes = lanes
        self.line = line


class Executor:
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
        self.compute_log = array("d")      # (pe, task, start, compute end, end, flops,
        spec = machine.spec.network        #  bytes, lanes) per compute
        self.cost = LogGOPS.of(spec)
        self.chainable = self.cost.o == 0 and self.cost.O == 0
        self.net = network_for(spec, machine.nodes) if machine.nodes > 1 else None
        self.links = FluidModel(self.env, self.net.capacity) if self.net else None
        self.memory = [FluidModel(self.env, [machine.mem_bandwidth])
                       for _ in range(machine.nodes)]
        pes = machine.pes
        self.cpu_busy = [False] * pes
        self.resident = [0] * pes                # live threads per PE
        self.rank_live = [0] * ranks             # live threads per rank
        self.rank_pe = [r * threads for r in range(ranks)]
        self.cpu_queue: list[deque] = [deque() for _ in range(pes)]
        self.nic_send = [0.0] * pes
        self.nic_recv = [0.0] * pes
        self.posted: list[list[Request]] = [[] for _ in range(ranks)]
        self.unexpected: list[list[Message]] = [[] for _ in range(ranks)]
        self.sent_seq: dict[tuple[int, int], int] = {}
        self.next_seq: dict[tuple[int, int], int] = {}
        self.held: dict[tuple[int, int], dict[int, Message]] = {}
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
        return rank * self.threads + index % self.threads if index else self.rank_pe[rank]

    def start(self, gen, rank: int, index: int = 0, parent: Thread | None = None) -> Thread:
        """A new thread running generator `gen`; it starts now (or, spawned by a thread
        ahead of the clock, when that one is caught up)."""
        th = Thread(gen, rank, self.pe_of(rank, index), index)
        self.all_threads.append(th)
        self.live += 1
        self.resident[th.pe] += 1
        self.rank_live[rank] += 1
        if parent is not None and parent.ahead:
            parent.pending.append(lambda: self.wake_later(th))
        else:
            self.wake_later(th)
        return th

    def _wake(self, ev) -> None:
        th, value = ev._value
        self._resume(th, value)

    def wake_later(self, th: Thread, value=None) -> None:
        Timeout(self.env, 0.0, (th, value)).callbacks.append(self._wake)

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
        chainable, rank_live, rank = self.chainable, self.rank_live, th.rank
        log, ids = self.compute_log.extend, self.label.ids
        try:
            while True:
                try:
                    op = gen.send(value)
                except StopIteration as stop:
                    self._ended(th, stop.value)
                    break
                except ProgramError:
                    raise
                except Exception as exc:
                    from .loader import user_error
                    raise user_error(exc, th.rank) from None
                count += 1
                if count == GUARD_STEP:            # a loop that never waits is stopped too
                    self.operations += count
                    count = 0
                    self._guard(th)
                if (type(op) is Compute and chainable and op.nbytes == 0
                        and chained < CHAIN and rank_live[rank] == 1):
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
                    task = ids.get(op.line)
                    log((th.pe, self.label.id(op.line) if task is None else task, start, end,
                         end, op.flops, 0.0, op.lanes))
                    value = None
                    continue
                if th.ahead:
                    th.held = (op, None)
                    self._sync_at(th)
                    break
                if type(op) is Compute:
                    self._compute(th, op)
                    break
                if type(op) is Request and op.waiter is None:      # the common wait
                    done, value = self._wait_one(th, op)
                else:
                    done, value = self._dispatch(th, op)
                if not done:
                    break
        finally:
            self.operations += count
            self.running = False
        self._guard(th)

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
        """`yield req` (nobody else waits on it): (True, value) if done, else wait."""
        if req.done:
            self._wait_spans(th, (req,), self.env.now)
            return True, req.value
        th.t_block = self.env.now
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
            self.rec.span(th.pe, WAIT, self.line_id(self.line_of(th)), since, self.env.now)

    # -- waiting on requests ----------------------------------------------------------------

    def wait_any(self, th: Thread, reqs: list) -> tuple[bool, object]:
        if not reqs:
            raise ProgramError(f"{self.label(self.line_id(self.line_of(th)))} (rank "
                               f"{th.rank}): waitany needs at least one request")
        return self._wait(th, reqs, False, True)

    def _wait(self, th: Thread, reqs: list, single: bool, any_: bool):
        for r in reqs:
            if not isinstance(r, Request):
                raise ProgramError(f"{self.label(self.line_id(self.line_of(th)))} (rank {th.rank}): "
                                   f"waits on {r!r}, not a request")
            if r.waiter is not None and r.waiter is not th and not r.done:
                raise ProgramError(f"{self.label(self.line_id(self.line_of(th)))} (rank {th.rank}): "
                                   f"a request is already waited on by another thread")
        now = self.env.now
        if any_:
            for i, r in enumerate(reqs):
                if r.done:
                    self._wait_spans(th, [r], now)
                    return True, (i, r.value)
        left = sum(1 for r in reqs if not r.done)
        if not left:
            self._wait_spans(th, reqs, now)
            return True, reqs[0].value if single else [r.value for r in reqs]
        th.t_block = now
        th.wait_reqs = reqs
        th.wait_left = left
        th.wait_any = any_
        th.single = single
        for r in reqs:
            if not r.done:
                r.waiter = th
        return False, None

    def complete(self, req: Request, value=None) -> None:
        """Request `req` is done now: wake its waiter if it waited for this."""
        req.done = True
        req.value = value
        req.t2 = self.env.now
        if req.callback is not None:
            req.callback(req)
        th = req.waiter
        if th is None and not req.logged and req.kind == SEND:    # nobody waits: log it
            req.logged = True
            msg = req.msg
            assert msg is not None                  # a send has its message
            self.rec.span(msg.src_pe, SEND, self.line_id(msg.line), req.t0, req.t0, 0.0,
                          msg.nbytes, msg.dst_pe, msg.id)
        if th is None:
            return
        req.waiter = None
        if th.wait_any:
            reqs = th.wait_reqs
            for r in reqs:
                r.waiter = None
            i = reqs.index(req)
            th.wait_reqs = ()
            self._wait_spans(th, [req], th.t_block)
            self._wake_now(th, (i, value))
            return
        th.wait_left -= 1
        if th.wait_left:
            return
        reqs = th.wait_reqs
        th.wait_reqs = ()
        self._wait_spans(th, reqs, th.t_block)
        self._wake_now(th, reqs[0].value if th.single else [r.value for r in reqs])

    def _wake_now(self, th: Thread, value) -> None:
        th.blocked = ""
        if self.running:
            self.wake_later(th, value)
        else:
            self._resume(th, value)

    def _wait_spans(self, th: Thread, reqs: Sequence[Request], t_block: float) -> None:
        """The waits on th's PE: per request, in order of t1, [max(cursor, t0), t1]."""
        rec, pe = self.rec, th.pe
        cursor = t_block
        for r in reqs if len(reqs) == 1 else sorted(reqs, key=lambda r: (r.t1, r.t2)):
            start = cursor if cursor > r.t0 else r.t0
            msg = r.msg
            assert msg is not None               # a completed request has its message
            if r.kind == RECV:
                rec.span(pe, RECV, self.line_id(r.line), start, max(start, r.t1), 0.0,
                         msg.nbytes, msg.src_pe, msg.id)
            elif not r.logged:                 # the send's one span with its bytes
                r.logged = True
                rec.span(pe, SEND, self.line_id(r.line), start, max(start, r.t1), 0.0,
                         msg.nbytes, msg.dst_pe, msg.id)
            elif r.t1 > start:
                rec.span(pe, SEND, self.line_id(r.line), start, r.t1, 0.0, 0.0, msg.dst_pe,
                         msg.id)
            if r.t2 > cursor:
                cursor = r.t2

    # -- the CPU ------------------------------------------------------------------------

    def rate(self, precision: str, vf: float, le: float = 1.0) -> tuple[float, int]:
        """(seconds per FLOP, lanes active) for arithmetic of this kind (costs.py)."""
        key = (precision, vf, le)
        hit = self._rates.get(key)
        if hit is None:
            m = self.m
            vec = m.vector_rate(precision)
            k = (1.0 - vf) / m.scalar_rate() + vf / (vec * le)
            lanes = max(1, round(m.lanes(precision) * le)) if vf > 0 else 1
            hit = self._rates[key] = (k, lanes)
        return hit

    def cpu(self, pe: int, start) -> None:
        """Run `start()` when `pe` is free; it must call `cpu_free(pe)` when done."""
        if self.cpu_busy[pe]:
            self.cpu_queue[pe].append(start)
        else:
            self.cpu_busy[pe] = True
            start()

    def cpu_free(self, pe: int) -> None:
        q = self.cpu_queue[pe]
        if q:
            q.popleft()()
        else:
            self.cpu_busy[pe] = False

    def _compute(self, th: Thread, op: Compute) -> None:
        pe = th.pe
        if self.cpu_busy[pe]:
            self.cpu_queue[pe].append(lambda: self._compute_start(th, op))
        else:
            self.cpu_busy[pe] = True
            self._compute_start(th, op)

    def _compute_start(self, th: Thread, op: Compute) -> None:
        now = self.env.now
        if op.nbytes > 0:
            end_c = now + op.seconds
            m = self.m

            def memory_done(t1):
                end = max(end_c, t1 + m.mem_latency)
                Timeout(self.env, max(end - self.env.now, 0.0),
                        (th, op, now)).callbacks.append(self._compute_end)
            self.memory[th.pe // m.cores].start(op.nbytes, (0,), m.core_bandwidth, memory_done)
        else:
            Timeout(self.env, op.seconds, (th, op, now)).callbacks.append(self._compute_end)

    def _compute_end(self, ev) -> None:
        th, op, start = ev._value
        end = self.env.now
        self.compute_log.extend((th.pe, self.line_id(op.line), start,
                                 min(start + op.seconds, end), end, op.flops, op.nbytes,
                                 op.lanes))
        self.cpu_free(th.pe)
        self._resume(th, None)

    def recv_overhead(self, pe: int, line, seconds: float, peer: int, msg: int,
                      then) -> None:
        """The receiver's CPU overhead of `seconds` on `pe` once it is free (a recv span
        when it takes time), then `then(t)` with t its start."""
        def start():
            t = self.env.now
            if seconds > 0:
                def end(_ev):
                    self.rec.span(pe, RECV, self.line_id(line), t, t + seconds, 0.0, 0.0,
                                  peer, msg)
                    self.cpu_free(pe)
                    then(t)
                Timeout(self.env, seconds).callbacks.append(end)
            else:
                self.cpu_free(pe)
                then(t)
        self.cpu(pe, start)

    # -- messages -----------------------------------------------------------------------

    def isend(self, rank: int, dest: int, nbytes: float, tag: int, line, callback=None,
              on_start=None, thread: Thread | None = None) -> Request:
        """Start a send from `rank` (when `thread` is caught up); returns its request
        (`on_start()` when its CPU overhead starts, `callback(req)` when it completes)."""
        req = Request(SEND, rank, dest, tag, nbytes, line)
        req.callback, req.on_start = callback, on_start
        key = (rank, dest)
        seq = self.sent_seq.get(key, 0)
        self.sent_seq[key] = seq + 1
        msg = Message(self, self.messages, rank, dest, tag, nbytes, seq, req, line)
        self.messages += 1
        self.bytes_sent += nbytes
        req.msg = msg
        src_pe = msg.src_pe
        if thread is not None and thread.ahead:
            thread.pending.append(lambda: self.cpu(src_pe, msg.begin))
        elif self.cpu_busy[src_pe]:
            self.cpu_queue[src_pe].append(msg.begin)
        else:
            self.cpu_busy[src_pe] = True
            self._send_begin(msg)
        return req

    def _send_begin(self, msg: Message) -> None:
        """The sender's CPU is free: wait for its NIC's gap, then start."""
        now = self.env.now
        if msg.remote and self.nic_send[msg.src_pe] > now:
            Timeout(self.env, self.nic_send[msg.src_pe] - now, msg).callbacks.append(
                lambda ev: self._send_start(ev._value))
        else:
            self._send_start(msg)

    def _send_start(self, msg: Message) -> None:
        req, src_pe, payload, remote = msg.send, msg.src_pe, msg.payload, msg.remote
        c, now = self.cost, self.env.now
        if req.on_start is not None:
            req.on_start()
        if remote:
            self.nic_send[src_pe] = now + c.g + payload * c.G
        o = c.o + payload * c.O
        dst_pe = msg.dst_pe
        if o > 0:                       # the CPU overhead, with the message's bytes
            req.logged = True
            self.rec.span(src_pe, SEND, self.line_id(msg.line), now, now + o, 0.0, msg.nbytes,
                          dst_pe, msg.id)
            Timeout(self.env, o).callbacks.append(lambda _ev: self._sent(req, msg, src_pe))
        else:                           # logged by its wait, or when it completes
            self._sent(req, msg, src_pe)
        # the data (or a rendezvous envelope) leaves after o
        if msg.rdv:
            Timeout(self.env, c.o + self._latency(src_pe, dst_pe), msg).callbacks.append(
                lambda ev: self._envelope(ev._value))
        elif c.o > 0:
            Timeout(self.env, c.o).callbacks.append(lambda _ev: self._carry(msg))
        else:
            self._carry(msg)

    def _sent(self, req, msg, src_pe) -> None:
        """The sender's CPU overhead is over."""
        self.cpu_free(src_pe)
        now = self.env.now
        req.t0 = now
        if not msg.rdv and not self.cost.no_threshold:     # eager: complete now
            req.t1 = now
            self.complete(req)
        elif msg.delivered and not req.done:               # delivered during the overhead
            req.t1 = now
            self.complete(req)

    def _latency(self, a: int, b: int) -> float:
        if a == b:
            return 0.0
        na, nb = a // self.m.cores, b // self.m.cores
        if na == nb:
            return self.m.mem_latency
        assert self.net is not None                 # nodes differ: a network exists
        return self.net.route(na, nb)[1]

    def _carry(self, msg: Message) -> None:
        """The data leaves now: latency, then the payload as a flow."""
        a, b = msg.src_pe, msg.dst_pe
        if a == b:
            self._delivered(msg)
            return
        na, nb = a // self.m.cores, b // self.m.cores
        if na == nb:                       # as the engine's transport (intra_node)
            latency, factor, cap = intra_node(self.m, msg.payload)
            msg.intra = (factor * msg.payload, cap)
        else:
            assert self.net is not None
            latency = self.net.route(na, nb)[1]
        Timeout(self.env, latency, msg).callbacks.append(self._flow)

    def _flow(self, ev) -> None:
        """The latency is over: the payload flows (a copy through memory within a node)."""
        msg = ev._value
        if msg.payload <= 0:
            self._delivered(msg)
            return
        na, nb = msg.src_pe // self.m.cores, msg.dst_pe // self.m.cores
        if na == nb:
            amount, cap = msg.intra
            if amount <= 0:                  # in the caches: all latency
                self._delivered(msg)
                return
            self.memory[na].start(amount, (0,), cap, msg.arrived)
        else:
            assert self.net is not None and self.links is not None
            self.links.start(msg.payload, self.net.route(na, nb)[0], math.inf, msg.arrived)

    def _delivered(self, msg: Message) -> None:
        """The last byte is at the receiver: its NIC gap, then its CPU overhead."""
        c, now = self.cost, self.env.now
        msg.delivered = True
        dst_pe = msg.dst_pe
        send = msg.send
        if (msg.rdv or c.no_threshold) and send.t0 >= 0:   # its CPU overhead is over
            send.t1 = now
            self.complete(send)
        o = c.o + max(msg.payload * (c.O - c.G), 0.0)
        delay = 0.0
        if msg.remote and c.first_byte:
            delay = max(self.nic_recv[dst_pe] - now, 0.0)
            self.nic_recv[dst_pe] = now + delay + c.g
        if o <= 0 and delay <= 0:
            self._processed(msg, now)
            return

        def process(_ev=None):
            self.recv_overhead(dst_pe, msg.line, o, msg.src_pe, msg.id,
                               lambda t: self._processed(msg, t))
        if delay > 0:
            Timeout(self.env, delay).callbacks.append(process)
        else:
            process()

    def _processed(self, msg: Message, t_cpu: float) -> None:
        """The receiver's CPU has taken the message in (its overhead started at t_cpu)."""
        if msg.recv is not None:          # rendezvous: matched before its data came
            req = msg.recv
            req.t1 = t_cpu
            self.complete(req, Status(msg.src, msg.tag, msg.nbytes))
            return
        msg.arrival = t_cpu
        self._in_order(msg)

    def _envelope(self, msg: Message) -> None:
        """A rendezvous envelope reached the receiver: match it like a message."""
        msg.arrival = self.env.now
        self._in_order(msg)

    def _in_order(self, msg: Message) -> None:
        """Match messages of one sender in the order it sent them (no overtaking)."""
        key = (msg.src, msg.dst)
        expect = self.next_seq.get(key, 0)
        nxt: Message | None = msg
        if msg.seq != expect:
            self.held.setdefault(key, {})[msg.seq] = msg
            return
        while nxt is not None:
            self._match_message(nxt)
            expect += 1
            held = self.held.get(key)
            nxt = held.pop(expect, None) if held else None
        self.next_seq[key] = expect

    def _match_message(self, msg: Message) -> None:
        posted = self.posted[msg.dst]
        for i, req in enumerate(posted):
            if _fits(req, msg):
                del posted[i]
                self._matched(req, msg, req.t0)
                return
        self.unexpected[msg.dst].append(msg)

    def irecv(self, rank: int, source: int, tag: int, line, callback=None,
              thread: Thread | None = None) -> Request:
        """Post a receive on `rank` (when `thread` is caught up); returns its request
        (`callback(req)` when done)."""
        req = Request(RECV, rank, source, tag, 0.0, line)
        req.callback = callback
        if thread is not None and thread.ahead:
            thread.pending.append(lambda: self._post(req))
        else:
            self._post(req)
        return req

    def _post(self, req: Request) -> None:
        rank, now = req.rank, self.env.now
        req.t0 = now
        queue = self.unexpected[rank]
        for i, msg in enumerate(queue):
            if _fits(req, msg):
                del queue[i]
                self._matched(req, msg, now)
                return
        self.posted[rank].append(req)

    def _matched(self, req: Request, msg: Message, at: float) -> None:
        req.msg = msg
        if msg.rdv:                       # a rendezvous envelope: fetch the data now
            msg.recv = req
            back = self._latency(self.pe_of(msg.dst), self.pe_of(msg.src))
            Timeout(self.env, back).callbacks.append(lambda _ev: self._carry(msg))
            return
        req.t1 = max(at, msg.arrival)
        self.complete(req, Status(msg.src, msg.tag, msg.nbytes))

    # -- driving ------------------------------------------------------------------------

    def run(self) -> float:
        """Run every thread to its end; the makespan (seconds). The garbage collector's
        first threshold is raised meanwhile (a message allocates a few small objects;
        collecting every 700 allocations costs about a tenth of the run), then restored."""
        step = self.env.step
        thresholds = gc.get_threshold()
        gc.set_threshold(max(thresholds[0], GC_THRESHOLD), *thresholds[1:])
        try:
            while True:
                for _ in range(4096):
                    step()
                if self.cancel is not None and self.cancel():
                    raise Cancelled("simulation cancelled")
        except EmptySchedule:
            pass
        finally:
            gc.set_threshold(*thresholds)
        if self.live:
            raise ProgramError(self.deadlock_report())
        left = [m for q in self.unexpected for m in q]
        if left:
            raise ProgramError(self.unmatched_report(left))
        return self.env.now

    def deadlock_report(self) -> str:
        """Each blocked thread: its rank, what it waits for and its line."""
        parts = []
        for th in self.all_threads:
            if th.finished:
                continue
            what = self._waits_for(th)
            parts.append(f"rank {th.rank}" + (f" thread {th.index}" if th.index else "")
                         + f" waits in {what}")
        for report in self.pending_reports:
            parts += report()
        shown = "; ".join(parts[:8])
        more = f"; and {len(parts) - 8} more" if len(parts) > 8 else ""
        return f"deadlock at t = {self.env.now * 1e6:.6g} us: {shown}{more}"

    def _waits_for(self, th: Thread) -> str:
        label = lambda i: self.label(self.line_id(i))      # noqa: E731
        reqs = [r for r in th.wait_reqs if not r.done]
        if not reqs:
            return f"{th.blocked or 'an operation'} at {label(self.line_of(th))}"
        r = reqs[0]
        text = r.describe(label)
        if r.kind == RECV and r.peer != ANY_SOURCE:
            if all(t.finished for t in self.all_threads if t.rank == r.peer):
                text += f" (rank {r.peer} finished without sending it)"
        if len(reqs) > 1:
            text += f" and {len(reqs) - 1} more request(s)"
        return text

    def unmatched_report(self, left: list) -> str:
        label = lambda i: self.label(self.line_id(i))      # noqa: E731
        parts = [f"rank {m.src}'s send(dest={m.dst}, tag={m.tag}, {m.nbytes:g} B) at "
                 f"{label(m.line)}" for m in left[:8]]
        more = f"; and {len(left) - 8} more" if len(left) > 8 else ""
        return (f"{len(left)} message(s) were never received: " + "; ".join(parts) + more)

    def trace(self):
        """The recorded spans as a Trace: each compute is a compute span [start, compute
        end] if its arithmetic took time, then a stall span for the rest (when its memory
        finished later, or it had only memory traffic), FLOPs and bytes on the first."""
        import numpy as np
        log = np.frombuffer(self.compute_log, np.float64).reshape(-1, 8)
        pe, task = log[:, 0].astype(np.int64), log[:, 1].astype(np.int64)
        s, c, e, f, b, lanes = (log[:, k] for k in range(2, 8))
        has_c = c > s
        has_s = (e > c) | (~has_c & (b > 0))
        first = ~has_c
        rec = self.rec
        ic, is_ = np.flatnonzero(has_c), np.flatnonzero(has_s)
        cols: dict[str, np.ndarray] = {"pe": np.concatenate([pe[ic], pe[is_]]).astype(np.int32),
                "kind": np.concatenate([np.full(len(ic), COMPUTE), np.full(len(is_), STALL)]
                                       ).astype(np.int8),
                "task": np.concatenate([task[ic], task[is_]]).astype(np.int32),
                "start": np.concatenate([s[ic], c[is_]]), "end": np.concatenate([c[ic], e[is_]]),
                "flops": np.concatenate([f[ic], np.where(first[is_], f[is_], 0.0)]),
                "bytes": np.concatenate([b[ic], np.where(first[is_], b[is_], 0.0)]),
                "peer": np.full(len(ic) + len(is_), -1, np.int32),
                "msg": np.full(len(ic) + len(is_), -1, np.int32),
                "lanes": np.concatenate([lanes[ic], np.zeros(len(is_))]).astype(np.int16)}
        for name, col in cols.items():
            getattr(rec, name).frombytes(col.tobytes())
        z = np.zeros(0)
        return rec.finish(self.m.cores, z, z, np.zeros(0, np.int16), z)


def _fits(req: Request, msg: Message) -> bool:
    return ((req.peer == ANY_SOURCE or req.peer == msg.src)
            and (req.tag == msg.tag or (req.tag == ANY_TAG and msg.tag >= 0)))

