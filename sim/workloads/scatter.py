"""Scatter alone (binomial tree, rank 0 the root): the root hands each rank its block
of `bytes`.

ceil(log2 P) alpha + (P - 1) b beta: each block crosses the root's link once, in
ceil(log2 P) rounds (collectives.py). FLOPs: 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph
from .collective_run import CollectiveParams, repeated, repeats_param
from .collectives import scatter
from .spmd import ranks_param


@dataclass
class Params(CollectiveParams):
    kind: ClassVar[str] = "scatter"
    bytes: float = param(1e6, ge=0, unit="B", help="Block b each rank receives")
    repeats: int = repeats_param("Scatters")
    ranks: int = ranks_param()


def build(p: Params, machine, rng) -> TaskGraph:
    return repeated(p, machine, lambda g, pes, last: scatter(g, pes, p.bytes, last))
