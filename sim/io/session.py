"""The session file (`.parasim`): a run and how it was being shown, in one zip.

    session.json    {"format": 1, "nodes", "cores", "task_names", "source",
                     "lesson": {"name", "explain"} or null,
                     "bookmarks": [{"t_s", "caption"}, ...],
                     "view": {...}}           (the app's view state: playhead, tabs, zoom)
    scenario.toml   the scenario, when the run has one (a trace file's run has none)
    trace.csv       the trace, in sim.io.trace_csv's format
    summary.json    the summary (sim.io.summary_json: inf and NaN as null)
    extras.npz      the run's series (power, concurrency, I/O, roofline points): numeric
                    and text arrays, nested tables flattened as "power/t_s"; anything
                    else (e.g. per-layer rows) is recomputed on load

Written atomically (the zip is built in memory, then sim.io.files.write_atomic). This
module knows only files and plain data; sim.run.Run.from_session builds the Run.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import TraceFormatError
from ..trace import Trace
from . import trace_csv
from .files import write_atomic
from .summary_json import to_jsonable

FORMAT = 1
SUFFIX = ".parasim"


@dataclass
class Session:
    trace: Trace
    summary: dict
    nodes: int
    cores: int
    task_names: tuple[str, ...] | None = None
    extras: dict = field(default_factory=dict)
    scenario_toml: str | None = None
    source: str = ""
    lesson: dict | None = None
    bookmarks: list[dict] = field(default_factory=list)
    view: dict = field(default_factory=dict)


def _flatten(extras: Mapping, prefix: str = "") -> dict[str, np.ndarray]:
    out = {}
    for key, value in extras.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{name}/"))
            continue
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError):
            continue
        if arr.dtype.kind in "biufU":             # numbers and text; objects are skipped
            out[name] = arr
    return out


def _unflatten(arrays: Mapping[str, np.ndarray]) -> dict:
    out: dict = {}
    for name, arr in arrays.items():
        *tables, key = name.split("/")
        node = out
        for t in tables:
            node = node.setdefault(t, {})
        node[key] = arr.item() if arr.ndim == 0 else arr
    return out


def dumps(s: Session) -> bytes:
    """The session as zip bytes."""
    meta = {"format": FORMAT, "nodes": s.nodes, "cores": s.cores,
            "task_names": list(s.task_names) if s.task_names is not None else None,
            "source": s.source, "lesson": s.lesson, "bookmarks": s.bookmarks,
            "view": s.view}
    extras = io.BytesIO()
    arrays: dict[str, Any] = _flatten(s.extras)
    np.savez_compressed(extras, **arrays)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("session.json", json.dumps(to_jsonable(meta), indent=1))
        if s.scenario_toml is not None:
            z.writestr("scenario.toml", s.scenario_toml)
        z.writestr("trace.csv", trace_csv.to_csv_text(s.trace))
        z.writestr("summary.json", json.dumps(to_jsonable(dict(s.summary)), indent=1))
        z.writestr("extras.npz", extras.getvalue())
    return buf.getvalue()


def write(path: str | os.PathLike, s: Session) -> None:
    write_atomic(path, dumps(s))


def read(path: str | os.PathLike) -> Session:
    """Read a session file; TraceFormatError says what is wrong with a bad one."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            missing = {"session.json", "trace.csv", "summary.json"} - names
            if missing:
                raise TraceFormatError(f"not a ParaSim session: no {', '.join(sorted(missing))}")
            meta = json.loads(z.read("session.json"))
            if meta.get("format") != FORMAT:
                raise TraceFormatError(f"session format {meta.get('format')!r} is not "
                                       f"{FORMAT}: written by another version")
            with z.open("trace.csv") as raw:    # decoded as it is parsed, in pieces
                trace = trace_csv.parse_csv(io.TextIOWrapper(raw, "utf-8", newline=""))
            summary = json.loads(z.read("summary.json"))
            extras = {}
            if "extras.npz" in names:
                with np.load(io.BytesIO(z.read("extras.npz")), allow_pickle=False) as npz:
                    extras = _unflatten({k: npz[k] for k in npz.files})
            toml = z.read("scenario.toml").decode("utf-8") if "scenario.toml" in names \
                else None
    except zipfile.BadZipFile:
        raise TraceFormatError("not a ParaSim session (not a zip file)") from None
    except (KeyError, ValueError) as exc:
        raise TraceFormatError(f"damaged session file: {exc}") from None
    names_ = meta.get("task_names")
    return Session(trace, summary, int(meta["nodes"]), int(meta["cores"]),
                   tuple(names_) if names_ is not None else None, extras, toml,
                   meta.get("source", ""), meta.get("lesson"), list(meta.get("bookmarks", [])),
                   dict(meta.get("view", {})))
