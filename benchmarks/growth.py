"""How a whole simulate() grows with the run's size: spans vs CPU time, wall time and
peak RSS, for smp-matmul, cluster-allreduce and cluster-stencil scaled up.

    python benchmarks/growth.py [--cases smp-matmul ...] [--max-s 15] [--max-spans N]
                                [--gc-off] [--repeats 3]

Each size runs in its own process, --repeats times, in passes over all the sizes
(simulate(): graph, run, baseline, summary; the table shows the median CPU and wall
time and the largest peak RSS: one run alone moved the exponent by up to 0.05 here,
and passes spread a slow spell of the machine over every size). A case grows (spans
about x2 a step) until the size guard refuses the scenario, a run takes more than
--max-s CPU seconds, or the spans pass --max-spans. Per case it prints the table and the fitted exponent b of
CPU = a x spans^b (least squares on logs, over the sizes of at least 0.2 s, where the
fixed start-up no longer dominates); the target is b <= 1.05. Timings on a shared
machine are noisy: compare exponents, not single figures. --gc-off holds Python's
cyclic garbage collector during simulate(), to tell its share of the growth (its full
collections walk every live object, so their cost grows with the run) from the rest.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# case -> (preset, size -> overrides, first size, size step)
CASES = {
    "smp-matmul": ("smp-matmul", lambda k: [f"workload.n={128 * k}"], 8, 2 ** (1 / 3)),
    "cluster-allreduce": ("cluster-allreduce", lambda k: [f"machine.nodes={k}"], 16, 2 ** 0.5),
    "cluster-stencil": ("cluster-stencil", lambda k: [f"machine.nodes={k}"], 16, 2.0),
}
FIT_MIN_S = 0.2


def one(preset: str, overrides: list[str], gc_off: bool = False) -> dict:
    """Simulate once in this process: spans, CPU and wall seconds, peak RSS (MB)."""
    from parasim.sim import scenario as sm
    from parasim.sim.errors import ScenarioError
    from parasim.sim.simulate import check_run, simulate
    try:                                           # the guard: task limit, run estimate
        sc = sm.load(preset, overrides)
        est = check_run(sc).seconds
    except ScenarioError as e:
        return {"refused": str(e)}
    if gc_off:
        gc.disable()
    c0, w0 = time.process_time(), time.perf_counter()
    run = simulate(sc)
    return {"spans": len(run.trace), "tasks": run.summary["tasks"],
            "cpu_s": time.process_time() - c0, "wall_s": time.perf_counter() - w0,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "estimate_s": est}


def exponent(rows: list[dict]) -> float | None:
    """Slope of log CPU over log spans (least squares) on rows of at least FIT_MIN_S."""
    pts = [(r["spans"], r["cpu_s"]) for r in rows if r["cpu_s"] >= FIT_MIN_S]
    if len({x for x, _ in pts}) < 2:
        return None
    return float(np.polyfit(*np.log(np.array(pts).T), 1)[0])


def run_one(preset: str, overrides: list[str], gc_off: bool) -> dict:
    """`one` in a fresh process."""
    flag = ["--gc-off"] if gc_off else []
    out = subprocess.run([sys.executable, __file__, *flag, "--one", preset, *overrides],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


def median_row(size: int, runs: list[dict]) -> dict:
    """One size's runs: the median CPU and wall seconds, the largest peak RSS."""
    r = dict(runs[0], size=size)
    for key in ("cpu_s", "wall_s"):
        r[key] = float(np.median([x[key] for x in runs]))
    r["rss_mb"] = max(x["rss_mb"] for x in runs)
    return r


def grow(case: str, max_s: float, max_spans: float, gc_off: bool = False,
         repeats: int = 3) -> list[dict]:
    """The case's table and exponent. A first pass finds the sizes (growing until the
    guard refuses, a run passes max_s CPU seconds or max_spans spans); `repeats` - 1
    more passes run them all again, in the same order, so that a slow spell of the
    machine falls on every size alike rather than on the largest ones only."""
    preset, overrides, k, step = CASES[case]
    print(f"\n{case}  ({preset}{', cyclic GC held' if gc_off else ''})")
    runs: dict[int, list[dict]] = {}
    refused = ""
    print("  pass 1:", end="", flush=True)
    while True:
        size = round(k)
        k *= step
        if size in runs:
            continue
        r = run_one(preset, overrides(size), gc_off)
        if "refused" in r:
            refused = f"{size:>8} the size guard refuses: {r['refused']}"
            break
        runs[size] = [r]
        print(f" {size} ({r['cpu_s']:.2f} s)", end="", flush=True)
        if r["cpu_s"] > max_s or r["spans"] > max_spans:
            break
    for p in range(2, repeats + 1):
        print(f"\n  pass {p}:", end="", flush=True)
        for size in runs:
            runs[size].append(run_one(preset, overrides(size), gc_off))
            print(f" {size}", end="", flush=True)
    print(f"\n{'size':>8} {'tasks':>10} {'spans':>10} {'CPU s':>8} {'wall s':>8} "
          f"{'us/span':>8} {'RSS MB':>7} {'guard s':>8}")
    rows = [median_row(size, rs) for size, rs in runs.items()]
    for r in rows:
        print(f"{r['size']:>8} {r['tasks']:>10,} {r['spans']:>10,} {r['cpu_s']:>8.2f} "
              f"{r['wall_s']:>8.2f} {1e6 * r['cpu_s'] / r['spans']:>8.1f} "
              f"{r['rss_mb']:>7.0f} {r['estimate_s']:>8.2f}")
    if refused:
        print(refused)
    b = exponent(rows)
    print(f"fitted exponent (CPU ~ spans^b, runs >= {FIT_MIN_S} s): "
          + (f"b = {b:.3f} (target <= 1.05)" if b is not None else "too few sizes"))
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    ap.add_argument("--max-s", type=float, default=15.0,
                    help="stop a case after a run of more CPU seconds than this")
    ap.add_argument("--max-spans", type=float, default=math.inf,
                    help="stop a case after a run of more spans than this")
    ap.add_argument("--gc-off", action="store_true",
                    help="hold the cyclic garbage collector during each run")
    ap.add_argument("--repeats", type=int, default=3,
                    help="processes per size; the table shows their median times")
    ap.add_argument("--one", nargs="+", help=argparse.SUPPRESS)   # preset overrides...
    a = ap.parse_args(argv)
    if a.one:
        print(json.dumps(one(a.one[0], a.one[1:], a.gc_off)))
        return
    for case in a.cases:
        grow(case, a.max_s, a.max_spans, a.gc_off, a.repeats)


if __name__ == "__main__":
    main()
