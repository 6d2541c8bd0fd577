"""The NICs' busy time under LogGOPS: the gap g shows on the NIC, as o shows on the PE.

A message of s bytes between two nodes keeps its sender's NIC busy

    g + (s-1) G        from the moment it may leave (its CPU overhead starts)

(LogGOPSim's definition; the next message of that NIC leaves no sooner). Messages within
a node use no NIC. Only runs with a LogGOPS setting (machine/network.py LogGOPS: o, g,
O or S given) have NIC rows; with Hockney costs there is no NIC model and no row, and
the trace itself never changes (the rows live in Run.extras["nic"]).

    extras["nic"] = {"row", "start_s", "end_s", "bytes", "msg", "row_names"}

one interval per message, `row` indexing `row_names` ("node 3 NIC"): one row per node
that sent a message to another node (a node's ranks share its row).
"""

from __future__ import annotations

import numpy as np

from ..machine.network import LogGOPS
from ..trace import KIND_CODE, Trace

SEND = KIND_CODE["send"]


def nic_rows(node: np.ndarray, start: np.ndarray, end: np.ndarray, nbytes: np.ndarray,
             msg: np.ndarray) -> dict:
    """Run.extras["nic"] from one interval per inter-node message, on its sender's node."""
    node = np.asarray(node, np.int64)
    nodes, row = np.unique(node, return_inverse=True)
    order = np.lexsort((np.asarray(msg), np.asarray(start), row))
    return {"row": row[order].astype(np.int32),
            "start_s": np.asarray(start, np.float64)[order],
            "end_s": np.asarray(end, np.float64)[order],
            "bytes": np.asarray(nbytes, np.float64)[order],
            "msg": np.asarray(msg, np.int32)[order],
            "row_names": [f"node {n} NIC" for n in nodes.tolist()]}


def nic_from_trace(trace: Trace, cost: LogGOPS, cores: int) -> dict | None:
    """The NIC rows of a built-in workload's run (engine/transport.py): each message's
    first `send` span starts when its NIC may send it (the span of its CPU overhead);
    None without a LogGOPS setting or an inter-node message."""
    if not cost.first_byte:
        return None
    send = (trace.kind == SEND) & (trace.msg >= 0) & (trace.peer >= 0)
    send &= trace.node != trace.peer // cores
    if not send.any():
        return None
    msg, start = trace.msg[send], trace.start_s[send]
    order = np.lexsort((start, msg))              # per message, its earliest send span
    msg, start = msg[order], start[order]
    first = np.r_[True, msg[1:] != msg[:-1]]
    nbytes = np.maximum.reduceat(trace.bytes[send][order], np.flatnonzero(first))
    start = start[first]
    busy = cost.g + np.maximum(nbytes - cost.first_byte, 0.0) * cost.G
    return nic_rows(trace.node[send][order][first], start, start + busy, nbytes, msg[first])
