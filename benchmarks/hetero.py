"""A 100k-task CPU+GPU DAG with copies on the heterogeneous engine: wall time (target
< 10 s), tasks per second, copies made, and the ratio to a bare SimPy loop of as many
timeouts as the run has tasks.

    python benchmarks/hetero.py [--tasks 100000]

The DAG is the hetero-dag workload (levels of 64 tasks, 2 predecessors each, 30 %
GPU-friendly, 1 MB read per edge) on one node of 16 cores and an A100-like device
(108 SMs), scheduled dynamically: tasks on the other side of the link wait for copies.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.engine import bare_simpy  # noqa: E402
from parasim.sim import scenario as sm  # noqa: E402
from parasim.sim.engine.hetero import HeteroEngine  # noqa: E402
from parasim.sim.machine.machine import Machine  # noqa: E402
from parasim.sim.simulate import build_graph  # noqa: E402


def setup(n: int):
    sc = sm.from_dict({
        "machine": {"cores": 16, "device": [{"name": "gpu", "sms": 108, "matrix_fp64": 128.0}]},
        "workload": {"kind": "hetero-dag", "tasks": n, "width": 64, "gpu_fraction": 0.3,
                     "cpu_flops": 1e7, "gpu_flops": 1e9, "bytes_per_edge": 1e6}})
    machine = Machine(sc.machine)
    return machine, build_graph(sc, machine)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=100_000)
    n = ap.parse_args().tasks
    machine, graph = setup(n)
    gc.collect()
    t = time.perf_counter()
    e = HeteroEngine(machine, graph, "dynamic")
    makespan, trace = e.run()
    wall = time.perf_counter() - t
    bare = min(bare_simpy(n) for _ in range(3))
    print(f"tasks                     {n:,}  (spans {len(trace):,}, copies {len(e.copies):,})")
    print(f"simulated makespan        {makespan:.4g} s")
    print(f"wall time                 {wall:.2f} s  (target < 10 s; {n / wall:,.0f} tasks/s)")
    print(f"ratio to bare SimPy       {wall / bare:.2f}  (bare: {n:,} timeouts in {bare:.2f} s)")


if __name__ == "__main__":
    main()
