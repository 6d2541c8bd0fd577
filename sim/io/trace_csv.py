"""The trace CSV: one row per span, the columns of trace.COLUMNS, SI units, then
`name`: the name of the span's task (a task or layer name, or `file:line` for a
program; empty when none). CSVs written before the name column still load.

Written with shortest-repr floats (an exact round trip); read back with every bad
line named (TraceFormatError).
"""

from __future__ import annotations

import csv
import io
import os
from array import array
from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import TraceFormatError
from ..trace import (
    COLUMNS,
    DTYPES,
    INT_COLUMNS,
    KIND_CODE,
    KINDS,
    MAX_PES,
    Trace,
    cores_per_node,
)
from ..units import clip
from .files import write_atomic

NAME = "name"


def csv_chunks(trace: Trace, rows: int = 100_000, names=None):
    """Yield the CSV text in pieces: the header, then `rows` lines at a time.

    Floats are written with repr (shortest round trip); repeated values are
    formatted once (np.unique), which is what keeps 1M spans near a second.
    `names`: task id -> name (Run.task_names), quoted as CSV needs.
    """
    yield ",".join(COLUMNS) + f",{NAME}\n"
    kinds = np.asarray(KINDS, dtype=object)
    table = np.asarray([_quoted(n) for n in names or ()] + [""], dtype=object)
    for a in range(0, len(trace), rows):
        part = trace.select(slice(a, a + rows))
        start, end = _float_strings(part.start_s, part.end_s)
        flops, nbytes = _float_strings(part.flops, part.bytes)
        ints = {c: _int_strings(part[c]) for c in INT_COLUMNS}
        task = part.task.astype(np.int64)
        named = table[np.where((task >= 0) & (task < len(table) - 1), task, -1)].tolist()
        yield "".join([
            f"{p},{n},{c},{k},{t},{s},{e},{f},{b},{pr},{m},{la},{nm}\n"
            for p, n, c, k, t, s, e, f, b, pr, m, la, nm in zip(
                ints["pe"], ints["node"], ints["core"], kinds[part.kind].tolist(),
                ints["task"], start, end, flops, nbytes, ints["peer"], ints["msg"],
                ints["lanes_active"], named)])


def _quoted(name: str) -> str:
    if any(ch in name for ch in ',"\r\n'):
        return '"' + name.replace('"', '""') + '"'
    return name

def to_csv_text(trace: Trace, names=None) -> str:
    """The whole CSV as one string (header + one line per span)."""
    return "".join(csv_chunks(trace, names=names))

def write_csv(trace: Trace, path: str | os.PathLike, names=None) -> None:
    """Write the CSV atomically (temp file in the same folder, then rename)."""
    write_atomic(path, csv_chunks(trace, names=names))

def read_csv(path: str | os.PathLike) -> Trace:
    """The trace in a CSV file. The bytes are read at once and parsed from memory: parsed
    from the open file, every read would release and retake the GIL, and in a worker
    thread that starves the GUI thread for up to a second (CPython's convoy effect)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        with io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="") as text:
            return parse_csv(text)
    except UnicodeDecodeError:
        raise TraceFormatError(_first_non_utf8(path)) from None

def parse_csv(fh: io.TextIOBase) -> Trace:
    """Parse a trace CSV; raise TraceFormatError naming the first bad line (a field
    over csv's limit of 131,072 characters, a value out of range)."""
    reader = csv.reader(fh)
    try:
        return _parse_rows(reader)
    except csv.Error as exc:
        raise TraceFormatError(f"line {reader.line_num}: {exc}") from None


def _first_non_utf8(path) -> str:
    """'line N: ...' for the first line of the file that is not UTF-8."""
    with open(path, "rb") as fh:
        for lineno, line in enumerate(fh, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return (f"line {lineno}: not UTF-8 text (byte 0x{line[exc.start]:02x} at "
                        f"column {exc.start + 1})")
    return "not UTF-8 text"


def _is_int(text: str) -> bool:
    return text.strip().lstrip("+-").isdigit()


def _parse_rows(reader) -> Trace:
    header = next(reader, None)
    if header is None:
        raise TraceFormatError("line 1: empty file, expected the header " + ",".join(COLUMNS))
    fields = len(COLUMNS) + 1
    if tuple(h.strip() for h in header) == COLUMNS:        # written before the name column
        fields = len(COLUMNS)
    elif tuple(h.strip() for h in header) != (*COLUMNS, NAME):
        raise TraceFormatError(f"line 1: header must be {','.join(COLUMNS)},{NAME}, "
                               f"got {clip(','.join(header))}")
    buffers = {c: array("q") if c in INT_COLUMNS or c == "kind" else array("d")
               for c in COLUMNS}
    appenders: list[Callable[[Any], None]] = [buffers[c].append for c in COLUMNS]
    kind_code = KIND_CODE
    lines = array("q")
    for lineno, row in enumerate(reader, start=2):
        if not row:
            continue
        lines.append(lineno)
        if len(row) != fields:
            raise TraceFormatError(f"line {lineno}: expected {fields} fields, "
                                   f"got {len(row)}")
        try:
            for j, (c, v) in enumerate(zip(COLUMNS, row)):
                if c == "kind":
                    appenders[j](kind_code[v])
                elif c in INT_COLUMNS:
                    appenders[j](int(v))
                else:
                    appenders[j](float(v))
        except KeyError:
            raise TraceFormatError(f"line {lineno}: kind must be one of "
                                   f"{', '.join(KINDS)}, got {clip(row[3])}") from None
        except (ValueError, OverflowError):
            raise TraceFormatError(f"line {lineno}: column {c} has a bad value {clip(v)}"
                                   + (" (beyond 64 bits)" if _is_int(v) else "")) from None
        if float(row[6]) < float(row[5]):
            raise TraceFormatError(f"line {lineno}: end_s {row[6]} is before "
                                   f"start_s {row[5]}")
    raw = {c: np.frombuffer(buffers[c], dtype=np.int64 if c in INT_COLUMNS
                            or c == "kind" else np.float64) for c in COLUMNS}
    _check_values(raw, np.frombuffer(lines, dtype=np.int64))
    return Trace(**{c: raw[c].astype(DTYPES[c]) for c in COLUMNS})


def _check_values(col: dict, lines: np.ndarray) -> None:
    """TraceFormatError naming the first line with a non-finite or negative number, an id
    out of range (-1 means none for task, peer, msg; pe, node and core below MAX_PES, so
    per-PE tables stay small) or pe != node x cores + core, the
    cores per node read from the file: (pe - core) / node on the first row with node > 0."""
    if not len(lines):
        return
    pe, node, core = col["pe"], col["node"], col["core"]
    checks: list[tuple[np.ndarray, Callable[..., str]]] = []
    for c in ("start_s", "end_s", "flops", "bytes"):
        checks.append((~np.isfinite(col[c]) | (col[c] < 0),
                       lambda i, c=c: f"{c} must be a finite number >= 0, got {col[c][i]!r}"))
    for c in INT_COLUMNS:
        lo = -1 if c in ("task", "peer", "msg") else 0
        hi = MAX_PES - 1 if c in ("pe", "node", "core") else np.iinfo(DTYPES[c]).max
        checks.append(((col[c] < lo) | (col[c] > hi),
                       lambda i, c=c, lo=lo, hi=hi: f"{c} must be in [{lo}, {hi}], "
                                                    f"got {col[c][i]}"))
    cores = cores_per_node(pe, node, core)
    checks.append(((pe != node * cores + core) | (core >= cores),
                   lambda i: f"pe {pe[i]} is not node x cores + core = {node[i]} x {cores} + "
                             f"{core[i]} (cores per node {cores}, from the file)"))
    found = [(int(np.argmax(mask)), message) for mask, message in checks if mask.any()]
    if found:
        i, message = min(found, key=lambda f: f[0])
        raise TraceFormatError(f"line {lines[i]}: {message(i)}")


def _float_strings(*cols: np.ndarray) -> list[list[str]]:
    """repr of every value of the columns, each distinct value formatted once."""
    values, inverse = np.unique(np.concatenate(cols), return_inverse=True)
    table = np.array([repr(v) for v in values.tolist()], dtype=object)[inverse]
    n = len(cols[0])
    return [table[i * n:(i + 1) * n].tolist() for i in range(len(cols))]


def _int_strings(col: np.ndarray) -> list[str]:
    """str of every value; a lookup table when the values span a small range."""
    if not len(col):
        return []
    lo, hi = int(col.min()), int(col.max())
    if hi - lo <= 4 * len(col):
        table = np.array([str(i) for i in range(lo, hi + 1)], dtype=object)
        return table[col.astype(np.int64) - lo].tolist()
    return [str(v) for v in col.tolist()]


