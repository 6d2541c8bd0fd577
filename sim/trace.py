"""The trace: one row per span, stored as numpy columns, with its CSV form.

A span is one processing element (PE) doing one thing for an interval. Columns:

    pe, node, core, kind, task, start_s, end_s, flops, bytes, peer, msg, lanes_active

`kind` is one of KINDS (`copy`: a PE waiting while its task's inputs are copied
to its memory domain, engine/hetero.py); `peer`/`msg` tie a send to its receive (-1 where none).
The CSV has a header row and nothing else; floats are written in their shortest
round-trip form, so loading a CSV back gives the exact same arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

KINDS = ("compute", "stall", "send", "recv", "wait", "switch", "copy")   # new kinds go last
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
COLUMNS = ("pe", "node", "core", "kind", "task", "start_s", "end_s", "flops", "bytes",
           "peer", "msg", "lanes_active")
DTYPES: dict[str, Any] = {"pe": np.int32, "node": np.int32, "core": np.int32, "kind": np.int8,
          "task": np.int32, "start_s": np.float64, "end_s": np.float64,
          "flops": np.float64, "bytes": np.float64, "peer": np.int32, "msg": np.int32,
          "lanes_active": np.int16}
MAX_PES = 1_000_000      # as many PEs as an event simulator can follow (scenario.py)
INT_COLUMNS = {c for c, t in DTYPES.items() if np.issubdtype(t, np.integer)} - {"kind"}


@dataclass(frozen=True, eq=False)
class Trace:
    """Immutable columnar trace. Index a column with `trace["start_s"]` or `trace.start_s`."""

    pe: np.ndarray
    node: np.ndarray
    core: np.ndarray
    kind: np.ndarray
    task: np.ndarray
    start_s: np.ndarray
    end_s: np.ndarray
    flops: np.ndarray
    bytes: np.ndarray
    peer: np.ndarray
    msg: np.ndarray
    lanes_active: np.ndarray

    def __post_init__(self):
        for name in COLUMNS:
            getattr(self, name).setflags(write=False)

    def __len__(self) -> int:
        return len(self.pe)

    def __getitem__(self, name: str) -> np.ndarray:
        return getattr(self, name)

    def equals(self, other: Trace) -> bool:
        return all(np.array_equal(self[c], other[c]) for c in COLUMNS)

    @property
    def nbytes(self) -> int:
        return sum(self[c].nbytes for c in COLUMNS)

    @classmethod
    def empty(cls) -> Trace:
        return cls(**{c: np.zeros(0, DTYPES[c]) for c in COLUMNS})

    def select(self, mask: np.ndarray | slice) -> Trace:
        return Trace(**{c: self[c][mask] for c in COLUMNS})


def cores_per_node(pe: np.ndarray, node: np.ndarray, core: np.ndarray) -> int:
    """Cores per node of a trace: (pe - core) / node on its first row with node > 0,
    else the highest core + 1 (1 for an empty trace)."""
    remote = np.flatnonzero(node > 0)
    if len(remote):
        i = remote[0]
        return int((int(pe[i]) - int(core[i])) // int(node[i]))
    return int(core.max()) + 1 if len(core) else 1
