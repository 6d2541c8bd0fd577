"""Offload to an accelerator: copy in, run the kernel on the device, copy out.

    T_offload = T_h2d + T_kernel + T_d2h
    T_h2d     = link_latency + n bytes_in / link_bandwidth     (a flow on the link)
    T_kernel  = the kernel graph simulated by the engine on the device (SMs + HBM)
    T_d2h     = link_latency + n bytes_out / link_bandwidth

The link is a FluidModel with one resource per direction, so transfers that overlap in
one direction would share it fairly; when the network model lands these flows become
messages on that link. The host-only time is the same kernel simulated on the host's
cores. With a compute-bound kernel (c_h, c_d = seconds per element on all host cores,
all SMs) offloading pays off above

    n* = 2 link_latency / (c_h - c_d - (bytes_in + bytes_out) / link_bandwidth)

and never if the denominator is <= 0 (the copies alone cost more than the host's work).

Not modelled: power ([machine.power] describes the host's cores, not the SMs); a
scenario with [machine.power] gets a summary warning saying so.
Trace layout: PE 0 is the host core driving the device (a `send` span for the copy in,
a `recv` span for the copy out); PEs 1..sms are the device's SMs.
"""

from __future__ import annotations

import dataclasses
import math
from types import MappingProxyType

import numpy as np
import simpy

from ..analysis.metrics import summarize
from ..analysis.observe import observe
from ..engine.engine import Engine
from ..engine.fluid import FluidModel
from ..errors import ScenarioError
from ..machine.machine import Machine, device_machine
from ..run import Run, frozen
from ..trace import COLUMNS, DTYPES, KIND_CODE, Trace
from ..workloads.offload import Params, kernel

H2D, D2H = 0, 1


def transfers(acc, sizes: list[tuple[int, float]]) -> list[tuple[float, float]]:
    """Run copies [(direction, bytes), ...] back to back on the link; (start, end) each."""
    env = simpy.Environment()
    link = FluidModel(env, [acc.link_gbs * 1e9, acc.link_gbs * 1e9])
    out = []

    def copy(direction, nbytes):
        start = env.now
        yield env.timeout(acc.link_latency_us * 1e-6)
        if nbytes > 0:
            done = env.event()
            link.start(nbytes, (direction,), math.inf, lambda _t: done.succeed())
            yield done
        out.append((start, env.now))

    def all_copies():
        for direction, nbytes in sizes:
            yield env.process(copy(direction, nbytes))

    env.process(all_copies())
    env.run()
    return out


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


def _shift(trace: Trace, dt: float, dpe: int) -> dict:
    cols = {c: trace[c].copy() for c in COLUMNS}
    cols["start_s"] += dt
    cols["end_s"] += dt
    cols["pe"] += dpe
    return cols


def _span(pe, kind, start, end, nbytes) -> dict:
    row = {"pe": pe, "node": 0, "core": pe, "kind": KIND_CODE[kind], "task": -1,
           "start_s": start, "end_s": end, "flops": 0.0, "bytes": nbytes, "peer": -1,
           "msg": -1, "lanes_active": 0}
    return {c: np.array([v], dtype=DTYPES[c]) for c, v in row.items()}


def run_offload(scenario, progress=None, cancel=None) -> Run:
    p: Params = scenario.workload
    acc = scenario.machine.accelerator
    if acc is None:
        raise ScenarioError("workload.kind = 'offload' needs a device: add a "
                            "[machine.accelerator] table", "machine.accelerator")
    host, dev = Machine(scenario.machine), device_machine(acc)
    graph = kernel(p, p.blocks or dev.pes)
    half = (lambda f: progress(0.5 * f)) if progress else None
    t_kernel, ktrace = Engine(dev, graph, "dynamic", progress=half, cancel=cancel).run()
    assert ktrace is not None                       # recorded: record=True by default
    (h0, h1), (d0, d1) = transfers(acc, [(H2D, p.n * p.bytes_in), (D2H, p.n * p.bytes_out)])
    d0, d1 = d0 + t_kernel, d1 + t_kernel        # the copy out waits for the kernel
    parts = [_span(0, "send", h0, h1, p.n * p.bytes_in), _shift(ktrace, h1, 1),
             _span(0, "recv", d0, d1, p.n * p.bytes_out)]
    cols = {c: np.concatenate([part[c] for part in parts]) for c in COLUMNS}
    order = np.lexsort((cols["end_s"], cols["pe"], cols["start_s"]))
    cols = {c: v[order].astype(DTYPES[c]) for c, v in cols.items()}
    cols["core"] = cols["pe"].copy()
    trace = Trace(**cols)
    makespan = d1
    host_graph = kernel(p, p.host_tasks or host.pes)
    rest = (lambda f: progress(0.5 + 0.5 * f)) if progress else None
    t_host, _ = Engine(host, host_graph, "dynamic", record=False, progress=rest,
                       cancel=cancel).run()
    if progress:
        progress(1.0)
    summary = summarize(trace, makespan, dev, 1 + dev.pes, graph, None)
    summary.update({
        "copy_in_s": h1 - h0, "kernel_s": t_kernel, "copy_out_s": d1 - d0,
        "critical_path_s": (h1 - h0) + summary["critical_path_s"] + (d1 - d0),  # copies chain
        "host_only_s": t_host, "offload_speedup": t_host / makespan,
        "offload_pays_off": t_host > makespan, "crossover_n": crossover(p, host, acc),
    })
    if scenario.machine.power is not None:
        summary["warnings"] = ["power is not modelled for an offload run ([machine.power] "
                               "describes the host's cores, not the device): no energy figures"]
    # the simulate() observers (concurrency; no power: see above), on the device's roofline
    extras = observe(dataclasses.replace(scenario.machine, power=None), dev, trace, makespan,
                     summary)
    extras["pe_names"] = ["host core"] + [f"GPU SM {i}" for i in range(dev.pes)]
    extras["kind_names"] = {"send": "copy in (host → GPU link)",
                            "recv": "copy out (GPU → host link)"}
    return Run(scenario, trace, MappingProxyType(summary), 1, 1 + dev.pes, None,
               frozen(extras))
