"""Python's cyclic garbage collector held off while an executor runs.

A run keeps millions of live container objects (per-task lists, per-message state,
SimPy events in the queue); every full collection walks all of them, so on large
message-passing runs the collector took about half the engine's time, growing faster
than the run. The executors create no garbage cycles on their hot path (what they drop
is freed by reference counting), so holding the collector off costs no memory.
simulate() holds it for a whole task-graph run (graph, engines, analysis): their
containers too grow with the run, and so did the collections' passes over them.

`held()` disables automatic collection for its block and restores the state it found
on the way out, whatever the exit: a return, an exception, engine.Cancelled (hold.py:
nested and concurrent holds share one count). A collector already off stays off (the
app collects from a timer in its GUI thread, gui/app.py).
"""

from __future__ import annotations

import gc

from .hold import Hold


def _collector_off() -> bool:
    was = gc.isenabled()
    gc.disable()
    return was


def _restore(was: bool) -> None:
    if was:
        gc.enable()


held = Hold(_collector_off, _restore)
"""`with held():` automatic garbage collection off inside the block, as before after it."""
