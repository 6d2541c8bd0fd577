"""What a task costs on a machine, by formula (no simulation): the one place the
engine, the time slicer, the transport and the metrics read task costs from.

    compute time  t_c = flops x ((1 - v) / scalar rate
                                 + v / (vector rate x dense_efficiency x lane eff.))
    lower bound   max(t_c, latency + bytes / min(core bw, memory bw)) + io_count x io_wait
"""

from __future__ import annotations

import numpy as np

from ..errors import ScenarioError
from ..taskgraph import PRECISIONS, WHERE_ANY, WHERE_CPU, WHERE_GPU, TaskGraph
from .machine import Machine


def compute_times(machine: Machine, graph: TaskGraph) -> np.ndarray:
    """Seconds of arithmetic per task (vectorised form of Machine.compute_time)."""
    vec = np.array([machine.sustained_rate(p) for p in PRECISIONS])[graph.precision]
    v = graph.vector_fraction
    return graph.flops * ((1.0 - v) / machine.scalar_rate()
                          + v / (vec * graph.lane_efficiency))


def min_durations(machine: Machine, graph: TaskGraph) -> np.ndarray:
    """A lower bound on each task's run time: max(compute, latency + bytes / best rate)
    plus its I/O waits (io_count x io_wait_s: no policy overlaps a task with its own I/O);
    heterogeneous: the least over the unit groups the task may use."""
    if machine.hetero or graph.hetero:
        return group_durations(machine, graph).min(axis=0)
    mem_rate = min(machine.core_bandwidth, machine.mem_bandwidth)
    mem = np.where(graph.bytes > 0, machine.mem_latency + graph.bytes / mem_rate, 0.0)
    io = 0.0 if graph.io_count is None else graph.io_count * graph.io_wait_s
    return np.maximum(compute_times(machine, graph), mem) + io


def lanes_active(machine: Machine, graph: TaskGraph) -> np.ndarray:
    """Lanes doing useful work in a task's vector part (1 for purely scalar tasks)."""
    lanes = np.array([machine.lanes(p) for p in PRECISIONS])[graph.precision]
    active = np.maximum(1, np.rint(lanes * graph.lane_efficiency)).astype(np.int16)
    return np.where(graph.vector_fraction > 0, active, 1).astype(np.int16)


def group_compute_times(machine: Machine, graph: TaskGraph) -> np.ndarray:
    """Seconds of arithmetic per unit group and task, shape (groups, tasks): the formula
    above with the group's rates; a matrix task's vector part runs at the group's matrix
    rate for its precision where the group has one (machine/groups.py), else at the
    vector rate; either times the machine's dense_efficiency, as for compute_times."""
    v = graph.vector_fraction
    matrix = graph.matrix if graph.matrix is not None else np.zeros(graph.n, bool)
    out = np.empty((len(machine.groups), graph.n))
    for k, g in enumerate(machine.groups):
        vec = np.array([g.vector_rate(p) for p in PRECISIONS])[graph.precision]
        mat = np.array([g.matrix_rate(p) for p in PRECISIONS])[graph.precision]
        rate = np.where(matrix & (mat > 0), mat, vec) * machine.dense_efficiency
        out[k] = graph.flops * ((1.0 - v) / g.scalar_rate() + v / (rate * graph.lane_efficiency))
    return out


def group_durations(machine: Machine, graph: TaskGraph, ct: np.ndarray | None = None,
                    allow: np.ndarray | None = None) -> np.ndarray:
    """Lower bounds per (group, task): max(compute, latency + bytes / min(unit bw, domain
    bw)); inf where the task may not run."""
    ct = group_compute_times(machine, graph) if ct is None else ct
    allow = allowed_groups(machine, graph) if allow is None else allow
    b = graph.bytes
    out = np.empty_like(ct)
    for k, g in enumerate(machine.groups):
        rate = min(g.unit_bandwidth, g.mem_bandwidth)
        out[k] = np.maximum(ct[k], np.where(b > 0, g.mem_latency + b / rate, 0.0))
    return np.where(allow.T, out, np.inf)


def allowed_groups(machine: Machine, graph: TaskGraph) -> np.ndarray:
    """Bool (tasks, groups): where each task may run; refuses a task no group allows."""
    groups = machine.groups
    n = graph.n
    if graph.where is None:
        return np.ones((n, len(groups)), bool)
    codes = {}
    for c in np.unique(graph.where).tolist():
        if c == WHERE_ANY:
            codes[c] = [True] * len(groups)
        elif c in (WHERE_CPU, WHERE_GPU):
            kind = "cpu" if c == WHERE_CPU else "gpu"
            codes[c] = [g.kind == kind for g in groups]
        else:
            name = graph.where_groups[c]
            codes[c] = [g.name == name or g.name.split("[")[0] == name for g in groups]
        if not any(codes[c]):
            t = int(np.flatnonzero(graph.where == c)[0])
            label = graph.names[t] if graph.names and graph.names[t] else f"task {t}"
            what = {WHERE_ANY: "any", WHERE_CPU: "cpu", WHERE_GPU: "gpu"}.get(
                c, graph.where_groups[c] if c >= 0 else c)
            raise ScenarioError(f"{label} may run only on {what!r}, which the machine lacks "
                                f"(groups: {', '.join(g.name for g in groups)})", "machine")
    table = np.array([codes[c] for c in sorted(codes)], bool)
    return table[np.searchsorted(sorted(codes), graph.where)]
