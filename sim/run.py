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
from dataclasses import dataclass, field
from types import MappingProxyType

from .analysis.concurrency import concurrency_series, concurrency_summary
from .analysis.metrics import summarize
from .io import session, trace_csv
from .io.files import write_atomic
from .io.summary_json import to_jsonable
from .scenario import Scenario
from .scenario import dumps as scenario_dumps
from .scenario import loads as scenario_loads
from .trace import Trace, cores_per_node


@dataclass(frozen=True, eq=False)
class Run:
    scenario: Scenario | None
    trace: Trace
    summary: MappingProxyType
    nodes: int
    cores: int
    task_names: tuple[str, ...] | None = None
    extras: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

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
        trace_csv.write_csv(self.trace, path)

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
        return cls(sc, s.trace, MappingProxyType(s.summary), s.nodes, s.cores, s.task_names,
                   MappingProxyType(s.extras))

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
        series = concurrency_series(trace, makespan)
        summary.update(concurrency_summary(series, makespan))
        return cls(None, trace, MappingProxyType(summary), nodes, cores,
                   extras=MappingProxyType({"concurrency": series}))


