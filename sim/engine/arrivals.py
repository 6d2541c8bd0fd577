"""LogGOPS: a message's receive overhead charged when it arrives, as LogGOPSim does.

LogGOPSim (its OP_MSG) keeps the receiver's CPU busy o + max((s-1) O, (s-1) G) from the
message's arrival, or from when that CPU is next free, whether or not the receive was
posted. In the engine a task takes its messages in when it starts (transport.py
`_take_in`); a message whose task has not started yet is handled here instead:

    the PE is free        its overhead runs now: busy o + max((s-1) (O - G), 0) after
                          the last byte (a `recv` span with the message's bytes, under
                          the receiving task's id), i.e. LogGOPSim's o + max((s-1) O,
                          (s-1) G) from the first byte
    the PE runs a task    it runs as soon as the PE is free, before the PE's next task
                          (several in arrival order)

and the task, once it starts, has nothing left to take in for it. Messages to the
receiving task while it waits in its receive are taken in by transport.py, also from
their arrival. With no receive overhead (o = 0 and O <= G) nothing changes: this layer
is not built. Only the homogeneous engine (engine.py) uses it.
"""

from __future__ import annotations

from collections import deque

from simpy.events import Timeout

from ..trace import KIND_CODE

RECV, WAIT = KIND_CODE["recv"], KIND_CODE["wait"]


class ArrivalOverheads:
    """Receive overheads of messages whose task has not started, on their PE's CPU."""

    def __init__(self, transport):
        self.tr = transport
        self.e = transport.e
        self.env = transport.env
        self.pending: dict[int, deque[int]] = {}       # pe -> messages waiting for its CPU
        self.taken = bytearray(len(transport.src))     # 1: its overhead is paid

    @staticmethod
    def needed(cost) -> bool:
        """Some message has a receive overhead: o > 0 or O > G."""
        return cost.o > 0 or cost.O > cost.G

    def busy(self, m: int) -> float:
        """The CPU time message m costs its receiver (none from its own PE)."""
        tr, c = self.tr, self.tr.cost
        if tr.src_pe[m] == tr.dst_pe[m]:
            return 0.0
        return c.o + max(c.payload(tr.nbytes[m]) * (c.O - c.G), 0.0)

    def arrived(self, m: int) -> None:
        """Message m is in and its task has not started: take it in when the PE is free."""
        if self.busy(m) <= 0:
            return
        pe = self.tr.dst_pe[m]
        self.pending.setdefault(pe, deque()).append(m)
        if not self.e.busy[pe]:
            self._run(pe)

    def before_task(self, pe: int) -> bool:
        """`pe` is free: True if it takes messages in first (the engine then waits)."""
        if self.pending.get(pe):
            self._run(pe)
            return True
        return False

    def _run(self, pe: int) -> None:
        e, now = self.e, self.env.now
        m = self.pending[pe].popleft()
        if not self.pending[pe]:
            del self.pending[pe]
        e.busy[pe] = True
        busy = self.busy(m)
        rec = e.rec
        if rec is not None:
            if e.owned_left[pe] and now > e.wait_since[pe]:
                rec.span(pe, WAIT, -1, e.wait_since[pe], now)
            tr = self.tr
            rec.span(pe, RECV, tr.dst[m], now, now + busy, 0.0, tr.nbytes[m], tr.src_pe[m], m)
        self.taken[m] = 1
        Timeout(self.env, busy, pe).callbacks.append(self._done)

    def _done(self, ev) -> None:
        pe, now = ev._value, self.env.now
        e = self.e
        e.busy[pe] = False
        e.wait_since[pe] = now
        if pe in self.pending:
            self._run(pe)
        else:
            e._start_next(pe, now)
