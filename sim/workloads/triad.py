"""STREAM triad a[i] = b[i] + s * c[i] over n elements, split into `tasks` chunks.

FLOPs: 2 n (one multiply, one add per element). Bytes: 3 e n (read b and c, write a;
e = 8 in fp64, so 24 n bytes). Intensity 1/12 flop per byte in fp64: memory bound.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph, independent
from .common import chunks, element_bytes, lane_param, precision_param, scale_count, vector_param


@dataclass
class Params:
    kind: ClassVar[str] = "triad"
    n: int = param(50_000_000, ge=1, help="Vector length (elements)")
    tasks: int = param(256, ge=1, help="Number of chunks (tasks) the loop is split into")
    precision: str = precision_param()
    vector_fraction: float = vector_param()
    lane_efficiency: float = lane_param()

    def tasks_estimate(self) -> int:
        return min(self.tasks, self.n)

    def expected_flops(self) -> float:
        return 2.0 * self.n

    def scaled(self, factor: float) -> Params:
        """Weak scaling: n and the number of chunks grow by `factor` (same chunk size)."""
        return replace(self, n=scale_count(self.n, factor), tasks=scale_count(self.tasks, factor))


def build(p: Params, machine, rng) -> TaskGraph:
    sizes = chunks(p.n, min(p.tasks, p.n)).astype(float)
    return independent(2.0 * sizes, 3.0 * element_bytes(p.precision) * sizes,
                       p.precision, p.vector_fraction, p.lane_efficiency)
