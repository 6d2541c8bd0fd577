"""Wall time of simulate() (main run + one-core baseline) per task, by workload.

    python benchmarks/task_cost.py [--tasks 100000]
    python benchmarks/task_cost.py --events [--tasks 20000]

Prints microseconds per task for a compute-only bag, a bag with memory traffic, a
tiled matmul and a message-passing allreduce. With --events: one case per kind of
event the size guard counts (sim/size_guard.py COST_US), the measured cost of one
event of that kind and the guard's estimate of the whole run beside the actual time;
COST_US is set from these figures.
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


def event_cases(n: int) -> dict:
    """(kind measured, scenario data) per kind of event; n sets the size."""
    bag = {"kind": "bag", "tasks": n, "flops_per_task": 1e6}
    return {
        "task": {"machine": {"cores": 16}, "workload": bag},
        "memory_task (16 cores)": {"machine": {"cores": 16},
                                   "workload": {**bag, "bytes_per_task": 1e6}},
        "memory_task (64 cores)": {"machine": {"cores": 64},
                                   "workload": {**bag, "bytes_per_task": 1e6}},
        "slice": {"machine": {"cores": 1}, "workload": {**bag, "tasks": 8},
                  "schedule": {"policy": "timeslice",
                               "quantum_s": 8 * 1e6 / 20e9 / n}},
        "io_wait": {"machine": {"cores": 1},
                    "workload": {"kind": "io-bag", "tasks": 8, "io_waits": n // 8}},
        "message": {"machine": {"nodes": 64, "cores": 1},
                    "workload": {"kind": "stencil", "n": 1024, "iterations": n // 200}},
    }


def events() -> None:
    """Per-kind cost of an event and the guard's estimate against the actual time."""
    from parasim.sim.simulate import estimate
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", action="store_true")
    ap.add_argument("--tasks", type=int, default=20_000)
    n = ap.parse_args().tasks
    for label, data in event_cases(n).items():
        sc = sm.from_dict(data)
        est = estimate(sc)
        t = time.perf_counter()
        simulate(sc)
        s = time.perf_counter() - t
        kind = label.split()[0]
        count = est.events.get(kind, 0)
        print(f"{label:<24} {int(count):>9,} events  {1e6 * s / max(count, 1):7.1f} us each  "
              f"run {s:6.2f} s  estimate {est.seconds:6.2f} s ({est.seconds / s:4.2f} x)")


def main() -> None:
    if "--events" in sys.argv:
        return events()
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
