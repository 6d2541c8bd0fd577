"""Cancelling a program stuck in its own Python code (`while True: pass`).

The executor polls its cancel callback between SimPy events; user code that never
yields never gets there. `interruptible(cancel)` wraps a program's run (loading its file
too): a watcher thread polls `cancel()` every POLL_S; once it has been true for GRACE_S
and the run is still going, it raises `Interrupt` in the running thread with
PyThreadState_SetAsyncExc (the interpreter delivers it at its next bytecode check, so a
pure Python loop stops at once; code inside one long C call, time.sleep(1e9), stops when
that call returns). Why this way: it costs nothing while the program runs (a settrace
hook would slow every line), and it works for loops that call nothing at all.

Safety: at most one exception is ever sent, only while the block runs (a lock guards
the flag), and one still pending when the block ends is cleared, so it can never hit
code outside the block. `Interrupt` is a BaseException, so a user's `except Exception`
does not swallow it; the block turns it into Cancelled.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..errors import Cancelled

POLL_S = 0.05
GRACE_S = 0.25           # the executor's own poll normally stops the run before this


class Interrupt(BaseException):
    """Raised in the program's thread by the watcher (never seen outside the block)."""


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    """Set (exc) or clear (None) the pending asynchronous exception of a thread."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None)


@contextmanager
def interruptible(cancel: Callable[[], bool] | None) -> Iterator[None]:
    """Run the block so that `cancel()` turning true stops it, even inside user code
    that never yields: Cancelled is raised out of the block."""
    if cancel is None:
        yield
        return
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"active": True, "sent": False}
    stop = threading.Event()

    def watch() -> None:
        waited = 0.0
        while not stop.wait(POLL_S):
            waited = waited + POLL_S if cancel() else 0.0
            if waited >= GRACE_S:
                with lock:
                    if state["active"]:
                        state["sent"] = True
                        _raise_in(target, Interrupt)
                return

    watcher = threading.Thread(target=watch, name="parasim-program-watch", daemon=True)
    watcher.start()
    try:
        yield
    except Interrupt:
        raise Cancelled("simulation cancelled") from None
    finally:
        try:
            with lock:
                state["active"] = False
                if state["sent"]:
                    _raise_in(target, None)      # not delivered yet: never will be
        except Interrupt:                        # delivered here: the run stops anyway
            state["active"] = False
        stop.set()
        watcher.join()
