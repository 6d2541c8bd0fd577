"""What a task costs on a machine, by formula (no simulation): the one place the
engine, the time slicer, the transport and the metrics read task costs from.

    compute time  t_c = flops x ((1 - v) / scalar rate
                                 + v / (vector rate x dense_efficiency x lane eff.))
    lower bound   max(t_c, latency + bytes / min(core bw, memory bw)) + io_count x io_wait
"""

from __future__ import annotations

import numpy as np

from ..taskgraph import PRECISIONS, TaskGraph
from .machine import Machine


def compute_times(machine: Machine, graph: TaskGraph) -> np.ndarray:
    """Seconds of arithmetic per task (vectorised form of Machine.compute_time)."""
    vec = np.array([machine.sustained_rate(p) for p in PRECISIONS])[graph.precision]
    v = graph.vector_fraction
    return graph.flops * ((1.0 - v) / machine.scalar_rate()
                          + v / (vec * graph.lane_efficiency))


def min_durations(machine: Machine, graph: TaskGraph) -> np.ndarray:
    """A lower bound on each task's run time: max(compute, latency + bytes / best rate)
    plus its I/O waits (io_count x io_wait_s: no policy overlaps a task with its own I/O)."""
    mem_rate = min(machine.core_bandwidth, machine.mem_bandwidth)
    mem = np.where(graph.bytes > 0, machine.mem_latency + graph.bytes / mem_rate, 0.0)
    io = 0.0 if graph.io_count is None else graph.io_count * graph.io_wait_s
    return np.maximum(compute_times(machine, graph), mem) + io


def lanes_active(machine: Machine, graph: TaskGraph) -> np.ndarray:
    """Lanes doing useful work in a task's vector part (1 for purely scalar tasks)."""
    lanes = np.array([machine.lanes(p) for p in PRECISIONS])[graph.precision]
    active = np.maximum(1, np.rint(lanes * graph.lane_efficiency)).astype(np.int16)
    return np.where(graph.vector_fraction > 0, active, 1).astype(np.int16)
