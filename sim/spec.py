"""Typed, validated settings: dataclass fields with units, ranges and help text.

Every scenario section is a dataclass whose fields are declared with `param()`.
`from_dict` builds one from plain TOML data and raises `ScenarioError` naming the
dotted path and the bad value (`machine.memory.bandwidth_gbs must be > 0, got 0`);
`to_dict` turns it back into plain data. The GUI builds its forms from the same
metadata (`unit`, `help`, `gt`/`ge`/`le`, `choices`), so a rule lives in one place.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import sys
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ScenarioError
from .units import clip, key_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_FLOAT = 1e30        # a size beyond this overflows derived totals (x tasks x ranks)
MIN_FLOAT = 1e-30       # a field that must be > 0 below this overflows times (bytes / rate)
MAX_INT = 2 ** 63 - 1   # TOML 1.0 integers are 64-bit
MAX_DEPTH = 16          # tables and lists nested deeper are refused (no setting needs 4)


class NotTomlError(ScenarioError):
    """Text that does not parse as TOML."""


def param(default: Any = dataclasses.MISSING, *, help: str = "", unit: str = "",
          gt: float | None = None, ge: float | None = None, le: float | None = None,
          lt: float | None = None, choices: tuple | None = None,
          default_factory: Any = dataclasses.MISSING) -> Any:
    """A dataclass field carrying the metadata that validation and the GUI read."""
    meta = {"help": help, "unit": unit, "gt": gt, "ge": ge, "le": le, "lt": lt,
            "choices": choices}
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def _fmt(value: Any) -> str:
    """A value as echoed in a message: TOML booleans, long values cut (units.clip)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return clip(value)


def deepest(data: Any, path: str = "") -> str | None:
    """The dotted path of a value nested more than MAX_DEPTH tables or lists deep in
    `data`, or None (walked without recursion, so any depth is safe)."""
    stack = [(data, path, 0)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, dict):
            items = ((f"{where}.{k}" if where else str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            items = ((f"{where}[{i}]", v) for i, v in enumerate(value))
        else:
            continue
        if depth >= MAX_DEPTH:
            return where or "(top level)"
        stack.extend((v, w, depth + 1) for w, v in items)
    return None


def check_depth(data: Any, path: str = "") -> Any:
    """`data`, or ScenarioError naming the first value nested too deep."""
    where = deepest(data, path)
    if where is not None:
        raise ScenarioError(f"{key_text(where)} is nested more than {MAX_DEPTH} tables or "
                            f"lists deep", where)
    return data


def read_text(path) -> str:
    """A UTF-8 text file's contents (a path or an importlib.resources file); OSError if
    unreadable, ValueError naming the file and the line and column of the first byte
    that is not UTF-8."""
    data = (path if hasattr(path, "read_bytes") else Path(path)).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ValueError(f"{clip(str(path), 100)[1:-1]} is not UTF-8 text (byte "
                         f"0x{data[exc.start]:02x} at line {line}, column {col})") from None


def parse_toml(text: str, what: str = "scenario") -> dict:
    """Parse TOML text; ScenarioError for invalid TOML or nesting over MAX_DEPTH (the
    parser itself recurses: very deep nesting ends in RecursionError, reported the same)."""
    try:
        return check_depth(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise NotTomlError(f"{what} is not valid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{what} has tables or lists nested more than {MAX_DEPTH} "
                            f"deep") from None


def _is_dataclass_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _optional_inner(tp: Any) -> Any | None:
    """For `X | None` return X, else None."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and type(None) in typing.get_args(tp):
            return args[0]
    return None


def convert(tp: Any, value: Any, path: str) -> Any:  # noqa: C901 (one branch per field type)
    """Check `value` against the annotation `tp`, converting ints to floats where allowed."""
    inner = _optional_inner(tp)
    if inner is not None:
        return None if value is None else convert(inner, value, path)
    if _is_dataclass_type(tp):
        if not isinstance(value, dict):
            raise ScenarioError(f"{path} must be a table, got {_fmt(value)}", path)
        return from_dict(tp, value, path)
    origin = typing.get_origin(tp)
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            raise ScenarioError(f"{path} must be a list, got {_fmt(value)}", path)
        args = typing.get_args(tp)
        item_tp = args[0] if args else Any
        return [convert(item_tp, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin is dict or tp is dict:
        if not isinstance(value, dict):
            raise ScenarioError(f"{path} must be a table, got {_fmt(value)}", path)
        return dict(value)
    if tp is Any:
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ScenarioError(f"{path} must be true or false, got {_fmt(value)}", path)
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                (isinstance(value, float) and not value.is_integer()):
            raise ScenarioError(f"{path} must be an integer, got {_fmt(value)}", path)
        if abs(value) > MAX_INT:
            raise ScenarioError(f"{path} must be a 64-bit integer (at most 2^63 - 1 = "
                                f"{MAX_INT} in size), got {_fmt(value)}", path)
        return int(value)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScenarioError(f"{path} must be a number, got {_fmt(value)}", path)
        if isinstance(value, float) and not math.isfinite(value):
            raise ScenarioError(f"{path} must be finite, got {_fmt(value)}", path)
        if abs(value) > MAX_FLOAT:
            raise ScenarioError(f"{path} must be at most {MAX_FLOAT:g} in size (larger values "
                                f"overflow the totals), got {_fmt(value)}", path)
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ScenarioError(f"{path} must be a string, got {_fmt(value)}", path)
        return value
    return value


def check_range(meta: Mapping[str, Any], value: Any, path: str, shown: Any = None) -> None:
    """Apply the field's `choices` and `gt`/`ge`/`lt`/`le` bounds; `shown` is the raw value."""
    shown = value if shown is None else shown
    choices = meta.get("choices")
    if choices and value not in choices:
        opts = ", ".join(_fmt(c) for c in choices)
        raise ScenarioError(f"{path} must be one of {opts}, got {_fmt(shown)}", path)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return
    if meta.get("gt") == 0 and 0 < value < MIN_FLOAT:     # a rate or a size divided by
        raise ScenarioError(f"{path} must be at least {MIN_FLOAT:g} (smaller values make "
                            f"the times derived from it overflow), got {_fmt(shown)}", path)
    for key, op, ok in (("gt", ">", lambda v, b: v > b), ("ge", ">=", lambda v, b: v >= b),
                        ("lt", "<", lambda v, b: v < b), ("le", "<=", lambda v, b: v <= b)):
        bound = meta.get(key)
        if bound is not None and not ok(value, bound):
            raise ScenarioError(f"{path} must be {op} {_fmt(bound)}, got {_fmt(shown)}", path)


@functools.cache
def _fields(cls: type) -> tuple[dict, dict]:
    """Type hints and init fields of a dataclass (computed once: loading a custom
    workload of many tasks calls from_dict once per task)."""
    return typing.get_type_hints(cls), {f.name: f for f in dataclasses.fields(cls) if f.init}


def from_dict(cls: type, data: dict, path: str = "") -> Any:
    """Build dataclass `cls` from `data`, rejecting unknown keys and bad values."""
    hints, fields = _fields(cls)
    prefix = f"{path}." if path else ""
    for key in data:
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ScenarioError(f"{key_text(prefix + str(key))} is not a known setting "
                                f"(known: {known})", f"{prefix}{key}")
    kwargs = {}
    for name, f in fields.items():
        p = f"{prefix}{name}"
        if name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ScenarioError(f"{p} is required", p)
            continue
        value = convert(hints[name], data[name], p)
        check_range(f.metadata, value, p, data[name])
        kwargs[name] = value
    obj = cls(**kwargs)
    validate = getattr(obj, "validate", None)
    if validate is not None:
        validate(path)
    return obj


def to_dict(obj: Any) -> dict:
    """Plain data for TOML: nested tables, None fields left out."""
    out = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if value is None:
            continue
        if dataclasses.is_dataclass(value):
            value = to_dict(value)
        elif isinstance(value, list):
            value = [to_dict(v) if dataclasses.is_dataclass(v) else v for v in value]
        out[f.name] = value
    return out
