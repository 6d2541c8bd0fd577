"""ParaSim against LogGOPSim on the same GOAL schedule: a message ring.

    python benchmarks/loggopsim.py --loggopsim DIR [--ranks 1000] [--rounds 100]
                                   [--bytes 10000] [--repeats 3]

DIR holds LogGOPSim's `LogGOPSim` and `txt2bin` binaries, built from
github.com/spcl/LogGOPSim (src/LogGOPSim) with g++ -O2; this script does not build
them. The schedule: every rank, each round, sends `bytes` to its right neighbour and
receives from its left; round k's send requires round k - 1's receive. Both simulators
run it with L = 1 us, o = g = 0, eager messages and no congestion (LogGOPSim's LogGP
network; ParaSim's crossbar with G as close to 0 as its bandwidth allows), so every
rank ends at rounds x L. Prints, medians of --repeats, per phase: LogGOPSim's txt2bin
(parse) and simulation as whole processes; ParaSim's GOAL parse and its simulate()
(program executor, trace, summary; without the parse) in this process; messages per second and the ratio.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from parasim.sim import scenario as sm
from parasim.sim.engine.gc_hold import held
from parasim.sim.programs import goal
from parasim.sim.simulate import simulate


def ring_goal(ranks: int, rounds: int, nbytes: int) -> str:
    """The GOAL text of the ring."""
    out = [f"num_ranks {ranks}"]
    for r in range(ranks):
        out.append(f"rank {r} {{")
        for k in range(rounds):
            out.append(f"s{k}: send {nbytes}b to {(r + 1) % ranks} tag {k}")
            out.append(f"r{k}: recv {nbytes}b from {(r - 1) % ranks} tag {k}")
            if k:
                out.append(f"s{k} requires r{k - 1}")
        out.append("}")
    return "\n".join(out) + "\n"


def timed(cmd: list[str]) -> tuple[float, str]:
    """Wall seconds of a whole process, and its output."""
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - t, out


def loggopsim(bindir: str, path: str) -> tuple[float, float, float]:
    """(txt2bin s, LogGOPSim s, latest end in ns) of one run."""
    binary = path + ".bin"
    parse, _ = timed([os.path.join(bindir, "txt2bin"), "-i", path, "-o", binary])
    run, out = timed([os.path.join(bindir, "LogGOPSim"), "-f", binary, "-L", "1000",
                      "-o", "0", "-g", "0", "-G", "0", "-S", str(2 ** 30), "-b"])
    ends = [int(x) for x in re.findall(r"finishing time at host \d+: (\d+)", out)]
    return parse, run, float(max(ends))


def parasim(path: str, ranks: int) -> tuple[float, float, float]:
    """(GOAL parse s, the rest of simulate() s, makespan ns) in this process (simulate
    reads the schedule again, the garbage collector held as there: its parse is
    taken off)."""
    t = time.perf_counter()
    with held():                               # as run_goal reads it
        goal.load(path)
    parse = time.perf_counter() - t
    sc = sm.from_dict({
        "machine": {"nodes": ranks, "cores": 1,
                    "network": {"topology": "crossbar", "latency_us": 1.0,
                                "bandwidth_gbs": 1e6}},
        "workload": {"kind": "goal", "file": path}})
    t = time.perf_counter()
    run = simulate(sc)
    return parse, time.perf_counter() - t - parse, run.makespan * 1e9


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--loggopsim", required=True, help="folder of LogGOPSim and txt2bin")
    ap.add_argument("--ranks", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--bytes", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    messages = a.ranks * a.rounds
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ring.goal")
        with open(path, "w") as fh:
            fh.write(ring_goal(a.ranks, a.rounds, a.bytes))
        lg = [loggopsim(a.loggopsim, path) for _ in range(a.repeats)]
        ps = [parasim(path, a.ranks) for _ in range(a.repeats)]
    med = [statistics.median(col) for col in zip(*lg)]
    mep = [statistics.median(col) for col in zip(*ps)]
    print(f"ring: {a.ranks} ranks x {a.rounds} rounds = {messages:,} messages of "
          f"{a.bytes:,} B (medians of {a.repeats})")
    print(f"{'':24}{'parse s':>9}{'run s':>9}{'msg/s (run)':>14}{'end ns':>12}")
    for name, (p, r, end) in (("LogGOPSim (-O2)", med), ("ParaSim", mep)):
        print(f"{name:24}{p:9.2f}{r:9.2f}{messages / r:14,.0f}{end:12,.0f}")
    print(f"ParaSim / LogGOPSim: parse {mep[0] / med[0]:.1f}x, run {mep[1] / med[1]:.1f}x, "
          f"whole {(mep[0] + mep[1]) / (med[0] + med[1]):.1f}x")


if __name__ == "__main__":
    main()
