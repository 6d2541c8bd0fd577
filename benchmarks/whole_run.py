"""A whole `parasim run` of a compute-only job against a bare SimPy script, as a user feels it.

    python benchmarks/whole_run.py [--tasks 400000] [--repeats 5]

Times, as separate processes started one after the other (interleaved, so a busy
machine disturbs both alike): `parasim run <bag of N tasks> --json` (imports, graph,
run, one-core baseline, summary) and a bare SimPy script doing N timeouts in one
process (imports included; `--bare` runs that script). Prints each one's median wall
time and child CPU time and their ratio (target <= 3).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def bare(n: int) -> None:
    """The bare SimPy script: one process yielding n timeouts of 1 us."""
    import simpy
    env = simpy.Environment()

    def proc():
        for _ in range(n):
            yield env.timeout(1e-6)

    env.process(proc())
    env.run()


def scenario_toml(n: int) -> str:
    """A bag of n compute-only tasks of 1 MFLOP on 8 cores."""
    return ("name = \"bag\"\nseed = 1\n[machine]\ncores = 8\n[workload]\nkind = \"bag\"\n"
            f"tasks = {n}\nflops_per_task = 1e6\n")


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall s, CPU s of the child) of running argv to completion."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=400_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--bare", action="store_true", help="run the bare SimPy script only")
    a = ap.parse_args()
    if a.bare:
        return bare(a.tasks)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "bag.toml")
        with open(path, "w") as f:
            f.write(scenario_toml(a.tasks))
        runs: dict[str, list[tuple[float, float]]] = {"parasim": [], "bare": []}
        for _ in range(a.repeats):
            runs["parasim"].append(timed([sys.executable, os.path.join(ROOT, "main.py"),
                                          "run", path, "--json", "--yes"]))
            runs["bare"].append(timed([sys.executable, os.path.abspath(__file__), "--bare",
                                       "--tasks", str(a.tasks)]))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
           for k, v in runs.items()}
    print(f"tasks                      {a.tasks:,} compute-only (bag on 8 cores), "
          f"medians of {a.repeats}")
    print(f"parasim run --json         {med['parasim'][0]:.2f} s wall  "
          f"{med['parasim'][1]:.2f} s CPU")
    print(f"bare SimPy script          {med['bare'][0]:.2f} s wall  {med['bare'][1]:.2f} s CPU")
    print(f"ratio parasim / bare       {med['parasim'][0] / med['bare'][0]:.2f} wall  "
          f"{med['parasim'][1] / med['bare'][1]:.2f} CPU   (target <= 3)")


if __name__ == "__main__":
    main()
