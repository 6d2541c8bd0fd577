"""HPL build and simulation speed: one Fugaku node, and 16-node slices over Tofu-D.

Prints tasks, messages, build and simulation seconds, tasks per second and Rmax/Rpeak.
"""

import sys
import time

sys.path.insert(0, ".")
from parasim.sim import scenario as scenario_mod
from parasim.sim.engine.engine import Engine
from parasim.sim.machine.machine import Machine
from parasim.sim.workloads import hpl


def bench(label, preset, overrides=()):
    sc = scenario_mod.load(preset, list(overrides))
    m = Machine(sc.machine)
    t0 = time.perf_counter()
    g = hpl.build(sc.workload, m, None)
    t1 = time.perf_counter()
    makespan, _ = Engine(m, g, record=True).run()
    t2 = time.perf_counter()
    rmax = hpl.hpl_flops(sc.workload.n) / makespan
    print(f"{label}: {g.n:,} tasks, {len(g.msg_src):,} messages; build {t1 - t0:.2f} s, "
          f"simulate {t2 - t1:.2f} s ({g.n / (t2 - t1):,.0f} tasks/s); "
          f"Rmax/Rpeak {rmax / m.peak('fp64'):.3f}")


bench("1 node, 6 x 8, n = 24576", "top500-fugaku-hpl")
bench("1 node, no look-ahead", "top500-fugaku-hpl", ["workload.lookahead=false"])
bench("16 nodes, 24 x 32, n = 65536, nb = 512", "top500-fugaku-slice")
bench("16 nodes, n = 98304, nb = 768", "top500-fugaku-slice",
      ["workload.n=98304", "workload.nb=768"])
