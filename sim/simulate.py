"""scenario -> Run: build the machine and the task graph, run the engine, summarise.

The speedup baseline is measured, not assumed: the same task graph is simulated again
on one core of the same machine (no trace recorded), and T1 is that run's makespan.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import MappingProxyType

import numpy as np

from . import roofline, size_guard
from .concurrency import concurrency_series, concurrency_summary
from .layer_profile import layer_rows
from .machine import Machine, MachineSpec
from .metrics import summarize
from .power import link_count, power_series, power_summary
from .run import Run
from .scenario import Scenario
from .taskgraph import TaskGraph
from .timeslice import has_io, make_engine
from .workloads import module_for


def build_graph(scenario: Scenario, machine: Machine) -> TaskGraph:
    rng = np.random.default_rng(scenario.seed)
    return module_for(scenario.workload.kind).build(scenario.workload, machine, rng)


def one_core(spec: MachineSpec) -> MachineSpec:
    """The same machine cut down to one node with one core (the speedup baseline)."""
    return dataclasses.replace(spec, nodes=1, cores=1)


def serial_time(scenario: Scenario, graph: TaskGraph,
                progress: Callable[[float], None] | None = None,
                cancel: Callable[[], bool] | None = None) -> float:
    """Makespan of the same graph on one core of the same machine."""
    machine = Machine(one_core(scenario.machine))
    g = dataclasses.replace(graph, owner=np.where(graph.owner >= 0, 0, -1).astype(np.int32))
    makespan, _ = make_engine(machine, g, None, record=False, progress=progress,
                              cancel=cancel).run()
    return makespan


def simulate(scenario: Scenario, progress: Callable[[float], None] | None = None,
             cancel: Callable[[], bool] | None = None, baseline: bool = True,
             serial_s: float | None = None, limit_s: float | None = None) -> Run:
    """Run a scenario to completion. Same scenario, same seed -> identical trace.

    `progress(fraction)` is called now and then; `cancel()` returning True stops the
    run with engine.Cancelled. `baseline=False` skips the one-core run (no speedup).
    `serial_s`: a one-core time already measured for this same graph and machine
    (sim.sweep shares one among runs); it is used as T1 instead of re-simulating it.
    `limit_s`: refuse (size_guard.RunTooLong) a run estimated to take longer, and stop
    one that is on course to (size_guard.Watchdog).
    """
    own = getattr(module_for(scenario.workload.kind), "simulate", None)
    if limit_s is not None:
        dog = size_guard.Watchdog(limit_s, progress, cancel)
        progress, cancel = dog.progress, dog.cancel
    if own is not None:                         # a workload with its own model (offload)
        if limit_s is not None:
            size_guard.check_run(scenario, limit_s)
        return own(scenario, progress, cancel, baseline)
    machine = Machine(scenario.machine)
    graph = build_graph(scenario, machine)
    if limit_s is not None:
        size_guard.check_run(scenario, limit_s, machine, graph)
    baseline = baseline and serial_s is None
    extra = getattr(module_for(scenario.workload.kind), "summary", None)
    tail = getattr(module_for(scenario.workload.kind), "summary_share", lambda p: 0.0)(
        scenario.workload)                      # progress taken by a workload's summary
    share = (0.6 if baseline else 1.0) * (1 - tail)
    main_progress = (lambda f: progress(share * f)) if progress else None
    engine = make_engine(machine, graph, scenario.schedule, progress=main_progress,
                         cancel=cancel)
    makespan, trace = engine.run()
    serial = serial_s
    if baseline:
        base_progress = (lambda f: progress(share + (1 - tail - share) * f)) if progress else None
        serial = serial_time(scenario, graph, base_progress, cancel)
    summary = summarize(trace, makespan, machine, machine.pes, graph, serial)
    net = getattr(engine, "net", None)         # the message layer, when the graph has messages
    if net is not None:
        summary.update(net.summary(makespan))
    extras = observe(scenario, machine, trace, makespan, summary)
    if has_io(graph):
        extras["io"] = engine.io_intervals()
    if scenario.workload.kind == "cnn":
        extras["layers"] = layer_rows(trace, graph.names)
    extras["roofline"] = roofline.plot_data(machine, trace)
    if extra is not None:                       # a workload's own figures (e.g. HPL's Rmax)
        summary.update(extra(scenario.workload, machine, graph, makespan, scenario.schedule,
                             (lambda f: progress(1 - tail + tail * f)) if progress else None,
                             cancel))
    if progress:
        progress(1.0)
    return Run(scenario, trace, MappingProxyType(summary), machine.nodes, machine.cores,
               graph.names, MappingProxyType(extras))


def observe(scenario: Scenario, machine: Machine, trace, makespan: float, summary: dict) -> dict:
    """Concurrency/parallelism and (with [machine.power]) power over time: adds their
    summary keys to `summary` and returns the time series for Run.extras."""
    extras = {"concurrency": concurrency_series(trace, makespan)}
    summary.update(concurrency_summary(extras["concurrency"], makespan))
    spec = scenario.machine.power
    if spec is not None:
        links = link_count(scenario.machine.network, machine.nodes)
        args = (spec, scenario.machine.freq_ghz, machine.nodes, machine.cores, links, makespan)
        extras["power"] = power_series(trace, *args)
        summary.update(power_summary(trace, extras["power"], *args))
    return extras
