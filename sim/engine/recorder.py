"""The trace recorder: spans appended into typed arrays during a run, a Trace at the end."""

from __future__ import annotations

from array import array
from typing import Any

import numpy as np

from ..trace import KIND_CODE, Trace


class TraceRecorder:
    """Collects a run's spans into compact typed arrays (about 60 bytes a span).

    Task executions, by far the most common record, are logged as one row
    (pe, task, start, end) and expanded into their compute and stall spans when the
    run finishes: either appended to `task_log` (an executor that runs a task in
    several pieces), or, with `tasks` given (each task runs once, engine.py), written
    into columns preallocated per task, `done` listing the tasks in the order they
    ended. A message's send and recv spans (transport.py, without LogGOPS), once
    `messages` has given the messages' columns (each message has one span of each):
    its code (m for a send, -1 - m for a recv) appended to `msg_code` in the order
    recorded, its start and end written at m into `send_start`, `send_end` or
    `recv_start`, `recv_end` (`msg_span`, or inline). Other spans (wait, switch, copy,
    LogGOPS) go through `span`, which then notes how many message rows precede each.
    """

    def __init__(self, tasks: int = 0):
        self.task_log = array("d")       # (pe, task, start, end) per task run
        self.done = array("i")           # tasks in the order they ended (with `tasks`)
        self.task_pe = array("i", bytes(4 * tasks))
        self.task_start = array("d", bytes(8 * tasks))
        self.task_end = array("d", bytes(8 * tasks))
        self.pe, self.kind, self.task = array("i"), array("b"), array("i")
        self.start, self.end = array("d"), array("d")
        self.flops, self.bytes = array("d"), array("d")
        self.peer, self.msg, self.lanes = array("i"), array("i"), array("h")
        self.msg_code, self.span_at = array("i"), array("i")
        self.send_start = self.send_end = self.recv_start = self.recv_end = array("d")
        self.msg_cols: tuple = ()

    def __len__(self) -> int:
        return (len(self.pe) + len(self.msg_code)
                + 2 * (len(self.task_log) // 4 + len(self.done)))

    def messages(self, src_pe: np.ndarray, dst_pe: np.ndarray, src: np.ndarray,
                 dst: np.ndarray, nbytes: np.ndarray) -> None:
        """Each message's sending and receiving PE and task and its bytes."""
        self.msg_cols = (src_pe, dst_pe, src, dst, nbytes)
        zeros = bytes(8 * len(src))
        self.send_start, self.send_end = array("d", zeros), array("d", zeros)
        self.recv_start, self.recv_end = array("d", zeros), array("d", zeros)

    def msg_span(self, code: int, start: float, end: float) -> None:
        """A send (code m) or recv (code -1 - m) span of message m: its PE, task, bytes
        and peer come from `messages`."""
        self.msg_code.append(code)
        if code >= 0:
            self.send_start[code], self.send_end[code] = start, end
        else:
            self.recv_start[-1 - code], self.recv_end[-1 - code] = start, end

    def _generic(self) -> dict:
        """The `span` columns with the message rows put back where they were recorded."""
        other: dict[str, tuple[Any, Any]] = {
            "pe": (self.pe, np.int32), "kind": (self.kind, np.int8),
            "task": (self.task, np.int32), "start": (self.start, np.float64),
            "end": (self.end, np.float64), "flops": (self.flops, np.float64),
            "bytes": (self.bytes, np.float64), "peer": (self.peer, np.int32),
            "msg": (self.msg, np.int32), "lanes": (self.lanes, np.int16)}
        col = {k: np.frombuffer(buf, dt) if len(buf) else np.zeros(0, dt)
               for k, (buf, dt) in other.items()}
        if not len(self.msg_code):
            return col
        code = np.frombuffer(self.msg_code, np.int32)
        send = code >= 0
        m = np.where(send, code, -1 - code)
        src_pe, dst_pe, src, dst, nbytes = (np.asarray(c)[m] for c in self.msg_cols)
        start = np.where(send, np.frombuffer(self.send_start)[m],
                         np.frombuffer(self.recv_start)[m])
        end = np.where(send, np.frombuffer(self.send_end)[m], np.frombuffer(self.recv_end)[m])
        rows = {"pe": np.where(send, src_pe, dst_pe),
                "kind": np.where(send, KIND_CODE["send"], KIND_CODE["recv"]),
                "task": np.where(send, src, dst), "start": start, "end": end,
                "flops": np.zeros(len(m)), "bytes": nbytes,
                "peer": np.where(send, dst_pe, src_pe), "msg": m, "lanes": np.zeros(len(m))}
        del src_pe, dst_pe, src, dst, nbytes, start, end, send, m
        if not len(self.pe):                        # message rows only
            return {k: rows.pop(k).astype(c.dtype, copy=False) for k, c in col.items()}
        at = np.frombuffer(self.span_at, np.int32)
        return {k: np.insert(rows.pop(k).astype(c.dtype, copy=False), at, c)
                for k, c in col.items()}

    def span(self, pe: int, kind: int, task: int, start: float, end: float,
             flops: float = 0.0, nbytes: float = 0.0, peer: int = -1, msg: int = -1,
             lanes: int = 0) -> None:
        if self.msg_cols:                           # its place among the message rows
            self.span_at.append(len(self.msg_code))
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
        if len(self.done):
            task = np.frombuffer(self.done, np.int32)
            pe = np.frombuffer(self.task_pe, np.int32)[task]
            s = np.frombuffer(self.task_start, np.float64)[task]
            e = np.frombuffer(self.task_end, np.float64)[task]
        else:
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
        other = self._generic()
        col = {}
        for k in list(other):                       # each part freed once joined
            c, tk = other.pop(k), t.pop(k)
            col[k] = np.concatenate([tk, c]) if len(c) else tk
            del c, tk
        order: Any = np.lexsort((col["end"], col["pe"], col["start"]))
        if np.all(order[1:] > order[:-1]):          # already in order: skip the gather
            order = slice(None)
        out = {k: col.pop(k)[order] for k in list(col)}   # each column freed once gathered
        pe = out["pe"]
        return Trace(
            pe=pe, node=(pe // cores_per_node).astype(np.int32),
            core=(pe % cores_per_node).astype(np.int32), kind=out["kind"], task=out["task"],
            start_s=out["start"], end_s=out["end"], flops=out["flops"], bytes=out["bytes"],
            peer=out["peer"], msg=out["msg"], lanes_active=out["lanes"],
        )
