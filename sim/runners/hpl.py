"""HPL's Top500 figures (Rmax, Rpeak, their ratio) and, for a low precision (HPL-AI),
the fp64 reference run of the same problem and the speedup over it."""

from __future__ import annotations

import dataclasses

from ..engine.timeslice import make_engine
from ..taskgraph import TaskGraph
from ..workloads.hpl import Params, build, hpl_flops


def summary(p: Params, machine, graph: TaskGraph, makespan: float, schedule=None,
            progress=None, cancel=None) -> dict:
    """Top500 figures: Rmax = HPL flops / time, Rpeak = fp64 peak, their ratio; with a low
    precision also the fp64 run's time (simulated here under the same `schedule`, with
    `progress` and `cancel`) and the speedup over it. A grid with fewer processes than
    PEs leaves PEs idle: `warnings` says so."""
    rmax = hpl_flops(p.n) / makespan if makespan > 0 else 0.0
    rpeak = machine.peak("fp64")
    out = {"hpl_n": p.n, "hpl_flops": hpl_flops(p.n), "hpl_precision": p.precision,
           "rmax_flops_per_s": rmax, "rpeak_flops_per_s": rpeak, "rmax_over_rpeak": rmax / rpeak,
           "hpl_fp64_makespan_s": None, "hpl_mixed_speedup": None}
    if p.p * p.q < machine.pes:
        out["warnings"] = [f"HPL grid P x Q = {p.p} x {p.q} = {p.p * p.q} processes on "
                           f"{machine.pes} PEs: {machine.pes - p.p * p.q} PEs stay idle "
                           f"(a grid of {machine.pes} processes would use them all)"]
    if p.precision != "fp64":
        g64 = build(dataclasses.replace(p, precision="fp64"), machine, None)
        t64, _ = make_engine(machine, g64, schedule, record=False, progress=progress,
                             cancel=cancel).run()
        out["hpl_fp64_makespan_s"] = t64
        out["hpl_mixed_speedup"] = t64 / makespan if makespan > 0 else None
    return out


def summary_share(p: Params) -> float:
    """Share of a run's progress bar that `summary` takes (the fp64 run of HPL-AI)."""
    return 0.3 if p.precision != "fp64" else 0.0
