"""SI-prefixed numbers with units, for tables and labels: si(1.7e10, "FLOP") -> "17.2 GFLOP"."""

from __future__ import annotations

import math

_PREFIXES = [(1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"),
             (1.0, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p")]


def si(value: float | None, unit: str = "", digits: int = 3) -> str:
    """Format with an SI prefix and `digits` significant digits; None -> 'n/a'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if value == 0:
        return f"0 {unit}".rstrip()
    mag = abs(value)
    scale, prefix = next(((s, p) for s, p in _PREFIXES if mag >= s * 0.9995), _PREFIXES[-1])
    return f"{value / scale:.{digits}g} {prefix}{unit}".rstrip()


def seconds(value: float | None) -> str:
    return si(value, "s")


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def clip(value: object, limit: int = 60) -> str:
    """A value for an error message: repr of a string (newlines escaped), str otherwise,
    cut to its first `limit` characters plus its length when longer."""
    text = repr(value) if isinstance(value, str) else str(value)
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def key_text(key: str) -> str:
    """A setting's dotted name in a message: as is when each part reads as a name
    (letters, digits, _, - and [i] indices), else quoted and cut like a value (an empty
    key: '')."""
    plain = len(key) <= 60 and all(
        part and all(c.isalnum() or c in "_-[]" for c in part) for part in key.split("."))
    return key if plain else clip(key)


def one_line(message: str, limit: int = 290) -> str:
    """An error message as one line (newlines escaped) of at most `limit` characters."""
    text = message.replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= limit else text[:limit - 30] + f"... ({len(text):,} characters)"
