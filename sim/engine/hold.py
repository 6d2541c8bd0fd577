"""A process-wide setting switched for the length of a block (gc_hold.py, page_hold.py).

`Hold(switch_off, restore)()` is a context manager: entering calls `switch_off()`,
which switches the setting off and returns the state it found; leaving, whatever the
exit (a return, an exception, engine.Cancelled), calls `restore(that state)`. Nested
and concurrent blocks (runs in worker threads) share one count: the first switches
off, the last restores.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class Hold:
    """A shared, counted switch-off of one process-wide setting (see the module)."""

    def __init__(self, switch_off: Callable[[], Any], restore: Callable[[Any], None]):
        self.switch_off, self.restore = switch_off, restore
        self._lock = threading.Lock()
        self._depth = 0
        self._found: Any = None

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._found = self.switch_off()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    self.restore(self._found)
