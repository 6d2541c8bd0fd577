"""scenario -> Run: build the machine and the task graph, run the engine, summarise.

The speedup baseline is measured, not assumed: the same task graph is simulated again
on one core of the same machine (no trace recorded), and T1 is that run's makespan.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import MappingProxyType

import numpy as np

from .engine import Engine
from .machine import Machine, MachineSpec
from .metrics import summarize
from .run import Run
from .scenario import Scenario
from .taskgraph import TaskGraph
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
    makespan, _ = Engine(machine, g, "dynamic", record=False, progress=progress,
                         cancel=cancel).run()
    return makespan


def simulate(scenario: Scenario, progress: Callable[[float], None] | None = None,
             cancel: Callable[[], bool] | None = None, baseline: bool = True) -> Run:
    """Run a scenario to completion. Same scenario, same seed -> identical trace.

    `progress(fraction)` is called now and then; `cancel()` returning True stops the
    run with engine.Cancelled. `baseline=False` skips the one-core run (no speedup).
    """
    own = getattr(module_for(scenario.workload.kind), "simulate", None)
    if own is not None:                         # a workload with its own model (offload)
        return own(scenario, progress, cancel, baseline)
    machine = Machine(scenario.machine)
    graph = build_graph(scenario, machine)
    share = 0.6 if baseline else 1.0
    main_progress = (lambda f: progress(share * f)) if progress else None
    makespan, trace = Engine(machine, graph, scenario.schedule.policy,
                             progress=main_progress, cancel=cancel).run()
    serial = None
    if baseline:
        base_progress = (lambda f: progress(share + (1 - share) * f)) if progress else None
        serial = serial_time(scenario, graph, base_progress, cancel)
    if progress:
        progress(1.0)
    summary = summarize(trace, makespan, machine, machine.pes, graph, serial)
    extra = getattr(module_for(scenario.workload.kind), "summary", None)
    if extra is not None:                       # a workload's own figures (e.g. HPL's Rmax)
        summary.update(extra(scenario.workload, machine, graph, makespan))
    return Run(scenario, trace, MappingProxyType(summary), machine.nodes, machine.cores,
               graph.names)
