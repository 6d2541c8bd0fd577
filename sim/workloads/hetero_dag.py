"""A random layered DAG of CPU-friendly and GPU-friendly tasks (for heterogeneous nodes).

`tasks` tasks in levels of `width`; each task after the first level depends on
`deps` distinct random tasks of the level before and reads `bytes_per_edge` of each
one's output (copied between memory domains when they ran elsewhere). A share
`gpu_fraction` of the tasks is GPU-friendly: matrix-shaped (matrix units where the unit
has them), fully vectorised, `gpu_flops` each; the rest are CPU-friendly: branchy
scalar code (vector_fraction 0), `cpu_flops` each. `placement` forces every task to
one kind ("cpu", "gpu") or lets the schedule choose ("any").
FLOPs: n_gpu x gpu_flops + n_cpu x cpu_flops.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph
from .common import precision_param


@dataclass
class Params:
    kind: ClassVar[str] = "hetero-dag"
    tasks: int = param(200, ge=1, le=1_000_000, help="Number of tasks")
    width: int = param(8, ge=1, help="Tasks per level")
    deps: int = param(2, ge=0, le=16, help="Predecessors per task (from the level before)")
    gpu_fraction: float = param(0.5, ge=0, le=1, help="Share of GPU-friendly (matrix) tasks")
    gpu_flops: float = param(2e10, ge=0, unit="FLOP", help="FLOPs of a GPU-friendly task")
    cpu_flops: float = param(2e8, ge=0, unit="FLOP", help="FLOPs of a CPU-friendly task")
    bytes_per_edge: float = param(8e6, ge=0, unit="B", help="Data read from each predecessor")
    placement: str = param("any", choices=("any", "cpu", "gpu"),
                           help="any: the schedule chooses; cpu / gpu: every task there")
    precision: str = precision_param()

    def tasks_estimate(self) -> int:
        return self.tasks

    def wheres(self) -> dict[str, str]:
        """Unit choices checked against the machine at load (groups.check_where)."""
        return {"placement": self.placement}


def build(p: Params, machine, rng: np.random.Generator | None) -> TaskGraph:
    rng = rng if rng is not None else np.random.default_rng(0)
    gpu = rng.random(p.tasks) < p.gpu_fraction
    b = GraphBuilder(p.precision)
    for i in range(p.tasks):
        level = i // p.width
        lo, hi = (level - 1) * p.width, level * p.width
        k = min(p.deps, hi - lo) if level else 0
        deps = sorted(rng.choice(np.arange(lo, hi), k, replace=False).tolist()) if k else []
        b.add(p.gpu_flops if gpu[i] else p.cpu_flops, deps=deps, where=p.placement,
              matrix=bool(gpu[i]), reads=[p.bytes_per_edge] * len(deps),
              name=f"{'gpu' if gpu[i] else 'cpu'}-task {i}")
    return dataclasses.replace(b.build(), vector_fraction=np.where(gpu, 1.0, 0.0))
