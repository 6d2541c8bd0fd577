"""Program executor speed: a message ring against the engine, and compute-only ops.

    python benchmarks/program.py [--ranks 1000] [--messages 100000] [--ops 1000000]
                                 [--repeats 3]

Prints figures, not pass/fail (medians of --repeats runs of CPU time, which a loaded
machine disturbs less than wall time):
  ring: `ranks` ranks on as many nodes (crossbar), each sending messages / ranks
  messages of 10 kB to its right neighbour and receiving from its left (blocking), as a
  program and as the same task graph in the engine (GraphBuilder, blocking messages),
  each timed alone (executor or engine run and its trace, no summary): CPU time,
  messages per second, SimPy events per message and program / engine (target <= 1.5);
  compute: 8 ranks on one 8-core node doing `ops` compute operations in all:
  operations per second (target >= 200k/s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from parasim.sim import scenario as sm
from parasim.sim.engine.engine import Engine
from parasim.sim.machine.machine import Machine
from parasim.sim.runners.program import start_program
from parasim.sim.taskgraph import GraphBuilder

RING = """
def main(comm, rounds, nbytes):
    right, left = (comm.rank + 1) % comm.size, (comm.rank - 1) % comm.size
    for _ in range(rounds):
        yield comm.send(right, nbytes)
        yield comm.recv(left)
"""

COMPUTE = """
def main(comm, ops):
    for _ in range(ops):
        yield comm.compute(1e6)
"""


def scenario(path: str, nodes: int, cores: int, ranks: int, args: dict):
    return sm.from_dict({"machine": {"nodes": nodes, "cores": cores},
                         "workload": {"kind": "program", "file": path, "ranks": ranks,
                                      "args": args}})


def program(sc) -> tuple[float, float, int]:
    """CPU time of the executor alone (start, run, trace), as engine_ring times the
    engine alone; the makespan and the SimPy events scheduled."""
    t = time.process_time()
    _, ex, _ = start_program(sc)
    makespan = ex.run()
    ex.trace()
    return time.process_time() - t, makespan, next(ex.env._eid)


def ring_graph(ranks: int, rounds: int, nbytes: float):
    """The same ring as tasks: round k's task on rank i sends to round k + 1's on i + 1."""
    g = GraphBuilder()
    prev = [g.add(0.0, owner=i) for i in range(ranks)]
    for _ in range(rounds):
        cur = [g.add(0.0, deps=(prev[i],), owner=i) for i in range(ranks)]
        for i in range(ranks):
            g.message(prev[i], cur[(i + 1) % ranks], nbytes, blocking=True)
        prev = cur
    return g.build()


def engine_ring(ranks: int, rounds: int, nbytes: float) -> tuple[float, float, int]:
    sc = sm.from_dict({"machine": {"nodes": ranks, "cores": 1}})
    machine = Machine(sc.machine)
    graph = ring_graph(ranks, rounds, nbytes)
    t = time.process_time()
    engine = Engine(machine, graph, "block")
    makespan, _ = engine.run()
    return time.process_time() - t, makespan, next(engine.env._eid)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ranks", type=int, default=1000)
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--ops", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    rounds = a.messages // a.ranks
    with tempfile.TemporaryDirectory() as d:
        ring, comp = os.path.join(d, "ring.py"), os.path.join(d, "compute.py")
        open(ring, "w").write(RING)
        open(comp, "w").write(COMPUTE)
        prog, eng = [], []
        for _ in range(a.repeats):
            w, mine, p_events = program(scenario(ring, a.ranks, 1, a.ranks,
                                                 {"rounds": rounds, "nbytes": 1e4}))
            prog.append(w)
            w2, makespan, e_events = engine_ring(a.ranks, rounds, 1e4)
            eng.append(w2)
            assert abs(mine - makespan) <= 1e-9 * makespan, (mine, makespan)
        msgs = rounds * a.ranks
        p, e = statistics.median(prog), statistics.median(eng)
        print(f"ring: {a.ranks} ranks, {msgs:,} messages of 10 kB (same makespan both ways)")
        print(f"  program  {p:7.2f} s CPU  {msgs / p:10,.0f} messages/s  "
              f"{p_events / msgs:.2f} events/message")
        print(f"  engine   {e:7.2f} s CPU  {msgs / e:10,.0f} messages/s  "
              f"{e_events / msgs:.2f} events/message")
        print(f"  program / engine = {p / e:.2f} (target <= 1.5)")
        sc = scenario(comp, 1, 8, 8, {"ops": a.ops // 8})
        cpus = [program(sc)[0] for _ in range(a.repeats)]
        w = statistics.median(cpus)
        print(f"compute: {a.ops:,} operations on 8 ranks: {w:.2f} s CPU, "
              f"{a.ops / w:,.0f} operations/s (target >= 200k/s)")


if __name__ == "__main__":
    main()
