"""Start-up time of whole processes: the CLI verbs, and the window until its first run is drawn.

    python benchmarks/startup.py [--repeat 7] [--no-window]

Each command runs `--repeat` times in a fresh interpreter; printed: the median wall
time (what a user waits) and the median CPU time of the child (user + system: what the
start-up costs, less sensitive to what else the machine runs), against the targets:

    parasim presets                 <= 0.15 s
    parasim run amdahl --json       <= 0.30 s
    the window populated            <= 1.0 s: from the process start to the first draw
                                    of the default scenario's run (offscreen)
    python -c pass                  the interpreter's own floor, for reference

`--before DIR` also times another copy of the code (DIR holds a `parasim` folder or
link, e.g. `git archive` of an older commit), interleaved run by run with this one so
both see the same load, and prints the ratio.

The window figure runs `benchmarks/startup.py --window-child`, which launches the app's
own entry point and stops when the timeline has drawn the run (the time is read from
the process start, so it includes the interpreter and every import).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERBS = [("presets", ["-m", "parasim", "presets"], 0.15),
         ("run amdahl --json", ["-m", "parasim", "run", "amdahl", "--json"], 0.30),
         ("flops vgg16", ["-m", "parasim", "flops", "vgg16"], None),
         ("machines", ["-m", "parasim", "machines"], None),
         ("python -c pass", ["-c", "pass"], None)]


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(args: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(wall s, CPU s, stdout) of one run of `python args`."""
    c0, t0 = child_cpu(), time.perf_counter()
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT,
                          env=env)
    wall, cpu = time.perf_counter() - t0, child_cpu() - c0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.strip()}")
    return wall, cpu, proc.stdout


def report(label: str, samples: list[tuple[float, float]], target: float | None) -> None:
    wall = statistics.median(s[0] for s in samples)
    cpu = statistics.median(s[1] for s in samples)
    goal = f"   target <= {target:.2f} s" if target else ""
    print(f"{label:28} wall {wall:6.3f} s   CPU {cpu:6.3f} s   (median of {len(samples)})"
          f"{goal}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--before", metavar="DIR", help="also time the copy of parasim in DIR")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    before_env = None
    if args.before:
        before_env = {**os.environ, "PYTHONPATH": str(Path(args.before).resolve())}
    for label, cmd, target in VERBS:
        now, old = [], []
        for _ in range(args.repeat):
            now.append(timed(cmd)[:2])
            if before_env is not None:
                old.append(timed(cmd, before_env)[:2])
        report(label, now, target)
        if old:
            report("  before", old, target)
            print(f"  {'':26} CPU ratio after/before "
                  f"{statistics.median(n[1] for n in now) / statistics.median(o[1] for o in old):.2f}")


if __name__ == "__main__":
    main()
