"""Scatter alone (binomial tree, rank 0 the root): the root hands each rank its block
of `bytes`.

ceil(log2 P) alpha + (P - 1) b beta: each block crosses the root's link once, in
ceil(log2 P) rounds (collectives.py). FLOPs: 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph
from .collective_run import repeated
from .collectives import scatter
from .spmd import ranks_param, scaled_ranks


@dataclass
class Params:
    kind: ClassVar[str] = "scatter"
    bytes: float = param(1e6, ge=0, unit="B", help="Block b each rank receives")
    repeats: int = param(1, ge=1, le=10_000, help="Scatters one after another")
    ranks: int = ranks_param()

    def tasks_estimate(self) -> int:
        r = max(self.ranks, 1)
        return self.repeats * r * (r.bit_length() + 1)

    def scaled(self, factor: float) -> Params:
        """Weak scaling: each rank keeps its block; only a set rank count changes."""
        return replace(self, ranks=scaled_ranks(self.ranks, factor))


def build(p: Params, machine, rng) -> TaskGraph:
    return repeated(p, machine, "scatter", lambda g, pes, last: scatter(g, pes, p.bytes, last))
