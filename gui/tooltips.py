"""Tooltip texts of the timeline: one span, or a collapsed node at one time."""

from __future__ import annotations

from ..sim.trace import KINDS
from ..sim.units import seconds, si


def span_text(run, i: int) -> str:
    """Kind, PE, task (and its name), times, work, peer and lanes of trace row i."""
    tr = run.trace
    task = int(tr.task[i])
    name = run.task_names[task] if run.task_names and 0 <= task < len(run.task_names) \
        else ""
    lines = [f"<b>{KINDS[tr.kind[i]]}</b> on PE {tr.pe[i]} (node {tr.node[i]}, "
             f"core {tr.core[i]})"]
    if task >= 0:
        lines.append(f"task {task}" + (f": {name}" if name else ""))
    s, e = float(tr.start_s[i]), float(tr.end_s[i])
    lines.append(f"start {seconds(s)}, duration {seconds(e - s)}")
    lines.append(f"{si(float(tr.flops[i]), 'FLOP')}, {si(float(tr.bytes[i]), 'B')}")
    if tr.peer[i] >= 0:
        lines.append(f"peer PE {tr.peer[i]}, message {tr.msg[i]}")
    if tr.lanes_active[i] > 0:
        lines.append(f"SIMD lanes active: {tr.lanes_active[i]}")
    return "<br>".join(lines)


def node_text(spans, node: int, cores: int, x: float, makespan: float) -> str | None:
    """How many of a collapsed node's PEs are in each kind at time x."""
    if not 0 <= x <= makespan:
        return None
    counts = {k: spans.occupancy(k).count_at(node, x) for k in spans.kind_rows}
    parts = [f"{n} {k}" for k, n in counts.items() if n]
    return (f"<b>node {node}</b> at {seconds(x)}: {sum(counts.values())} of {cores} PEs busy"
            + (f" ({', '.join(parts)})" if parts else "") + "<br>double-click to expand")
