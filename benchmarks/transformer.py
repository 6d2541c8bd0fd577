"""Transformer workloads: wall time to build and simulate a training step on the 8 GPUs
of one node (target: under 10 s, the one-core baseline run included) and the presets.

Run: python benchmarks/transformer.py   (one line per case: tasks, messages, build
seconds, simulate seconds (main run + one-core baseline), tasks simulated per second
counting both runs, the simulated step time)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parasim.sim import scenario as scenario_mod
from parasim.sim.machine.machine import Machine
from parasim.sim.simulate import build_graph, simulate

GPT2 = ["workload.model=\"gpt2\""]
CASES = [
    ("gpt2-dp-vs-tp", GPT2),                                        # GPT-2 small, 8 GPUs
    ("gpt2-dp-vs-tp", []),                                          # GPT-2 medium, 8 GPUs
    ("gpt2-dp-vs-tp", ["workload.overlap=false"]),
    ("gpt2-dp-vs-tp-tensor", []),
    ("gpt2-dp-vs-tp", ["workload.data=2", "workload.tensor=2", "workload.pipeline=2",
                       "workload.micro_batches=4", "workload.blocks=8"]),
    ("pipeline-bubble", []),                                        # 4 GPUs
    ("pipeline-bubble-gpipe", []),
    ("llama7b-decode", []),                                         # one GPU
    ("llama7b-decode", ["workload.blocks=0"]),                      # one block per SM
    ("llama7b-decode-cpu", []),
]


def main() -> None:
    print(f"{'case':<62} {'tasks':>7} {'msgs':>7} {'build s':>8} {'sim s':>7} "
          f"{'tasks/s':>8} {'step s':>8}")
    for name, sets in CASES:
        sc = scenario_mod.load(name, sets)
        t0 = time.perf_counter()
        graph = build_graph(sc, Machine(sc.machine))
        built = time.perf_counter() - t0
        t0 = time.perf_counter()
        run = simulate(sc)
        wall = time.perf_counter() - t0
        label = f"{name} {' '.join(sets)}"[:62]
        print(f"{label:<62} {graph.n:>7} {len(graph.msg_src):>7} {built:>8.2f} {wall:>7.2f} "
              f"{2 * graph.n / wall:>8.0f} {run.makespan:>8.3f}")


if __name__ == "__main__":
    main()
