"""Wall time of simulate() (main run + one-core baseline) per task, by workload.

    python benchmarks/task_cost.py [--tasks 100000]

Prints microseconds per task for a compute-only bag, a bag with memory traffic, a
tiled matmul and a message-passing allreduce; the size guard in sim/size_guard.py
(US_PER_TASK, MAX_RUN_S) is set from the slowest of these figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from parasim.sim import scenario as sm
from parasim.sim.machine.machine import Machine
from parasim.sim.simulate import build_graph, simulate


def cases(n: int) -> dict:
    ranks = max(2, int(0.97 * (n / 2) ** 0.5) // 2 * 2)      # estimate within the limit
    return {
        "bag, compute only": {"machine": {"cores": 16},
                              "workload": {"kind": "bag", "tasks": n, "flops_per_task": 1e6}},
        "bag, with memory": {"machine": {"cores": 16},
                             "workload": {"kind": "bag", "tasks": n, "flops_per_task": 1e6,
                                          "bytes_per_task": 1e6}},
        "matmul, tiled": {"machine": {"cores": 16},
                          "workload": {"kind": "matmul", "n": 16 * round(n ** 0.5),
                                       "tile": 16}},
        "allreduce, ring": {"machine": {"nodes": ranks, "cores": 1},
                            "workload": {"kind": "allreduce", "bytes": 1e6}},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=100_000)
    n = ap.parse_args().tasks
    for label, data in cases(n).items():
        sc = sm.from_dict(data)
        tasks = build_graph(sc, Machine(sc.machine)).n
        t = time.perf_counter()
        simulate(sc)
        s = time.perf_counter() - t
        print(f"{label:<20} {tasks:>9,} tasks  {s:6.2f} s  {1e6 * s / tasks:6.1f} us/task "
              f"(main run + one-core baseline)")


if __name__ == "__main__":
    main()
