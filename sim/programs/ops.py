"""What threads yield and what the executor keeps per message, request and thread."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import NamedTuple

from ..machine.network import LogGOPS
from ..trace import KIND_CODE

COMPUTE, STALL, SEND, RECV, WAIT = (KIND_CODE[k] for k in
                                    ("compute", "stall", "send", "recv", "wait"))
ROW = struct.Struct("9d").pack  # a row of the executor's span and compute logs as bytes:
                                # log.frombytes(ROW(...)) takes half extend((...))'s time
ANY_SOURCE = -1
ANY_TAG = -1
COLL = -2                        # the tag of the collectives' messages (never ANY_TAG's)


class Costs:
    """A network's LogGOPS costs (machine/network.py LogGOPS: o, g, O, G, S, no_threshold,
    first_byte) as slots of the same names and values, which the executor reads per
    message faster than a NamedTuple's fields."""

    __slots__ = LogGOPS._fields
    o: float
    g: float
    O: float                  # noqa: E741 (the model's own name)
    G: float
    S: float
    no_threshold: bool
    first_byte: float

    def __init__(self, cost: LogGOPS):
        for name, value in zip(LogGOPS._fields, cost):
            setattr(self, name, value)


class Status(NamedTuple):
    """What a receive returns: who sent it, its tag and its size in bytes."""

    source: int
    tag: int
    nbytes: float


class Request:
    """A message in flight (a Message) or a receive posted: `yield req` (or comm.wait)
    waits for it.

    Times kept for the trace: the waiting part of a wait is [t0, t1] (t0: the send's
    CPU overhead ended or the receive was posted; t1: the data was processed, or the
    send completed), t2 when the request completed."""

    __slots__ = ("kind", "rank", "peer", "tag", "nbytes", "line", "done", "value", "waiter",
                 "t0", "t1", "t2", "msg", "callback", "on_start", "logged")

    msg: Message | None
    waiter: Thread | None

    def __init__(self, kind, rank, peer, tag, nbytes, line, callback=None, on_start=None):
        self.kind = kind             # SEND or RECV        (one store a line: the fastest)
        self.rank = rank
        self.peer = peer
        self.tag = tag
        self.nbytes = nbytes
        self.line = line
        self.callback = callback     # called with the request when it completes
        self.on_start = on_start     # a send: called when its CPU overhead starts
        self.done = self.logged = False     # logged: a send's span with the bytes is recorded
        self.value = self.waiter = self.msg = None    # msg: a receive's, the message it matched
        self.t0 = -1.0
        self.t1 = self.t2 = 0.0

    def describe(self, label) -> str:
        if self.kind == SEND:
            return f"send(dest={self.peer}, tag={self.tag}) at {label(self.line)}"
        src = "ANY_SOURCE" if self.peer == ANY_SOURCE else self.peer
        tag = "ANY_TAG" if self.tag == ANY_TAG else self.tag
        return f"recv(source={src}, tag={tag}) at {label(self.line)}"


class Channel:
    """The messages from one rank to another: their PEs, whether they go between nodes,
    the route there (its links and latency) and their order (MPI's: no overtaking)."""

    __slots__ = ("src_pe", "dst_pe", "remote", "links", "latency", "sent", "expect", "held")

    def __init__(self, src_pe: int, dst_pe: int, remote: bool, links: tuple, latency: float):
        self.src_pe, self.dst_pe, self.remote = src_pe, dst_pe, remote
        self.links, self.latency = links, latency   # between nodes (else (), 0.0)
        self.sent = 0                    # messages sent: the next one's seq
        self.expect = 0                  # the seq the receiver matches next
        self.held: dict[int, Message] = {}          # arrived before their turn, by seq


class Message(Request):
    """A send: its request (rank sends to peer) is its message, with its envelope, its
    channel (its PEs and route: ch.src_pe, ch.dst_pe, ch.remote) and where it is (one
    object a message)."""

    __slots__ = ("id", "seq", "rdv", "recv", "arrival", "delivered", "payload", "ch",
                 "callbacks")

    callbacks: list       # as an event when it is all latency (_carry): [_delivered]
    recv: Request | None

    def __init__(self, id: int, src: int, dst: int, tag: int, nbytes: float, ch: Channel,
                 line, callback, on_start, rdv: bool, payload: float):
        # Request's fields (as Request.__init__(SEND, src, dst, ...)), but no `msg`;
        # rdv: a rendezvous (nbytes > S), payload: what flows after the latency
        self.kind = SEND
        self.rank = src
        self.peer = dst
        self.tag = tag
        self.nbytes = nbytes
        self.line = line
        self.callback = callback
        self.on_start = on_start
        self.done = self.logged = self.delivered = False
        self.value = self.waiter = self.recv = None    # recv: the receive a rendezvous matched
        self.t0 = -1.0
        self.t1 = self.t2 = self.arrival = 0.0
        self.id = id
        self.ch = ch
        self.seq = ch.sent
        ch.sent += 1
        self.rdv = rdv
        self.payload = payload


class Thread:
    """One generator of user code on one PE of its rank."""

    __slots__ = ("gen", "rank", "pe", "index", "finished", "result", "blocked",
                 "t_block", "wait_reqs", "wait_left", "wait_any", "single", "joiners",
                 "ahead", "clock", "pending", "held", "id", "t_start", "t_end")

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
        self.id = 0                  # its index in the executor's all_threads
        self.t_start = self.t_end = 0.0      # its lifetime (the Tasks view's row)


class Compute:
    """`yield comm.compute(...)`: arithmetic and memory traffic on the thread's PE."""

    __slots__ = ("flops", "nbytes", "seconds", "lanes", "line")

    def __init__(self, flops, nbytes, seconds, lanes, line):
        self.flops = flops
        self.nbytes = nbytes
        self.seconds = seconds
        self.lanes = lanes
        self.line = line


def fits(req: Request, msg: Message) -> bool:
    """MPI's matching rule (messages.py's _in_order and _post have it inline)."""
    return ((req.peer == ANY_SOURCE or req.peer == msg.rank)
            and (req.tag == msg.tag or (req.tag == ANY_TAG and msg.tag >= 0)))

