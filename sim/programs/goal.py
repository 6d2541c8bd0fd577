"""GOAL schedules (LogGOPSim's text format) read and run on the program executor.

    num_ranks 4
    rank 0 {
    l1: send 8b to 1 tag 0        // label (optional): operation
    l2: recv 8b from 1 tag 0      // from -1: any source; tag -1: any tag
    l3: calc 500                  // 500 ns of CPU (no FLOPs)
    l3 requires l2                // l3 starts once l2 has completed
    l1 irequires l3               // l1 starts once l3 has started
    }

`cpu N` / `nic N` after an operation are accepted for N = 0 only (one CPU and one NIC
per rank are modelled). An operation starts when its dependencies allow (sends and
calcs then wait for the rank's CPU, first come first served); a send has started when
its CPU overhead starts, a receive when it is posted, a calc when its CPU time starts.
Costs are LogGOPS, messages.py. A malformed file is refused naming its line.
A file written one statement per line (as Schedgen writes them) is read line by line,
about 3x faster; any other layout by the token parser; both give the same Schedule.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import partial

from ..trace import KIND_CODE
from .errors import ProgramError
from .executor import Executor
from .ops import ANY_SOURCE, ANY_TAG

TOKEN = re.compile(r"(//[^\n]*)|(/\*.*?\*/)|(\d+b\b)|(-?\d+)|([A-Za-z][A-Za-z0-9_]*)"
                   r"|([{}:])|(\S)", re.S)
KINDS = ("", "", "", "size", "int", "word", "punct", "bad")   # by TOKEN's group
COMPUTE = KIND_CODE["compute"]


@dataclass
class Op:
    kind: str                    # send, recv, calc
    size: int                    # bytes, or ns for calc
    peer: int = 0
    tag: int = 0
    line: int = 0
    requires: list[int] = field(default_factory=list)
    irequires: list[int] = field(default_factory=list)


@dataclass
class Schedule:
    file: str
    ranks: list[list[Op]]


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, value, line): kind one of size, int, word, punct, bad; comments skipped."""
    out = []
    line, last, count = 1, 0, text.count
    for m in TOKEN.finditer(text):
        i, start = m.lastindex or 0, m.start()
        line += count("\n", last, start)
        last = start
        if i > 2:
            out.append((KINDS[i], m.group(i), line))
    return out


class _Parser:
    def __init__(self, text: str, name: str):
        self.toks = _tokens(text)
        self.i = 0
        self.name = name

    def fail(self, message: str, line: int | None = None):
        if line is None:
            line = self.toks[self.i][2] if self.i < len(self.toks) else \
                (self.toks[-1][2] if self.toks else 1)
        raise ProgramError(f"{self.name}:{line}: {message}", "workload.file")

    def peek(self, k: int = 0):
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else (None, None, None)

    def take(self, kind: str, value: str | None = None, what: str = ""):
        k, v, line = self.peek()
        if k != kind or (value is not None and v != value):
            got = "the end of the file" if k is None else repr(v)
            self.fail(f"expected {what or value or kind}, got {got}")
        self.i += 1
        return v, line

    def number(self, what: str, lo: int = 0) -> int:
        v, line = self.take("int", what=what)
        n = int(v)
        if n < lo:
            self.fail(f"{what} must be >= {lo}, got {n}", line)
        return n

    def parse(self) -> Schedule:
        self.take("word", "num_ranks")
        n = self.number("the number of ranks", 1)
        ranks: list[list[Op] | None] = [None] * n
        while self.peek()[0] is not None:
            _, line = self.take("word", "rank")
            r = self.number("a rank number")
            if r >= n:
                self.fail(f"rank {r} is not below num_ranks {n}", line)
            if ranks[r] is not None:
                self.fail(f"rank {r} is defined twice", line)
            self.take("punct", "{")
            ranks[r] = self.rank_body(n)
        return Schedule(self.name, [ops or [] for ops in ranks])

    def rank_body(self, n: int) -> list[Op]:
        ops: list[Op] = []
        labels: dict[str, int] = {}
        while True:
            k, v, line = self.peek()
            if k is None:
                self.fail("missing '}' at the end of a rank")
            if (k, v) == ("punct", "}"):
                self.i += 1
                return ops
            if k == "word" and self.peek(1)[1] in ("requires", "irequires"):
                self.i += 2
                other, _ = self.take("word", what="a label")
                a, b = self.label(labels, v, line), self.label(labels, other, line)
                (ops[a].requires if self.toks[self.i - 2][1] == "requires"
                 else ops[a].irequires).append(b)
                continue
            label = None
            if k == "word" and self.peek(1)[1] == ":":
                label = v
                self.i += 2
                if label in labels:
                    self.fail(f"label {label} is used twice in this rank", line)
            ops.append(self.operation(n))
            if label is not None:
                labels[label] = len(ops) - 1

    def label(self, labels: dict, name: str, line: int) -> int:
        if name not in labels:
            self.fail(f"label {name} is not defined (define it before it is required)", line)
        return labels[name]

    def operation(self, n: int) -> Op:
        verb, line = self.take("word", what="send, recv, calc or a label")
        if verb == "calc":
            op = Op("calc", self.number("calc nanoseconds"), line=line)
        elif verb in ("send", "recv"):
            size, _ = self.take("size", what="a size such as 8b")
            self.take("word", "to" if verb == "send" else "from")
            peer = int(self.take("int", what="a rank")[0])
            if not (0 <= peer < n or (verb == "recv" and peer == ANY_SOURCE)):
                self.fail(f"{verb} peer must be a rank below {n}"
                          f"{' (or -1)' if verb == 'recv' else ''}, got {peer}", line)
            op = Op(verb, int(size[:-1]), peer, line=line)
        else:
            self.fail(f"expected send, recv or calc, got {verb!r}", line)
        while self.peek()[1] in ("tag", "cpu", "nic"):
            word, wline = self.take("word")
            value = int(self.take("int", what=f"a {word} number")[0])
            if word == "tag":
                if value < ANY_TAG or (value == ANY_TAG and op.kind != "recv"):
                    self.fail(f"tag must be >= 0 (-1: any tag, receives only), got {value}",
                              wline)
                op.tag = value
            elif value != 0:
                self.fail(f"{word} {value}: one CPU and one NIC per rank are modelled "
                          f"(use {word} 0)", wline)
        return op


NAME = r"[A-Za-z][A-Za-z0-9_]*"
OP_LINE = re.compile(rf"(?:({NAME})\s*:\s*)?(?:(send)\s+(\d+)b\s+to|(recv)\s+(\d+)b\s+from)"
                     rf"\s+(-?\d+)(?:\s+tag\s+(-?\d+))?|(?:({NAME})\s*:\s*)?calc\s+(\d+)"
                     rf"(?:\s+tag\s+(\d+))?|({NAME})\s+(i?requires)\s+({NAME})|rank\s+(\d+)\s*\{{|}}")


def _parse_lines(text: str, name: str) -> Schedule | None:
    """The Schedule of a file written one statement per line (as Schedgen writes them,
    `//` comments allowed), as _Parser would give it; None for anything else (other
    layouts, block comments, cpu/nic, any error), which _Parser then reads."""
    lines = text.split("\n")
    head = lines[0].split("//", 1)[0].split() if lines else []
    k = 0
    while not head and k + 1 < len(lines):
        k += 1
        head = lines[k].split("//", 1)[0].split()
    if len(head) != 2 or head[0] != "num_ranks" or not head[1].isdecimal() or int(head[1]) < 1:
        return None
    n = int(head[1])
    ranks: list[list[Op] | None] = [None] * n
    ops: list[Op] | None = None
    labels: dict[str, int] = {}
    for number, raw in enumerate(lines[k + 1:], k + 2):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        m = OP_LINE.fullmatch(line)
        if m is None:                  # other layouts; block comments (no '/' in OP_LINE)
            return None
        label, clabel, a, how, b, rank = m.group(1, 8, 11, 12, 13, 14)
        if rank is not None:                               # rank r {
            r = int(rank)
            if ops is not None or r >= n or ranks[r] is not None:
                return None
            ops = ranks[r] = []
            labels = {}
            continue
        if ops is None:
            return None
        if line == "}":
            ops = None
        elif a is not None:                                # a requires b
            if a not in labels or b not in labels:
                return None
            waiter = ops[labels[a]]
            (waiter.requires if how == "requires" else waiter.irequires).append(labels[b])
        else:
            op = _line_op(m.groups(), n, number)
            label = label or clabel
            if op is None or label in labels:
                return None
            ops.append(op)
            if label is not None:
                labels[label] = len(ops) - 1
    if ops is not None:
        return None
    return Schedule(name, [r or [] for r in ranks])


def _line_op(groups: tuple, n: int, line: int) -> Op | None:
    """The Op of an OP_LINE send, recv or calc match; None if _Parser would refuse it."""
    _, send, ssize, recv, rsize, peer, tag, _, ns, ctag = groups[:10]
    if ns is not None:
        return Op("calc", int(ns), 0, int(ctag or 0), line)
    p, t = int(peer), int(tag or 0)
    if not (0 <= p < n or (recv and p == ANY_SOURCE)) or t < ANY_TAG or \
            (t == ANY_TAG and not recv):
        return None
    return Op(send or recv, int(ssize or rsize), p, t, line)


def parse(text: str, name: str = "schedule.goal") -> Schedule:
    """A Schedule from GOAL text; ProgramError naming the line when it is malformed."""
    return _parse_lines(text, name) or _Parser(text, name).parse()


def load(path) -> Schedule:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgramError(f"cannot read schedule {path}: {exc}", "workload.file") from None
    return parse(text, os.path.basename(str(path)))


def run(ex: Executor, sched: Schedule) -> list[_Rank]:
    """Issue every rank's operations as their dependencies allow (then ex.run())."""
    ranks = [_Rank(ex, r, ops) for r, ops in enumerate(sched.ranks)]
    for rank in ranks:
        rank.begin()
    return ranks


def tasks_table(ex: Executor, ranks: list[_Rank]) -> dict:
    """The schedule's tasks are its ranks (not its lines), as executor.threads_table:
    each alive from 0 until its last operation completed, running in its calcs."""
    import numpy as np
    calcs = [(r.r, s, e) for r in ranks for s, e in r.calcs]
    return {"rank": np.arange(len(ranks), dtype=np.int32),
            "thread": np.zeros(len(ranks), np.int32),
            "pe": np.array([ex.pe_of(r.r) for r in ranks], np.int32),
            "start_s": np.zeros(len(ranks)),
            "end_s": np.array([r.t_end for r in ranks], np.float64),
            "running": {"task": np.array([c[0] for c in calcs], np.int32),
                        "start_s": np.array([c[1] for c in calcs], np.float64),
                        "end_s": np.array([c[2] for c in calcs], np.float64)}}


class _Rank:
    def __init__(self, ex: Executor, r: int, ops: list[Op]):
        self.ex, self.r, self.ops = ex, r, ops
        self.left = [len(op.requires) + len(op.irequires) for op in ops]
        self.after_done: list[list[int]] = [[] for _ in ops]
        self.after_start: list[list[int]] = [[] for _ in ops]
        self.state = ["waiting"] * len(ops)
        self.t_end = 0.0                     # its last operation completed
        self.calcs: list[tuple[float, float]] = []
        for i, op in enumerate(ops):
            for d in op.requires:
                self.after_done[d].append(i)
            for d in op.irequires:
                self.after_start[d].append(i)
        ex.live += len(ops)
        ex.pending_reports.append(self.report)

    def begin(self) -> None:
        for i in [i for i, n in enumerate(self.left) if n == 0]:   # before any release
            self.issue(i)

    def release(self, waiters: list[int]) -> None:
        left = self.left
        for j in waiters:
            left[j] -= 1
            if left[j] == 0:
                self.issue(j)

    def started(self, i: int) -> None:
        self.state[i] = "started"
        if self.after_start[i]:
            self.release(self.after_start[i])

    def done(self, i: int, _req=None) -> None:
        """Operation i completed (a send's or receive's callback: its request)."""
        if self.state[i] != "started":
            self.started(i)
        self.state[i] = "done"
        ex = self.ex
        self.t_end = ex.env._now
        ex.live -= 1
        if self.after_done[i]:
            self.release(self.after_done[i])

    def issue(self, i: int) -> None:
        """Start operation i, its dependencies met (partial, not closures: no cell
        objects made per operation). A send reports its start only when an operation
        irequires it (else done() marks it started; a send with no on_start and no LogGOPS
        setting starts inline, messages.isend)."""
        op, ex, r = self.ops[i], self.ex, self.r
        self.state[i] = "issued"
        kind = op.kind
        if kind == "send":
            on_start = partial(self.started, i) if self.after_start[i] else None
            ex.isend(r, op.peer, float(op.size), op.tag, op.line, partial(self.done, i),
                     on_start)
        elif kind == "recv":
            self.started(i)
            ex.irecv(r, op.peer, op.tag, op.line, partial(self.done, i))
        else:
            ex.cpu(ex.pe_of(r), partial(self._calc, i))

    def _calc(self, i: int) -> None:
        """Calc i has the rank's CPU: it keeps it op.size ns."""
        self.started(i)
        ex = self.ex
        ex.later(self.ops[i].size * 1e-9, self._calc_end, i, ex.env._now)

    def _calc_end(self, i: int, t: float) -> None:
        ex, now = self.ex, self.ex.env._now
        pe = ex.pe_of(self.r)
        ex.span(pe, COMPUTE, ex.line_id(self.ops[i].line), t, now)
        if now > t:
            self.calcs.append((t, now))
        ex.cpu_free(pe)
        self.done(i)

    def report(self) -> list[str]:
        """The operations this rank never completed, for the deadlock message."""
        out = []
        for i, op in enumerate(self.ops):
            if self.state[i] == "done":
                continue
            what = (f"{op.kind} {op.size}b {'to' if op.kind == 'send' else 'from'} {op.peer} "
                    f"tag {op.tag}" if op.kind != "calc" else f"calc {op.size}")
            why = "never matched" if self.state[i] != "waiting" else "its dependencies never ended"
            out.append(f"rank {self.r}: {what} at {self.ex.label(self.ex.line_id(op.line))} "
                       f"({why})")
        return out
