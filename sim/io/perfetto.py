"""Chrome / Perfetto trace JSON of a Run (opens in ui.perfetto.dev and chrome://tracing).

    one "X" (complete) event per span:  pid = node, tid = PE, ts/dur in microseconds
    one "s"/"f" flow pair per message:  from its send span to its recv span (same msg id)
    one "C" counter event per power sample (only when the run carries power samples)
    "M" metadata events naming every node (process) and PE (thread)

Timestamps: ts = start_s x 1e6, dur = (end_s - start_s) x 1e6 (the format's unit is us).
"""

from __future__ import annotations

import json
import os

from ..analysis.queries import message_pairs, power_samples
from ..trace import KINDS
from .files import write_atomic

US = 1e6


def chrome_events(run) -> list[dict]:
    """All trace events of the run, metadata first."""
    tr = run.trace
    names = run.task_names
    events: list[dict] = []
    for node in range(run.nodes):
        events.append({"ph": "M", "name": "process_name", "pid": node, "tid": 0,
                       "args": {"name": f"node {node}"}})
    for pe in range(run.pes):
        events.append({"ph": "M", "name": "thread_name", "pid": pe // run.cores, "tid": pe,
                       "args": {"name": f"PE {pe} (core {pe % run.cores})"}})
    cols = [tr[c].tolist() for c in ("pe", "node", "kind", "task", "start_s", "end_s",
                                      "flops", "bytes", "peer", "msg", "lanes_active")]
    for pe, node, kind, task, s, e, fl, nb, peer, msg, lanes in zip(*cols):
        label = names[task] if names and 0 <= task < len(names) and names[task] else KINDS[kind]
        args = {"task": task, "flops": fl, "bytes": nb}
        if peer >= 0:
            args["peer"] = peer
        if msg >= 0:
            args["msg"] = msg
        if lanes > 0:
            args["lanes_active"] = lanes
        events.append({"ph": "X", "name": label, "cat": KINDS[kind], "ts": s * US,
                       "dur": (e - s) * US, "pid": node, "tid": pe, "args": args})
    send, recv = message_pairs(tr)
    for a, b in zip(send.tolist(), recv.tolist()):
        msg = int(tr.msg[a])
        common = {"name": "message", "cat": "message", "id": msg}
        events.append({**common, "ph": "s", "ts": float(tr.start_s[a]) * US,
                       "pid": int(tr.node[a]), "tid": int(tr.pe[a])})
        events.append({**common, "ph": "f", "bp": "e", "ts": float(tr.start_s[b]) * US,
                       "pid": int(tr.node[b]), "tid": int(tr.pe[b])})
    power = power_samples(run)
    if power is not None:
        for t, w in zip(*(a.tolist() for a in power)):
            events.append({"ph": "C", "name": "power", "pid": 0, "ts": t * US,
                           "args": {"watts": w}})
    return events


def to_json(run) -> str:
    return json.dumps({"traceEvents": chrome_events(run), "displayTimeUnit": "ns"},
                      separators=(",", ":"), allow_nan=False)


def write_perfetto(run, path: str | os.PathLike) -> None:
    """Write the Chrome/Perfetto JSON atomically."""
    write_atomic(path, to_json(run))
