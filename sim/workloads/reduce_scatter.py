"""Reduce-scatter alone: rank i ends with block i (b = n / P) of the sum of all ranks'
n-byte vectors.

pairwise (P - 1) (alpha + b beta + b gamma); recursive halving lg P alpha +
(P - 1) b (beta + gamma) for P a power of two (else MPICH's fold first); auto: MPICH's
choice (collectives.py). FLOPs: (P - 1) n / 8 (each fp64 number of the result is
the sum of P, added once per other rank), plus n / 8 per folded rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph
from .collective_run import CollectiveParams, repeated, repeats_param
from .collectives import REDUCE_SCATTER, reduce_scatter
from .spmd import ranks_param


@dataclass
class Params(CollectiveParams):
    kind: ClassVar[str] = "reduce-scatter"
    bytes: float = param(8e6, ge=0, unit="B", help="Vector size n on each rank (fp64 numbers)")
    algorithm: str = param("auto", choices=REDUCE_SCATTER, help="Reduce-scatter algorithm")
    repeats: int = repeats_param("Reduce-scatters")
    ranks: int = ranks_param()

    def tasks_per_rank(self, r: int) -> int:
        """At most P: the start and P - 1 pairwise rounds."""
        return r


def build(p: Params, machine, rng) -> TaskGraph:
    return repeated(p, machine,
                    lambda g, pes, last: reduce_scatter(g, pes, p.bytes, p.algorithm, last))
