"""A bag of independent tasks (parameter sweeps, render farms, Monte Carlo batches).

Each task has `flops_per_task` flops and `bytes_per_task` bytes, scaled by a
log-normal factor of mean 1 and coefficient of variation `cv` (0: all equal), drawn
with the scenario's seed. FLOPs: the sum of the task sizes (tasks x flops_per_task
when cv = 0). `where` (any, cpu, gpu or a unit group's name) restricts every task to
those units of a heterogeneous machine (machine/groups.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from ..spec import param
from ..taskgraph import TaskGraph, independent, restrict
from .common import lane_param, precision_param, scale_count, vector_param


@dataclass
class Params:
    kind: ClassVar[str] = "bag"
    tasks: int = param(1000, ge=1, help="Number of independent tasks")
    flops_per_task: float = param(1e9, ge=0, unit="FLOP", help="Mean FLOPs per task")
    bytes_per_task: float = param(0.0, ge=0, unit="B", help="Mean memory traffic per task")
    cv: float = param(0.0, ge=0, le=10, help="Coefficient of variation of task sizes")
    precision: str = precision_param()
    vector_fraction: float = vector_param()
    lane_efficiency: float = lane_param()
    where: str = param("any", help="Units the tasks may run on: any, cpu, gpu or a unit "
                                   "group's name ([[machine.cpu]] / [[machine.device]])")

    def tasks_estimate(self) -> int:
        return self.tasks

    def wheres(self) -> dict[str, str]:
        """Unit choices checked against the machine at load (groups.check_where)."""
        return {"where": self.where}

    def scaled(self, factor: float) -> Params:
        """Weak scaling: `factor` times as many tasks of the same size."""
        return replace(self, tasks=scale_count(self.tasks, factor))


def sizes(p: Params, rng: np.random.Generator) -> np.ndarray:
    """Size factors of mean 1: log-normal with the requested coefficient of variation."""
    if p.cv == 0:
        return np.ones(p.tasks)
    sigma2 = np.log1p(p.cv ** 2)
    return rng.lognormal(-sigma2 / 2, np.sqrt(sigma2), p.tasks)


def build(p: Params, machine, rng) -> TaskGraph:
    f = sizes(p, rng)
    g = independent(p.flops_per_task * f, p.bytes_per_task * f, p.precision,
                    p.vector_fraction, p.lane_efficiency)
    return restrict(g, p.where) if p.where != "any" else g
