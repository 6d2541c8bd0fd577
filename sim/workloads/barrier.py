"""Barrier alone: no rank leaves before every rank has arrived (dissemination).

ceil(log2 P) rounds of zero-byte messages, rank i signalling i + 2^r: L alpha
(collectives.py). FLOPs: 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..taskgraph import TaskGraph
from .collective_run import CollectiveParams, repeated, repeats_param
from .collectives import barrier
from .spmd import ranks_param


@dataclass
class Params(CollectiveParams):
    kind: ClassVar[str] = "barrier"
    repeats: int = repeats_param("Barriers")
    ranks: int = ranks_param()


def build(p: Params, machine, rng) -> TaskGraph:
    return repeated(p, machine, lambda g, pes, last: barrier(g, pes, last))
