"""HPL build and simulation speed: one Fugaku node, and a 16-node slice.

Until the network model (branch net) is merged the engine rejects messages, so the
16-node slice is timed with its messages stripped (compute and memory only): a lower
bound on its cost. Prints seconds and tasks per second.
"""

import dataclasses
import sys
import time

import numpy as np

sys.path.insert(0, ".")
from sim import scenario as scenario_mod  # noqa: E402
from sim.engine import Engine  # noqa: E402
from sim.machine import Machine  # noqa: E402
from sim.workloads import hpl  # noqa: E402


def bench(label, overrides):
    sc = scenario_mod.load("top500-fugaku-hpl", overrides)
    m = Machine(sc.machine)
    t0 = time.perf_counter()
    g = hpl.build(sc.workload, m, None)
    t1 = time.perf_counter()
    msgs = len(g.msg_src)
    try:
        Engine(m, g)
    except ValueError:
        g = dataclasses.replace(g, msg_src=np.zeros(0, np.int32), msg_dst=np.zeros(0, np.int32),
                                msg_bytes=np.zeros(0))
        label += " (messages stripped)"
    makespan, _ = Engine(m, g, record=True).run()
    t2 = time.perf_counter()
    rmax = hpl.hpl_flops(sc.workload.n) / makespan
    print(f"{label}: {g.n:,} tasks, {msgs:,} messages; build {t1 - t0:.2f} s, "
          f"simulate {t2 - t1:.2f} s ({g.n / (t2 - t1):,.0f} tasks/s); "
          f"Rmax/Rpeak {rmax / m.peak('fp64'):.3f}")


bench("1 node, 6 x 8, n = 24576", [])
bench("16 nodes, 24 x 32, n = 49152, nb = 384",
      ["machine.nodes=16", "workload.p=24", "workload.q=32", "workload.n=49152",
       "workload.nb=384"])
