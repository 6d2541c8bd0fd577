"""The Machine view's model (numpy only): the run's traffic (sim.analysis.traffic) and
the geometry, and what the machine looks like at a playhead time (a Frame)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...sim.analysis.traffic import Traffic
from ...sim.trace import KINDS
from .geometry import Geometry

HEAT_PES = 2048          # beyond this many PEs, each node's cores are drawn as a heat map
NODE_HEAT = 4096         # beyond this many nodes, the nodes are one heat map (busy share)


@dataclass
class Frame:
    """The machine at time t: state index per PE (0 idle, 1 + kind code), the trace row
    each PE is in (-1 idle), lanes active
    per PE, load per directed link (share of capacity), memory bytes/s and share of
    capacity per node, packets (x, y) in world units with their flight index, and per
    packet the chord from its sender's node centre to its receiver's (x0, y0, x1, y1)."""

    t: float
    state: np.ndarray
    rows: np.ndarray
    lanes: np.ndarray
    link_load: np.ndarray
    memory: np.ndarray
    memory_share: np.ndarray
    packets: np.ndarray
    packet_flight: np.ndarray
    chords: np.ndarray


class MachineModel:
    """Built once per run (off the GUI thread: it routes every message)."""

    def __init__(self, run):
        self.run = run
        self.traffic = Traffic(run)
        spec = run.scenario.machine if run.scenario is not None else None
        traced = int(run.trace.lanes_active.max()) if len(run.trace) else 0
        self.lanes = max(traced, spec.simd_bits // 64 if spec is not None else 0)
        self.node_heat = run.nodes > NODE_HEAT and self.traffic.device is None
        self.geometry = Geometry(run, self.traffic, self.lanes, self.node_heat)
        self.heat = run.pes > HEAT_PES
        self.node_of = np.arange(run.pes) // run.cores
        if self.traffic.device is not None:      # the host's cores, then the SMs
            self.node_of = (np.arange(run.pes) >= self.traffic.host_cores).astype(np.int64)

    def frame(self, t: float) -> Frame:
        tr = self.traffic
        kind, lanes = tr.states.at(t)
        rows = tr.states.trace_rows(t)
        mem = tr.memory_bandwidth(t)
        if tr.device is not None:          # gauges: host (no model), device HBM
            mem = np.r_[0.0, mem[0]]
        cap = tr.mem_capacity
        share = mem / cap if cap else np.zeros_like(mem)
        p = tr.packets(t)
        if self.node_heat:                 # no links drawn, so no packets on them
            p = {k: v[:0] for k, v in p.items()}
        pts = self.geometry.points_on(p["link"], p["along"])
        box = self.geometry.node_box
        centre = box[:, :2] + box[:, 2:] / 2
        src = centre[self.node_of[tr.f["src_pe"][p["flight"]]]]
        dst = centre[self.node_of[tr.f["dst_pe"][p["flight"]]]]
        return Frame(t, kind + 1, rows, lanes, tr.link_load(t), mem, share, pts, p["flight"],
                     np.hstack([src, dst]))

    def node_busy(self, frame: Frame) -> np.ndarray:
        """Per node: the share of its PEs busy (not idle, not waiting) at the frame."""
        busy = (frame.state > 0) & (frame.state != 1 + KINDS.index("wait"))
        n = len(self.geometry.node_box)
        got = np.bincount(self.node_of, weights=busy, minlength=n)
        return got / np.maximum(np.bincount(self.node_of, minlength=n), 1)

    def heat_grids(self, frame: Frame) -> np.ndarray:
        """Every node's state indices as its (rows, cols) cell grid: (nodes, rows, cols),
        -1 beyond its cores."""
        _, _, cols, rows = (int(v) for v in self.geometry.grid[0])
        n, c = self.run.nodes, self.run.cores
        out = np.full((n, rows * cols), -1, np.int64)
        out[:, :c] = frame.state.reshape(n, c)
        return out.reshape(n, rows, cols)
