"""Engine cost per span against a bare SimPy loop, memory per span, CSV export time.

    python benchmarks/engine.py [--spans 1000000]

Prints figures, not pass/fail: spans per second, the ratio of the engine's time to a
bare SimPy process doing the same number of timeouts in the same process (runs
interleaved, medians of wall and of CPU time, which a busy machine disturbs less;
target <= 2), retained bytes per span (target <= 100), and the seconds to write the
trace CSV (target <= 1.5 s for 1M spans).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
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


def bare_simpy(n: int) -> tuple[float, float]:
    """(wall s, CPU s) of one SimPy process yielding n timeouts."""
    env = simpy.Environment()

    def proc():
        for _ in range(n):
            yield env.timeout(1e-6)

    env.process(proc())
    t, c = time.perf_counter(), time.process_time()
    env.run()
    return time.perf_counter() - t, time.process_time() - c


def engine_run(machine, graph) -> tuple[float, float, int]:
    """(wall s, CPU s, spans) of one recorded engine run."""
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    _, trace = Engine(machine, graph, "dynamic").run()
    return time.perf_counter() - t, time.process_time() - c, len(trace)


def bag_workload(n: int) -> tuple[Machine, object]:
    """The benchmark workload: n compute-only tasks of 1 MFLOP on 8 cores (n spans)."""
    sc = sm.from_dict({"machine": {"cores": 8},
                       "workload": {"kind": "bag", "tasks": n, "flops_per_task": 1e6}})
    machine = Machine(sc.machine)
    return machine, build_graph(sc, machine)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spans", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    n = a.spans
    machine, graph = bag_workload(n)

    bares, engines = [], []
    for _ in range(a.repeats):                 # interleaved: load changes hit both alike
        bares.append(bare_simpy(n))
        engines.append(engine_run(machine, graph))
    bare, bare_cpu = (statistics.median(x[i] for x in bares) for i in (0, 1))
    engine_s, engine_cpu = (statistics.median(x[i] for x in engines) for i in (0, 1))
    spans = engines[0][2]
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
    print(f"engine wall time          {engine_s:.2f} s  ({spans / engine_s:,.0f} spans/s; "
          f"CPU {engine_cpu:.2f} s, {spans / engine_cpu:,.0f} spans/s)")
    print(f"bare SimPy, same timeouts {bare:.2f} s  ({n / bare:,.0f} timeouts/s; "
          f"CPU {bare_cpu:.2f} s)")
    print(f"ratio engine / bare       {engine_s / bare:.2f} wall, {engine_cpu / bare_cpu:.2f} CPU"
          f"   (target <= 2; medians of {a.repeats})")
    print(f"retained bytes per span   {retained / spans:.1f}   (target <= 100; "
          f"trace arrays alone {trace.nbytes / spans:.0f})")
    print(f"peak bytes per span       {peak / spans:.1f}   (while recording)")
    print(f"CSV export                {csv_s:.2f} s   (target <= 1.5 s for 1M spans)")


if __name__ == "__main__":
    main()
