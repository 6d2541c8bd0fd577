"""Offload to an accelerator: copy in, run the kernel on the device, copy out, on the
heterogeneous engine (engine/hetero.py) like any other workload.

    T_offload = T_h2d + T_kernel + T_d2h
    T_h2d     = link_latency + n bytes_in / link_bandwidth     (a copy on the link)
    T_kernel  = the kernel's blocks on the device's SMs and HBM
    T_d2h     = link_latency + n bytes_out / link_bandwidth

The node becomes its host cores plus one device from [machine.accelerator] (count is
the node's device count for its peak; the kernel uses one). The graph: a host task
holding the input, the kernel as `blocks` tasks (0: one per SM) that read it (the
engine copies it over the link first: every SM waits in a `copy` span), a join on the
device, and a host task reading the result (the copy back: a `copy` span on the host
core). The host-only time is the same kernel simulated on the host's cores. With a
compute-bound kernel (c_h, c_d = seconds per element on all host cores, all SMs)
offloading pays off above

    n* = 2 link_latency / (c_h - c_d - (bytes_in + bytes_out) / link_bandwidth)

and never if the denominator is <= 0 (the copies alone cost more than the host's work).

Not modelled: power ([machine.power] describes the host's cores, not the SMs); a
scenario with [machine.power] gets a summary warning saying so. The launch latency is
part of link_latency_us ([machine.accelerator] has no separate one).
Trace layout: PEs 0..cores-1 are the host cores, then the device's SMs.
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

from ..analysis.metrics import summarize, unit_summary
from ..analysis.observe import observe
from ..engine.engine import Engine
from ..engine.hetero import HeteroEngine
from ..errors import ScenarioError
from ..machine.groups import DeviceSpec, hetero_extras
from ..machine.machine import Machine, device_machine
from ..run import Run, frozen
from ..taskgraph import GraphBuilder, TaskGraph
from ..workloads.offload import Params, kernel


def offload_machine(spec) -> Machine:
    """The host's cores plus one device of [machine.accelerator], as the engine sees it."""
    acc = spec.accelerator
    dev = DeviceSpec("gpu", 1, acc.sms, acc.freq_ghz, acc.fma_units, acc.simd_bits,
                     memory_gbs=acc.memory_gbs, memory_latency_ns=acc.memory_latency_ns,
                     link_gbs=acc.link_gbs, link_latency_us=acc.link_latency_us,
                     launch_latency_us=0.0)
    return Machine(dataclasses.replace(spec, accelerator=None, device=[dev], power=None))


def offload_graph(p: Params, blocks: int) -> TaskGraph:
    """Input on the host, the kernel's blocks on the device, the result back on the host."""
    k = kernel(p, blocks)
    b = GraphBuilder(p.precision, p.vector_fraction, p.lane_efficiency)
    src = b.add(0.0, owner=0, where="cpu", name="input (host)")
    ids = [b.add(float(f), float(nb), [src], where="gpu", reads=[p.n * p.bytes_in],
                 name=f"block {i}") for i, (f, nb) in enumerate(zip(k.flops, k.bytes))]
    join = b.add(0.0, deps=ids, where="gpu", name="kernel end")
    b.add(0.0, deps=[join], owner=0, where="cpu", name="result (host)",
          reads=[p.n * p.bytes_out])
    return b.build()


def seconds_per_element(p: Params, machine: Machine) -> float:
    """Compute time per element with every core of `machine` busy."""
    return machine.compute_time(p.flops_per_element, p.precision, p.vector_fraction,
                                p.lane_efficiency) / machine.pes


def crossover(p: Params, host: Machine, acc) -> float | None:
    """n* above which offloading a compute-bound kernel beats the host (None: never)."""
    dev = device_machine(acc)
    gain = (seconds_per_element(p, host) - seconds_per_element(p, dev)
            - (p.bytes_in + p.bytes_out) / (acc.link_gbs * 1e9))
    return 2 * acc.link_latency_us * 1e-6 / gain if gain > 0 else None


def run_parts(scenario) -> list:
    """(machine, graph) of each engine run of the offload model (the size guard's
    estimate): the offload on host + device, then the kernel on the host's cores."""
    acc, p = scenario.machine.accelerator, scenario.workload
    if acc is None:
        return []
    host = Machine(scenario.machine)
    return [(offload_machine(scenario.machine), offload_graph(p, p.blocks or acc.sms)),
            (host, kernel(p, p.host_tasks or host.pes))]


def run_offload(scenario, progress=None, cancel=None) -> Run:
    p: Params = scenario.workload
    acc = scenario.machine.accelerator
    if acc is None:
        raise ScenarioError("workload.kind = 'offload' needs a device: add a "
                            "[machine.accelerator] table", "machine.accelerator")
    host, machine = Machine(scenario.machine), offload_machine(scenario.machine)
    graph = offload_graph(p, p.blocks or acc.sms)
    half = (lambda f: progress(0.5 * f)) if progress else None
    engine = HeteroEngine(machine, graph, "dynamic", progress=half, cancel=cancel)
    makespan, trace = engine.run()
    assert trace is not None                        # recorded (record=True by default)
    copies = engine.copy_rows()
    (h0, d0), (h1, d1) = copies["start_s"], copies["end_s"]      # copy in, copy out
    host_graph = kernel(p, p.host_tasks or host.pes)
    rest = (lambda f: progress(0.5 + 0.5 * f)) if progress else None
    t_host, _ = Engine(host, host_graph, "dynamic", record=False, progress=rest,
                       cancel=cancel).run()
    if progress:
        progress(1.0)
    summary = summarize(trace, makespan, machine, machine.pes, graph, None)
    summary.update(unit_summary(machine, trace, makespan, copies))
    summary.update({
        "copy_in_s": h1 - h0, "kernel_s": d0 - h1, "copy_out_s": d1 - d0,
        "critical_path_s": (h1 - h0) + summary["critical_path_s"] + (d1 - d0),  # copies chain
        "host_only_s": t_host, "offload_speedup": t_host / makespan,
        "offload_pays_off": t_host > makespan, "crossover_n": crossover(p, host, acc),
    })
    if scenario.machine.power is not None:
        summary["warnings"] = ["power is not modelled for an offload run ([machine.power] "
                               "describes the host's cores, not the device): no energy figures"]
    # the simulate() observers (concurrency, roofline; no power: see above)
    extras = observe(dataclasses.replace(scenario.machine, power=None), machine, trace,
                     makespan, summary)
    extras.update(hetero_extras(machine, copies))
    return Run(scenario, trace, MappingProxyType(summary), machine.nodes, machine.cores,
               graph.names, frozen(extras))
