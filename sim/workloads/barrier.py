"""Barrier alone: no rank leaves before every rank has arrived (dissemination).

ceil(log2 P) rounds of zero-byte messages, rank i signalling i + 2^r: L alpha
(collectives.py). FLOPs: 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph
from .collective_run import repeated
from .collectives import barrier
from .spmd import ranks_param, scaled_ranks


@dataclass
class Params:
    kind: ClassVar[str] = "barrier"
    repeats: int = param(1, ge=1, le=10_000, help="Barriers one after another")
    ranks: int = ranks_param()

    def tasks_estimate(self) -> int:
        r = max(self.ranks, 1)
        return self.repeats * r * (r.bit_length() + 1)

    def scaled(self, factor: float) -> Params:
        """Weak scaling: only a set rank count changes (x `factor`)."""
        return replace(self, ranks=scaled_ranks(self.ranks, factor))


def build(p: Params, machine, rng) -> TaskGraph:
    return repeated(p, machine, "barrier", lambda g, pes, last: barrier(g, pes, last))
