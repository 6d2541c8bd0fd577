"""Wall time of a 16-point sweep: serial vs a local process pool, and the shared baseline.

    python benchmarks/sweep.py [--tasks 20000] [--workers 2]

Sweeps the smp-memory-wall preset (STREAM triad) over machine.cores = 1..16 with
`--tasks` chunks per run. Prints figures, not pass/fail:
- serial: run_sweep in this process (one shared one-core baseline + 16 runs);
- pool: the same on a PoolExecutor of `--workers` processes, pool start-up included;
  the ratio serial / pool (the ideal is the worker count, on idle CPUs);
- pool start-up: the time a fresh pool takes to answer a trivial job;
- unshared: 16 plain simulate() calls, each re-simulating its own baseline, against
  the serial sweep, in CPU time (what sharing T1 saves, whatever else runs).
"""

from __future__ import annotations

import argparse
import operator
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from parasim.sim import scenario as sm
from parasim.sim.simulate import simulate
from parasim.sim.studies.backends import PoolExecutor, SerialExecutor
from parasim.sim.studies.sweep import expand, run_sweep


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def cpu_timed(fn):
    """(wall s, CPU s of this process, result): CPU time is immune to other processes."""
    c = time.process_time()
    wall, out = timed(fn)
    return wall, time.process_time() - c, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    sc = sm.load("smp-memory-wall", [f"workload.tasks={args.tasks}"])
    grid = {"machine.cores": list(range(1, 17))}

    serial_s, serial_cpu, serial = cpu_timed(
        lambda: run_sweep(sc, grid, executor=SerialExecutor()))

    def pooled():
        with PoolExecutor(args.workers) as ex:
            return run_sweep(sc, grid, executor=ex)

    def startup():
        with PoolExecutor(args.workers) as ex:
            return ex.map(operator.is_, range(args.workers))

    start_s, _ = timed(startup)
    pool_s, pool = timed(pooled)
    assert pool.records() == serial.records(), "pool and serial rows differ"
    _, scenarios, _ = expand(sc, grid)
    unshared_s, unshared_cpu, runs = cpu_timed(lambda: [simulate(s) for s in scenarios])
    assert [dict(r.summary) for r in runs] == [
        {k: v for k, v in row.items() if k not in ("machine.cores", "scale")}
        for row in serial.records()], "shared baseline changed a result"

    print(f"16-point sweep, smp-memory-wall, {args.tasks} tasks per run, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"  serial sweep                 {serial_s:7.2f} s   (CPU {serial_cpu:.2f} s: "
          f"it got {serial_cpu / serial_s:.0%} of a CPU; less means other processes compete)")
    print(f"  process pool ({args.workers} workers)    {pool_s:7.2f} s   "
          f"serial / pool = {serial_s / pool_s:.2f}x (ideal {args.workers})")
    print(f"  pool start-up                {start_s:7.2f} s")
    print(f"  16 x simulate (T1 each run)  {unshared_s:7.2f} s   (CPU {unshared_cpu:.2f} s)   "
          f"unshared / shared baseline, CPU time = {unshared_cpu / serial_cpu:.2f}x")


if __name__ == "__main__":
    main()
