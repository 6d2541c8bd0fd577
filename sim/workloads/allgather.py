"""Allgather alone: every rank ends with every rank's block of `bytes`.

ring (P - 1) (alpha + b beta); recursive doubling lg P alpha + (P - 1) b beta (P a
power of two); Bruck ceil(log2 P) alpha + (P - 1) b beta; auto: MPICH's choice
(collectives.py). FLOPs: 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph
from .collective_run import CollectiveParams, repeated, repeats_param
from .collectives import ALLGATHER, allgather
from .spmd import ranks_param


@dataclass
class Params(CollectiveParams):
    kind: ClassVar[str] = "allgather"
    bytes: float = param(1e6, ge=0, unit="B", help="Block b each rank contributes")
    algorithm: str = param("auto", choices=ALLGATHER, help="Allgather algorithm")
    repeats: int = repeats_param("Allgathers")
    ranks: int = ranks_param()

    def tasks_per_rank(self, r: int) -> int:
        """At most P: the start and P - 1 ring steps."""
        return r


def build(p: Params, machine, rng) -> TaskGraph:
    return repeated(p, machine,
                    lambda g, pes, last: allgather(g, pes, p.bytes, last, algorithm=p.algorithm))
