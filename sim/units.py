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
