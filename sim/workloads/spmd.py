"""Shared pieces of the message-passing workloads: ranks and where they run.

Rank i of R runs on PE i R' // R spread evenly over the machine (R' = nodes x cores):
with one rank per PE (ranks = 0) rank i is PE i, i.e. core i % cores of node
i // cores; with one rank per node, rank i is core 0 of node i.
"""

from __future__ import annotations

import math

from ..errors import ScenarioError
from ..spec import param
from .common import scale_count


def ranks_param():
    return param(0, ge=0, help="MPI-style ranks (0 = one per PE); spread evenly over the nodes")


def rank_pes(ranks: int, machine) -> list[int]:
    """The PE of each rank; ScenarioError if there are more ranks than PEs."""
    pes = machine.pes
    r = ranks or pes
    if r > pes:
        raise ScenarioError(f"workload.ranks must be <= the machine's {pes} PEs, got {r}",
                            "workload.ranks")
    return [i * pes // r for i in range(r)]


def near_square(p: int) -> tuple[int, int]:
    """(a, b) with a b = p, a <= b, a as large as possible."""
    a = max(d for d in range(1, math.isqrt(p) + 1) if p % d == 0)
    return a, p // a


def scaled_ranks(ranks: int, factor: float) -> int:
    """Weak scaling of the rank count: 0 (one per PE) follows the machine; a set count
    grows by `factor` (rounded, at least 1)."""
    return scale_count(ranks, factor) if ranks else 0
