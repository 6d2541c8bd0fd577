"""Summary metrics of a run, computed from its trace.

    speedup      S = T1 / TP   (T1: the same workload simulated on one core of the machine)
    efficiency   E = S / P
    Karp-Flatt   e = (1/S - 1/P) / (1 - 1/P)   (experimentally determined serial fraction;
                 None outside [0, 1], see fits.karp_flatt)
    fraction of peak = achieved FLOP/s / machine peak FLOP/s   (Rmax / Rpeak; for a mix of
                       precisions the peak of that mix, see roofline.mixed_peak)

Time fractions split the P x makespan PE-seconds into compute, stall (waiting on
memory), comm (send/recv), switch (context switches) and idle (the rest, waits included).
Work figures count FLOPs whatever the display convention (key flop_convention; the
report converts to MACs); Run.summary_json writes inf and NaN as null. An optional
`warnings` key (a list of one-line strings) flags a run whose figures need a caveat.
"""

from __future__ import annotations

import numpy as np

from ..machine.costs import min_durations
from ..machine.machine import Machine
from ..taskgraph import PRECISIONS, TaskGraph
from ..trace import KIND_CODE, KINDS, Trace
from . import fits, roofline

FLOP_CONVENTION = "FLOPs (1 multiply-add = 2 FLOPs)"


def time_by_kind(trace: Trace, pes: int) -> np.ndarray:
    """Seconds each PE spent in each span kind: shape (pes, len(KINDS))."""
    out = np.zeros((pes, len(KINDS)))
    dur = trace.end_s - trace.start_s
    for k in range(len(KINDS)):
        m = trace.kind == k
        if m.any():
            out[:, k] = np.bincount(trace.pe[m], weights=dur[m], minlength=pes)[:pes]
    return out


def unit_summary(machine: Machine, trace: Trace, makespan: float, copies: dict) -> dict:
    """Heterogeneous runs: per unit group, `units` = {name: {kind, pes, utilisation
    (compute + stall PE-seconds / (PEs x makespan)), flops}}; `copy_fraction` (PE-seconds
    waiting for copies / all PE-seconds), `copies` and `copied_bytes` (over the links:
    each copy once, a staged one per hop; `copies` are the engine's copy_rows)."""
    tk = time_by_kind(trace, machine.pes)
    unit = np.arange(machine.pes) % machine.cores
    flops = np.bincount(trace.pe, weights=trace.flops, minlength=machine.pes)
    units = {}
    for g in machine.groups:
        sel = (unit >= g.first) & (unit < g.first + g.count)
        pes = int(sel.sum())
        busy = tk[sel][:, [KIND_CODE["compute"], KIND_CODE["stall"]]].sum()
        units[g.name] = {"kind": g.kind, "pes": pes, "flops": float(flops[sel].sum()),
                         "utilisation": float(busy / (pes * makespan)) if makespan > 0 else 0.0}
    copy = KIND_CODE["copy"]
    total = machine.pes * makespan
    return {"units": units,
            "copy_fraction": float(tk[:, copy].sum() / total) if total > 0 else 0.0,
            "copies": len(copies["bytes"]), "copied_bytes": float(copies["bytes"].sum())}


def dominant_precision(graph: TaskGraph | None) -> str:
    """The precision that carries most of the graph's flops (it sets the peak)."""
    if graph is None or graph.n == 0:
        return "fp64"
    w = np.bincount(graph.precision, weights=graph.flops, minlength=len(PRECISIONS))
    return PRECISIONS[int(np.argmax(w))]


def summarize(trace: Trace, makespan: float, machine: Machine | None, pes: int,
              graph: TaskGraph | None = None, serial_s: float | None = None,
              critical_s: float | None = None) -> dict:
    """The summary dict (JSON-ready). Keys that cannot be known are None. critical_path_s
    is `critical_s` when given (a run with messages: the transport's, which counts
    them), else graph.longest_path at the contention-free task durations."""
    flops = float(trace.flops.sum())
    total = pes * makespan
    tk = time_by_kind(trace, pes).sum(axis=0)

    def frac(*kinds):
        return float(sum(tk[KIND_CODE[k]] for k in kinds) / total) if total > 0 else 0.0

    precision = dominant_precision(graph)
    peak = roofline.mixed_peak(machine, graph) if machine is not None else None
    rate = flops / makespan if makespan > 0 else 0.0
    speedup = serial_s / makespan if serial_s and makespan > 0 else None
    eff = speedup / pes if speedup is not None else None
    karp = None if speedup is None else float(fits.karp_flatt([pes], [speedup])[0])
    karp = None if karp is None or np.isnan(karp) else karp
    crit = critical_s
    if crit is None and graph is not None and machine is not None and graph.n:
        crit = graph.longest_path(min_durations(machine, graph))
    fractions = {k: frac(k) for k in ("compute", "stall")}
    fractions["comm"] = frac("send", "recv")
    fractions["switch"] = frac("switch")
    return {
        "flops": flops,
        "flop_convention": FLOP_CONVENTION,
        "precision": precision,
        "makespan_s": makespan,
        "flops_per_s": rate,
        "peak_flops_per_s": peak,
        "fraction_of_peak": rate / peak if peak else None,
        "serial_time_s": serial_s,
        "speedup": speedup,
        "parallel_efficiency": eff,
        "karp_flatt": karp,
        "critical_path_s": crit,
        "pes": pes,
        "tasks": graph.n if graph is not None else int(len(np.unique(trace.task[trace.task >= 0]))),
        "spans": len(trace),
        "bytes_moved": float(trace.bytes[(trace.kind != KIND_CODE["send"])      # memory only
                                         & (trace.kind != KIND_CODE["recv"])
                                         & (trace.kind != KIND_CODE["copy"])].sum()),
        "compute_fraction": fractions["compute"],
        "stall_fraction": fractions["stall"],
        "comm_fraction": fractions["comm"],
        "switch_fraction": fractions["switch"],
        "idle_fraction": max(0.0, 1.0 - sum(fractions.values())) if total > 0 else 0.0,
        **roofline.summary(graph, machine),
    }
