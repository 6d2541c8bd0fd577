"""Cheap SimPy events for the executors' hot paths (driven by engine.drive).

`at(env, delay, ev)` schedules `ev` exactly as Timeout(env, delay) would (time now +
delay, NORMAL priority, the next event id: after the events already scheduled), so
events keep their order, without building a Timeout and its callback list: on a
CalendarEnvironment (the executors') at the end of its time's list, on a plain
simpy.Environment (the program executor, the fluid model's tests) on SimPy's heap.
`engine.drive` takes it and calls each of `ev.callbacks` with `ev`. A Wake is reused
(one per PE: its running task's end); a Later carries a value (a message's route while
its latency elapses).

Same-time runs: wake-ups for one time scheduled back to back (no other event scheduled
between them, so their event ids follow on) need only the first on the calendar, its
`more` listing the PEs of the rest. They would be taken one after another anyway:
nothing else has an id between theirs, and the executors schedule no URGENT events,
so firing them together keeps the order of everything (FluidModel.start_after batches
flow starts the same way).
"""

from __future__ import annotations

from heapq import heappush

import simpy
from simpy.events import NORMAL

from .calendar_queue import CalendarEnvironment


class Wake:
    """A reusable event: `pe`, the callbacks it runs each time it fires, and `more`:
    the PEs whose wake-ups for the same time followed on this one (a same-time run)."""

    __slots__ = ("callbacks", "pe", "more")

    def __init__(self, pe: int, callbacks: list):
        self.callbacks = callbacks
        self.pe = pe
        self.more: list[int] = []


class Later:
    """A one-off event carrying `value` to its shared callbacks."""

    __slots__ = ("callbacks", "value")

    def __init__(self, callbacks: list, value):
        self.callbacks = callbacks
        self.value = value


def at(env: simpy.Environment, delay: float, ev) -> None:
    """Schedule `ev` `delay` seconds from now, as Timeout(env, delay) would be."""
    if type(env) is CalendarEnvironment:
        env.at(delay, ev)
    else:
        heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), ev))
