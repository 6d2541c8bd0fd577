"""numpy's request for transparent huge pages held off while a run builds its arrays.

On Linux numpy asks for transparent huge pages (madvise MADV_HUGEPAGE) for every array
of 4 MB and more. A run's large arrays are mostly written once and read once (the
trace's columns and their sorted copies, the analysis's temporaries), and a huge page
is cleared in full on its first touch. Measured here (cluster-stencil at 16,384 nodes,
5 runs each way): 1.5-1.7 s of system time with huge pages, 0.9 s with 4 KB pages, and
the same user time (14.6-15.5 s either way); the share grows with the run, as more of
its arrays pass 4 MB. Results do not depend on it.

`small_pages()` turns numpy's request off for its block and restores the setting it
found on the way out, whatever the exit (hold.py: nested and concurrent blocks share
one count). With a numpy that has no such switch it does nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .hold import Hold


def _find_switch() -> Callable[[bool], bool] | None:
    """numpy's setter of its huge-page madvise (it returns the previous setting)."""
    for name in ("numpy._core.multiarray", "numpy.core.multiarray"):   # numpy 2, numpy 1
        try:
            return getattr(importlib.import_module(name), "_set_madvise_hugepage", None)
        except ImportError:
            continue
    return None


def _pages_off() -> bool | None:
    return None if _switch is None else _switch(False)


def _restore(was: bool | None) -> None:
    if _switch is not None and was is not None:
        _switch(was)


_switch = _find_switch()
small_pages = Hold(_pages_off, _restore)
"""`with small_pages():` numpy's huge-page madvise off inside the block, as before after."""
