"""All-to-all alone: every rank sends a different block of `bytes` to every rank.

pairwise exchange (P - 1) (alpha + b beta); Bruck sum over k of (alpha + c_k b beta),
c_k the block indices with bit k set, lg P alpha + (P b / 2) lg P beta for P a power of
two: fewer, bigger messages; auto: MPICH's choice (collectives.py). FLOPs: 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph
from .collective_run import CollectiveParams, repeated, repeats_param
from .collectives import ALLTOALL, alltoall
from .spmd import ranks_param


@dataclass
class Params(CollectiveParams):
    kind: ClassVar[str] = "alltoall"
    bytes: float = param(1e5, ge=0, unit="B", help="Block b each rank sends to each other rank")
    algorithm: str = param("auto", choices=ALLTOALL, help="All-to-all algorithm")
    repeats: int = repeats_param("All-to-alls")
    ranks: int = ranks_param()

    def tasks_per_rank(self, r: int) -> int:
        """At most P: the start and P - 1 pairwise rounds."""
        return r


def build(p: Params, machine, rng) -> TaskGraph:
    return repeated(p, machine,
                    lambda g, pes, last: alltoall(g, pes, p.bytes, last, algorithm=p.algorithm))
