"""scenario -> Run: build the machine and the task graph, run the engine, summarise.

The speedup baseline T1 is the same task graph on one core of the same machine: summed
by formula where that is exact (engine/serial.py: no I/O waits, not heterogeneous),
else simulated again on that core (no trace recorded).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from importlib import import_module
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np

from . import size_guard
from .analysis.critical import critical_path
from .analysis.layers import layer_rows
from .analysis.metrics import summarize, unit_summary
from .analysis.observe import observe
from .engine import serial
from .engine.gc_hold import held
from .engine.page_hold import small_pages
from .engine.program_order import links_shared
from .engine.timeslice import has_io, make_engine
from .machine.costs import compute_times
from .machine.groups import hetero_extras
from .machine.machine import Machine, MachineSpec
from .run import Run, frozen
from .scenario import Scenario
from .taskgraph import TaskGraph, is_layered
from .workloads import module_for


class Figures(NamedTuple):
    """A workload's own summary figures: `compute(params, machine, graph, makespan,
    schedule, progress, cancel) -> dict`, taking `share(params)` of the progress bar."""

    compute: Callable[..., dict]
    share: Callable[[Any], float]


def on_demand(module: str, name: str) -> Callable[..., Any]:
    """`name` of the sim module `module` (".runners.program"), imported at the first call:
    a run imports only its own workload's runner and figures (start-up time)."""
    def call(*args, **kwargs):
        return getattr(import_module(module, __package__), name)(*args, **kwargs)
    call.__qualname__ = f"{module.lstrip('.')}.{name}"
    return call


RUNNERS: dict[str, Callable[..., Run]] = {
    "offload": on_demand(".runners.offload", "run_offload"),
    "program": on_demand(".runners.program", "run_program"),
    "goal": on_demand(".runners.program", "run_goal")}
PARTS = {"offload": on_demand(".runners.offload", "run_parts")}   # (machine, graph) of
                                                                 # each of a runner's runs
FIGURES: dict[str, Figures] = {
    "hpl": Figures(on_demand(".runners.hpl", "summary"),
                   on_demand(".runners.hpl", "summary_share")),
    "hpl-node": Figures(on_demand(".workloads.lu_tiles", "summary"), lambda p: 0.0),
    "transformer": Figures(on_demand(".workloads.transformer", "summary"),
                           on_demand(".workloads.transformer", "summary_share"))}


def build_graph(scenario: Scenario, machine: Machine) -> TaskGraph:
    rng = np.random.default_rng(scenario.seed)
    return module_for(scenario.workload.kind).build(scenario.workload, machine, rng)


def estimate(scenario: Scenario, machine: Machine | None = None,
             graph: TaskGraph | None = None) -> size_guard.Estimate:
    """The size guard's estimate of the run (size_guard.graph_estimate); builds the
    machine and the graph unless given."""
    kind = scenario.workload.kind
    if kind in RUNNERS:                         # its own pipeline: the runs it lists (a
        parts = PARTS[kind](scenario) if kind in PARTS else []  # program is only watched)
        return sum((_graph_estimate(m, g) for m, g in parts), size_guard.Estimate({}, {}))
    machine = machine or Machine(scenario.machine)
    graph = graph if graph is not None else build_graph(scenario, machine)
    return _graph_estimate(machine, graph, scenario.schedule)


def _graph_estimate(machine: Machine, graph: TaskGraph, schedule=None) -> size_guard.Estimate:
    sliced = schedule is not None and schedule.policy == "timeslice"
    return size_guard.graph_estimate(graph, machine.cores,
                                     compute_times(machine, graph) if sliced else None,
                                     schedule.quantum_s if sliced else None,
                                     len(graph.msg_src) > 0 and links_shared(machine, graph))


def check_run(scenario: Scenario, limit_s: float = size_guard.MAX_RUN_S,
              machine: Machine | None = None, graph: TaskGraph | None = None
              ) -> size_guard.Estimate:
    """The estimate, or size_guard.RunTooLong when it is over `limit_s`."""
    est = estimate(scenario, machine, graph)
    size_guard.refuse(est, limit_s)
    return est


def check_runs(scenarios: list[Scenario], limit_s: float = size_guard.MAX_RUN_S,
               what: str = "sweep") -> size_guard.Estimate:
    """A sweep's or a comparison's runs: the costliest of the first and last times
    their number (a grid grows towards its end), or size_guard.RunTooLong."""
    sample = [scenarios[0], scenarios[-1]] if len(scenarios) > 1 else scenarios
    est = max((estimate(sc) for sc in sample), key=lambda e: e.seconds) * len(scenarios)
    size_guard.refuse(est, limit_s, what if len(scenarios) > 1 else "run")
    return est


def one_core(spec: MachineSpec) -> MachineSpec:
    """The same machine cut down to one node with one core (the speedup baseline); on a
    heterogeneous machine one core of its first CPU group, no devices."""
    cpu = [dataclasses.replace(spec.cpu[0], count=1)] if spec.cpu else None
    return dataclasses.replace(spec, nodes=1, cores=1, cpu=cpu, device=None)


def on_one_core(scenario: Scenario, graph: TaskGraph) -> tuple[Machine, TaskGraph]:
    """The baseline's machine (one_core) and the graph with every task on its core."""
    g = dataclasses.replace(graph, owner=np.where(graph.owner >= 0, 0, -1).astype(np.int32),
                            where=None, block=None, dep_bytes=None)
    return Machine(one_core(scenario.machine)), g


def serial_time(scenario: Scenario, graph: TaskGraph,
                progress: Callable[[float], None] | None = None,
                cancel: Callable[[], bool] | None = None) -> float:
    """Makespan of the same graph on one core of the same machine: by formula where it
    is exact (serial.exact), else simulated."""
    machine, g = on_one_core(scenario, graph)
    if serial.exact(machine, g):
        return serial.one_core_makespan(machine, g)
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
    The cyclic garbage collector is held off meanwhile (engine/gc_hold.py): the graph,
    the engine and the analysis build as many containers as the run has tasks, and the
    collector's passes over all of them grew faster than the run. So is numpy's request
    for huge pages (engine/page_hold.py): clearing them cost more than they saved.
    """
    runner = RUNNERS.get(scenario.workload.kind)
    if runner is not None:                      # a workload with its own pipeline
        if limit_s is not None:
            check_run(scenario, limit_s)
            progress, cancel = size_guard.watch(limit_s, progress, cancel)
        return runner(scenario, progress, cancel)
    with held(), small_pages():
        return _simulate(scenario, progress, cancel, baseline, serial_s, limit_s)


def _simulate(scenario: Scenario, progress: Callable[[float], None] | None,
              cancel: Callable[[], bool] | None, baseline: bool, serial_s: float | None,
              limit_s: float | None) -> Run:
    """simulate() of a task-graph workload (no runner of its own)."""
    machine = Machine(scenario.machine)
    graph = build_graph(scenario, machine)
    if limit_s is not None:                     # the clock starts with the engine
        check_run(scenario, limit_s, machine, graph)
        progress, cancel = size_guard.watch(limit_s, progress, cancel)
    baseline = baseline and serial_s is None
    if baseline:
        one, g1 = on_one_core(scenario, graph)
        if serial.exact(one, g1):                  # by formula: no second run
            serial_s, baseline = serial.one_core_makespan(one, g1), False
    figures = FIGURES.get(scenario.workload.kind)
    tail = figures.share(scenario.workload) if figures else 0.0   # progress its figures take
    share = (0.6 if baseline else 1.0) * (1 - tail)
    main_progress = (lambda f: progress(share * f)) if progress else None
    engine = make_engine(machine, graph, scenario.schedule, progress=main_progress,
                         cancel=cancel)
    makespan, trace = engine.run()
    t1 = serial_s
    if baseline:
        base_progress = (lambda f: progress(share + (1 - tail - share) * f)) if progress else None
        t1 = serial_time(scenario, graph, base_progress, cancel)
    net = getattr(engine, "net", None)         # the message layer, when the graph has messages
    summary = summarize(trace, makespan, machine, machine.pes, graph, t1,
                        net.critical_path() if net is not None else None)
    if net is not None:
        summary.update(net.summary(makespan))
    extras = observe(scenario.machine, machine, trace, makespan, summary)
    g = engine.g                               # with its program order, when it has messages
    sent = arrival = None
    if net is not None:
        sent, arrival = np.asarray(net.sent_at), np.asarray(net.arrival)
        extras["messages"] = {"sent_s": sent, "arrival_s": arrival}
    extras["critical_path"] = critical_path(trace, g.n, g.dep_ptr, g.dep_idx, g.msg_src,
                                            g.msg_dst, sent, arrival)
    summary["critical_path_dominant"] = extras["critical_path"]["dominant"]
    if has_io(graph):
        extras["io"] = engine.io_intervals()
    if hasattr(engine, "copy_rows"):           # heterogeneous: copies over the links
        extras.update(hetero_extras(machine, engine.copy_rows()))
        summary.update(unit_summary(machine, trace, makespan, extras["copies"]))
    if machine.hetero:     # T1 is one core of the first CPU group: S / P mixes unlike units
        summary.update(parallel_efficiency=None, karp_flatt=None)
    if is_layered(graph):
        extras["layers"] = layer_rows(trace, graph.names)
    if figures is not None:                     # a workload's own figures (HPL's Rmax)
        summary.update(figures.compute(scenario.workload, machine, graph, makespan, scenario.schedule,
                             (lambda f: progress(1 - tail + tail * f)) if progress else None,
                             cancel))
    if progress:
        progress(1.0)
    return Run(scenario, trace, MappingProxyType(summary), machine.nodes, machine.cores,
               graph.names, frozen(extras))


