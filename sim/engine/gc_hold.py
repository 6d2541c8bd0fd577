"""Python's cyclic garbage collector held off while an executor runs.

A run keeps millions of live container objects (per-task lists, per-message state,
SimPy events in the queue); every full collection walks all of them, so on large
message-passing runs the collector took about half the engine's time, growing faster
than the run. The executors create no garbage cycles on their hot path (what they drop
is freed by reference counting), so holding the collector off costs no memory.
simulate() holds it for a whole task-graph run (graph, engines, analysis): their
containers too grow with the run, and so did the collections' passes over them.

`held()` disables automatic collection for its block and restores the state it found
on the way out, whatever the exit: a return, an exception, engine.Cancelled. Nested
and concurrent holds (runs in worker threads) share one count: the first disables,
the last restores. A collector already off stays off (the app collects from a timer
in its GUI thread, gui/app.py).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def held() -> Iterator[None]:
    """Automatic garbage collection off inside the block, as before after it."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
