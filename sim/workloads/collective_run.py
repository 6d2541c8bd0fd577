"""What the one-collective workloads (barrier, bcast, allreduce, ...) share: their
Params behaviour and their build, `repeats` calls chained on the ranks."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from ..errors import ScenarioError
from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph
from .collectives import check_algorithm
from .spmd import rank_pes, scaled_ranks


def repeats_param(calls: str):
    """The `repeats` field: `calls` (e.g. "Broadcasts") one after another, 1..10,000."""
    return param(1, ge=1, le=10_000, help=f"{calls} one after another")


class CollectiveParams:
    """Base of a one-collective workload's Params dataclass, which declares its own
    fields (`bytes` and `algorithm` where it has them, then `repeats` = repeats_param()
    and `ranks` = ranks_param(), the order of the form) and may override
    tasks_per_rank."""

    kind: ClassVar[str]
    repeats: int
    ranks: int

    def tasks_per_rank(self, r: int) -> int:
        """Tasks per rank of one call on r ranks: a round of a log-depth schedule,
        floor(log2 r) + 2 (tree, dissemination)."""
        return r.bit_length() + 1

    def tasks_estimate(self) -> int:
        r = max(self.ranks, 1)
        return self.repeats * r * self.tasks_per_rank(r)

    def scaled(self, factor: float) -> Any:
        """Weak scaling: each rank keeps its bytes (the data moved already grows with the
        ranks), so only a set rank count changes (x `factor`)."""
        return dataclasses.replace(self, ranks=scaled_ranks(self.ranks, factor))  # type: ignore[type-var]


def repeated(p: CollectiveParams, machine, call) -> TaskGraph:
    """`call(g, pes, after)` `p.repeats` times, each after the last; ScenarioError
    (workload.algorithm) if the algorithm cannot run on this many ranks."""
    pes = rank_pes(p.ranks, machine)
    why = check_algorithm(p.kind, getattr(p, "algorithm", ""), len(pes))
    if why:
        raise ScenarioError(f"workload.algorithm: {why}", "workload.algorithm")
    g = GraphBuilder()
    last = None
    for _ in range(p.repeats):
        last = call(g, pes, last)
    return g.build()
