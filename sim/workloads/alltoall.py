"""All-to-all alone: every rank sends a different block of `bytes` to every rank.

pairwise exchange (P - 1) (alpha + b beta); Bruck sum over k of (alpha + c_k b beta),
c_k the block indices with bit k set, lg P alpha + (P b / 2) lg P beta for P a power of
two: fewer, bigger messages; auto: MPICH's choice (collectives.py). FLOPs: 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph
from .collective_run import repeated
from .collectives import ALLTOALL, alltoall
from .spmd import ranks_param, scaled_ranks


@dataclass
class Params:
    kind: ClassVar[str] = "alltoall"
    bytes: float = param(1e5, ge=0, unit="B", help="Block b each rank sends to each other rank")
    algorithm: str = param("auto", choices=ALLTOALL, help="All-to-all algorithm")
    repeats: int = param(1, ge=1, le=10_000, help="All-to-alls one after another")
    ranks: int = ranks_param()

    def tasks_estimate(self) -> int:
        return self.repeats * max(self.ranks, 1) ** 2

    def scaled(self, factor: float) -> Params:
        """Weak scaling: each block stays; only a set rank count changes."""
        return replace(self, ranks=scaled_ranks(self.ranks, factor))


def build(p: Params, machine, rng) -> TaskGraph:
    return repeated(p, machine, "alltoall",
                    lambda g, pes, last: alltoall(g, pes, p.bytes, last, algorithm=p.algorithm))
