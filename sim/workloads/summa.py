"""SUMMA: distributed dense matrix multiply C = A B (n x n) on a P x Q grid of ranks.

Rank (i, j) = i Q + j owns the (n/P) x (n/Q) blocks of A, B and C. For each panel of
`panel` columns of A (rows of B), the rank holding it broadcasts its A piece along its
grid row and its B piece down its grid column (binomial trees, collectives.py), then
every rank adds the panel's outer product to its C block: 2 (n/P) (n/Q) panel flops,
reading both pieces and reading and writing its C block (e per element).
FLOPs: 2 n^3 in all.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..errors import ScenarioError
from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph
from .collectives import bcast
from .common import chunks, element_bytes, precision_param, scale_count, vector_param
from .spmd import near_square, rank_pes, ranks_param, scaled_ranks


@dataclass
class Params:
    kind: ClassVar[str] = "summa"
    n: int = param(4096, ge=1, help="Matrix order n")
    panel: int = param(256, ge=1, help="Panel width: columns of A broadcast per step")
    grid_p: int = param(0, ge=0, help="Grid rows P (0 = near-square over the ranks)")
    grid_q: int = param(0, ge=0, help="Grid columns Q (0 = ranks / P)")
    ranks: int = ranks_param()
    precision: str = precision_param()
    vector_fraction: float = vector_param()

    def tasks_estimate(self) -> int:
        return 3 * -(-self.n // self.panel) * max(self.ranks, self.grid_p * self.grid_q, 1)

    def expected_flops(self) -> float:
        return 2.0 * self.n ** 3

    def scaled(self, factor: float) -> Params:
        """Weak scaling: the work 2 n^3 grows by `factor`, so n by factor^(1/3) (rounded;
        the panel width stays; a set grid_p x grid_q must still match the ranks). A set
        rank count grows by `factor`."""
        return replace(self, n=scale_count(self.n, factor ** (1.0 / 3.0)),
                       ranks=scaled_ranks(self.ranks, factor))


def shape(p: Params, ranks: int) -> tuple[int, int]:
    P, Q = p.grid_p, p.grid_q
    if not P and not Q:
        return near_square(ranks)
    P = P or ranks // Q
    Q = Q or ranks // P
    if P * Q != ranks:
        raise ScenarioError(f"workload.grid_p x grid_q must equal the {ranks} ranks, got "
                            f"{p.grid_p} x {p.grid_q}", "workload.grid_p")
    return P, Q


def build(p: Params, machine, rng) -> TaskGraph:
    pes = rank_pes(p.ranks, machine)
    P, Q = shape(p, len(pes))
    e = element_bytes(p.precision)
    rows, cols = chunks(p.n, P).tolist(), chunks(p.n, Q).tolist()
    panels = chunks(p.n, -(-p.n // p.panel)).tolist()
    g = GraphBuilder(p.precision, p.vector_fraction)
    last: list[int | None] = [None] * (P * Q)
    k0 = 0
    for s, kb in enumerate(panels):
        owner_col, owner_row = k0 * Q // p.n, k0 * P // p.n
        a_got = [0] * (P * Q)
        b_got = [0] * (P * Q)
        for i in range(P):
            ids = [i * Q + j for j in range(Q)]
            for r, t in zip(ids, bcast(g, [pes[r] for r in ids], rows[i] * kb * e,
                                       [last[r] for r in ids], owner_col)):
                a_got[r] = t
        for j in range(Q):
            ids = [i * Q + j for i in range(P)]
            for r, t in zip(ids, bcast(g, [pes[r] for r in ids], kb * cols[j] * e,
                                       [a_got[r] for r in ids], owner_row)):
                b_got[r] = t
        for i in range(P):
            for j in range(Q):
                r = i * Q + j
                bi, bj = rows[i], cols[j]
                last[r] = g.add(2.0 * bi * bj * kb, float(e * (bi * kb + kb * bj + 2 * bi * bj)),
                                deps=(b_got[r],), owner=pes[r], name=f"update {s}")
        k0 += kb
    return g.build()
