"""Where each rank of a program is at a moment: the source line of its current span.

A program's spans are named `file:line` (or `file:line name`, Run.task_names). At time
t, rank r (thread 0, on PE r x threads) is at the line of its span covering t, else of
its last span before t (waiting after it); before its first span or after its last it
is at no line.
"""

from __future__ import annotations

import numpy as np

from ..trace import Trace


def line_of(name: str) -> int:
    """The line number in a `file:line` or `file:line name` task name (0 if none)."""
    head = name.split(" ", 1)[0]
    tail = head.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


class ProgramLines:
    """Each rank's spans (main thread) in start order, with their source lines."""

    def __init__(self, trace: Trace, names, ranks: int, threads: int):
        lines = np.array([line_of(n) for n in names or ()] + [0], np.int64)
        self.ranks = ranks
        self.starts, self.ends, self.lines = [], [], []
        order = np.lexsort((trace.start_s, trace.pe))
        pe = trace.pe[order]
        bounds = np.searchsorted(pe, np.arange(ranks + 1) * threads)
        for r in range(ranks):
            idx = order[bounds[r]:bounds[r + 1]]
            idx = idx[trace.pe[idx] == r * threads]
            self.starts.append(trace.start_s[idx])
            self.ends.append(np.maximum.accumulate(trace.end_s[idx]) if len(idx) else
                             trace.end_s[idx])
            task = trace.task[idx]
            self.lines.append(lines[np.where((task >= 0) & (task < len(lines) - 1), task, -1)])

    def at(self, t: float) -> dict[int, list[int]]:
        """{line: [ranks at it]} at time t, lines in increasing order."""
        out: dict[int, list[int]] = {}
        for r in range(self.ranks):
            starts = self.starts[r]
            i = int(np.searchsorted(starts, t, side="right")) - 1
            if i < 0 or t > self.ends[r][-1]:
                continue
            line = int(self.lines[r][i])
            if line:
                out.setdefault(line, []).append(r)
        return dict(sorted(out.items()))


def ranges(ranks: list[int]) -> str:
    """[0, 1, 2, 5] -> "r0-2, r5"."""
    parts, i = [], 0
    while i < len(ranks):
        j = i
        while j + 1 < len(ranks) and ranks[j + 1] == ranks[j] + 1:
            j += 1
        parts.append(f"r{ranks[i]}" if i == j else f"r{ranks[i]}-{ranks[j]}")
        i = j + 1
    return ", ".join(parts)
