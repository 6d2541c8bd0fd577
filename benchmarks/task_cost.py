"""Wall time of simulate() (main run + one-core baseline) per task, by workload.

    python benchmarks/task_cost.py [--tasks 100000]
    python benchmarks/task_cost.py --events [--tasks 20000]
    python benchmarks/task_cost.py --presets [--scale 1.0]

Prints microseconds per task for a compute-only bag, a bag with memory traffic, a
tiled matmul and a message-passing allreduce. With --events: one case per kind of
event the size guard counts (sim/size_guard.py COST_US), the measured CPU time of one
event of that kind (the run's CPU time less the other kinds' estimated costs, over its
events) and the guard's estimate of the whole run beside the actual time; COST_US is
set from these figures. With --presets: presets scaled up (x --scale) to runs of
seconds, the guard's estimate beside the actual wall and CPU time (target: within 2x).
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
        "dependency (amdahl)": {"machine": {"cores": 16},
                                "workload": {"kind": "amdahl", "tasks": n, "flops": 1e9,
                                             "serial_fraction": 0.1}},
        "memory_task (16 cores)": {"machine": {"cores": 16},
                                   "workload": {**bag, "bytes_per_task": 1e6}},
        "memory_task (64 cores)": {"machine": {"cores": 64},
                                   "workload": {**bag, "bytes_per_task": 1e6}},
        "slice": {"machine": {"cores": 1}, "workload": {**bag, "tasks": 8},
                  "schedule": {"policy": "timeslice",
                               "quantum_s": 8 * 1e6 / 20e9 / n}},
        "io_wait": {"machine": {"cores": 1},
                    "workload": {"kind": "io-bag", "tasks": 8, "io_waits": n // 8}},
        "message (torus)": {"machine": {"nodes": 256, "cores": 1,
                                        "network": {"topology": "torus2d"}},
                            "workload": {"kind": "stencil", "n": 1024, "blocking": True,
                                         "iterations": n // 1000}},
        "message_share (crossbar)": {"machine": {"nodes": 256, "cores": 1},
                                     "workload": {"kind": "stencil", "n": 1024,
                                                  "blocking": False,
                                                  "iterations": max(1, n // 2000)}},
    }


# presets scaled up: (preset, overrides at scale 1)
PRESETS = [
    ("amdahl", ["workload.tasks=400000"]),
    ("concurrency-vs-parallelism", ["workload.tasks=100000"]),
    ("concurrency-vs-parallelism", ["workload.tasks=2000", "schedule.policy=timeslice",
                                    "schedule.quantum_s=1e-5"]),
    ("concurrency-vs-parallelism-io", ["workload.tasks=20000"]),
    ("smp-matmul", ["workload.n=4096"]),
    ("smp-memory-wall", ["workload.tasks=50000"]),
    ("power-wall", ["workload.tasks=100000"]),
    ("cluster-stencil", ["machine.nodes=1024", "workload.iterations=20"]),
    ("cluster-stencil", ["machine.nodes=256", "workload.iterations=10",
                         "workload.blocking=false", "machine.network.topology=crossbar"]),
    ("cluster-allreduce", ["machine.nodes=256"]),
    ("cluster-bcast-long", ["machine.nodes=1024"]),
    ("hpl", []),
]


def timed(sc) -> tuple[float, float]:
    """(wall s, CPU s) of simulate(sc)."""
    t, c = time.perf_counter(), time.process_time()
    simulate(sc)
    return time.perf_counter() - t, time.process_time() - c


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
        wall, cpu = timed(sc)
        kind = label.split()[0]
        count = est.events.get(kind, 0)
        rest = est.seconds - est.costs.get(kind, 0.0)
        print(f"{label:<26} {int(count):>11,} events  {1e6 * (cpu - rest) / max(count, 1):7.2f}"
              f" us each (CPU)  run {wall:6.2f} s wall {cpu:6.2f} s CPU  estimate "
              f"{est.seconds:6.2f} s ({est.seconds / cpu:4.2f} x CPU)")


def presets() -> None:
    """The guard's estimate against the actual time of presets scaled up."""
    from parasim.sim.simulate import estimate
    ap = argparse.ArgumentParser()
    ap.add_argument("--presets", action="store_true")
    ap.add_argument("--scale", type=float, default=1.0)
    k = ap.parse_args().scale
    for name, sets in PRESETS:
        scaled = []
        for kv in sets:
            key, value = kv.split("=")
            if key in ("workload.tasks", "workload.iterations", "machine.nodes"):
                value = str(max(1, round(int(value) * k)))
            scaled.append(f"{key}={value}")
        sc = sm.load(name, scaled)
        est = estimate(sc)
        wall, cpu = timed(sc)
        print(f"{name:<30} {' '.join(s.split('.')[-1] for s in scaled):<52} estimate "
              f"{est.seconds:6.2f} s  actual {wall:6.2f} s wall {cpu:6.2f} s CPU  "
              f"({est.seconds / cpu:4.2f} x CPU)")


def main() -> None:
    if "--events" in sys.argv:
        return events()
    if "--presets" in sys.argv:
        return presets()
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
