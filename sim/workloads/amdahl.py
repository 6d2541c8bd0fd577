"""A program with an explicit serial part, for Amdahl's law.

Total work W = `flops`. One serial task of s W flops runs first; then `tasks`
independent tasks share the remaining (1 - s) W equally. With P cores and `tasks` a
multiple of P, a compute-bound run takes T(P) = T(1) (s + (1 - s) / P), so the
speedup is Amdahl's 1 / (s + (1 - s) / P).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph
from .common import precision_param, scale_count, vector_param


@dataclass
class Params:
    kind: ClassVar[str] = "amdahl"
    flops: float = param(1e11, gt=0, unit="FLOP", help="Total work W")
    serial_fraction: float = param(0.1, ge=0, le=1, help="Share s of the work that is serial")
    tasks: int = param(240, ge=1, help="Tasks the parallel part is split into")
    bytes_per_flop: float = param(0.0, ge=0, unit="B/FLOP", help="Memory traffic per flop")
    precision: str = precision_param()
    vector_fraction: float = vector_param()

    def tasks_estimate(self) -> int:
        return self.tasks + 1

    def expected_flops(self) -> float:
        return self.flops

    def scaled(self, factor: float) -> Params:
        """Weak scaling (Gustafson): the serial work stays, the parallel work and the
        number of tasks grow by `factor`."""
        ws = self.serial_fraction * self.flops
        wp = (1.0 - self.serial_fraction) * self.flops * factor
        return replace(self, flops=ws + wp, serial_fraction=ws / (ws + wp),
                       tasks=scale_count(self.tasks, factor))


def build(p: Params, machine, rng) -> TaskGraph:
    g = GraphBuilder(p.precision, p.vector_fraction)
    ws = p.serial_fraction * p.flops
    serial = g.add(ws, ws * p.bytes_per_flop, name="serial part")
    wp = (p.flops - ws) / p.tasks
    for i in range(p.tasks):
        g.add(wp, wp * p.bytes_per_flop, deps=(serial,), name=f"parallel {i}")
    return g.build()
