"""One loop run back to back in several SIMD variants, to compare them on one timeline.

Every combination of `precisions` x `lanes` x `vector_fractions` is one task running
the same loop of n elements, `flops_per_element` FLOPs each (FLOPs: n x
flops_per_element per variant). The tasks form a chain in that order, so on one core
they appear side by side. Using k of the L = simd_bits / bits lanes is a lane
efficiency of k / L (x `lane_efficiency`), so by machine.py a variant takes

    n f ((1 - v) / scalar_rate + v / (scalar_rate x k x lane_efficiency))

seconds: k = 1 is the scalar rate, and a vector fraction v caps the gain from more
lanes at 1 / (1 - v) (Amdahl's law inside one core). An empty `lanes` list means all L
lanes of each precision. Memory traffic: n x `words_per_element` numbers of the
variant's precision (so fp16 moves a quarter of fp64's bytes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..errors import ScenarioError
from ..spec import param
from ..taskgraph import PRECISIONS, TaskGraph
from .common import element_bytes, lane_param


@dataclass
class Params:
    kind: ClassVar[str] = "simd-loop"
    n: int = param(10_000_000, ge=1, help="Loop length (elements)")
    flops_per_element: float = param(2.0, gt=0, unit="FLOP", help="FLOPs per element")
    words_per_element: float = param(0.0, ge=0,
                                     help="Numbers read or written per element (memory traffic)")
    lanes: list[int] = param(default_factory=lambda: [1, 2, 4, 8],
                             help="Lanes the loop uses, one variant each (empty: all lanes)")
    vector_fractions: list[float] = param(default_factory=lambda: [0.5, 0.9, 1.0],
                                          help="Vectorised share of the flops, one variant each")
    precisions: list[str] = param(default_factory=lambda: ["fp64"],
                                  help="Precisions, one variant each (fp64, fp32, fp16, bf16)")
    lane_efficiency: float = lane_param()

    def validate(self, path: str) -> None:
        for name, values, ok, rule in (
                ("lanes", self.lanes, lambda k: k >= 1, ">= 1"),
                ("vector_fractions", self.vector_fractions, lambda v: 0 <= v <= 1, "in [0, 1]"),
                ("precisions", self.precisions, lambda p: p in PRECISIONS,
                 f"one of {', '.join(PRECISIONS)}")):
            for i, v in enumerate(values):
                if not ok(v):
                    raise ScenarioError(f"{path}.{name}[{i}] must be {rule}, got {v!r}",
                                        f"{path}.{name}[{i}]")
        for name in ("vector_fractions", "precisions"):
            if not getattr(self, name):
                raise ScenarioError(f"{path}.{name} must not be empty", f"{path}.{name}")

    def tasks_estimate(self) -> int:
        return len(self.precisions) * max(1, len(self.lanes)) * len(self.vector_fractions)

    def expected_flops(self) -> float:
        return self.tasks_estimate() * self.n * self.flops_per_element


def variants(p: Params, machine) -> list[tuple[str, int, float]]:
    """(precision, lanes used, vector fraction) per task, in chain order."""
    out: list[tuple[str, int, float]] = []
    for prec in p.precisions:
        width = machine.lanes(prec)
        for k in p.lanes or [width]:
            if k > width:
                raise ScenarioError(
                    f"workload.lanes asks for {k} lanes but {prec} has {width} "
                    f"(machine.simd_bits = {machine.spec.simd_bits})", "workload.lanes")
            out.extend((prec, k, v) for v in p.vector_fractions)
    return out


def build(p: Params, machine, rng) -> TaskGraph:
    var = variants(p, machine)
    m = len(var)
    flops = p.n * p.flops_per_element
    return TaskGraph(
        flops=np.full(m, flops),
        bytes=np.array([p.n * p.words_per_element * element_bytes(pr) for pr, _, _ in var],
                       np.float64),
        precision=np.array([PRECISIONS.index(pr) for pr, _, _ in var], np.int8),
        vector_fraction=np.array([v for _, _, v in var], np.float64),
        lane_efficiency=np.array([p.lane_efficiency * k / machine.lanes(pr)
                                  for pr, k, _ in var], np.float64),
        owner=np.full(m, -1, np.int32),
        dep_ptr=np.concatenate(([0], np.arange(m, dtype=np.int64))),
        dep_idx=np.arange(m - 1, dtype=np.int32),
        names=tuple(f"{pr} {k} lanes v={100 * v:g}%" for pr, k, v in var),
    )
