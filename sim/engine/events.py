"""Cheap SimPy events for the executors' hot paths (driven by engine.drive).

`at(env, delay, ev)` puts `ev` on a CalendarEnvironment's queue exactly as
Timeout(env, delay) would (time now + delay, NORMAL priority, after the events already
scheduled for that time), so events keep their order, without building a Timeout and
its callback list. `engine.drive` pops it and calls
each of `ev.callbacks` with `ev`. A Wake is reused (one per PE: its running task's
end); a Later carries a value (a message's route while its latency elapses).
"""

from __future__ import annotations

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


at = CalendarEnvironment.at      # at(env, delay, ev): schedule ev delay seconds from now
