"""Distributed FFT of n complex points: local butterflies, all-to-all transpose, again.

The n points are an n1 x n2 array split by rows over the ranks (the "transpose"
algorithm). Phase 1: each rank does its share of the length-n2 FFTs; an all-to-all
(pairwise exchange, collectives.py) transposes the array, each rank sending a block of
n / ranks^2 points to every other; phase 2 does the length-n1 FFTs. With the usual
count of 5 n log2 n flops per transform split evenly between the phases, a rank does
2.5 (n / ranks) log2 n flops per phase and streams its 16 n / ranks bytes (complex
fp64: 16 bytes a point) in and out once. FLOPs: 5 n log2 n per transform.
The blocks need n to be a multiple of ranks^2 (checked at load for a set rank count,
at build for one rank per PE).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import ClassVar

from ..errors import ScenarioError
from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph
from .collectives import alltoall
from .common import vector_param
from .spmd import rank_pes, ranks_param, scaled_ranks

POINT_BYTES = 16


@dataclass
class Params:
    kind: ClassVar[str] = "fft"
    n: int = param(1 << 24, ge=2, help="Points per transform (complex fp64)")
    transforms: int = param(1, ge=1, le=10_000, help="Transforms one after another")
    ranks: int = ranks_param()
    vector_fraction: float = vector_param()

    def tasks_estimate(self) -> int:
        r = max(self.ranks, 1)
        return self.transforms * r * (r + 2)

    def validate(self, path: str) -> None:
        if self.ranks:
            check_n(self.n, self.ranks)

    def expected_flops(self) -> float:
        return 5.0 * self.n * math.log2(self.n) * self.transforms

    def scaled(self, factor: float) -> Params:
        """Weak scaling: the work 5 n log2 n grows by `factor`: n' log2 n' = factor n log2 n
        (Newton's method, rounded; n' grows a little less than `factor`). A set rank
        count grows by `factor`."""
        target = factor * self.n * math.log2(self.n)
        x = max(target, 2.0)              # x log2 x is convex and rising: Newton from above
        for _ in range(100):
            step = (x * math.log2(x) - target) / (math.log2(x) + 1 / math.log(2))
            x = max(x - step, 2.0)
            if abs(step) <= 1e-9 * x:
                break
        return replace(self, n=max(2, round(x)), ranks=scaled_ranks(self.ranks, factor))


def check_n(n: int, ranks: int) -> None:
    """ScenarioError unless n splits into ranks x ranks equal blocks."""
    if n % (ranks * ranks):
        raise ScenarioError(f"workload.n must be a multiple of ranks^2 = {ranks * ranks} "
                            f"(the transpose sends n / ranks^2 points to each of {ranks} "
                            f"ranks), got {n}", "workload.n")


def build(p: Params, machine, rng) -> TaskGraph:
    pes = rank_pes(p.ranks, machine)
    P = len(pes)
    check_n(p.n, P)
    flops = 2.5 * (p.n / P) * math.log2(p.n)
    nbytes = 2.0 * POINT_BYTES * p.n / P
    g = GraphBuilder("fp64", p.vector_fraction)
    last: list[int | None] = [None] * P
    for k in range(p.transforms):
        one = [g.add(flops, nbytes, deps=() if last[r] is None else (last[r],), owner=pe,
                     name=f"fft {k} phase 1") for r, pe in enumerate(pes)]
        moved = alltoall(g, pes, POINT_BYTES * p.n / P ** 2, after=one)
        last = [g.add(flops, nbytes, deps=(moved[r],), owner=pe, name=f"fft {k} phase 2")
                for r, pe in enumerate(pes)]
    return g.build()
