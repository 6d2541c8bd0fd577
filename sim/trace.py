"""The trace: one row per span, stored as numpy columns, with its CSV form.

A span is one processing element (PE) doing one thing for an interval. Columns:

    pe, node, core, kind, task, start_s, end_s, flops, bytes, peer, msg, lanes_active

`kind` is one of KINDS; `peer`/`msg` tie a send to its receive (-1 where none).
The CSV has a header row and nothing else; floats are written in their shortest
round-trip form, so loading a CSV back gives the exact same arrays.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from array import array
from dataclasses import dataclass

import numpy as np

KINDS = ("compute", "stall", "send", "recv", "wait", "switch")
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
COLUMNS = ("pe", "node", "core", "kind", "task", "start_s", "end_s", "flops", "bytes",
           "peer", "msg", "lanes_active")
DTYPES = {"pe": np.int32, "node": np.int32, "core": np.int32, "kind": np.int8,
          "task": np.int32, "start_s": np.float64, "end_s": np.float64,
          "flops": np.float64, "bytes": np.float64, "peer": np.int32, "msg": np.int32,
          "lanes_active": np.int16}
_INT_COLUMNS = {c for c, t in DTYPES.items() if np.issubdtype(t, np.integer)} - {"kind"}


class TraceFormatError(ValueError):
    """A trace file is malformed; the message names the line."""


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

    def select(self, mask: np.ndarray) -> Trace:
        return Trace(**{c: self[c][mask] for c in COLUMNS})

    # -- CSV ---------------------------------------------------------------------------

    def to_csv_text(self) -> str:
        """The whole CSV as one string (header + one line per span)."""
        cols = []
        for c in COLUMNS:
            col = self[c]
            if c == "kind":
                cols.append(np.asarray(KINDS, dtype=object)[col].tolist())
            elif c in _INT_COLUMNS:
                cols.append(col.astype(str).tolist())
            else:
                cols.append([repr(v) for v in col.tolist()])
        lines = map(",".join, zip(*cols))
        return ",".join(COLUMNS) + "\n" + "".join(line + "\n" for line in lines)

    def write_csv(self, path: str | os.PathLike) -> None:
        """Write the CSV atomically (temp file in the same folder, then rename)."""
        write_atomic(path, self.to_csv_text())

    @classmethod
    def read_csv(cls, path: str | os.PathLike) -> Trace:
        with open(path, newline="", encoding="utf-8") as fh:
            return cls.parse_csv(fh)

    @classmethod
    def parse_csv(cls, fh: io.TextIOBase) -> Trace:
        """Parse a trace CSV; raise TraceFormatError naming the first bad line."""
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise TraceFormatError("line 1: empty file, expected the header " + ",".join(COLUMNS))
        if tuple(h.strip() for h in header) != COLUMNS:
            raise TraceFormatError(f"line 1: header must be {','.join(COLUMNS)}, "
                                   f"got {','.join(header)}")
        buffers = {c: array("q") if c in _INT_COLUMNS or c == "kind" else array("d")
                   for c in COLUMNS}
        appenders = [buffers[c].append for c in COLUMNS]
        kind_code = KIND_CODE
        for lineno, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(COLUMNS):
                raise TraceFormatError(f"line {lineno}: expected {len(COLUMNS)} fields, "
                                       f"got {len(row)}")
            try:
                for j, (c, v) in enumerate(zip(COLUMNS, row)):
                    if c == "kind":
                        appenders[j](kind_code[v])
                    elif c in _INT_COLUMNS:
                        appenders[j](int(v))
                    else:
                        appenders[j](float(v))
            except KeyError:
                raise TraceFormatError(f"line {lineno}: kind must be one of "
                                       f"{', '.join(KINDS)}, got {row[3]!r}") from None
            except ValueError:
                raise TraceFormatError(f"line {lineno}: column {c} has a bad value {v!r}") \
                    from None
            if float(row[6]) < float(row[5]):
                raise TraceFormatError(f"line {lineno}: end_s {row[6]} is before "
                                       f"start_s {row[5]}")
        return cls(**{c: np.frombuffer(buffers[c], dtype=np.int64 if c in _INT_COLUMNS
                                        or c == "kind" else np.float64).astype(DTYPES[c])
                      for c in COLUMNS})


class TraceRecorder:
    """Collects spans into compact typed arrays during a run (about 55 bytes a span)."""

    def __init__(self):
        self.pe = array("i")
        self.kind = array("b")
        self.task = array("i")
        self.start = array("d")
        self.end = array("d")
        self.flops = array("d")
        self.bytes = array("d")
        self.peer = array("i")
        self.msg = array("i")
        self.lanes = array("h")

    def __len__(self) -> int:
        return len(self.pe)

    def span(self, pe: int, kind: int, task: int, start: float, end: float,
             flops: float = 0.0, nbytes: float = 0.0, peer: int = -1, msg: int = -1,
             lanes: int = 0) -> None:
        self.pe.append(pe)
        self.kind.append(kind)
        self.task.append(task)
        self.start.append(start)
        self.end.append(end)
        self.flops.append(flops)
        self.bytes.append(nbytes)
        self.peer.append(peer)
        self.msg.append(msg)
        self.lanes.append(lanes)

    def finish(self, cores_per_node: int) -> Trace:
        """Freeze into a Trace sorted by (start, pe, end), node/core derived from pe."""
        pe = np.frombuffer(self.pe, np.int32)
        start = np.frombuffer(self.start, np.float64)
        end = np.frombuffer(self.end, np.float64)
        order = np.lexsort((end, pe, start))
        pe = pe[order]
        return Trace(
            pe=pe, node=(pe // cores_per_node).astype(np.int32),
            core=(pe % cores_per_node).astype(np.int32),
            kind=np.frombuffer(self.kind, np.int8)[order],
            task=np.frombuffer(self.task, np.int32)[order],
            start_s=start[order], end_s=end[order],
            flops=np.frombuffer(self.flops, np.float64)[order],
            bytes=np.frombuffer(self.bytes, np.float64)[order],
            peer=np.frombuffer(self.peer, np.int32)[order],
            msg=np.frombuffer(self.msg, np.int32)[order],
            lanes_active=np.frombuffer(self.lanes, np.int16)[order],
        )


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write text to a temp file beside `path`, then rename it over `path`."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".parasim-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
