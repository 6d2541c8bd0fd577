"""Network model cost: a ring of nodes passing messages, against a bare SimPy Store model.

    python benchmarks/network.py [--nodes 1000] [--messages 100000] [--bytes 10000]

Every node sends one message to its right-hand neighbour per round and receives one
from its left (rounds = messages / nodes), over a ring topology with the default link
figures (1 us, 10 GB/s). Prints the wall time of the engine run (recording the trace),
messages per second (of wall and of CPU time), and the ratio (wall, and CPU time, which a busy machine disturbs
less) to a bare SimPy model of the same traffic in the
same process (one process per node: timeout for alpha + n / beta, Store.put to the
neighbour, Store.get its own message). Target ratio <= 3. Both give the same makespan.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time

import simpy

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from parasim.sim.engine.engine import Engine
from parasim.sim.machine.machine import Machine, MachineSpec
from parasim.sim.machine.network import NetworkSpec
from parasim.sim.taskgraph import GraphBuilder


def ring_graph(nodes: int, rounds: int, nbytes: float, blocking: bool):
    g = GraphBuilder()
    prev = [g.add(0.0, owner=r) for r in range(nodes)]
    for _ in range(rounds):
        cur = [g.add(0.0, deps=(prev[r],), owner=r) for r in range(nodes)]
        for r in range(nodes):
            g.message(prev[r], cur[(r + 1) % nodes], nbytes, blocking)
        prev = cur
    return g.build()


def bare_simpy(nodes: int, rounds: int, delay: float) -> tuple[float, float]:
    env = simpy.Environment()
    boxes = [simpy.Store(env) for _ in range(nodes)]

    def node(r):
        right, mine = boxes[(r + 1) % nodes], boxes[r]
        for k in range(rounds):
            yield env.timeout(delay)
            right.put(k)
            yield mine.get()

    for r in range(nodes):
        env.process(node(r))
    t, c = time.perf_counter(), time.process_time()
    env.run()
    return time.perf_counter() - t, time.process_time() - c, env.now


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--bytes", type=float, default=10e3)
    a = ap.parse_args()
    rounds = a.messages // a.nodes
    spec = MachineSpec(nodes=a.nodes, cores=1, network=NetworkSpec(topology="ring"))
    machine = Machine(spec)
    net = spec.network
    delay = net.value("latency_us") * 1e-6 + a.bytes / (net.value("bandwidth_gbs") * 1e9)

    bare, bare_cpu, bare_end = min(bare_simpy(a.nodes, rounds, delay) for _ in range(2))
    print(f"messages                  {a.nodes * rounds:,} of {a.bytes:,.0f} B on a ring of "
          f"{a.nodes} nodes ({rounds} rounds)")
    print(f"bare SimPy Store model    {bare:.2f} s  ({a.nodes * rounds / bare:,.0f} messages/s)")
    for blocking in (True, False):
        t = time.perf_counter()
        graph = ring_graph(a.nodes, rounds, a.bytes, blocking)
        build_s = time.perf_counter() - t
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        makespan, trace = Engine(machine, graph, "block").run()
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        kind = "blocking" if blocking else "non-blocking"
        print(f"engine, {kind:<12}      {wall:.2f} s  ({a.nodes * rounds / wall:,.0f} messages/s,"
              f" {len(trace):,} spans; graph built in {build_s:.2f} s)")
        print(f"  CPU time                {cpu:.2f} s  ({a.nodes * rounds / cpu:,.0f} messages/s"
              f" of CPU; target >= 200k)")
        print(f"  ratio engine / bare     {wall / bare:.2f}   (target <= 3; CPU time ratio "
              f"{cpu / bare_cpu:.2f})")
        print(f"  makespan                {makespan * 1e3:.4f} ms  (bare model "
              f"{bare_end * 1e3:.4f} ms)")
        del trace


if __name__ == "__main__":
    main()
