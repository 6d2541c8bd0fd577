# mypy: disable-error-code="misc"
# (the methods are typed `self: Executor`, the class they are part of: mypy checks them as such)
"""The program executor's CPUs: each PE does one thing at a time, first come first
served (computes and message overheads); a compute's rate and its memory flow."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from simpy.events import Timeout

from .ops import ROW, Compute, Thread

if TYPE_CHECKING:
    from .executor import Executor


class Cpu:
    """The executor's CPUs (a part of Executor)."""

    def rate(self: Executor, precision: str, vf: float, le: float = 1.0,
             pe: int = 0) -> tuple[float, int]:
        """(seconds per FLOP, lanes active) for arithmetic of this kind on `pe` (costs.py;
        on a heterogeneous machine its core group's rates)."""
        group = self.m.group_of(pe) if self.m.hetero else self.m
        key = (precision, vf, le, group.scalar_rate(), group.lanes(precision))
        hit = self._rates.get(key)
        if hit is None:
            vec = group.scalar_rate() * group.lanes(precision)
            k = (1.0 - vf) / group.scalar_rate() + vf / (vec * le)
            lanes = max(1, round(group.lanes(precision) * le)) if vf > 0 else 1
            hit = self._rates[key] = (k, lanes)
        return hit

    def cpu(self: Executor, pe: int, start) -> None:
        """Run `start()` when `pe` is free; it must call `cpu_free(pe)` when done."""
        if self.cpu_busy[pe]:
            self.cpu_queue[pe].append(start)
        else:
            self.cpu_busy[pe] = True
            start()

    def cpu_free(self: Executor, pe: int) -> None:
        q = self.cpu_queue[pe]
        if q:
            q.popleft()()
        else:
            self.cpu_busy[pe] = False

    def _compute(self: Executor, th: Thread, op: Compute) -> None:
        pe = th.pe
        if self.cpu_busy[pe]:
            self.cpu_queue[pe].append(partial(self._compute_start, th, op))
        else:
            self.cpu_busy[pe] = True
            self._compute_start(th, op)

    def _compute_start(self: Executor, th: Thread, op: Compute) -> None:
        now = self.env.now
        if op.nbytes > 0:
            self._compute_memory(th, op, now)
        else:
            Timeout(self.env, op.seconds, (th, op, now)).callbacks.append(self._compute_end)

    def _compute_memory(self: Executor, th: Thread, op: Compute, now: float) -> None:
        """A compute with memory traffic, started at `now`: it ends at max(its arithmetic's
        end, its flow's end + the memory latency)."""
        end_c = now + op.seconds
        m = self.m

        def memory_done(t1):
            end = max(end_c, t1 + m.mem_latency)
            Timeout(self.env, max(end - self.env.now, 0.0),
                    (th, op, now)).callbacks.append(self._compute_end)
        self.memory[th.pe // m.cores].start(op.nbytes, (0,), m.core_bandwidth, memory_done)

    def _compute_end(self: Executor, ev) -> None:
        th, op, start = ev._value
        end = self.env.now
        self.compute_log.frombytes(ROW(th.pe, self.line_id(op.line), start,
                                       min(start + op.seconds, end), end, op.flops,
                                       op.nbytes, op.lanes, th.id))
        self.cpu_free(th.pe)
        self._resume(th, None)
