"""A finished run: its scenario, its trace and its summary. Immutable.

The GUI animates a Run; the CLI prints and exports it. `Run.from_trace_csv` rebuilds a
run from a saved trace alone: what the trace determines is recomputed (the metrics,
concurrency and parallelism with their series in extras, exactly as a simulated run
has them); with no scenario, speedup, peak, power and energy are unknown and left out,
and so are the I/O intervals of a time-sliced run (not on any PE's row).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypedDict, cast

from .analysis.metrics import summarize
from .analysis.observe import observe
from .io import session, trace_csv
from .io.files import write_atomic
from .io.summary_json import to_jsonable
from .scenario import Scenario
from .scenario import dumps as scenario_dumps
from .scenario import loads as scenario_loads
from .trace import Trace, cores_per_node


class RunExtras(TypedDict, total=False):
    """What a run carries beside its summary (read-only; each key's producer named)."""

    concurrency: dict          # {"t_s", "concurrency", "parallelism"}: analysis/concurrency
    roofline: dict             # ceilings (given a machine) and per-task points: analysis/roofline
    power: dict                # power over time: analysis/power ([machine.power])
    io: dict                   # {"task", "start_s", "end_s"} I/O waits: engine/timeslice
    layers: tuple              # LayerRow per layer (tasks named `layer @ tag`): analysis/layers
    pe_names: list[str]        # row labels where PEs are not plain cores: machine/groups
    kind_names: dict[str, str]  # legend text where a span kind means more: machine/groups
    copies: dict               # {"node", "src", "dst", "start_s", "end_s", "bytes", "task"}
                               # copies between memories: engine/hetero (copy_rows)
    messages: dict             # {"sent_s", "arrival_s"} per message: engine/transport
    critical_path: dict        # tasks, messages, time per resource: analysis/critical
    program: dict              # {"file", "source", "ranks", "threads"}: runners/program
    nic: dict                  # NIC busy time per message between nodes (LogGOPS): analysis/nic
    threads: dict              # a program's tasks: its threads' lifetimes and computes:
                               # programs/reports (threads_table), programs/goal


def frozen(extras: Mapping[str, Any]) -> RunExtras:
    """The extras as a read-only mapping, typed as RunExtras."""
    return cast(RunExtras, MappingProxyType(dict(extras)))


@dataclass(frozen=True, eq=False)
class Run:
    scenario: Scenario | None
    trace: Trace
    summary: MappingProxyType
    nodes: int
    cores: int
    task_names: tuple[str, ...] | None = None
    extras: RunExtras = field(default_factory=lambda: frozen({}))

    def __post_init__(self):
        undeclared = set(self.extras) - set(RunExtras.__annotations__)
        if undeclared:
            raise TypeError(f"Run.extras keys not declared in RunExtras: {sorted(undeclared)}")

    @property
    def pes(self) -> int:
        return self.nodes * self.cores

    @property
    def makespan(self) -> float:
        return float(self.summary["makespan_s"])

    def summary_json(self) -> str:
        return json.dumps(to_jsonable(dict(self.summary)), indent=2, sort_keys=True) + "\n"

    def write_summary(self, path: str | os.PathLike) -> None:
        write_atomic(path, self.summary_json())

    def write_csv(self, path: str | os.PathLike) -> None:
        trace_csv.write_csv(self.trace, path, self.task_names)

    def to_session(self, **state) -> session.Session:
        """This run as a session (sim.io.session); `state`: source, bookmarks, view."""
        sc = self.scenario
        return session.Session(
            self.trace, dict(self.summary), self.nodes, self.cores, self.task_names,
            dict(self.extras), scenario_dumps(sc) if sc is not None else None,
            lesson={"name": sc.name, "explain": sc.explain} if sc is not None else None,
            **state)

    @classmethod
    def from_session(cls, s: session.Session) -> Run:
        """The run a session file holds (its scenario validated as any scenario is)."""
        sc = scenario_loads(s.scenario_toml) if s.scenario_toml is not None else None
        known = {k: v for k, v in s.extras.items() if k in RunExtras.__annotations__}
        return cls(sc, s.trace, MappingProxyType(s.summary), s.nodes, s.cores, s.task_names,
                   frozen(known))

    @classmethod
    def from_trace_csv(cls, path: str | os.PathLike) -> Run:
        """A run rebuilt from a trace CSV: PEs and nodes from its columns."""
        trace = trace_csv.read_csv(path)
        return cls.from_trace(trace)

    @classmethod
    def from_trace(cls, trace: Trace) -> Run:
        nodes = int(trace.node.max()) + 1 if len(trace) else 1
        cores = cores_per_node(trace.pe, trace.node, trace.core)
        makespan = float(trace.end_s.max()) if len(trace) else 0.0
        summary = summarize(trace, makespan, None, nodes * cores)
        extras = observe(None, None, trace, makespan, summary)
        return cls(None, trace, MappingProxyType(summary), nodes, cores,
                   extras=frozen(extras))


