"""Refuse or question runs too large to simulate interactively.

Two guards:

- at validation, `check(params, pes)`: a workload of more than MAX_TASKS tasks is
  refused outright (its graph alone would take gigabytes); a scenario file over
  MAX_FILE_BYTES is refused before it is parsed (`check_file`).
- before a run, `graph_estimate(...)`: the wall time from the events the run will
  process, not just its tasks, at the per-kind costs in COST_US. simulate.check_run /
  check_runs (a sweep's or a comparison's runs) refuse an estimate over MAX_RUN_S with the
  estimate and a suggestion; the CLI's `--yes` skips them; the app asks instead
  above ASK_ABOVE_S.
- during a run, `Watchdog`: some costs grow faster than the estimate (messages whose
  flows share links with many others), so a run on course, at its rate since its
  first progress report, to take over WATCH_FACTOR times the limit is stopped with
  its projection.

COST_US (the one place they are stored) are microseconds of CPU time per event for the
main run and its one-core baseline together, measured by `python benchmarks/task_cost.py
--events` and checked with `--presets` (the estimate beside the actual time of presets
scaled up; target within 2x, last set in round 2, session 4, when same-time task ends
began to share one event: estimates 0.88-1.74x the CPU time). The kinds of event:

    task           a compute-only task
    dependency     a dependency between tasks (releasing it; the graph's build and
                   its longest path walk it too)
    memory_task    a task moving memory, plus memory_share for each core beyond
                   SHARED_FREE sharing its node's memory
    message        a message (its send, the flow on its route, its receive)
    message_share  for each message, each other one in flight with it, when their
                   routes share links (program_order.links_shared): the fluid model
                   recomputes the rates of the whole group at each start and end.
                   In flight together: the messages over the rounds (the most sending
                   tasks on one PE)
    slice          a time slice beyond a task's first (timeslice)
    io_wait        an I/O wait (a burst and the wait)
    run            a run's fixed cost (summary, series, roofline)

Message-passing workloads with ranks = 0 run one rank per PE, so their task count is
only known once the machine is: `tasks_on(params, pes)` counts with ranks = pes.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable

import numpy as np

from .errors import ScenarioError

MAX_TASKS = 10_000_000          # about a minute of simulation compute-only (MAX_RUN_S)
MAX_RUN_S = 60.0
ASK_ABOVE_S = 10.0                # the app asks before a run or sweep estimated longer
MAX_FILE_BYTES = 4 << 20          # parsed and checked at about 0.6 MB a second
COST_US = {"task": 2.5, "dependency": 3.5, "memory_task": 9.0, "memory_share": 0.45, "message": 9.0,
           "message_share": 0.3, "slice": 6.0, "io_wait": 9.0, "run": 5000.0}
WATCH_AFTER_S = 3.0
WATCH_FACTOR = 2.0                # the watchdog stops a run projected over this x the limit
SHARED_FREE = 8                   # cores sharing a node's memory at no extra cost

FIXES = {"task": "fewer, larger tasks (a larger tile, fewer chunks, repeats or steps)",
         "dependency": "fewer, larger tasks (fewer dependencies)",
         "memory_task": "fewer tasks or fewer cores per node (machine.cores)",
         "message": "fewer nodes, ranks or iterations (fewer messages)",
         "message_share": "blocking sends, a topology with separate links (torus2d) or "
                          "fewer nodes (fewer messages in flight together)",
         "slice": "a longer schedule.quantum_s", "io_wait": "fewer workload.io_waits",
         "run": "fewer --vary values"}
LABELS = {"task": "tasks", "dependency": "dependencies", "memory_task": "memory flows",
          "message": "messages",
          "message_share": "message pairs sharing links",
          "slice": "time slices", "io_wait": "I/O waits", "run": "runs"}


class RunTooLong(ScenarioError):
    """The estimated wall time is over the limit; the message gives it and a fix."""


@dataclasses.dataclass(frozen=True)
class Estimate:
    """Events by kind (COST_US keys) and the seconds of wall time each kind costs."""

    events: dict
    costs: dict

    @property
    def seconds(self) -> float:
        return sum(self.costs.values())

    def __add__(self, other: Estimate) -> Estimate:
        keys = dict.fromkeys([*self.events, *other.events])
        return Estimate({k: self.events.get(k, 0) + other.events.get(k, 0) for k in keys},
                        {k: self.costs.get(k, 0.0) + other.costs.get(k, 0.0) for k in keys})

    def __mul__(self, k: int) -> Estimate:
        return Estimate({e: n * k for e, n in self.events.items()},
                        {e: s * k for e, s in self.costs.items()})

    def fix(self) -> str:
        """How to shrink the run: the advice for its costliest kind of event."""
        return FIXES[max(self.costs, key=lambda k: self.costs[k])]

    def describe(self) -> str:
        """'about 45 s to simulate (999,999 tasks, 999,999 memory flows)'."""
        parts = ", ".join(f"{int(n):,} {LABELS[k]}" for k, n in self.events.items()
                          if n and not (k == "run" and n == 1))
        return f"about {self.seconds:,.0f} s to simulate ({parts})"


def tasks_on(params, pes: int) -> int:
    """The workload's task estimate on a machine of `pes` PEs (ranks 0 = one per PE)."""
    if getattr(params, "ranks", None) == 0:
        params = dataclasses.replace(params, ranks=pes)
    return params.tasks_estimate()


def check(params, pes: int) -> None:
    """ScenarioError (path `workload`) when the run would exceed MAX_TASKS tasks."""
    n = tasks_on(params, pes)
    if n > MAX_TASKS:
        raise ScenarioError(
            f"workload would create {n:,} tasks on {pes:,} PEs, about "
            f"{n * COST_US['task'] * 1e-6:,.0f} s to simulate or more (limit {MAX_TASKS:,} "
            f"tasks); use fewer, larger tasks (a larger tile, fewer chunks, repeats or "
            f"steps) or fewer ranks or nodes", "workload")


def check_file(path: str | os.PathLike) -> None:
    """ScenarioError before parsing a scenario file over MAX_FILE_BYTES (a preset inside
    a package archive, not a path, is not checked)."""
    if not isinstance(path, (str, os.PathLike)):
        return
    size = os.path.getsize(path)
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            f"scenario file is {size / 2 ** 20:,.1f} MB, more than the "
            f"{MAX_FILE_BYTES >> 20} MB that load in seconds (this one would take about "
            f"{size / 0.6e6:,.0f} s to parse and check); list fewer, larger tasks")


def in_flight(graph) -> float:
    """Messages in flight together: all of them over the rounds, the most sending tasks
    owned by one PE (every sending task when none is owned)."""
    senders = np.unique(graph.msg_src)
    owner = graph.owner[senders]
    owned = owner[owner >= 0]
    rounds = int(np.bincount(owned).max()) if len(owned) else len(senders)
    return len(graph.msg_src) / max(rounds, 1)


def graph_estimate(graph, cores: int, ctime: np.ndarray | None = None,
                   quantum_s: float | None = None, links_shared: bool = False) -> Estimate:
    """Events of running `graph` (with its one-core baseline) on nodes of `cores`
    cores; with `ctime` (each task's seconds of arithmetic) and `quantum_s`, time
    sliced; `links_shared`: messages in flight together share links (message_share)."""
    mem = int(np.count_nonzero(graph.bytes > 0))
    msgs = len(graph.msg_src)
    events = {"task": graph.n - mem, "dependency": len(graph.dep_idx), "memory_task": mem,
              "message": msgs}
    if links_shared and msgs:
        events["message_share"] = int(msgs * (in_flight(graph) - 1))
    if ctime is not None and quantum_s is not None and graph.n:
        with np.errstate(over="ignore"):
            slices = np.ceil(ctime / quantum_s)
        events["slice"] = float(np.sum(np.maximum(slices, 1.0))) - graph.n
    if graph.io_count is not None:
        events["io_wait"] = int(np.sum(graph.io_count, dtype=np.int64))
    events["run"] = 1
    costs = {k: n * COST_US[k] * 1e-6 for k, n in events.items()}
    costs["memory_task"] += mem * 1e-6 * COST_US["memory_share"] * max(
        0, min(cores, mem) - SHARED_FREE)
    return Estimate(events, costs)


def refuse(est: Estimate, limit_s: float, what: str = "run") -> None:
    """RunTooLong when `est` is over `limit_s`, with the estimate and the fix."""
    if est.seconds > limit_s:
        fix = est.fix()
        if what != "run" and fix != FIXES["run"]:
            fix = f"{FIXES['run']} or {fix}"
        raise RunTooLong(f"this {what} would take {est.describe()}, over the {limit_s:.0f} s "
                         f"limit; use {fix}, or pass --yes to run it anyway", "workload")


def add_yes_option(parser) -> None:
    """The CLI's `--yes`: run even when the guard's estimate is over MAX_RUN_S."""
    parser.add_argument("--yes", action="store_true",
                        help=f"run even when the size guard estimates more than "
                             f"{MAX_RUN_S:.0f} s of simulation")


def limit_for(args) -> float | None:
    """The time limit for a CLI command: MAX_RUN_S, None with --yes."""
    return None if args.yes else MAX_RUN_S


def watch(limit_s: float, progress: Callable[[float], None] | None = None,
          cancel: Callable[[], bool] | None = None) -> tuple[Callable, Callable]:
    """(progress, cancel) callbacks of a Watchdog started now."""
    dog = Watchdog(limit_s, progress, cancel)
    return dog.progress, dog.cancel


class Watchdog:
    """Progress and cancel callbacks for a run that raise RunTooLong once, more than
    WATCH_AFTER_S seconds after the first progress report, the time so far plus the
    rest at the rate since that report (building the graph and the engine before it is
    not the run's rate) projects more than WATCH_FACTOR x `limit_s`; they pass on to
    the caller's `progress` and `cancel`. Seconds of CPU time, as COST_US: a machine
    busy with other work slows a run without stopping it."""

    def __init__(self, limit_s: float, progress: Callable[[float], None] | None = None,
                 cancel: Callable[[], bool] | None = None):
        self.limit_s, self._progress, self._cancel = limit_s, progress, cancel
        self.t0, self.fraction = time.process_time(), 0.0
        self.first: tuple[float, float] | None = None     # (time, fraction) of the first report

    def progress(self, fraction: float) -> None:
        if self.first is None and fraction > 0:
            self.first = (time.process_time(), fraction)
        self.fraction = fraction
        if self._progress is not None:
            self._progress(fraction)

    def cancel(self) -> bool:
        now = time.process_time()
        if self.first is not None and now - self.first[0] > WATCH_AFTER_S \
                and self.fraction > self.first[1]:
            rate = (self.fraction - self.first[1]) / (now - self.first[0])
            elapsed = now - self.t0
            projected = elapsed + (1 - self.fraction) / rate
            if projected > WATCH_FACTOR * self.limit_s:
                raise RunTooLong(
                    f"this run is {100 * self.fraction:.1f} % done after {elapsed:.0f} s, "
                    f"on course for about {projected:,.0f} s (limit {self.limit_s:.0f} s); "
                    f"use fewer nodes, fewer messages or fewer tasks, or pass --yes to run "
                    f"it anyway", "workload")
        return self._cancel is not None and self._cancel()
