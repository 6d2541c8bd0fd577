"""Overlapping the data-parallel gradient allreduce with the backward pass, for the
`transformer` workload's builder: a ring per gradient bucket, its steps placed between
the later backward tasks, a step once the previous step's message has had time to
arrive (module docstring of sim.workloads.transformer, `overlap`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..machine.network import network_for
from ..taskgraph import GraphBuilder, tagged
from .collectives import ring_allreduce_steps

MAX_PIECES = 16                 # a backward task is cut into at most this many pieces
DP_ALLREDUCE = "gradient allreduce"     # task name of its steps


@dataclass
class _Pending:
    """A gradient allreduce in progress: its steps, the time a step's message needs,
    steps taken and in all."""

    steps: Iterator[list[int]]
    need: float
    total: int
    emitted: int = 0


class GradientOverlap:
    """Pacing state and steps of the overlapped allreduces (a base of the builder,
    which sets p, g, pes, last and e)."""

    p: Any
    g: GraphBuilder
    pes: dict[tuple[int, int, int], int]
    last: dict[tuple[int, int, int], int | None]
    e: int

    def __init__(self, machine):
        self.pending: dict[tuple[int, int], list[_Pending]] = {}    # (s, t) -> allreduces
        self.credit: dict[tuple[int, int], float] = {}     # seconds since the last step
        self.machine = machine
        self.network = network_for(machine.spec.network, machine.nodes)

    def _label(self, first: int, what: str, tag: str) -> None:
        """Name the collective's tasks from `first` on `what @ tag step` (one Layers row)."""
        names = self.g.names
        for i in range(first, len(names)):
            names[i] = tagged(what, f"{tag} {names[i]}")

    def _time(self, flops: float, nbytes: float) -> float:
        """A task's time alone on its PE: max(compute, bytes / memory rate) (the pacing
        estimate; the engine decides the real one)."""
        m = self.machine
        return max(m.compute_time(flops, self.p.precision, self.p.vector_fraction,
                                  self.p.lane_efficiency),
                   nbytes / min(m.core_bandwidth, m.mem_bandwidth))

    def _message_time(self, a: int, b: int, nbytes: float) -> float:
        """A message alone from PE a to PE b: a copy through memory within a node, else
        the route's latency + bytes / link bandwidth."""
        m = self.machine
        na, nb = m.node_of(a), m.node_of(b)
        if na == nb:
            return m.mem_latency + 2 * nbytes / min(m.core_bandwidth, m.mem_bandwidth)
        return self.network.route(na, nb)[1] + nbytes / self.network.bandwidth

    def _bucket_ready(self, s: int, params: int) -> None:
        """A bucket's gradients are complete: queue its ring allreduce (overlap only)."""
        if not params:
            return
        for t in range(self.p.tensor):
            pes = [self.pes[(d, s, t)] for d in range(self.p.data)]
            nbytes = self.e * params / self.p.tensor
            P = len(pes)
            need = max(self._message_time(pes[i], pes[(i + 1) % P], nbytes / P) for i in range(P))
            steps = ring_allreduce_steps(self.g, pes, nbytes,
                                         after=[self.last[(d, s, t)] for d in range(P)],
                                         elem=self.e, blocking=False)
            self.pending.setdefault((s, t), []).append(_Pending(steps, need, 2 * P - 1))

    def _pieces(self, s: int, seconds: float) -> int:
        """Pieces a backward task is cut into so that pending allreduce steps can go
        between them: one per step message it can hide (at most MAX_PIECES)."""
        queue = self.pending.get((s, 0), [])
        if not queue or queue[0].need <= 0:
            return 1
        left = sum(q.total - q.emitted for q in queue)
        return max(1, min(int(seconds // queue[0].need), left, MAX_PIECES))

    def _progress(self, s: int, seconds: float) -> None:
        """`seconds` of computing have passed on stage s: the oldest pending allreduce of
        each group takes its next step if the previous step's message had time to arrive."""
        for t in range(self.p.tensor):
            queue = self.pending.get((s, t), [])
            self.credit[(s, t)] = self.credit.get((s, t), 0.0) + seconds
            if not queue:
                continue
            head = queue[0]
            if head.emitted and self.credit[(s, t)] < head.need:
                continue
            first = len(self.g.names)
            for d, x in enumerate(next(head.steps)):
                self.last[(d, s, t)] = x
            self._label(first, DP_ALLREDUCE, f"s{s}")
            head.emitted += 1
            self.credit[(s, t)] = 0.0
            if head.emitted == head.total:
                queue.pop(0)
