"""The garbage collector held off during a run (sim/engine/gc_hold.py): its effect.

    python benchmarks/gc_hold.py [--nodes 4096] [--repeats 3]

Runs the engine (recording the trace) on the cluster-stencil preset scaled to --nodes
nodes, once as the pipeline does (collector held off) and once with the hold replaced
by a no-op (collector on, as before), interleaved; prints the medians of wall and CPU
time and how many full (generation 2) collections ran.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from parasim.sim import scenario as sm
from parasim.sim.engine import engine as engine_module
from parasim.sim.engine.engine import Engine
from parasim.sim.machine.machine import Machine
from parasim.sim.simulate import build_graph


def one(machine, graph, hold: bool) -> tuple[float, float, int]:
    """(wall s, CPU s, full collections) of one engine run, held or not."""
    real = engine_module.held
    if not hold:
        engine_module.held = contextlib.nullcontext
    gc.collect()
    full = gc.get_stats()[2]["collections"]
    t, c = time.perf_counter(), time.process_time()
    try:
        Engine(machine, graph, "block").run()
    finally:
        engine_module.held = real
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    return wall, cpu, gc.get_stats()[2]["collections"] - full


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=4096)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    sc = sm.load("cluster-stencil", [f"machine.nodes={a.nodes}"])
    machine = Machine(sc.machine)
    graph = build_graph(sc, machine)
    runs: dict[bool, list] = {True: [], False: []}
    for _ in range(a.repeats):
        for hold in (False, True):
            runs[hold].append(one(machine, graph, hold))
    print(f"cluster-stencil on {a.nodes:,} nodes: {graph.n:,} tasks, "
          f"{len(graph.msg_src):,} messages; medians of {a.repeats}")
    for hold, label in ((False, "collector on (before)"), (True, "collector held off")):
        r = runs[hold]
        print(f"{label:<24} {statistics.median(x[0] for x in r):6.2f} s wall  "
              f"{statistics.median(x[1] for x in r):6.2f} s CPU  "
              f"{statistics.median(x[2] for x in r):4.0f} full collections")
    on, off = (statistics.median(x[1] for x in runs[h]) for h in (False, True))
    print(f"CPU ratio held / on      {off / on:.2f}")


if __name__ == "__main__":
    main()
