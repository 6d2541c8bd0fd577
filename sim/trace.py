"""The trace: one row per span, stored as numpy columns, with its CSV form.

A span is one processing element (PE) doing one thing for an interval. Columns:

    pe, node, core, kind, task, start_s, end_s, flops, bytes, peer, msg, lanes_active

`kind` is one of KINDS; `peer`/`msg` tie a send to its receive (-1 where none).
The CSV has a header row and nothing else; floats are written in their shortest
round-trip form, so loading a CSV back gives the exact same arrays.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import signal
import tempfile
import threading
from array import array
from dataclasses import dataclass

import numpy as np

from .units import clip

KINDS = ("compute", "stall", "send", "recv", "wait", "switch")
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
COLUMNS = ("pe", "node", "core", "kind", "task", "start_s", "end_s", "flops", "bytes",
           "peer", "msg", "lanes_active")
DTYPES = {"pe": np.int32, "node": np.int32, "core": np.int32, "kind": np.int8,
          "task": np.int32, "start_s": np.float64, "end_s": np.float64,
          "flops": np.float64, "bytes": np.float64, "peer": np.int32, "msg": np.int32,
          "lanes_active": np.int16}
MAX_PES = 1_000_000      # as many PEs as an event simulator can follow (scenario.py)
_INT_COLUMNS = {c for c, t in DTYPES.items() if np.issubdtype(t, np.integer)} - {"kind"}


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

    def csv_chunks(self, rows: int = 100_000):
        """Yield the CSV text in pieces: the header, then `rows` lines at a time.

        Floats are written with repr (shortest round trip); repeated values are
        formatted once (np.unique), which is what keeps 1M spans near a second.
        """
        yield ",".join(COLUMNS) + "\n"
        kinds = np.asarray(KINDS, dtype=object)
        for a in range(0, len(self), rows):
            part = self.select(slice(a, a + rows))
            start, end = _float_strings(part.start_s, part.end_s)
            flops, nbytes = _float_strings(part.flops, part.bytes)
            ints = {c: _int_strings(part[c]) for c in _INT_COLUMNS}
            yield "".join([
                f"{p},{n},{c},{k},{t},{s},{e},{f},{b},{pr},{m},{la}\n"
                for p, n, c, k, t, s, e, f, b, pr, m, la in zip(
                    ints["pe"], ints["node"], ints["core"], kinds[part.kind].tolist(),
                    ints["task"], start, end, flops, nbytes, ints["peer"], ints["msg"],
                    ints["lanes_active"])])

    def to_csv_text(self) -> str:
        """The whole CSV as one string (header + one line per span)."""
        return "".join(self.csv_chunks())

    def write_csv(self, path: str | os.PathLike) -> None:
        """Write the CSV atomically (temp file in the same folder, then rename)."""
        write_atomic(path, self.csv_chunks())

    @classmethod
    def read_csv(cls, path: str | os.PathLike) -> Trace:
        try:
            with open(path, newline="", encoding="utf-8") as fh:
                return cls.parse_csv(fh)
        except UnicodeDecodeError:
            raise TraceFormatError(_first_non_utf8(path)) from None

    @classmethod
    def parse_csv(cls, fh: io.TextIOBase) -> Trace:
        """Parse a trace CSV; raise TraceFormatError naming the first bad line (a field
        over csv's limit of 131,072 characters, text that is not UTF-8, a value out of
        range)."""
        reader = csv.reader(fh)
        try:
            return cls._parse_rows(reader)
        except csv.Error as exc:
            raise TraceFormatError(f"line {reader.line_num}: {exc}") from None

    @classmethod
    def _parse_rows(cls, reader) -> Trace:
        header = next(reader, None)
        if header is None:
            raise TraceFormatError("line 1: empty file, expected the header " + ",".join(COLUMNS))
        if tuple(h.strip() for h in header) != COLUMNS:
            raise TraceFormatError(f"line 1: header must be {','.join(COLUMNS)}, "
                                   f"got {clip(','.join(header))}")
        buffers = {c: array("q") if c in _INT_COLUMNS or c == "kind" else array("d")
                   for c in COLUMNS}
        appenders = [buffers[c].append for c in COLUMNS]
        kind_code = KIND_CODE
        lines = array("q")
        for lineno, row in enumerate(reader, start=2):
            if not row:
                continue
            lines.append(lineno)
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
                                       f"{', '.join(KINDS)}, got {clip(row[3])}") from None
            except (ValueError, OverflowError):
                raise TraceFormatError(f"line {lineno}: column {c} has a bad value {clip(v)}"
                                       + (" (beyond 64 bits)" if _is_int(v) else "")) from None
            if float(row[6]) < float(row[5]):
                raise TraceFormatError(f"line {lineno}: end_s {row[6]} is before "
                                       f"start_s {row[5]}")
        raw = {c: np.frombuffer(buffers[c], dtype=np.int64 if c in _INT_COLUMNS
                                or c == "kind" else np.float64) for c in COLUMNS}
        _check_values(raw, np.frombuffer(lines, dtype=np.int64))
        return cls(**{c: raw[c].astype(DTYPES[c]) for c in COLUMNS})


def cores_per_node(pe: np.ndarray, node: np.ndarray, core: np.ndarray) -> int:
    """Cores per node of a trace: (pe - core) / node on its first row with node > 0,
    else the highest core + 1 (1 for an empty trace)."""
    remote = np.flatnonzero(node > 0)
    if len(remote):
        i = remote[0]
        return int((int(pe[i]) - int(core[i])) // int(node[i]))
    return int(core.max()) + 1 if len(core) else 1


def _check_values(col: dict, lines: np.ndarray) -> None:
    """TraceFormatError naming the first line with a non-finite or negative number, an id
    out of range (-1 means none for task, peer, msg; pe, node and core below MAX_PES, so
    per-PE tables stay small) or pe != node x cores + core, the
    cores per node read from the file: (pe - core) / node on the first row with node > 0."""
    if not len(lines):
        return
    pe, node, core = col["pe"], col["node"], col["core"]
    checks = []
    for c in ("start_s", "end_s", "flops", "bytes"):
        checks.append((~np.isfinite(col[c]) | (col[c] < 0),
                       lambda i, c=c: f"{c} must be a finite number >= 0, got {col[c][i]!r}"))
    for c in _INT_COLUMNS:
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


class TraceRecorder:
    """Collects a run's spans into compact typed arrays (about 60 bytes a span).

    Task executions, by far the most common record, are logged as one row
    (pe, task, start, compute end, end) and expanded into their compute and stall
    spans when the run finishes; other spans (wait, send, recv, switch) go through
    `span`.
    """

    def __init__(self):
        self.task_log = array("d")       # (pe, task, start, end) per task run
        self.pe, self.kind, self.task = array("i"), array("b"), array("i")
        self.start, self.end = array("d"), array("d")
        self.flops, self.bytes = array("d"), array("d")
        self.peer, self.msg, self.lanes = array("i"), array("i"), array("h")

    def __len__(self) -> int:
        return len(self.pe) + 2 * len(self.task_log) // 4

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

    def _task_spans(self, flops: np.ndarray, nbytes: np.ndarray, lanes: np.ndarray,
                    ctime: np.ndarray) -> dict:
        """Expand task rows: a compute span [start, min(start + ctime, end)] if the
        arithmetic took time, then a stall span for the rest. Flops and bytes go on the
        task's first span."""
        log = np.frombuffer(self.task_log, np.float64).reshape(-1, 4)
        pe, task = log[:, 0].astype(np.int32), log[:, 1].astype(np.int32)
        s, e = log[:, 2], log[:, 3]
        c = np.minimum(s + ctime[task], e)
        has_c = c > s
        has_s = (e > c) | (~has_c & (nbytes[task] > 0))
        zeros = np.zeros(int(has_s.sum()))
        first_is_stall = ~has_c[has_s]
        ts = task[has_s]
        tc = task[has_c]
        return {
            "pe": np.concatenate([pe[has_c], pe[has_s]]),
            "kind": np.concatenate([np.full(len(tc), KIND_CODE["compute"], np.int8),
                                    np.full(len(ts), KIND_CODE["stall"], np.int8)]),
            "task": np.concatenate([tc, ts]),
            "start": np.concatenate([s[has_c], c[has_s]]),
            "end": np.concatenate([c[has_c], e[has_s]]),
            "flops": np.concatenate([flops[tc], np.where(first_is_stall, flops[ts], zeros)]),
            "bytes": np.concatenate([nbytes[tc], np.where(first_is_stall, nbytes[ts], zeros)]),
            "peer": np.full(len(tc) + len(ts), -1, np.int32),
            "msg": np.full(len(tc) + len(ts), -1, np.int32),
            "lanes": np.concatenate([lanes[tc], np.zeros(len(ts), np.int16)]),
        }

    def finish(self, cores_per_node: int, flops: np.ndarray, nbytes: np.ndarray,
               lanes: np.ndarray, ctime: np.ndarray) -> Trace:
        """Freeze into a Trace sorted by (start, pe, end); node and core derived from pe.

        `flops`, `nbytes`, `lanes`, `ctime` (seconds of arithmetic) are per-task columns
        of the graph that ran.
        """
        t = self._task_spans(flops, nbytes, lanes, ctime)
        other = {"pe": (self.pe, np.int32), "kind": (self.kind, np.int8),
                 "task": (self.task, np.int32), "start": (self.start, np.float64),
                 "end": (self.end, np.float64), "flops": (self.flops, np.float64),
                 "bytes": (self.bytes, np.float64), "peer": (self.peer, np.int32),
                 "msg": (self.msg, np.int32), "lanes": (self.lanes, np.int16)}
        col = {k: np.concatenate([t[k], np.frombuffer(buf, dt)]) if len(buf) else t[k]
               for k, (buf, dt) in other.items()}
        order = np.lexsort((col["end"], col["pe"], col["start"]))
        if np.all(order[1:] > order[:-1]):          # already in order: skip the gather
            order = slice(None)
        pe = col["pe"][order]
        return Trace(
            pe=pe, node=(pe // cores_per_node).astype(np.int32),
            core=(pe % cores_per_node).astype(np.int32), kind=col["kind"][order],
            task=col["task"][order], start_s=col["start"][order], end_s=col["end"][order],
            flops=col["flops"][order], bytes=col["bytes"][order], peer=col["peer"][order],
            msg=col["msg"][order], lanes_active=col["lanes"][order],
        )


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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class WriteError(OSError):
    """A file could not be written; the message names the user's path, not a temp file."""

    def __str__(self) -> str:
        if not self.filename:
            return "cannot write a file with an empty name (give a path)"
        return f"cannot write {clip(os.fspath(self.filename), 100)[1:-1]}: {self.strerror}"


def _target(path: str) -> str:
    """The file a write to `path` lands in: a symlink's target (followed all the way)."""
    return os.path.realpath(path) if os.path.islink(path) else path


def check_writable(path: str | os.PathLike) -> None:
    """WriteError now if `path` cannot be written: an empty name, a folder, a read-only
    file, or its folder is missing, not a folder or not writable. Call it before a long
    computation."""
    shown = os.fspath(path)
    if not shown:
        raise WriteError(errno.ENOENT, "empty file name", shown)
    path = _target(shown)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise WriteError(errno.EISDIR, os.strerror(errno.EISDIR), shown)
    if os.path.isfile(path) and not os.stat(path).st_mode & 0o222:
        raise WriteError(errno.EACCES, "the file is read-only (make it writable or choose "
                                       "another name)", shown)
    if not os.path.exists(folder):
        raise WriteError(errno.ENOENT, os.strerror(errno.ENOENT), shown)
    if not os.path.isdir(folder):
        raise WriteError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), shown)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(errno.EACCES, os.strerror(errno.EACCES), shown)


def _write(fh, text) -> None:
    if isinstance(text, (str, bytes)):
        fh.write(text)
    else:
        fh.writelines(text)


def _open_mode(text) -> dict:
    return {"mode": "wb"} if isinstance(text, bytes) else \
        {"mode": "w", "encoding": "utf-8", "newline": ""}


def _write_special(path: str, shown: str, text) -> None:
    """Write straight into a FIFO, device or socket (no rename: it stays what it is);
    a FIFO nobody reads is refused rather than waited on."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        reason = "a FIFO that no process is reading" if exc.errno == errno.ENXIO else \
            exc.strerror or str(exc)
        raise WriteError(exc.errno, reason, shown) from None
    os.set_blocking(fd, True)
    try:
        with os.fdopen(fd, **_open_mode(text)) as fh:
            _write(fh, text)
    except OSError as exc:
        raise WriteError(exc.errno, exc.strerror or str(exc), shown) from None


class _Terminated(BaseException):
    """SIGTERM arrived during a write (raised so the temp file is removed)."""


def _on_sigterm(signum, frame):
    raise _Terminated


def write_atomic(path: str | os.PathLike, text) -> None:
    """Write text (a string, an iterable of strings, or bytes) to a temp file beside
    `path`, fsync it, then rename it over `path`: a reader never sees a half-written
    file. A symlink is followed (its target is replaced, the link stays); a FIFO or a
    device is written directly; a read-only file is refused; an existing file keeps its
    mode. On SIGINT or SIGTERM the temp file is removed before the process ends (SIGKILL
    cannot be caught: it may leave a `.parasim-*.tmp` file beside the target). Failures
    raise WriteError naming `path`."""
    shown = os.fspath(path)
    check_writable(shown)
    path = _target(shown)
    if os.path.exists(path) and not os.path.isfile(path):
        return _write_special(path, shown, text)
    mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else 0o666 & ~_umask()
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".parasim-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise WriteError(exc.errno, exc.strerror or str(exc), shown) from None
    main_thread = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
    try:
        os.chmod(tmp, mode)                      # mkstemp makes 0600
        with os.fdopen(fd, **_open_mode(text)) as fh:
            _write(fh, text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, _Terminated):
            raise SystemExit(128 + signal.SIGTERM) from None
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise WriteError(exc.errno, exc.strerror or str(exc), shown) from None
        raise
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if old is None else old)


def read_text(path: str | os.PathLike) -> str:
    """A UTF-8 text file's contents; OSError if unreadable, ValueError naming the file
    and the line and column of the first byte that is not UTF-8."""
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ValueError(f"{clip(os.fspath(path), 100)[1:-1]} is not UTF-8 text (byte "
                         f"0x{data[exc.start]:02x} at line {line}, column {col})") from None
