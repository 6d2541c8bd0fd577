"""Engine cost per span against a bare SimPy loop, memory per span, CSV export time.

    python benchmarks/engine.py [--spans 1000000]

Prints figures, not pass/fail: spans per second, the ratio of the engine's wall time
to a bare SimPy process doing the same number of timeouts in the same process
(target <= 3), retained bytes per span (target <= 100), and the seconds to write the
trace CSV (target <= 1.5 s for 1M spans).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
import tracemalloc

import simpy

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from parasim.sim import scenario as sm
from parasim.sim.engine.engine import Engine
from parasim.sim.io import trace_csv
from parasim.sim.machine.machine import Machine
from parasim.sim.simulate import build_graph


def bare_simpy(n: int) -> float:
    env = simpy.Environment()

    def proc():
        for _ in range(n):
            yield env.timeout(1e-6)

    env.process(proc())
    t = time.perf_counter()
    env.run()
    return time.perf_counter() - t


def bag_workload(n: int) -> tuple[Machine, object]:
    """The benchmark workload: n compute-only tasks of 1 MFLOP on 8 cores (n spans)."""
    sc = sm.from_dict({"machine": {"cores": 8},
                       "workload": {"kind": "bag", "tasks": n, "flops_per_task": 1e6}})
    machine = Machine(sc.machine)
    return machine, build_graph(sc, machine)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spans", type=int, default=1_000_000)
    n = ap.parse_args().spans
    machine, graph = bag_workload(n)

    bare = min(bare_simpy(n) for _ in range(3))
    engine_s = float("inf")
    for _ in range(3):                         # best of three, as for the bare loop
        gc.collect()
        t = time.perf_counter()
        _, trace = Engine(machine, graph, "dynamic").run()
        engine_s = min(engine_s, time.perf_counter() - t)
        spans = len(trace)
        del trace
    gc.collect()

    tracemalloc.start()
    _, trace = Engine(machine, graph, "dynamic").run()
    gc.collect()
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        trace_csv.write_csv(trace, os.path.join(d, "trace.csv"))
        csv_s = time.perf_counter() - t

    print(f"spans                     {spans:,}")
    print(f"engine wall time          {engine_s:.2f} s  ({spans / engine_s:,.0f} spans/s)")
    print(f"bare SimPy, same timeouts {bare:.2f} s  ({n / bare:,.0f} timeouts/s)")
    print(f"ratio engine / bare       {engine_s / bare:.2f}   (target <= 3)")
    print(f"retained bytes per span   {retained / spans:.1f}   (target <= 100; "
          f"trace arrays alone {trace.nbytes / spans:.0f})")
    print(f"peak bytes per span       {peak / spans:.1f}   (while recording)")
    print(f"CSV export                {csv_s:.2f} s   (target <= 1.5 s for 1M spans)")


if __name__ == "__main__":
    main()
