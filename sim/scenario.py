"""Scenarios: machine + workload + schedule + options, loaded from and saved to TOML.

    name, description, explain, seed
    [machine]         nodes, cores, freq_ghz, fma_units, simd_bits, dense_efficiency,
                      dense_contention
    [machine.memory]  bandwidth_gbs, core_bandwidth_gbs, latency_ns
    [machine.network] preset, topology, latency_us, hop_latency_us, bandwidth_gbs, ...,
                      intra_latency_us, intra_bandwidth_gbs (messages within a node)
    [machine.accelerator]  optional GPU-like devices per node (sim/accelerator.py)
    machine.preset    a Top500 node (sim/top500.py) filling the machine's fields
    [workload]        kind, then the generator's own parameters
    [schedule]        policy
    [options]         flop_convention
    [view]            how the GUI shows the lesson: tab, centre, sweep, compare_with,
                      group, order
    [[lesson.step]], [[lesson.question]]   a guided lesson (sim/lesson.py)

A workload's unit choices (`where`, ...) must name units the machine has (groups.py
check_where). Validation happens here, once: `load`/`loads`/`from_dict` raise ScenarioError naming
the dotted path and the bad value. `--set a.b=v` overrides are applied to the raw
data before validation, so they are checked like everything else.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import tomli_w

from . import size_guard, spec
from .assets import asset_dir, preset_names  # noqa: F401 - preset_names: part of this API
from .engine.schedule import ScheduleSpec
from .errors import ScenarioError
from .io.files import write_atomic
from .lesson import Lesson
from .machine import top500
from .machine.groups import check_where
from .machine.machine import MachineSpec
from .spec import param
from .trace import MAX_PES
from .units import clip, key_text
from .workloads import KINDS, module_for

LOGGOPS_KINDS = ("program", "goal")     # the workloads with a rendezvous threshold


@dataclass
class Options:
    flop_convention: str = param("flops", choices=("flops", "macs"),
                                 help="Display FLOPs (1 FMA = 2 FLOPs) or MACs (1 FMA = 1)")


VIEW_TABS = ("summary", "concurrency", "power", "utilisation", "roofline", "layers")


@dataclass
class View:
    """How the GUI presents the scenario's lesson; no effect on the simulation."""

    tab: str = param("summary", choices=VIEW_TABS, help="Metrics tab opened with the run")
    centre: str = param("timeline", choices=("timeline", "tasks"),
                        help="Centre tab opened with the run: per-PE timeline or per-task states")
    sweep: str = param("", help="Default Vary text of the Sweep tab (KEY=V1,V2,...)")
    compare_with: str = param("", help="Preset to compare this one with")
    group: str = param("", help="Lesson the preset belongs to (Presets menu group)")
    order: int = param(0, ge=0, le=1000,
                       help="Place in its Presets menu group: lower first, then by name")


@dataclass
class Scenario:
    name: str = param("untitled", help="Short name")
    description: str = param("", help="One line: what this scenario shows")
    explain: str = param("", help="A short lesson shown beside the scenario")
    seed: int = param(1, ge=0, le=2 ** 63 - 1, help="Random seed: same seed, same trace")
    machine: MachineSpec = field(default_factory=MachineSpec)
    workload: Any = None
    schedule: ScheduleSpec = field(default_factory=ScheduleSpec)
    options: Options = field(default_factory=Options)
    view: View = field(default_factory=View)
    lesson: Lesson = field(default_factory=Lesson)

    def replace(self, **changes) -> Scenario:
        return dataclasses.replace(self, **changes)


def _workload_from(data: Any) -> Any:
    if not isinstance(data, dict):
        raise ScenarioError(f"workload must be a table, got {clip(data)}", "workload")
    data = dict(data)
    kind = data.pop("kind", None)
    if kind is None:
        raise ScenarioError(f"workload.kind is required (one of {', '.join(KINDS)})",
                            "workload.kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise ScenarioError(f"workload.kind must be one of {', '.join(KINDS)}, got {clip(kind)}",
                            "workload.kind")
    return spec.from_dict(module_for(kind).Params, data, "workload")


def from_dict(data: dict) -> Scenario:
    """Validate plain data (as parsed from TOML) into a Scenario."""
    if not isinstance(data, dict):
        raise ScenarioError("a scenario must be a table")
    data = dict(data)
    workload = _workload_from(data.pop("workload", {"kind": "matmul"}))
    if isinstance(data.get("machine"), dict) and "preset" in data["machine"]:
        data["machine"] = top500.expand_preset(data["machine"])
    sc = spec.from_dict(Scenario, data)
    m = sc.machine
    pes = m.nodes * (sum(c.count for c in m.cpu) if m.cpu else m.cores) \
        + m.nodes * sum(d.count * d.sms for d in m.device or [])
    if pes > MAX_PES:
        raise ScenarioError(
            f"machine has {pes:,} PEs (nodes x cores), more than the {MAX_PES:,} an event "
            f"simulator can follow; simulate a slice of the machine (fewer nodes)",
            "machine.nodes")
    size_guard.check(workload, pes)
    check_where(m, workload)
    net = sc.machine.network
    if net is not None and net.rendezvous_bytes is not None \
            and workload.kind not in LOGGOPS_KINDS:
        raise ScenarioError(f"machine.network.rendezvous_bytes applies to program and goal "
                            f"workloads only: workload.kind {workload.kind!r} sends "
                            f"blocking (already waiting for delivery) or non-blocking as "
                            f"its algorithm does; remove it, or write the algorithm as a "
                            f"program", "machine.network.rendezvous_bytes")
    return dataclasses.replace(sc, workload=workload)


def to_dict(sc: Scenario) -> dict:
    """Plain data for TOML; `from_dict(to_dict(sc)) == sc`."""
    out = spec.to_dict(dataclasses.replace(sc, workload=None))
    work = {"kind": sc.workload.kind, **spec.to_dict(sc.workload)}
    ordered = {k: out[k] for k in ("name", "description", "explain", "seed")}
    ordered["machine"] = out["machine"]
    ordered["workload"] = work
    ordered["schedule"] = out["schedule"]
    ordered["options"] = out["options"]
    if sc.view != View():
        ordered["view"] = out["view"]
    if sc.lesson:
        ordered["lesson"] = out["lesson"]
    return ordered


def loads(text: str, overrides: Sequence[str] = ()) -> Scenario:
    return from_dict(apply_overrides(spec.parse_toml(text), overrides))


def dumps(sc: Scenario) -> str:
    return tomli_w.dumps(to_dict(sc))


def save(sc: Scenario, path: str | os.PathLike) -> None:
    """Write the scenario as TOML, atomically."""
    write_atomic(path, dumps(sc))


def resolve(name_or_path: str) -> Path | Traversable:
    """A preset name or a path to a TOML file -> the file's path."""
    p = Path(name_or_path)
    if p.suffix == ".toml" or os.sep in name_or_path or p.exists():
        if not p.is_file():
            raise ScenarioError(f"scenario file {clip(name_or_path)} does not exist")
        return p
    preset = asset_dir("scenarios").joinpath(f"{name_or_path}.toml")
    if not preset.is_file():
        raise ScenarioError(f"no preset or file named {clip(name_or_path)} "
                            f"(presets: {', '.join(preset_names())})")
    return preset


def load(name_or_path: str, overrides: Sequence[str] = ()) -> Scenario:
    """Load a preset by name or a TOML file by path, with `key=value` overrides."""
    path = resolve(name_or_path)
    try:
        size_guard.check_file(path)
        text = spec.read_text(path)
    except OSError as exc:
        raise ScenarioError(f"cannot read {clip(str(path))}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ScenarioError(str(exc)) from None
    return loads(text, overrides)


PROGRAM_SUFFIXES = {".py": "program", ".goal": "goal"}


def for_file(path: str, machine: str | Scenario | None,
             overrides: list[str] | None = None) -> Scenario:
    """A scenario running the program (.py) or GOAL schedule (.goal) at `path` on the
    machine of `machine` (a preset, a scenario file or a Scenario), then the overrides."""
    kind = PROGRAM_SUFFIXES.get(Path(path).suffix)
    if kind is None:
        raise ScenarioError(f"{path}: a program ends in .py, a GOAL schedule in .goal")
    if not machine:
        raise ScenarioError(f"running {path} needs a machine: --machine PRESET_OR_TOML")
    data = to_dict(machine if isinstance(machine, Scenario) else load(machine))
    if Path(path).is_file():                  # else the name of an example program
        path = str(Path(path).resolve())
    data.update(name=Path(path).stem, description=f"{Path(path).name} on {machine}",
                explain="")
    data["workload"] = {"kind": kind, "file": path}
    data.pop("view", None)
    return from_dict(apply_overrides(data, overrides or []))


def parse_value(text: str) -> Any:
    """A TOML value (`8`, `2.5`, `"block"`, `[1, 2]`, `true`); a bare word is a string."""
    try:
        return spec.parse_toml(f"v = {text}", f"--set value {clip(text)}")["v"]
    except spec.NotTomlError:
        return text
    except ScenarioError:                   # nested too deep (its path would read 'v.a...')
        raise ScenarioError(f"--set value {clip(text)} has tables or lists nested more "
                            f"than {spec.MAX_DEPTH} deep") from None


def apply_overrides(data: dict, overrides: Sequence[str]) -> dict:
    """`data` with each `dotted.key=value` set (tables created as needed): a copy when
    there are overrides, `data` itself when there are none."""
    spec.check_depth(data)
    if not overrides:
        return data
    data = copy.deepcopy(data)
    for item in overrides:
        key, sep, value = item.partition("=")
        key = key.strip()
        parts = key.split(".")
        if not sep or not all(p.strip() for p in parts):
            raise ScenarioError(f"--set expects key=value with a dotted key such as "
                                f"machine.cores=8, got {clip(item)}")
        node = data
        for i, part in enumerate(parts[:-1]):
            nxt = node.setdefault(part, {})
            if not isinstance(nxt, dict):
                raise ScenarioError(f"{key_text('.'.join(parts[:i + 1]))} is not a table, "
                                    f"cannot set {key_text(key)}", key)
            node = nxt
        node[parts[-1]] = parse_value(value.strip())
    return data


NOT_SETTINGS = ("name", "description", "explain", "view", "lesson")   # lesson, view: no settings


def flat(data: dict, prefix: str = "") -> dict:
    """Nested tables as one level of dotted keys: {'machine.cores': 16, ...}."""
    out = {}
    for k, v in data.items():
        if isinstance(v, dict):
            out.update(flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def differences(a, b) -> list[str]:
    """Dotted settings whose values differ between two scenarios (lesson text ignored)."""
    if a is None or b is None:
        return []
    fa, fb = (flat({k: v for k, v in to_dict(sc).items()
                     if k not in NOT_SETTINGS}) for sc in (a, b))
    return [k for k in {**fa, **fb} if fa.get(k) != fb.get(k)]


def changed_settings(before: Scenario, after: Scenario) -> list[tuple[str, Any, Any]]:
    """(dotted key, before, after) of each of the `differences` (a missing value: None)."""
    fa, fb = (flat(to_dict(sc)) for sc in (before, after))
    return [(k, fa.get(k), fb.get(k)) for k in differences(before, after)]
