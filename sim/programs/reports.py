# mypy: disable-error-code="misc"
# (the methods are typed `self: Executor`, the class they are part of: mypy checks them as such)
"""What a run leaves: its trace, or the report of a deadlock or of messages never received."""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING

from ..analysis.nic import nic_rows
from .ops import ANY_SOURCE, COMPUTE, RECV, STALL, Thread

if TYPE_CHECKING:
    from .executor import Executor

LOG_FIELDS = 9        # executor.compute_log: pe, task, start, compute end, end, flops,
                      # bytes, lanes, thread id
SPAN_COLUMNS = (("pe", "int32"), ("kind", "int8"), ("task", "int32"), ("start", "float64"),
                ("end", "float64"), ("flops", "float64"), ("bytes", "float64"),
                ("peer", "int32"), ("msg", "int32"))    # executor.span_log's, as the
SPAN_FIELDS = len(SPAN_COLUMNS)                         # recorder's columns


class Reports:
    """The executor's results (a part of Executor)."""

    def deadlock_report(self: Executor) -> str:
        """Each blocked thread: its rank, what it waits for and its line."""
        parts = []
        for th in self.all_threads:
            if th.finished:
                continue
            what = self._waits_for(th)
            parts.append(f"rank {th.rank}" + (f" thread {th.index}" if th.index else "")
                         + f" waits in {what}")
        for report in self.pending_reports:
            parts += report()
        shown = "; ".join(parts[:8])
        more = f"; and {len(parts) - 8} more" if len(parts) > 8 else ""
        return f"deadlock at t = {self.env.now * 1e6:.6g} us: {shown}{more}"

    def _waits_for(self: Executor, th: Thread) -> str:
        label = lambda i: self.label(self.line_id(i))      # noqa: E731
        reqs = [r for r in th.wait_reqs if not r.done]
        if not reqs:
            return f"{th.blocked or 'an operation'} at {label(self.line_of(th))}"
        r = reqs[0]
        text = r.describe(label)
        if r.kind == RECV and r.peer != ANY_SOURCE:
            if all(t.finished for t in self.all_threads if t.rank == r.peer):
                text += f" (rank {r.peer} finished without sending it)"
        if len(reqs) > 1:
            text += f" and {len(reqs) - 1} more request(s)"
        return text

    def unmatched_report(self: Executor, left: list) -> str:
        label = lambda i: self.label(self.line_id(i))      # noqa: E731
        parts = [f"rank {m.rank}'s send(dest={m.peer}, tag={m.tag}, {m.nbytes:g} B) at "
                 f"{label(m.line)}" for m in left[:8]]
        more = f"; and {len(left) - 8} more" if len(left) > 8 else ""
        return (f"{len(left)} message(s) were never received: " + "; ".join(parts) + more)

    def trace(self: Executor):
        """The recorded spans as a Trace: each compute is a compute span [start, compute
        end] if its arithmetic took time, then a stall span for the rest (when its memory
        finished later, or it had only memory traffic), FLOPs and bytes on the first."""
        import numpy as np
        log = np.frombuffer(self.compute_log, np.float64).reshape(-1, LOG_FIELDS)
        pe, task = log[:, 0].astype(np.int64), log[:, 1].astype(np.int64)
        s, c, e, f, b, lanes = (log[:, k] for k in range(2, 8))
        has_c = c > s
        has_s = (e > c) | (~has_c & (b > 0))
        first = ~has_c
        rec = self.rec
        spans = np.frombuffer(self.span_log, np.float64).reshape(-1, SPAN_FIELDS)
        for k, (name, dtype) in enumerate(SPAN_COLUMNS):   # as rec.span would have put them
            getattr(rec, name).frombytes(spans[:, k].astype(dtype).tobytes())
        rec.lanes.frombytes(np.zeros(len(spans), np.int16).tobytes())
        self.span_log = array("d")         # (put in the recorder once)
        ic, is_ = np.flatnonzero(has_c), np.flatnonzero(has_s)
        cols: dict[str, np.ndarray] = {"pe": np.concatenate([pe[ic], pe[is_]]).astype(np.int32),
                "kind": np.concatenate([np.full(len(ic), COMPUTE), np.full(len(is_), STALL)]
                                       ).astype(np.int8),
                "task": np.concatenate([task[ic], task[is_]]).astype(np.int32),
                "start": np.concatenate([s[ic], c[is_]]), "end": np.concatenate([c[ic], e[is_]]),
                "flops": np.concatenate([f[ic], np.where(first[is_], f[is_], 0.0)]),
                "bytes": np.concatenate([b[ic], np.where(first[is_], b[is_], 0.0)]),
                "peer": np.full(len(ic) + len(is_), -1, np.int32),
                "msg": np.full(len(ic) + len(is_), -1, np.int32),
                "lanes": np.concatenate([lanes[ic], np.zeros(len(is_))]).astype(np.int16)}
        for name, col in cols.items():
            getattr(rec, name).frombytes(col.tobytes())
        z = np.zeros(0)
        return rec.finish(self.m.cores, z, z, np.zeros(0, np.int16), z)

    def threads_table(self: Executor) -> dict:
        """A program's tasks are its threads (ranks and what they spawned), not its
        source lines: per thread {"rank", "thread", "pe", "start_s", "end_s"} (its
        lifetime), and "running": {"task" (the thread's row), "start_s", "end_s"}, one
        interval per compute that took time (its compute and stall spans together)."""
        import numpy as np
        ths = self.all_threads
        log = np.frombuffer(self.compute_log, np.float64).reshape(-1, LOG_FIELDS)
        took = (log[:, 4] > log[:, 2]) | (log[:, 6] > 0)
        return {"rank": np.array([t.rank for t in ths], np.int32),
                "thread": np.array([t.index for t in ths], np.int32),
                "pe": np.array([t.pe for t in ths], np.int32),
                "start_s": np.array([t.t_start for t in ths], np.float64),
                "end_s": np.array([t.t_end if t.finished else self.env.now for t in ths],
                                  np.float64),
                "running": {"task": log[took, 8].astype(np.int32),
                            "start_s": log[took, 2].copy(), "end_s": log[took, 4].copy()}}

    def nic_table(self: Executor) -> dict | None:
        """Run.extras["nic"]: each message between nodes on its sender's NIC row,
        g + (s-1) G from when its send started (analysis/nic.py); None without LogGOPS."""
        if self.nic_log is None or not len(self.nic_log):
            return None
        import numpy as np
        log = np.frombuffer(self.nic_log, np.float64).reshape(-1, 5)
        return nic_rows(log[:, 0].astype(np.int64) // self.m.cores, log[:, 1], log[:, 2],
                        log[:, 3], log[:, 4].astype(np.int64))

