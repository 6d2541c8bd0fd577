"""Shared build of the one-collective workloads: `repeats` calls chained on the ranks."""

from __future__ import annotations

from ..errors import ScenarioError
from ..taskgraph import GraphBuilder, TaskGraph
from .collectives import check_algorithm
from .spmd import rank_pes


def repeated(p, machine, collective: str, call) -> TaskGraph:
    """`call(g, pes, after)` `p.repeats` times, each after the last; ScenarioError
    (workload.algorithm) if the algorithm cannot run on this many ranks."""
    pes = rank_pes(p.ranks, machine)
    why = check_algorithm(collective, getattr(p, "algorithm", ""), len(pes))
    if why:
        raise ScenarioError(f"workload.algorithm: {why}", "workload.algorithm")
    g = GraphBuilder()
    last = None
    for _ in range(p.repeats):
        last = call(g, pes, last)
    return g.build()
