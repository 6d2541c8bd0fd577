"""CNN workloads: wall time to build and simulate (with the one-core baseline).

Run: python benchmarks/cnn.py   (prints one line per case: tasks, spans, wall time,
tasks simulated per second counting both the main and the baseline run)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parasim.sim import scenario as scenario_mod
from parasim.sim.simulate import simulate

CASES = [
    ("vgg16-inference", []),
    ("vgg16-pipeline", []),
    ("vgg16-inference", ["workload.model=\"resnet50\"", "workload.batch=64"]),
    ("vgg16-inference", ["workload.model=\"densenet121\"", "workload.batch=256",
                         "machine.cores=64"]),
    ("vgg16-pipeline", ["workload.model=\"densenet121\"", "workload.batch=256",
                        "workload.micro_batches=64", "machine.cores=16"]),
]


def main() -> None:
    print(f"{'case':<62} {'tasks':>7} {'spans':>8} {'wall s':>7} {'tasks/s':>9} "
          f"{'speedup':>8}")
    for name, sets in CASES:
        sc = scenario_mod.load(name, sets)
        t0 = time.perf_counter()
        run = simulate(sc)
        wall = time.perf_counter() - t0
        tasks = run.summary["tasks"]
        label = f"{name} {' '.join(sets)}"[:62]
        print(f"{label:<62} {tasks:>7} {run.summary['spans']:>8} {wall:>7.2f} "
              f"{2 * tasks / wall:>9.0f} {run.summary['speedup']:>8.2f}")


if __name__ == "__main__":
    main()
