"""Cheap SimPy events for the executors' hot paths (driven by engine.drive).

`at(env, delay, ev)` schedules `ev` exactly as Timeout(env, delay) would (time now +
delay, NORMAL priority, after the events already scheduled), so events keep their
order, without building a Timeout and its callback list: on a CalendarEnvironment
(the executors') at the end of its time's list, on a plain simpy.Environment (the
fluid model's tests and benchmarks) on SimPy's heap. `engine.drive` pops it and calls
each of `ev.callbacks` with `ev`. A Wake is reused (one per PE: its running task's
end); a Later carries a value (a message's route while its latency elapses)."""

from __future__ import annotations

from heapq import heappush

import simpy
from simpy.events import NORMAL

from .calendar_queue import CalendarEnvironment


class Wake:
    """A reusable event: `pe` and the callbacks it runs each time it fires."""

    __slots__ = ("callbacks", "pe")

    def __init__(self, pe: int, callbacks: list):
        self.callbacks = callbacks
        self.pe = pe


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
