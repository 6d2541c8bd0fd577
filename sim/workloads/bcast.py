"""Broadcast alone: rank 0 sends `bytes` to every rank.

binomial: ceil(log2 P) (alpha + n / beta), every rank that has the data forwards it;
linear: the root sends to each rank in turn, (P - 1) (alpha + n / beta);
scatter-ring (van de Geijn): scatter n / P blocks, then a ring allgather,
(L + P - 1) alpha + 2 (P - 1) / P n / beta, about 2 n / beta whatever P: best for long
messages; scatter-doubling: the same with a recursive-doubling allgather (P a power
of two); auto: MPICH's choice. See collectives.py. FLOPs: 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph
from .collective_run import repeated
from .collectives import BCAST, bcast
from .spmd import ranks_param, scaled_ranks


@dataclass
class Params:
    kind: ClassVar[str] = "bcast"
    bytes: float = param(8e6, ge=0, unit="B", help="Message size n")
    algorithm: str = param("binomial", choices=BCAST, help="Broadcast algorithm")
    repeats: int = param(1, ge=1, le=10_000, help="Broadcasts one after another")
    ranks: int = ranks_param()

    def tasks_estimate(self) -> int:
        r = max(self.ranks, 1)
        per_rank = 1 if self.algorithm in ("binomial", "linear") else r + 1
        return self.repeats * r * per_rank

    def scaled(self, factor: float) -> Params:
        """Weak scaling: every rank still receives n bytes (the data delivered, (P - 1) n,
        already grows with the ranks), so only a set rank count changes (x `factor`)."""
        return replace(self, ranks=scaled_ranks(self.ranks, factor))


def build(p: Params, machine, rng) -> TaskGraph:
    return repeated(p, machine, "bcast",
                    lambda g, pes, last: bcast(g, pes, p.bytes, last, algorithm=p.algorithm))
