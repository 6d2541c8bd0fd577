"""Run a user program (`kind = "program"`) or a GOAL schedule (`kind = "goal"`).

The program's ranks run in sim/programs/executor.py; the Run has the same summary,
concurrency, power and roofline as a built-in workload's, plus the message counts.
There is no measured one-core baseline (a program decides its own work), so speedup
is left out. Task ids in the trace are source lines (`task_names`: "file:line").
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from ..analysis.metrics import summarize
from ..analysis.observe import observe
from ..engine.gc_hold import held
from ..errors import ScenarioError
from ..machine.groups import unit_names
from ..machine.machine import Machine
from ..programs import goal
from ..programs.api import Comm
from ..programs.executor import Executor, cpu_pes
from ..programs.interrupt import interruptible
from ..programs.loader import Labels, load_main, user_error
from ..run import Run, frozen
from ..workloads.program import find


def _layout(machine: Machine, ranks: int, what: str = "workload.ranks") -> int:
    """Threads (PEs) per rank: the CPU cores (programs/executor.py cpu_pes: on a
    heterogeneous machine every CPU core group's cores, not the devices' SMs) shared
    out; ScenarioError when the ranks do not fit."""
    cpus = len(cpu_pes(machine))
    if ranks > cpus:
        kind = " CPU cores" if machine.hetero else " PEs"
        raise ScenarioError(f"{what} ({ranks}) must be at most the machine's {cpus}{kind}",
                            "workload.ranks" if what == "workload.ranks" else "workload.file")
    return cpus // ranks


def run_program(scenario, progress=None, cancel=None) -> Run:
    """The program's run; `cancel()` stops it even in a loop of its own that never
    yields (programs/interrupt.py)."""
    with interruptible(cancel):
        machine, ex, labels = start_program(scenario, cancel)
        return _finish(scenario, machine, ex, labels, progress,
                       find(scenario.workload.file, "workload.file"))


def start_program(scenario, cancel=None) -> tuple[Machine, Executor, Labels]:
    """The machine and an executor with every rank's main started (then ex.run())."""
    p = scenario.workload
    path = str(find(p.file, "workload.file"))
    machine = Machine(scenario.machine)
    ranks = p.ranks or machine.nodes
    threads = _layout(machine, ranks)
    main = load_main(path)
    labels = Labels(path)
    ex = Executor(machine, ranks, threads, labels, cancel)
    defaults = {"precision": p.precision, "vector_fraction": p.vector_fraction}
    for r in range(ranks):
        comm = Comm(ex, r, ranks, 0, defaults, scenario.seed)
        try:
            gen = main(comm, **p.args)
        except Exception as exc:
            raise user_error(exc, r, path) from None
        comm._th = ex.start(gen, r, 0)
    return machine, ex, labels


def run_goal(scenario, progress=None, cancel=None) -> Run:
    """A GOAL schedule's Run. No user code runs, so the cyclic garbage collector is held
    off throughout (engine/gc_hold.py): its passes over the schedule's and the run's
    objects cost more than the run itself on large schedules."""
    path = find(scenario.workload.file, "workload.file")
    with held():
        sched = goal.load(path)
        machine = Machine(scenario.machine)
        labels = Labels(str(path))
        ranks = len(sched.ranks)
        ex = Executor(machine, ranks, _layout(machine, ranks, "the schedule's num_ranks"),
                      labels, cancel)
        goal_ranks = goal.run(ex, sched)
        return _finish(scenario, machine, ex, labels, progress, path,
                       lambda: goal.tasks_table(ex, goal_ranks))


def _finish(scenario, machine, ex: Executor, labels: Labels, progress, path,
            tasks=None) -> Run:
    """The Run; its tasks (concurrency, the Tasks view) are the program's threads
    (`tasks()`: the GOAL schedule's ranks), not the source lines its trace names."""
    makespan = ex.run()
    threads = tasks() if tasks is not None else ex.threads_table()
    trace = ex.trace()
    makespan = max(makespan, float(trace.end_s.max()) if len(trace) else 0.0)
    summary = summarize(trace, makespan, machine, machine.pes, None, None)
    summary.update({"tasks": ex.operations, "messages": ex.messages,
                    "bytes_sent": ex.bytes_sent, "ranks": ex.ranks,
                    "threads_per_rank": ex.threads})
    if ex.links is not None and ex.net is not None and makespan > 0:   # as engine/transport
        use = [b / (c * makespan) for b, c in zip(ex.links.busy_bytes, ex.net.capacity)]
        i = max(range(len(use)), key=use.__getitem__)
        summary.update({"busiest_link_utilisation": use[i], "busiest_link": ex.net.names[i]})
    extras = observe(scenario.machine, machine, trace, makespan, summary,
                     (threads["start_s"], threads["end_s"]), ex.nic_table(), False)
    extras["threads"] = threads
    if machine.hetero:                   # its rows named by core group (devices idle)
        extras["pe_names"] = unit_names(machine.groups, machine.nodes)
    try:
        source = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        source = ""
    extras["program"] = {"file": str(path), "source": source, "ranks": ex.ranks,
                         "threads": ex.threads}
    if progress:
        progress(1.0)
    return Run(scenario, trace, MappingProxyType(summary), machine.nodes, machine.cores,
               tuple(labels.names), frozen(extras))
