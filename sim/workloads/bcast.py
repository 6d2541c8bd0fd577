"""Broadcast alone: rank 0 sends `bytes` to every rank.

binomial: ceil(log2 P) (alpha + n / beta), every rank that has the data forwards it;
linear: the root sends to each rank in turn, (P - 1) (alpha + n / beta).
See collectives.py. FLOPs: 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph
from .collectives import BCAST, bcast
from .spmd import rank_pes, ranks_param, scaled_ranks


@dataclass
class Params:
    kind: ClassVar[str] = "bcast"
    bytes: float = param(8e6, ge=0, unit="B", help="Message size n")
    algorithm: str = param("binomial", choices=BCAST, help="Broadcast algorithm")
    repeats: int = param(1, ge=1, le=10_000, help="Broadcasts one after another")
    ranks: int = ranks_param()

    def tasks_estimate(self) -> int:
        return self.repeats * max(self.ranks, 1)

    def scaled(self, factor: float) -> Params:
        """Weak scaling: every rank still receives n bytes (the data delivered, (P - 1) n,
        already grows with the ranks), so only a set rank count changes (x `factor`)."""
        return replace(self, ranks=scaled_ranks(self.ranks, factor))


def build(p: Params, machine, rng) -> TaskGraph:
    pes = rank_pes(p.ranks, machine)
    g = GraphBuilder()
    last = None
    for _ in range(p.repeats):
        last = bcast(g, pes, p.bytes, after=last, algorithm=p.algorithm)
    return g.build()
