# mypy: disable-error-code="misc"
# (the methods are typed `self: Executor`, the class they are part of: mypy checks them as such)
"""Waiting on requests: wait, waitall, waitany and the wait spans they leave."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .errors import ProgramError
from .ops import RECV, ROW, SEND, Message, Request, Thread

if TYPE_CHECKING:
    from .executor import Executor


def _by_t1_t2(r: Request) -> tuple[float, float]:
    return r.t1, r.t2


class Waiting:
    """The executor's waits on requests (a part of Executor)."""

    def wait_any(self: Executor, th: Thread, reqs: list) -> tuple[bool, object]:
        if not reqs:
            raise ProgramError(f"{self.label(self.line_id(self.line_of(th)))} (rank "
                               f"{th.rank}): waitany needs at least one request")
        return self._wait(th, reqs, False, True)

    def _wait(self: Executor, th: Thread, reqs: list, single: bool, any_: bool):
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
                    self._wait_span(th, r, now)
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

    def complete(self: Executor, req: Request, value=None) -> None:
        """Request `req` is done now: wake its waiter if it waited for this."""
        req.done = True
        req.value = value
        req.t2 = self.env._now
        if req.callback is not None:
            req.callback(req)
        th = req.waiter
        if th is None:
            if not req.logged and req.kind == SEND:     # nobody waits: log it
                req.logged = True
                assert isinstance(req, Message)         # a send is its message
                self.span(req.ch.src_pe, SEND, self.line_id(req.line), req.t0, req.t0, 0.0,
                          req.nbytes, req.ch.dst_pe, req.id)
            return
        req.waiter = None
        if th.wait_any:
            reqs = th.wait_reqs
            for r in reqs:
                r.waiter = None
            i = reqs.index(req)
            th.wait_reqs = ()
            self._wait_span(th, req, th.t_block)
            self._wake_now(th, (i, value))
            return
        th.wait_left -= 1
        if th.wait_left:
            return
        reqs = th.wait_reqs
        th.wait_reqs = ()
        if th.single:
            self._wait_span(th, req, th.t_block)
            value = req.value
        else:
            self._wait_spans(th, reqs, th.t_block)
            value = [r.value for r in reqs]
        th.blocked = ""                         # _wake_now(th, value), inline
        if self.running:
            self.wake_later(th, value)
        else:
            self._resume(th, value)

    def _wake_now(self: Executor, th: Thread, value) -> None:
        th.blocked = ""
        if self.running:
            self.wake_later(th, value)
        else:
            self._resume(th, value)

    def _wait_spans(self: Executor, th: Thread, reqs: Sequence[Request], t_block: float) -> None:
        """The waits on th's PE: per request, in order of t1, [max(cursor, t0), t1] (the
        cursor: t_block, then the latest completion so far)."""
        cursor = t_block
        for r in sorted(reqs, key=_by_t1_t2):
            self._wait_span(th, r, cursor)
            if r.t2 > cursor:
                cursor = r.t2

    def _wait_span(self: Executor, th: Thread, r: Request, cursor: float) -> None:
        """The wait for request `r` on th's PE from `cursor`: [max(cursor, t0), max(that,
        t1)] with its message's bytes (a send's bytes once); a send already logged only
        if it took time."""
        t0, t1 = r.t0, r.t1
        start = cursor if cursor > t0 else t0     # (t1 if t1 > start else start: max(start, t1))
        if r.kind == RECV:                       # (a completed receive has its message;
            msg: Message = r.msg                 # type: ignore[assignment]
            kind, nbytes, peer = RECV, msg.nbytes, msg.ch.src_pe
            end = t1 if t1 > start else start
        else:                                    #  a send is its message)
            msg = r                              # type: ignore[assignment]
            kind, nbytes, peer = SEND, msg.nbytes, msg.ch.dst_pe
            if not r.logged:                 # the send's one span with its bytes
                r.logged = True
                end = t1 if t1 > start else start
            elif t1 > start:
                end, nbytes = t1, 0.0
            else:
                return
        task = self.label.ids.get(r.line)          # self.line_id(r.line), inline
        if task is None:
            task = self.label.id(r.line)
        self.span_log.frombytes(ROW(th.pe, kind, task, start, end, 0.0, nbytes, peer, msg.id))
