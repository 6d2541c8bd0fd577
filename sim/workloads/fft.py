"""Distributed FFT of n complex points: local butterflies, all-to-all transpose, again.

The n points are an n1 x n2 array split by rows over the ranks (the "transpose"
algorithm). Phase 1: each rank does its share of the length-n2 FFTs; an all-to-all
(pairwise exchange, collectives.py) transposes the array, each rank sending a block of
n / ranks^2 points to every other; phase 2 does the length-n1 FFTs. With the usual
count of 5 n log2 n flops per transform split evenly between the phases, a rank does
2.5 (n / ranks) log2 n flops per phase and streams its 16 n / ranks bytes (complex
fp64: 16 bytes a point) in and out once. FLOPs: 5 n log2 n per transform.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from ..collectives import alltoall
from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph
from .common import vector_param
from .spmd import rank_pes, ranks_param

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

    def expected_flops(self) -> float:
        return 5.0 * self.n * math.log2(self.n) * self.transforms


def build(p: Params, machine, rng) -> TaskGraph:
    pes = rank_pes(p.ranks, machine)
    P = len(pes)
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
