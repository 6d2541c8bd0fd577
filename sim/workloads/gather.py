"""Gather alone (binomial tree to rank 0): the reverse of scatter (see scatter.py).

ceil(log2 P) alpha + (P - 1) b beta for P a power of two (collectives.py). FLOPs: 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph
from .collective_run import repeated
from .collectives import gather
from .spmd import ranks_param, scaled_ranks


@dataclass
class Params:
    kind: ClassVar[str] = "gather"
    bytes: float = param(1e6, ge=0, unit="B", help="Block b each rank sends to the root")
    repeats: int = param(1, ge=1, le=10_000, help="Gathers one after another")
    ranks: int = ranks_param()

    def tasks_estimate(self) -> int:
        r = max(self.ranks, 1)
        return self.repeats * r * (r.bit_length() + 1)

    def scaled(self, factor: float) -> Params:
        """Weak scaling: each rank keeps its block; only a set rank count changes."""
        return replace(self, ranks=scaled_ranks(self.ranks, factor))


def build(p: Params, machine, rng) -> TaskGraph:
    return repeated(p, machine, "gather", lambda g, pes, last: gather(g, pes, p.bytes, last))
