"""Time-slicer cost per span against the engine, and the cost of the after-run analyses.

    python benchmarks/timeslice_power.py [--spans 1000000]

Prints figures, not pass/fail: the time slicer's spans per second (one core
round-robin over CPU-bound tasks, about two spans per slice: compute + switch) beside
the engine's on the same number of spans, and the seconds the concurrency/parallelism
series and the power series + energy take on the engine's trace, as a share of its
run time (target: well under the run itself).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.engine import bag_workload  # noqa: E402
from parasim.sim import scenario as sm
from parasim.sim.analysis.concurrency import concurrency_series, concurrency_summary
from parasim.sim.analysis.power import power_series, power_summary
from parasim.sim.engine.engine import Engine
from parasim.sim.engine.timeslice import TimeSlicer
from parasim.sim.machine.machine import Machine
from parasim.sim.machine.power import PowerSpec
from parasim.sim.simulate import build_graph


def timed(f):
    t = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spans", type=int, default=1_000_000)
    n = ap.parse_args().spans
    machine, graph = bag_workload(n)
    (makespan, trace), engine_s = timed(lambda: Engine(machine, graph, "dynamic").run())

    # one core, 64 tasks sliced into n / 2 slices in all (a compute and a switch span each)
    one = sm.from_dict({"machine": {"cores": 1},
                        "workload": {"kind": "bag", "tasks": 64, "flops_per_task": 1e9}})
    m1 = Machine(one.machine)
    g1 = build_graph(one, m1)
    quantum = 64 * 1e9 / m1.peak() / (n / 2)
    (_, tr1), slicer_s = timed(lambda: TimeSlicer(m1, g1, "timeslice", quantum, 1e-6).run())

    conc, conc_s = timed(lambda: concurrency_series(trace, makespan))
    concurrency_summary(conc, makespan)
    spec = PowerSpec()
    args = (spec, machine.spec.freq_ghz, machine.nodes, machine.cores, 0.0, makespan)
    pw, power_s = timed(lambda: power_series(trace, *args))
    _, psum_s = timed(lambda: power_summary(trace, pw, *args))

    print(f"engine                  {len(trace):,} spans in {engine_s:.2f} s "
          f"({len(trace) / engine_s:,.0f} spans/s)")
    print(f"time slicer (1 core)    {len(tr1):,} spans in {slicer_s:.2f} s "
          f"({len(tr1) / slicer_s:,.0f} spans/s)")
    print(f"concurrency series      {conc_s:.2f} s  ({100 * conc_s / engine_s:.0f} % of the run; "
          f"{len(conc['t_s']):,} points)")
    print(f"power series + summary  {power_s + psum_s:.2f} s  "
          f"({100 * (power_s + psum_s) / engine_s:.0f} % of the run; {len(pw['t_s']):,} points)")


if __name__ == "__main__":
    main()
