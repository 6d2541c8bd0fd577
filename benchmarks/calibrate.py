"""Wall time of `parasim calibrate --quick` and of the full run against their targets
(quick under 30 s, full under 3 minutes), with the load average the run saw.

    python benchmarks/calibrate.py [--full]

Prints figures, not pass/fail: other work on the machine lengthens the probes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from parasim.sim.studies.calibrate import run

TARGETS = {"quick": 30.0, "full": 180.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="also time the full run")
    args = ap.parse_args()
    modes = ["quick", "full"] if args.full else ["quick"]
    with tempfile.TemporaryDirectory() as folder:
        for mode in modes:
            t0 = time.perf_counter()
            run(os.path.join(folder, f"{mode}.toml"), quick=mode == "quick")
            took = time.perf_counter() - t0
            load = os.getloadavg()[0]
            print(f"calibrate {mode:<5}  {took:6.1f} s  (target < {TARGETS[mode]:.0f} s, "
                  f"{took / TARGETS[mode]:.0%} of it; load average {load:.1f} on "
                  f"{os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
