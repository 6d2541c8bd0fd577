"""Builders for the network tests: clusters with a given interconnect, runs of graphs."""

from parasim.sim.engine.engine import Engine
from parasim.sim.machine.machine import Machine, MachineSpec, MemorySpec
from parasim.sim.machine.network import NetworkSpec

ALPHA_US, BETA_GBS = 2.0, 1.0            # 2 us latency, 1 GB/s per link and direction
ALPHA, BETA = ALPHA_US * 1e-6, BETA_GBS * 1e9


def cluster(nodes, cores=1, topology="crossbar", hop_us=0.0, lat_ns=0.0, **net):
    net.setdefault("latency_us", ALPHA_US)
    net.setdefault("bandwidth_gbs", BETA_GBS)
    return Machine(MachineSpec(nodes=nodes, cores=cores, freq_ghz=2.0, fma_units=2,
                               simd_bits=256, memory=MemorySpec(100.0, 20.0, lat_ns),
                               network=NetworkSpec(topology=topology, hop_latency_us=hop_us,
                                                   **net)))


def run(machine, builder, policy="block"):
    """(makespan, trace, engine) of a GraphBuilder's graph."""
    e = Engine(machine, builder.build(), policy)
    makespan, trace = e.run()
    return makespan, trace, e
