"""Messages between tasks: how the engine sends, carries and receives them.

A graph with messages is a set of programs, one per PE, like MPI ranks: unowned
tasks are placed first (block placement, or cyclic when the schedule says so), and
each PE runs its own tasks in index (program) order (program_order.py). A message
leaves when its source task's arithmetic ends and must arrive before its destination
task starts.

Carrying (eager protocol: data flows as soon as it is sent, receive buffers unlimited):
  - between nodes: after latency_us + (hops - 1) hop_latency_us, the bytes are one flow
    over the route's links in the machine-wide network FluidModel (max-min fair);
  - within a node: after the memory latency, a copy of 2 x bytes (read + write) through
    that node's memory FluidModel, at most core_bandwidth_gbs; with the network's
    intra_latency_us / intra_bandwidth_gbs set (a calibrated machine), after that
    latency, the bytes as one flow through the node's memory at most that bandwidth;
    with intra_cached_bytes set, a message of at most that size stays in the caches:
    intra latency + bytes / intra_cached_bandwidth_gbs, no memory traffic;
  - to the same PE: the data is already there, it arrives at once (this keeps the
    one-core speedup baseline free of the decomposition's messages).

Blocking vs non-blocking (per message, `GraphBuilder.message(..., blocking=)`):
  - blocking send (MPI_Send, rendezvous-like): the sender's PE stays in a `send` span
    until the message is delivered; a task's blocking sends go one after another, and
    the task's successors are released only after the last one;
  - non-blocking send (MPI_Isend): the message flies while the PE goes on computing
    (overlap); the trace keeps a zero-length `send` span at the moment it left.
  - receive: when a PE reaches a task whose messages have not all arrived it waits in
    `recv` spans (MPI_Recv / MPI_Wait), one per message, ending at each arrival; a
    message that was already there gets a zero-length `recv` span. Send and recv spans
    carry the message bytes, the peer PE and the message index.
Deadlock-free: the lowest unfinished task always has its sources done and its PE free.

LogGOPS (once `[machine.network]` sets overhead_us, gap_us or overhead_per_byte_ns; see
machine/network.py LogGOPS): a task's messages leave one after another, each after its
CPU overhead o + (s-1) O (a `send` span with its bytes) and, between nodes, no sooner
than g + (s-1) G after the PE's previous one (its NIC); the data leaves o after the
overhead starts and carries s - 1 bytes after L (a message to the same PE costs
nothing, as before: the one-core baseline stays free of the decomposition's messages). A non-blocking message lets the next
one start when its overhead ends, a blocking one when it is delivered. The receiving
task begins once every message is in and the CPU has taken each in (o + max((s-1) O -
(s-1) G, 0) after its arrival, in arrival order: `recv` spans with the bytes); a
message that came before its task started is taken in as it arrives, or as soon as its
PE is free, as in LogGOPSim (arrivals.py). Alone, one message costs o + L + (s-1) G + o.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from simpy.events import Timeout

from ..machine.costs import min_durations
from ..machine.network import LogGOPS, network_for
from ..trace import KIND_CODE
from .events import Later, at
from .fluid import Flow, FluidModel
from .routes import MessageRoutes, ideal_times, intra_node

if TYPE_CHECKING:
    from .arrivals import ArrivalOverheads

SEND, RECV = KIND_CODE["send"], KIND_CODE["recv"]


def _csr(keys: np.ndarray, n: int, ints: np.ndarray) -> tuple[list[int], list[int]]:
    """Message indices grouped by task (`keys`), each group in message order; the
    numbers are the objects of `ints` (ints[i] is i: see Transport.__init__)."""
    idx = np.argsort(keys, kind="stable")
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=ptr[1:])
    return ints[ptr].tolist(), ints[idx].tolist()


class Transport:
    """The engine's message layer: `receive` and `send` hooks, network statistics."""

    arrivals: ArrivalOverheads | None = None   # arrivals.py: overheads of tasks not started
    arrive_inline = True                        # False: a subclass extends _arrive

    def __init__(self, engine):
        self.e = engine
        self.env = engine.env
        self.rec = engine.rec
        g, m = engine.g, engine.m
        # the per-message lists hold one int object per task, PE or message number
        # (arange of objects, indexed), not one per entry: a pointer per message each
        tasks = np.arange(g.n, dtype=object)
        self.src, self.dst = tasks[g.msg_src].tolist(), tasks[g.msg_dst].tolist()
        self.nbytes = g.msg_bytes.tolist()
        blocking = g.msg_blocking if len(g.msg_blocking) else np.zeros(len(self.src), bool)
        self.blocking = blocking.tolist()
        owner = np.asarray(engine.owner)
        pes = np.arange(m.pes, dtype=object)
        self.src_pe = pes[owner[g.msg_src]].tolist()
        self.dst_pe = pes[owner[g.msg_dst]].tolist()
        msgs = np.arange(len(self.src) + 1, dtype=object)
        self.out_ptr, self.out_idx = _csr(g.msg_src, g.n, msgs)
        self.in_ptr, self.in_idx = _csr(g.msg_dst, g.n, msgs)
        self.missing = np.bincount(g.msg_dst, minlength=g.n).tolist()   # messages not in
        self.sent_at = [0.0] * len(self.src)
        self.arrival = [0.0] * len(self.src)
        self.posted: dict[int, tuple[int, float]] = {}     # task -> (pe, time) in recv
        self.queue: list[list[int] | None] = [None] * m.pes   # pe -> blocking sends left
        self.cores = m.cores
        self.net = network_for(m.spec.network, m.nodes) if m.nodes > 1 else None
        self.links = FluidModel(self.env, self.net.capacity) if self.net else None
        self.routes = MessageRoutes(self.net, owner[g.msg_src] // m.cores,
                                    owner[g.msg_dst] // m.cores)
        self.route = self.routes.of                 # message -> (links, latency) or None
        self.count = 0
        self.bytes_sent = 0.0
        self.cost = LogGOPS.of(m.spec.network)
        self.logp = bool(self.cost.first_byte)            # any LogGOPS setting given
        self.nic_free = [0.0] * m.pes                       # LogGOPS: the NIC's next send
        self.payload = (np.maximum(g.msg_bytes - self.cost.first_byte, 0.0).tolist()
                        if self.logp else self.nbytes)        # bytes after the first one
        self._landed = [self._land]
        self._done = (self._arrive, self._sent)     # a flow's end: by blocking (bound once)
        self._ideal: list[float] | None = None      # ideal_times, once computed
        self.span = None                    # send / recv spans of a message (not LogGOPS)
        if self.rec is not None and not self.logp:
            self.rec.messages(owner[g.msg_src], owner[g.msg_dst], g.msg_src, g.msg_dst,
                              g.msg_bytes)
            self.span = self.rec.msg_span           # inline on the hot paths:
            self.code = self.rec.msg_code.append
            self.sends = self.rec.send_start, self.rec.send_end
            self.recvs = self.rec.recv_start, self.rec.recv_end

    # -- engine hooks ------------------------------------------------------------------

    def receive(self, pe: int, t: int, now: float) -> bool:
        """PE `pe` reached task t: True if it must wait in recv (we start it later)."""
        a, b = self.in_ptr[t], self.in_ptr[t + 1]
        if a == b:
            return False
        if self.missing[t]:
            self.posted[t] = (pe, now)
            return True
        if self.logp:
            self._take_in(pe, t, now)
            return True
        if b - a == 1 and self.span is not None:      # _recv_spans of one message
            m = self.in_idx[a]
            arrived = self.arrival[m]
            self.code(-1 - m)
            start, end = self.recvs
            start[m], end[m] = now, arrived if arrived > now else now
        else:
            self._recv_spans(pe, t, now)
        return False

    def send(self, pe: int, t: int, now: float) -> bool:
        """Task t's arithmetic ended: send its messages. True if blocking sends hold the PE
        (we call the engine's `_release` after the last one)."""
        a, b = self.out_ptr[t], self.out_ptr[t + 1]
        if a == b:
            return False
        if self.logp:
            self.queue[pe] = self.out_idx[a:b][::-1]
            self._next_send(pe, t)
            return True
        if b - a == 1:                              # one message: no queue
            m = self.out_idx[a]
            if self.blocking[m]:
                self._launch(m)
                return True
            if self.span is not None:
                self.code(m)
                start, end = self.sends
                start[m] = end[m] = now
            self._launch(m)
            return False
        waiting = []
        for k in range(a, b):
            m = self.out_idx[k]
            if self.blocking[m]:
                waiting.append(m)
            else:
                if self.span is not None:
                    self.span(m, now, now)
                self._launch(m)
        if not waiting:
            return False
        waiting.reverse()
        m = waiting.pop()
        if waiting:
            self.queue[pe] = waiting
        self._launch(m)
        return True

    def summary(self, makespan: float) -> dict:
        """messages, bytes_sent and, on a multi-node machine, the busiest link's share of
        the run it spent carrying data: bytes / (capacity x makespan). (The critical path
        with messages, critical_path below, goes to metrics.summarize.)"""
        out: dict[str, float | str] = {"messages": self.count, "bytes_sent": self.bytes_sent}
        if self.net is not None and self.links is not None:
            busy, cap = self.links.busy_bytes, self.net.capacity
            use = [b / (c * makespan) if makespan > 0 else 0.0 for b, c in zip(busy, cap)]
            i = int(np.argmax(use))
            out["busiest_link_utilisation"] = use[i]
            out["busiest_link"] = self.net.names[i]
        return out

    def ideal_time(self, m: int) -> float:
        """Message m alone on an idle path (ideal_times)."""
        return self.ideal_times()[m]

    def ideal_times(self) -> list[float]:
        """Each message alone on an idle path: 0 to its own PE; within a node, latency +
        factor x payload / min(cap, memory bandwidth) (intra_node); between nodes, the
        route's latency + payload / its narrowest link. Computed once."""
        if self._ideal is None:
            self._ideal = self._ideal_times()
        return self._ideal

    def _ideal_times(self) -> list[float]:
        """ideal_times (routes.ideal_times)."""
        return ideal_times(self.routes, self.e.m, self.src_pe, self.dst_pe, self.payload)

    def task_times(self) -> list[float]:
        """Each task's contention-free duration (costs.min_durations)."""
        return min_durations(self.e.m, self.e.g).tolist()

    def critical_path(self) -> float:
        """TaskGraph.longest_path through the dependencies (program order included) and
        the messages, each task at its contention-free duration and each message at
        ideal_time: a lower bound on the makespan."""
        return self.e.g.longest_path(self.task_times(), self.ideal_times())

    # -- carrying ----------------------------------------------------------------------

    def _launch(self, m: int) -> None:
        """Message m leaves now: latency first, then its bytes as a flow (start_after: no
        event of its own when it follows on another); at its end `_sent` (blocking) or
        `_arrive`."""
        env = self.env
        self.sent_at[m] = env._now
        self.count += 1
        self.bytes_sent += self.nbytes[m]
        done = self._done[self.blocking[m]]
        nb = self.payload[m]
        a, b = self.src_pe[m], self.dst_pe[m]
        path = self.route[m]
        if path is not None:                        # between nodes
            model, (links, latency), amount, cap = self.links, path, nb, math.inf
        elif a != b:
            latency, factor, cap = intra_node(self.e.m, nb)
            model, links, amount = self.e.memory[a // self.cores], (0,), factor * nb
        else:
            at(env, 0.0, Later(self._landed, m))
            return
        if amount > 0:
            assert model is not None
            model.start_after(latency, Flow(amount, links, cap, done, m))
        else:
            at(env, latency, Later(self._landed, m))

    def _land(self, ev: Later) -> None:
        """Message ev.value is in without a flow (no bytes to carry)."""
        m = ev.value
        if self.blocking[m]:
            self._sent(m)
        else:
            self._arrive(m)

    def _sent(self, m: int) -> None:
        """Blocking message m is delivered (`_arrive`): its send span ends; the PE sends
        its task's next blocking message or is released."""
        now, t = self.env._now, self.dst[m]
        if self.arrive_inline and self.arrivals is None and t not in self.posted:
            self.arrival[m] = now                   # _arrive: its task is not in recv
            self.missing[t] -= 1
        else:
            self._arrive(m)
        pe = self.src_pe[m]
        if self.span is not None:
            self.code(m)
            start, end = self.sends
            start[m], end[m] = self.sent_at[m], now
        elif self.rec is not None:
            self.rec.span(pe, SEND, self.src[m], self.sent_at[m], now, 0.0, 0.0,
                          self.dst_pe[m], m)
        if self.logp:
            self._next_send(pe, self.src[m])
            return
        left = self.queue[pe]
        if left:
            m = left.pop()
            if not left:
                self.queue[pe] = None
            self._launch(m)
        else:
            self.e._release(pe, self.src[m], now)

    def _arrive(self, m: int) -> None:
        """Message m is in: its task, waiting in recv for its last message, begins."""
        now = self.arrival[m] = self.env._now
        t = self.dst[m]
        self.missing[t] -= 1
        if self.arrivals is not None and t not in self.posted:
            self.arrivals.arrived(m)               # its task has not started
        if self.missing[t] == 0 and t in self.posted:
            pe, post = self.posted.pop(t)
            if self.logp:
                self._take_in(pe, t, post)
                return
            if self.in_ptr[t + 1] - self.in_ptr[t] == 1 and self.span is not None:
                self.code(-1 - m)                   # _recv_spans of this one message
                start, end = self.recvs
                start[m], end[m] = post, now
            else:
                self._recv_spans(pe, t, post)
            self.e.cur_start[pe] = now
            self.e._begin(pe, t)

    def _recv_spans(self, pe: int, t: int, post: float) -> None:
        """One recv span per incoming message, in arrival order, from `post` on (one
        message: inline in receive and _arrive)."""
        span = self.span
        if span is None:
            return
        a, b = self.in_ptr[t], self.in_ptr[t + 1]
        msgs = sorted(self.in_idx[a:b], key=lambda m: (self.arrival[m], m))
        cursor = post
        for m in msgs:
            end = max(cursor, self.arrival[m])
            span(-1 - m, cursor, end)
            cursor = end

    # -- LogGOPS ------------------------------------------------------------------------

    def _next_send(self, pe: int, t: int) -> None:
        """Task t's next message on `pe`: after the NIC's gap, its CPU overhead; the data
        leaves o after the overhead starts. None left: release the PE."""
        left, now = self.queue[pe], self.env.now
        if not left:
            self.queue[pe] = None
            self.e._release(pe, t, now)
            return
        m, c = left.pop(), self.cost
        nb = self.nbytes[m]
        p = self.payload[m]
        start = now
        if self.src_pe[m] // self.cores != self.dst_pe[m] // self.cores:
            start = max(now, self.nic_free[pe])
            self.nic_free[pe] = start + c.g + p * c.G
        local = self.src_pe[m] == self.dst_pe[m]          # no MPI call: no overhead
        busy = 0.0 if local else c.o + p * c.O
        if self.rec is not None:
            self.rec.span(pe, SEND, t, start, start + busy, 0.0, nb, self.dst_pe[m], m)
        Timeout(self.env, start + (0.0 if local else c.o) - now, m).callbacks.append(
            lambda ev: self._launch(ev.value))
        if not self.blocking[m]:
            Timeout(self.env, start + busy - now).callbacks.append(
                lambda _ev: self._next_send(pe, t))

    def _take_in(self, pe: int, t: int, post: float) -> None:
        """Every message of task t is in: recv spans for the waits, then each message's
        CPU overhead in arrival order; task t begins after the last."""
        c, rec = self.cost, self.rec
        a, b = self.in_ptr[t], self.in_ptr[t + 1]
        cursor = post
        taken = self.arrivals.taken if self.arrivals is not None else None
        for m in sorted(self.in_idx[a:b], key=lambda m: (self.arrival[m], m)):
            if taken is not None and taken[m]:     # taken in when it arrived
                continue
            if self.arrival[m] > cursor:
                if rec is not None:
                    rec.span(pe, RECV, t, cursor, self.arrival[m], 0.0, 0.0, self.src_pe[m], m)
                cursor = self.arrival[m]
            p = self.payload[m]
            busy = 0.0 if self.src_pe[m] == pe else c.o + max(p * (c.O - c.G), 0.0)
            if rec is not None:
                rec.span(pe, RECV, t, cursor, cursor + busy, 0.0, self.nbytes[m],
                         self.src_pe[m], m)
            cursor += busy
        Timeout(self.env, cursor - self.env.now, (pe, t, cursor)).callbacks.append(
            self._begin_at)

    def _begin_at(self, ev) -> None:
        pe, t, at = ev.value
        self.e.cur_start[pe] = at
        self.e._begin(pe, t)
