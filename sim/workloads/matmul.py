"""Tiled dense matrix multiply C = A B (n x n), one task per b x b tile of C.

FLOPs: 2 n^3 (each of the n^2 outputs needs n multiply-adds).
Task (i, j, k) computes a bi x bj tile over a bk slice of the inner dimension:
2 bi bj bk flops, and moves bytes = e (bi bk + bk bj + bi bj) (reads its A and B
blocks, writes its C tile; e = bytes per element). With k_split > 1 the k slices of
one tile form a chain (each adds into the tile the previous one left).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph
from .common import element_bytes, lane_param, precision_param, scale_count, vector_param


@dataclass
class Params:
    kind: ClassVar[str] = "matmul"
    n: int = param(2048, ge=1, help="Matrix order n (A, B and C are n x n)")
    tile: int = param(128, ge=1, help="Tile size b: one task computes a b x b tile of C")
    k_split: int = param(1, ge=1, help="Split each tile's inner loop into this many chained tasks")
    precision: str = precision_param()
    vector_fraction: float = vector_param()
    lane_efficiency: float = lane_param()

    def tasks_estimate(self) -> int:
        t = -(-self.n // self.tile)
        return t * t * min(self.k_split, t)

    def expected_flops(self) -> float:
        return 2.0 * self.n ** 3

    def scaled(self, factor: float) -> Params:
        """Weak scaling: the work 2 n^3 grows by `factor`, so n grows by factor^(1/3)
        (rounded; the tile size stays)."""
        return replace(self, n=scale_count(self.n, factor ** (1.0 / 3.0)))


def _edges(n: int, parts: int) -> list[int]:
    return [i * n // parts for i in range(parts + 1)]


def build(p: Params, machine, rng) -> TaskGraph:
    e = element_bytes(p.precision)
    tiles = -(-p.n // p.tile)
    rows = [min(p.tile, p.n - i * p.tile) for i in range(tiles)]
    ks = _edges(p.n, min(p.k_split, p.n))
    g = GraphBuilder(p.precision, p.vector_fraction, p.lane_efficiency)
    for i, bi in enumerate(rows):
        for j, bj in enumerate(rows):
            prev: tuple[int, ...] = ()
            for k in range(len(ks) - 1):
                bk = ks[k + 1] - ks[k]
                t = g.add(2.0 * bi * bj * bk, float(e * (bi * bk + bk * bj + bi * bj)),
                          deps=prev, name=f"C[{i},{j}] k{k}")
                prev = (t,)
    return g.build()
