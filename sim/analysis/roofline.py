"""The roofline model: arithmetic intensity against the machine's ceilings.

    arithmetic intensity  I = FLOPs / bytes moved to and from memory   (FLOP/B)
    memory ceiling        B = nodes x min(bandwidth_gbs, cores x core_bandwidth_gbs)
    compute ceiling       P(p) = machine peak in precision p (every core's vector rate)
    attainable            min(P(p), I x B)
    ridge point           I* = P(p) / B: below it a kernel is memory-bound, above it
                          compute-bound. A run mixing precisions uses the peak of its
                          mix (mixed_peak) for P.

A task with no memory traffic has infinite intensity (compute-bound): the summary keeps
inf, the JSON writes it as null (JSON has no infinity) and the printed table says
"∞ (no memory traffic)". A run with no FLOPs has no roofline figures (None, "n/a").
The run's intensity is its total FLOPs over its total bytes; like every summary figure
it counts FLOPs (1 multiply-add = 2), the table converts to the display convention. The GUI's roofline plot takes
`plot_data`: the ceilings and one point per task (intensity, achieved FLOP/s).
"""

from __future__ import annotations

import numpy as np

from ..machine.machine import Machine
from ..taskgraph import PRECISIONS, TaskGraph
from ..trace import KIND_CODE, Trace


def intensity(flops, nbytes) -> np.ndarray:
    """FLOPs per byte, element-wise; inf where no bytes move (0 FLOPs and 0 bytes: 0)."""
    f = np.asarray(flops, np.float64)
    b = np.asarray(nbytes, np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(b > 0, f / np.where(b > 0, b, 1.0), np.where(f > 0, np.inf, 0.0))


def memory_bandwidth(machine: Machine) -> float:
    """Bytes/s the whole machine's memories can deliver: nodes x min(B, cores x b_core);
    heterogeneous: nodes x (min(B, CPU cores x b_core) + every device's bandwidth)."""
    if not machine.hetero:
        return machine.nodes * min(machine.mem_bandwidth, machine.cores * machine.core_bandwidth)
    cpus = sum(g.count for g in machine.groups if g.domain < 0)
    devs = sum(g.mem_bandwidth for g in machine.groups if g.domain >= 0)
    return machine.nodes * (min(machine.mem_bandwidth, cpus * machine.core_bandwidth) + devs)


def kind_roofs(machine: Machine) -> dict:
    """One roof per unit kind of one node: {kind: {"peak_flops_per_s": {p: ...},
    "vector_peak_flops_per_s": {p: ...}, "memory_bandwidth_bytes_per_s": B}}; the peak
    counts matrix units (the matrix ceiling), the vector peak does not."""
    out: dict[str, dict] = {}
    for g in machine.groups:
        r = out.setdefault(g.kind, {"peak_flops_per_s": dict.fromkeys(PRECISIONS, 0.0),
                                    "vector_peak_flops_per_s": dict.fromkeys(PRECISIONS, 0.0),
                                    "memory_bandwidth_bytes_per_s": 0.0})
        for p in PRECISIONS:
            r["peak_flops_per_s"][p] += g.count * g.peak(p)
            r["vector_peak_flops_per_s"][p] += g.count * g.vector_rate(p)
        r["memory_bandwidth_bytes_per_s"] += (
            g.mem_bandwidth if g.domain >= 0 else min(g.mem_bandwidth, g.count * g.unit_bandwidth))
    return out


def mixed_peak(machine: Machine, graph: TaskGraph | None) -> float:
    """Peak FLOP/s for a graph's mix of precisions: F / sum_p (F_p / peak(p)), the rate
    at which every core would do the whole mix at its peaks (peak(p) for one precision)."""
    if graph is None or graph.total_flops <= 0:
        return machine.peak("fp64")
    w = np.bincount(graph.precision, weights=graph.flops, minlength=len(PRECISIONS))
    t = sum(f / machine.peak(p) for f, p in zip(w, PRECISIONS) if f > 0)
    return float(w.sum() / t)


def ridge_point(machine: Machine, precision: str = "fp64") -> float:
    """I* = peak / bandwidth (FLOP/B)."""
    return machine.peak(precision) / memory_bandwidth(machine)


def attainable(machine: Machine, ai, precision: str = "fp64", peak: float | None = None):
    """min(peak, I x B): the roofline itself (`peak` overrides the precision's, e.g. a
    mixed_peak)."""
    top = machine.peak(precision) if peak is None else peak
    return np.minimum(top, np.asarray(ai, np.float64) * memory_bandwidth(machine))


def bound(ai: float, ridge: float) -> str:
    """'memory' below the ridge point, 'compute' at or above it."""
    return "memory" if ai < ridge else "compute"


def summary(graph: TaskGraph | None, machine: Machine | None) -> dict:
    """Summary keys: arithmetic_intensity, ridge_point, roofline_bound,
    memory_bandwidth_bytes_per_s, attainable_flops_per_s (None when unknown, and for a run
    with no FLOPs: a roofline says nothing about communication or empty work)."""
    if graph is None or machine is None or graph.total_flops <= 0:
        return dict.fromkeys(("arithmetic_intensity", "ridge_point", "roofline_bound",
                              "memory_bandwidth_bytes_per_s", "attainable_flops_per_s"))
    ai = float(intensity(graph.total_flops, graph.bytes.sum()))
    peak, bw = mixed_peak(machine, graph), memory_bandwidth(machine)
    return {
        "arithmetic_intensity": ai,
        "ridge_point": peak / bw,
        "roofline_bound": bound(ai, peak / bw),
        "memory_bandwidth_bytes_per_s": bw,
        "attainable_flops_per_s": float(attainable(machine, ai, peak=peak)),
    }


def run_point(summary: dict) -> tuple[float, float] | None:
    """The run as a whole on the roofline: (its intensity, its achieved FLOP/s), from the
    summary; None when it has no finite intensity or no achieved rate."""
    ai, rate = summary.get("arithmetic_intensity"), summary.get("flops_per_s")
    if ai is None or rate is None or not np.isfinite(ai) or ai <= 0 or rate <= 0:
        return None
    return float(ai), float(rate)


def task_points(trace: Trace) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(task ids, intensity, achieved FLOP/s) per task from its compute and stall spans
    (not the copies it waited for)."""
    m = (trace.task >= 0) & (trace.kind != KIND_CODE["copy"])
    tasks, inv = np.unique(trace.task[m], return_inverse=True)
    def total(col):               # float even when empty (bincount of nothing is int64)
        return np.bincount(inv, weights=col[m], minlength=len(tasks)).astype(np.float64)

    flops, nbytes, dur = total(trace.flops), total(trace.bytes), total(trace.end_s - trace.start_s)
    with np.errstate(over="ignore"):          # a rate beyond a float is inf (not drawn)
        rate = np.divide(flops, dur, out=np.zeros_like(flops), where=dur > 0)
    return tasks, intensity(flops, nbytes), rate


def plot_data(machine: Machine | None, trace: Trace | None = None) -> dict:
    """Everything a roofline plot needs: the machine's ceilings per precision, its
    bandwidth and ridge points, one core's ceilings (a task runs on one core), and
    (given a trace) one point per task. Without a machine (a trace reopened from CSV):
    the points only."""
    data: dict = {} if machine is None else {
        "memory_bandwidth_bytes_per_s": memory_bandwidth(machine),
        "peak_flops_per_s": {p: machine.peak(p) for p in PRECISIONS},
        "ridge_point": {p: ridge_point(machine, p) for p in PRECISIONS},
        "core_bandwidth_bytes_per_s": min(machine.core_bandwidth, machine.mem_bandwidth),
        "core_peak_flops_per_s": {p: machine.core_peak(p) for p in PRECISIONS},
    }
    if machine is not None and machine.hetero:
        data["kinds"] = kind_roofs(machine)
    if trace is not None:
        tasks, ai, rate = task_points(trace)
        data["tasks"] = {"task": tasks, "intensity": ai, "flops_per_s": rate}
    return data
