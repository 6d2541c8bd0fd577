"""Allreduce alone: every rank ends with the sum of all ranks' `bytes` of numbers.

`algorithm` picks ring, tree (binomial reduce + broadcast), recursive doubling,
Rabenseifner's (reduce-scatter by recursive halving + allgather by recursive doubling:
2 lg P alpha + 2 (P - 1) / P n beta, the latency of recursive doubling and the bytes of
the ring) or auto (MPICH's choice by n and P); collectives.py gives each one's cost.
Ring moves 2 (P - 1) / P n bytes per rank in 2 (P - 1) latency-bound steps (best for
large n); tree and recursive doubling need only about log2 P steps but move n each
(best for small n). FLOPs per allreduce (one add
per fp64 number): (P - 1) n / 8 for ring, tree and Rabenseifner, p' log2 p' n / 8 +
(P - p') n / 8 for recursive doubling (p' the largest power of two <= P).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph
from .collective_run import CollectiveParams, repeated, repeats_param
from .collectives import ALLREDUCE, allreduce
from .spmd import ranks_param


@dataclass
class Params(CollectiveParams):
    kind: ClassVar[str] = "allreduce"
    bytes: float = param(8e6, ge=0, unit="B", help="Vector size n on each rank (fp64 numbers)")
    algorithm: str = param("ring", choices=ALLREDUCE, help="Allreduce algorithm")
    repeats: int = repeats_param("Allreduces")
    ranks: int = ranks_param()

    def tasks_per_rank(self, r: int) -> int:
        """At most 2 (P + log2 P): the ring's 2 (P - 1) steps, or a fold and two lg P phases."""
        return 2 * (r + r.bit_length())


def build(p: Params, machine, rng) -> TaskGraph:
    return repeated(p, machine,
                    lambda g, pes, last: allreduce(g, pes, p.bytes, p.algorithm, after=last))
