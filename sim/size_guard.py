"""Refuse runs too large to simulate interactively, before anything is built.

A run costs at most about US_PER_TASK microseconds of wall time per task for the main
run and its one-core baseline together (benchmarks/task_cost.py at 1M tasks: 4.5 us
compute-only, 18-19 us with memory traffic, 30 us for a ring allreduce on 684 nodes).
MAX_TASKS caps a run at about MAX_TASKS x US_PER_TASK = 30 s (peak memory about 1-2 GB).

Message-passing workloads with ranks = 0 run one rank per PE, so their task count is
only known once the machine is: `tasks_on(params, pes)` counts with ranks = pes.
"""

from __future__ import annotations

import dataclasses

from .errors import ScenarioError

MAX_TASKS = 1_000_000
US_PER_TASK = 30.0


def tasks_on(params, pes: int) -> int:
    """The workload's task estimate on a machine of `pes` PEs (ranks 0 = one per PE)."""
    if getattr(params, "ranks", None) == 0:
        params = dataclasses.replace(params, ranks=pes)
    return params.tasks_estimate()


def check(params, pes: int) -> None:
    """ScenarioError (path `workload`) when the run would exceed MAX_TASKS tasks."""
    n = tasks_on(params, pes)
    if n > MAX_TASKS:
        raise ScenarioError(
            f"workload would create {n:,} tasks on {pes:,} PEs, about "
            f"{n * US_PER_TASK * 1e-6:,.0f} s to simulate (limit {MAX_TASKS:,} tasks, "
            f"~{MAX_TASKS * US_PER_TASK * 1e-6:.0f} s); use fewer, larger tasks (a larger tile, "
            f"fewer chunks, repeats or steps) or fewer ranks or nodes", "workload")
