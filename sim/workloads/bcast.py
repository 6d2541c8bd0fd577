"""Broadcast alone: rank 0 sends `bytes` to every rank.

binomial: ceil(log2 P) (alpha + n / beta), every rank that has the data forwards it;
linear: the root sends to each rank in turn, (P - 1) (alpha + n / beta);
scatter-ring (van de Geijn): scatter n / P blocks, then a ring allgather,
(L + P - 1) alpha + 2 (P - 1) / P n / beta, about 2 n / beta whatever P: best for long
messages; scatter-doubling: the same with a recursive-doubling allgather (P a power
of two); auto: MPICH's choice. See collectives.py. FLOPs: 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph
from .collective_run import CollectiveParams, repeated, repeats_param
from .collectives import BCAST, bcast
from .spmd import ranks_param


@dataclass
class Params(CollectiveParams):
    kind: ClassVar[str] = "bcast"
    bytes: float = param(8e6, ge=0, unit="B", help="Message size n")
    algorithm: str = param("binomial", choices=BCAST, help="Broadcast algorithm")
    repeats: int = repeats_param("Broadcasts")
    ranks: int = ranks_param()

    def tasks_per_rank(self, r: int) -> int:
        """1 for a tree or linear; P + 1 for the scatter and the allgather's P - 1 steps."""
        return 1 if self.algorithm in ("binomial", "linear") else r + 1


def build(p: Params, machine, rng) -> TaskGraph:
    return repeated(p, machine,
                    lambda g, pes, last: bcast(g, pes, p.bytes, last, algorithm=p.algorithm))
