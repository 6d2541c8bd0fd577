"""Parameter sweeps: run a scenario over a grid of settings and fit the scaling laws.

    grid = parse_vary(["machine.cores=1,2,4,8,16"])      # {"machine.cores": [1, 2, 4, 8, 16]}
    result = run_sweep(scenario, grid, mode="strong")   # SweepResult: rows + fits

The grid is the Cartesian product of the varied settings, the first one outermost;
rows come back in grid order whichever executor ran them. Every point is validated
before anything runs, so a bad key or value fails at once, naming it.

- strong: the problem stays as the scenario gives it; speedup S = T1 / TP.
- weak: the problem grows with the PE count P = nodes x cores: the workload's
  `Params.scaled(factor)` with factor = P / P0, P0 the sweep's smallest P (the scenario
  states the problem for P0). S is then the scaled speedup T1(W_P) / TP(W_P).

T1 (one core, same graph) is simulated once per distinct graph and machine and shared
by the runs that have the same: a sweep over cores simulates one baseline, not one
per point (the key is the graph's content, so a workload that builds a different
graph for other PE counts still gets its own baseline). The executor runs three
rounds: the keys (graph digests), the distinct baselines, then the points.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import itertools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from .. import scenario as scenario_mod
from .. import spec
from ..analysis import fits as fits_mod
from ..errors import ScenarioError
from ..io.files import write_atomic
from ..machine.machine import Machine
from ..scenario import Scenario
from ..simulate import build_graph, check_runs, one_core, serial_time, simulate
from ..workloads.base import has_weak_rule
from .backends import SerialExecutor

MODES = ("strong", "weak")
PE_KEYS = ("machine.nodes", "machine.cores")
MAX_POINTS = 10_000


def parse_vary(items: Sequence[str]) -> dict[str, list]:
    """`["key=v1,v2,...", ...]` -> {key: [values]} (values parsed as TOML scalars)."""
    grid: dict[str, list] = {}
    for item in items:
        key, sep, values = item.partition("=")
        key = key.strip()
        if not sep or not key or not values.strip():
            raise ScenarioError(f"--vary expects KEY=V1,V2,..., got {item!r}")
        if key in grid:
            raise ScenarioError(f"--vary {key} is given twice")
        parts = [v.strip() for v in values.split(",")]
        if any(not v for v in parts):
            raise ScenarioError(f"--vary {key}: empty value in {values!r}")
        grid[key] = [scenario_mod.parse_value(v) for v in parts]
    return grid


def _check_key(data: dict, key: str) -> None:
    node: Any = data
    parts = key.split(".")
    for i, part in enumerate(parts):
        if not isinstance(node, dict) or part not in node:
            where = ".".join(parts[:i]) or "the scenario"
            known = ", ".join(sorted(node)) if isinstance(node, dict) else "nothing"
            raise ScenarioError(f"--vary {key}: no such setting ({where} has: {known})", key)
        node = node[part]
    if isinstance(node, dict):
        raise ScenarioError(f"--vary {key}: is a table, not a setting", key)
    if key == "workload.kind":
        raise ScenarioError("--vary workload.kind: cannot vary the workload kind (its "
                            "settings differ); sweep each kind separately", key)


def _set(data: dict, key: str, value: Any) -> None:
    *tables, last = key.split(".")
    for part in tables:
        data = data[part]
    data[last] = value


def _pes(sc: Scenario) -> int:
    """PEs of the scenario's machine (every unit of a heterogeneous one)."""
    return Machine(sc.machine).pes


def expand(scenario: Scenario, grid: Mapping[str, Sequence], mode: str = "strong"
           ) -> tuple[list[dict], list[Scenario], list[float]]:
    """The grid's points (varied values), their validated scenarios and weak-scaling
    factors (1.0 in strong mode). Raises ScenarioError naming a bad key or value."""
    if mode not in MODES:
        raise ScenarioError(f"--mode must be one of {', '.join(MODES)}, got {mode!r}")
    if not grid:
        raise ScenarioError("a sweep needs at least one --vary KEY=V1,V2,...")
    base = scenario_mod.to_dict(scenario)
    for key in grid:
        _check_key(base, key)
    count = int(np.prod([len(v) for v in grid.values()]))
    if count > MAX_POINTS:
        raise ScenarioError(f"--vary gives a grid of {count:,} points (limit {MAX_POINTS:,}): "
                            f"give fewer values to --vary", "--vary")
    points, scenarios = [], []
    for values in itertools.product(*grid.values()):
        point = dict(zip(grid, values))
        data = scenario_mod.to_dict(scenario)
        for key, value in point.items():
            _set(data, key, value)
        try:
            scenarios.append(scenario_mod.from_dict(data))
        except ScenarioError as exc:
            shown = ", ".join(f"{k}={v!r}" for k, v in point.items())
            raise ScenarioError(f"--vary point {shown}: {exc}", exc.path) from None
        points.append(point)
    factors = [1.0] * len(points)
    if mode == "weak":
        scenarios, factors = _grow(scenarios, grid)
    return points, scenarios, factors


def _grow(scenarios: list[Scenario], grid: Mapping
          ) -> tuple[list[Scenario], list[float]]:
    if not any(k in grid for k in PE_KEYS):
        raise ScenarioError("--mode weak grows the problem with the PE count: vary "
                            "machine.cores or machine.nodes")
    kind = scenarios[0].workload.kind
    workload = scenarios[0].workload
    if not has_weak_rule(workload):
        why = workload.no_weak_rule if hasattr(workload, "no_weak_rule") \
            else "its Params has no scaled(factor)"
        raise ScenarioError(f"--mode weak: workload kind {kind!r} has no weak-scaling rule "
                            f"({why}); use --mode strong", "workload.kind")
    p0 = min(_pes(sc) for sc in scenarios)
    grown, factors = [], []
    for sc in scenarios:
        factor = _pes(sc) / p0
        data = scenario_mod.to_dict(sc)
        data["workload"] = {"kind": kind,
                            **spec.to_dict(sc.workload.scaled(factor))}
        try:
            grown.append(scenario_mod.from_dict(data))
        except ScenarioError as exc:
            raise ScenarioError(f"--mode weak at {_pes(sc)} PEs (problem x{factor:g}): "
                                f"{exc}", exc.path) from None
        factors.append(factor)
    return grown, factors


def baseline_key(sc: Scenario) -> str:
    """Digest of what T1 depends on: the scenario with its machine cut to one core,
    and the content of its task graph (names aside)."""
    if _graphless(sc):
        return "graphless"
    h = hashlib.sha256(repr(dataclasses.replace(sc, machine=one_core(sc.machine))).encode())
    graph = build_graph(sc, Machine(sc.machine))
    for f in dataclasses.fields(graph):
        value = getattr(graph, f.name)
        if f.name == "names":
            continue
        if isinstance(value, np.ndarray):
            h.update(f"{f.name}{value.dtype}{value.shape}".encode())
            h.update(np.ascontiguousarray(value).tobytes())
        else:
            h.update(f"{f.name}={value!r}".encode())
    return h.hexdigest()


def key_job(sc: Scenario, cancel: Callable[[], bool] | None = None) -> str:
    """Top-level worker: baseline_key, on the executor (building graphs takes time)."""
    return baseline_key(sc)


def baseline_job(sc: Scenario, cancel: Callable[[], bool] | None = None) -> float | None:
    """Top-level worker: T1 of a scenario (picklable, runs in any process); None for a
    program or schedule (no task graph to run on one core)."""
    if _graphless(sc):
        return None
    return serial_time(sc, build_graph(sc, Machine(sc.machine)), cancel=cancel)


def _graphless(sc: Scenario) -> bool:
    """A user program or GOAL schedule: it runs as written, there is no graph."""
    return bool(getattr(type(sc.workload), "graphless", False))


def point_job(job: tuple[Scenario, float], cancel: Callable[[], bool] | None = None) -> dict:
    """Top-level worker: simulate one point with its shared T1; returns its summary."""
    sc, serial_s = job
    return dict(simulate(sc, cancel=cancel, serial_s=serial_s).summary)


@dataclass(frozen=True)
class Series:
    """The points that differ only in their PE count, with the fits over them."""

    label: Mapping              # the non-PE varied settings shared by these points
    rows: tuple[int, ...]       # indices into SweepResult.rows, in grid order
    pes: np.ndarray
    speedup: np.ndarray         # NaN where unknown
    karp_flatt: np.ndarray      # per point, NaN at P = 1 and throughout a weak sweep
    fit: fits_mod.Fit | None    # Amdahl (strong) or Gustafson (weak); None without P > 1


@dataclass(frozen=True)
class SweepResult:
    """Rows in grid order: each the varied settings (dotted keys), `scale` (the weak
    scaling factor) and every summary key of that run."""

    mode: str
    keys: tuple[str, ...]
    rows: tuple[Mapping, ...]
    series: tuple[Series, ...]

    def records(self) -> list[dict]:
        return [dict(r) for r in self.rows]

    def column(self, name: str) -> np.ndarray:
        """One column as floats (NaN where a row has None)."""
        return np.array([np.nan if r.get(name) is None else r[name] for r in self.rows],
                        dtype=float)

    def columns(self) -> list[str]:
        """CSV column order: varied settings, scale, then the summary keys."""
        names = list(self.keys) + ["scale"]
        for row in self.rows:
            names += [k for k in row if k not in names]
        return names

    def to_csv_text(self) -> str:
        """One row per run; None is an empty cell, a list (warnings) one cell joined by '; '."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        names = self.columns()
        writer.writerow(names)
        for row in self.rows:
            writer.writerow([_cell(row.get(k)) for k in names])
        return buf.getvalue()

    def write_csv(self, path: str | os.PathLike) -> None:
        write_atomic(path, self.to_csv_text())


def _cell(value) -> object:
    if value is None:
        return ""
    return "; ".join(map(str, value)) if isinstance(value, (list, tuple)) else value


def _series(mode: str, keys: Sequence[str], rows: Sequence[Mapping]) -> tuple[Series, ...]:
    if not any(k in PE_KEYS for k in keys):
        return ()
    others = [k for k in keys if k not in PE_KEYS]
    groups: dict[tuple, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(tuple(repr(row[k]) for k in others), []).append(i)
    law = fits_mod.amdahl_fit if mode == "strong" else fits_mod.gustafson_fit
    out = []
    for idx in groups.values():
        pes = np.array([rows[i]["pes"] for i in idx], dtype=float)
        speedup = np.array([np.nan if rows[i]["speedup"] is None else rows[i]["speedup"]
                            for i in idx], dtype=float)
        out.append(Series(MappingProxyType({k: rows[idx[0]][k] for k in others}), tuple(idx),
                          pes, speedup, fits_mod.karp_flatt(pes, speedup) if mode == "strong"
                          else np.full(len(pes), np.nan),      # e assumes a fixed problem
                          law(pes, speedup)))
    return tuple(out)


def run_sweep(scenario: Scenario, grid: Mapping[str, Sequence], mode: str = "strong",
              executor=None, progress: Callable[[int, int], None] | None = None,
              cancel: Callable[[], bool] | None = None,
              limit_s: float | None = None) -> SweepResult:
    """Run every grid point on `executor` (default: in this process) and fit the laws.

    `progress(done, total)` counts finished simulations (the shared baselines first);
    `cancel()` returning True stops the sweep with engine.Cancelled. `limit_s`: refuse
    a sweep the size guard estimates to take longer (size_guard.RunTooLong).
    """
    points, scenarios, factors = expand(scenario, grid, mode)
    if limit_s is not None:
        check_runs(scenarios, limit_s)
    ex = executor or SerialExecutor()
    keys = ex.map(key_job, scenarios, None, cancel)
    first = list(dict.fromkeys(keys))
    jobs = [scenarios[keys.index(k)] for k in first]
    total = len(jobs) + len(scenarios)
    count = [0]

    def done() -> None:
        count[0] += 1
        if progress:
            progress(count[0], total)

    if progress:
        progress(0, total)
    serial = dict(zip(first, ex.map(baseline_job, jobs, done, cancel)))
    summaries = ex.map(point_job, [(sc, serial[k]) for sc, k in zip(scenarios, keys)],
                       done, cancel)
    rows = tuple(MappingProxyType({**point, "scale": factor, **summary})
                 for point, factor, summary in zip(points, factors, summaries))
    return SweepResult(mode, tuple(grid), rows, _series(mode, list(grid), rows))
