"""Gather alone (binomial tree to rank 0): the reverse of scatter (see scatter.py).

ceil(log2 P) alpha + (P - 1) b beta for P a power of two (collectives.py). FLOPs: 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph
from .collective_run import CollectiveParams, repeated, repeats_param
from .collectives import gather
from .spmd import ranks_param


@dataclass
class Params(CollectiveParams):
    kind: ClassVar[str] = "gather"
    bytes: float = param(1e6, ge=0, unit="B", help="Block b each rank sends to the root")
    repeats: int = repeats_param("Gathers")
    ranks: int = ranks_param()


def build(p: Params, machine, rng) -> TaskGraph:
    return repeated(p, machine, lambda g, pes, last: gather(g, pes, p.bytes, last))
