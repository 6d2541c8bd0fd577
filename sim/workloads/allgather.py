"""Allgather alone: every rank ends with every rank's block of `bytes`.

ring (P - 1) (alpha + b beta); recursive doubling lg P alpha + (P - 1) b beta (P a
power of two); Bruck ceil(log2 P) alpha + (P - 1) b beta; auto: MPICH's choice
(collectives.py). FLOPs: 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph
from .collective_run import repeated
from .collectives import ALLGATHER, allgather
from .spmd import ranks_param, scaled_ranks


@dataclass
class Params:
    kind: ClassVar[str] = "allgather"
    bytes: float = param(1e6, ge=0, unit="B", help="Block b each rank contributes")
    algorithm: str = param("auto", choices=ALLGATHER, help="Allgather algorithm")
    repeats: int = param(1, ge=1, le=10_000, help="Allgathers one after another")
    ranks: int = ranks_param()

    def tasks_estimate(self) -> int:
        return self.repeats * max(self.ranks, 1) ** 2

    def scaled(self, factor: float) -> Params:
        """Weak scaling: each rank keeps its block; only a set rank count changes."""
        return replace(self, ranks=scaled_ranks(self.ranks, factor))


def build(p: Params, machine, rng) -> TaskGraph:
    return repeated(p, machine, "allgather",
                    lambda g, pes, last: allgather(g, pes, p.bytes, last, algorithm=p.algorithm))
