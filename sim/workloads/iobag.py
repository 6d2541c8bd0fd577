"""A bag of independent jobs that alternate computing and waiting on I/O.

Each of `tasks` jobs does `flops_per_task` flops in `io_waits + 1` equal compute
bursts separated by `io_waits` I/O waits of `io_wait_s` seconds (a read, a disk or
network request). While a job waits it needs no core, so time slicing on one core
hides the waits behind other jobs' bursts (concurrency without parallelism).
FLOPs: tasks x flops_per_task. One job alone takes
flops_per_task / rate + io_waits x io_wait_s.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..spec import param
from ..taskgraph import TaskGraph, independent
from .common import precision_param, vector_param


@dataclass
class Params:
    kind: ClassVar[str] = "io-bag"
    tasks: int = param(8, ge=1, help="Number of independent jobs")
    flops_per_task: float = param(1e9, ge=0, unit="FLOP", help="FLOPs of one job")
    io_waits: int = param(4, ge=0, le=100_000,
                          help="I/O waits per job; its compute runs in io_waits + 1 bursts")
    io_wait_s: float = param(0.01, ge=0, unit="s", help="Length of one I/O wait")
    precision: str = precision_param()
    vector_fraction: float = vector_param()

    def tasks_estimate(self) -> int:
        return self.tasks

    def expected_flops(self) -> float:
        return self.tasks * self.flops_per_task


def build(p: Params, machine, rng) -> TaskGraph:
    g = independent(np.full(p.tasks, p.flops_per_task), np.zeros(p.tasks), p.precision,
                    p.vector_fraction)
    return dataclasses.replace(g, io_count=np.full(p.tasks, p.io_waits, np.int32),
                              io_wait_s=np.full(p.tasks, p.io_wait_s))
