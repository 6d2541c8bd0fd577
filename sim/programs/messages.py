# mypy: disable-error-code="misc"
# (the methods are typed `self: Executor`, the class they are part of: mypy checks them as such)
"""Messages between ranks, costed by LogGOPS.

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

import math
from functools import partial
from heapq import heappush
from typing import TYPE_CHECKING

from simpy.events import NORMAL

from ..engine.fluid import Flow
from ..engine.routes import intra_node
from .ops import ANY_SOURCE, ANY_TAG, RECV, SEND, Channel, Message, Request, Status, Thread

if TYPE_CHECKING:
    from .executor import Executor

_INF = math.inf
_tuple_new = tuple.__new__      # Status(*fields) without the named tuple's Python __new__


class Messaging:
    """The executor's messages (a part of Executor)."""

    def isend(self: Executor, rank: int, dest: int, nbytes: float, tag: int, line, callback=None,
              on_start=None, thread: Thread | None = None) -> Request:
        """Start a send from `rank` (when `thread` is caught up); returns its request
        (`on_start()` when its CPU overhead starts, `callback(req)` when it completes):
        its message."""
        ch = self.channels[rank].get(dest)
        if ch is None:
            ch = self._channel(rank, dest)
        cost = self.cost
        payload = nbytes - cost.first_byte              # cost.payload(nbytes), inline
        if payload < 0.0:
            payload = 0.0
        msg = Message(self.messages, rank, dest, tag, nbytes, ch, line, callback, on_start,
                      nbytes > cost.S, payload)
        self.messages += 1
        self.bytes_sent += nbytes
        src_pe = ch.src_pe
        if thread is not None and thread.ahead:       # (partial, not lambda: no closure
            thread.pending.append(partial(self.cpu, src_pe, partial(self._send_begin, msg)))
        elif self.cpu_busy[src_pe]:                   #  cells made at every call)
            self.cpu_queue[src_pe].append(partial(self._send_begin, msg))
        elif ch.remote and self.nic_send[src_pe] > self.env._now:
            self.cpu_busy[src_pe] = True
            self._send_begin(msg)              # (waits for the NIC's gap)
        elif cost.first_byte or on_start is not None:
            self.cpu_busy[src_pe] = True
            self._send_start(msg)              # (what _send_begin would do, at once)
        else:               # no LogGOPS setting: _send_start's part that applies, inline
            now = msg.t0 = self.env._now       # (no overhead: the CPU stays free; no
            if ch.remote:                      #  threshold: it completes on delivery)
                self.nic_send[src_pe] = now + payload * cost.G
                if payload > 0:                # (_carry, inline; nodes differ: links exist)
                    self.links.start_after(     # type: ignore[union-attr]
                        ch.latency, Flow(payload, ch.links, _INF, self.flow_done, msg))
                    return msg
            self._carry(msg)
        return msg

    def _channel(self: Executor, src: int, dst: int) -> Channel:
        """The channel from rank src to rank dst, made on its first message."""
        a, b = self.rank_pe[src], self.rank_pe[dst]
        na, nb = a // self.m.cores, b // self.m.cores
        links: tuple = ()
        latency = 0.0
        if na != nb:
            assert self.net is not None             # nodes differ: a network exists
            links, latency = self.net.route(na, nb)
        ch = self.channels[src][dst] = Channel(a, b, na != nb, links, latency)
        return ch

    def _send_begin(self: Executor, msg: Message) -> None:
        """The sender's CPU is free: wait for its NIC's gap, then start."""
        now, ch = self.env._now, msg.ch
        if ch.remote and self.nic_send[ch.src_pe] > now:
            self.later(self.nic_send[ch.src_pe] - now, self._send_start, msg)
        else:
            self._send_start(msg)

    def _send_start(self: Executor, msg: Message) -> None:
        ch, payload = msg.ch, msg.payload
        src_pe, c, now = ch.src_pe, self.cost, self.env._now
        if msg.on_start is not None:
            msg.on_start()
        if ch.remote:
            self.nic_send[src_pe] = free = now + c.g + payload * c.G
            if self.nic_log is not None:
                self.nic_log.extend((src_pe, now, free, msg.nbytes, msg.id))
        o = c.o + payload * c.O
        dst_pe = ch.dst_pe
        if o > 0:                       # the CPU overhead, with the message's bytes
            msg.logged = True
            self.span(src_pe, SEND, self.line_id(msg.line), now, now + o, 0.0, msg.nbytes,
                      dst_pe, msg.id)
            self.later(o, self._sent, msg, src_pe)
        else:                           # logged by its wait, or when it completes
            self.cpu_free(src_pe)           # _sent(msg, src_pe), inline (now is its now)
            msg.t0 = now
            if not msg.rdv and not c.no_threshold:     # eager: complete now
                msg.t1 = now                           # (not delivered: its data is to
                self.complete(msg)                     #  leave now, below)
        # the data (or a rendezvous envelope) leaves after o
        if msg.rdv:
            self.later(c.o + self._latency(src_pe, dst_pe), self._envelope, msg)
        elif c.o > 0:
            self.later(c.o, self._carry, msg)
        else:
            self._carry(msg)

    def _sent(self: Executor, msg: Message, src_pe: int) -> None:
        """The sender's CPU overhead is over."""
        self.cpu_free(src_pe)
        now = self.env._now
        msg.t0 = now
        if not msg.rdv and not self.cost.no_threshold:     # eager: complete now
            msg.t1 = now
            self.complete(msg)
        elif msg.delivered and not msg.done:               # delivered during the overhead
            msg.t1 = now
            self.complete(msg)

    def _latency(self: Executor, a: int, b: int) -> float:
        if a == b:
            return 0.0
        na, nb = a // self.m.cores, b // self.m.cores
        if na == nb:
            return self.m.mem_latency
        assert self.net is not None                 # nodes differ: a network exists
        return self.net.route(na, nb)[1]

    def _carry(self: Executor, msg: Message) -> None:
        """The data leaves now: latency, then the payload as a flow (start_after: no
        event of its own when it follows on another start for the same time); a message
        that is all latency is the event itself, delivered when it fires."""
        payload, ch = msg.payload, msg.ch
        if ch.remote:
            if payload > 0:
                assert self.links is not None       # nodes differ: a network exists
                self.links.start_after(ch.latency, Flow(
                    payload, ch.links, _INF, self.flow_done, msg))
                return
            latency = ch.latency
        elif ch.src_pe == ch.dst_pe:
            self.flow_done(msg)
            return
        else:                              # as the engine's transport (routes.intra_node)
            latency, factor, cap = intra_node(self.m, payload)
            amount = factor * payload
            if payload > 0 and amount > 0:          # (else in the caches: all latency)
                self.memory[ch.src_pe // self.m.cores].start_after(
                    latency, Flow(amount, (0,), cap, self.flow_done, msg))
                return
        msg.callbacks = self.deliver                # the message is the event (events.at,
        env = self.env                              # inline: as a Timeout, in its order)
        heappush(env._queue, (env._now + latency, NORMAL, next(env._eid), msg))

    def _delivered(self: Executor, msg: Message) -> None:
        """The last byte is at the receiver (now): its NIC gap, then its CPU overhead."""
        c, now = self.cost, self.env._now
        msg.delivered = True
        dst_pe = msg.ch.dst_pe
        if (msg.rdv or c.no_threshold) and msg.t0 >= 0:    # its CPU overhead is over:
            msg.t1 = now                                    # the send completes
            self.complete(msg)
        if c.first_byte:                    # LogGOPS (else no overhead, no NIC gap)
            extra = msg.payload * (c.O - c.G)
            o = c.o + (0.0 if 0.0 > extra else extra)       # c.o + max(extra, 0.0)
            delay = 0.0
            if msg.ch.remote:
                delay = max(self.nic_recv[dst_pe] - now, 0.0)
                self.nic_recv[dst_pe] = now + delay + c.g
            if o > 0 or delay > 0:
                self._overhead(msg, o, delay)
                return
        if msg.recv is None:                # _processed(msg, now), inline
            msg.arrival = now
            self._in_order(msg)
        else:
            self._processed(msg, now)

    def _delivered_plain(self: Executor, msg: Message) -> None:
        """_delivered with no LogGOPS setting (no overhead, no NIC gap, no threshold, so
        no rendezvous; its send started before its data left): the send completes, then
        the message is matched."""
        msg.t1 = msg.arrival = self.env._now
        msg.delivered = True
        self.complete(msg)
        self._in_order(msg)

    def _overhead(self: Executor, msg: Message, o: float, delay: float) -> None:
        """After `delay` (the receiver NIC's gap), the receiver's CPU overhead `o` once
        its PE is free (a recv span when it takes time), then _processed(msg, its start)."""
        if delay > 0:
            self.later(delay, self.cpu, msg.ch.dst_pe, partial(self._recv_start, msg, o))
        else:
            self.cpu(msg.ch.dst_pe, partial(self._recv_start, msg, o))

    def _recv_start(self: Executor, msg: Message, o: float) -> None:
        t = self.env._now
        if o > 0:
            self.later(o, self._recv_end, msg, o, t)
        else:
            self.cpu_free(msg.ch.dst_pe)
            self._processed(msg, t)

    def _recv_end(self: Executor, msg: Message, o: float, t: float) -> None:
        ch = msg.ch
        self.span(ch.dst_pe, RECV, self.line_id(msg.line), t, t + o, 0.0, 0.0, ch.src_pe,
                  msg.id)
        self.cpu_free(ch.dst_pe)
        self._processed(msg, t)

    def _processed(self: Executor, msg: Message, t_cpu: float) -> None:
        """The receiver's CPU has taken the message in (its overhead started at t_cpu)."""
        if msg.recv is not None:          # rendezvous: matched before its data came
            req, msg.recv = msg.recv, None  # (no reference cycle left)
            req.t1 = t_cpu
            self.complete(req, _tuple_new(Status, (msg.rank, msg.tag, msg.nbytes)))
            return
        msg.arrival = t_cpu
        self._in_order(msg)

    def _envelope(self: Executor, msg: Message) -> None:
        """A rendezvous envelope reached the receiver: match it like a message."""
        msg.arrival = self.env.now
        self._in_order(msg)

    def _in_order(self: Executor, msg: Message) -> None:
        """Match messages of one sender in the order it sent them (no overtaking): each
        with the first posted receive that fits (MPI's rule, ops.fits, inline), else it
        waits as unexpected."""
        ch = msg.ch
        expect = ch.expect
        if msg.seq != expect:
            ch.held[msg.seq] = msg
            return
        held = ch.held
        posted = self.posted[msg.peer]
        if not posted and not held:             # nothing to match, nothing after it
            self.unexpected[msg.peer].append(msg)
            ch.expect = expect + 1
            return
        while True:
            src, tag = msg.rank, msg.tag
            for i, req in enumerate(posted):
                if ((req.peer == ANY_SOURCE or req.peer == src)
                        and (req.tag == tag or (req.tag == ANY_TAG and tag >= 0))):
                    del posted[i]
                    self._matched(req, msg, req.t0)
                    break
            else:
                self.unexpected[msg.peer].append(msg)
            expect += 1
            if not held or expect not in held:     # (else the one it let wait)
                break
            msg = held.pop(expect)
        ch.expect = expect

    def irecv(self: Executor, rank: int, source: int, tag: int, line, callback=None,
              thread: Thread | None = None) -> Request:
        """Post a receive on `rank` (when `thread` is caught up); returns its request
        (`callback(req)` when done)."""
        req = Request(RECV, rank, source, tag, 0.0, line, callback)
        if thread is not None and thread.ahead:
            thread.pending.append(partial(self._post, req))
        else:
            self._post(req)
        return req

    def _post(self: Executor, req: Request) -> None:
        """Receive `req` is posted now: the first unexpected message that fits matches
        it, else it waits in `posted`."""
        rank, now = req.rank, self.env._now
        req.t0 = now
        queue = self.unexpected[rank]
        if queue:
            peer, tag = req.peer, req.tag
            for i, msg in enumerate(queue):     # the first that fits(req, msg), inline
                if ((peer == ANY_SOURCE or peer == msg.rank)
                        and (tag == msg.tag or (tag == ANY_TAG and msg.tag >= 0))):
                    del queue[i]
                    if msg.rdv or req.waiter is not None or req.callback is not None:
                        self._matched(req, msg, now)
                        return
                    arrival = msg.arrival       # _matched(req, msg, now), inline: its
                    req.msg = msg               # data is in, nobody to call
                    req.t1 = arrival if arrival > now else now
                    req.value = _tuple_new(Status, (msg.rank, msg.tag, msg.nbytes))
                    req.done = True
                    req.t2 = now
                    return
        self.posted[rank].append(req)

    def _matched(self: Executor, req: Request, msg: Message, at: float) -> None:
        req.msg = msg
        if msg.rdv:                       # a rendezvous envelope: fetch the data now
            msg.recv = req                # (after the answer's trip back)
            self.later(self._latency(msg.ch.dst_pe, msg.ch.src_pe), self._carry, msg)
            return
        arrival = msg.arrival
        req.t1 = arrival if arrival > at else at        # max(at, msg.arrival)
        status = _tuple_new(Status, (msg.rank, msg.tag, msg.nbytes))    # Status(...)
        if req.waiter is None and req.callback is None:     # complete(req, status),
            req.done = True                                 # inline: nobody to call
            req.value = status
            req.t2 = self.env._now
        else:
            self.complete(req, status)
