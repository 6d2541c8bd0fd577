"""Scaling laws fitted to a sweep's speedups (P = processing elements, S = speedup).

    Amdahl (strong scaling, fixed problem)    S(P) = 1 / (s + (1 - s) / P)
        fitted by least squares on 1/S:  1/S - 1/P = s (1 - 1/P), a line through 0,
        s = sum(x (1/S - 1/P)) / sum(x^2) with x = 1 - 1/P.
    Gustafson (weak scaling, problem grows with P)    S(P) = P - s (P - 1)
        S is the scaled speedup T1(W_P) / TP(W_P); least squares on P - S = s (P - 1):
        s = sum((P - 1)(P - S)) / sum((P - 1)^2).
    Karp-Flatt, per point    e = (1/S - 1/P) / (1 - 1/P)   (undefined at P = 1 and
        outside [0, 1]: S < 1 or S > P)

Points with P = 1 carry no information about s (both sides are 0) and are ignored by
the fits; a fit needs at least one point with P > 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Fit:
    """A one-parameter law fitted to (P, S) points: `serial_fraction` s and the
    root-mean-square error of the fitted speedups against the measured ones."""

    law: str                 # "amdahl" or "gustafson"
    serial_fraction: float
    rms_error: float
    points: int

    def predict(self, pes) -> np.ndarray:
        """Speedup the fitted law gives at `pes` (scalar or array)."""
        p = np.asarray(pes, dtype=float)
        s = self.serial_fraction
        if self.law == "amdahl":
            return 1.0 / (s + (1.0 - s) / p)
        return p - s * (p - 1.0)

    @property
    def limit(self) -> float:
        """Amdahl: the speedup no P can beat, 1 / s (inf when s = 0). Gustafson: inf."""
        if self.law == "amdahl" and self.serial_fraction > 0:
            return 1.0 / self.serial_fraction
        return float("inf")


def _points(pes, speedup) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(pes, dtype=float)
    s = np.array([np.nan if v is None else v for v in speedup], dtype=float)
    keep = (p > 1) & np.isfinite(s) & (s > 0)
    return p[keep], s[keep]


def _fit(law: str, pes, speedup, x: np.ndarray, y: np.ndarray) -> Fit | None:
    if len(x) == 0:
        return None
    s = float(np.dot(x, y) / np.dot(x, x))
    fit = Fit(law, s, 0.0, len(x))
    err = float(np.sqrt(np.mean((fit.predict(pes) - speedup) ** 2)))
    return Fit(law, s, err, len(x))


def amdahl_fit(pes, speedup) -> Fit | None:
    """Serial fraction s of Amdahl's law from strong-scaling speedups (None: no P > 1)."""
    p, s = _points(pes, speedup)
    return _fit("amdahl", p, s, 1.0 - 1.0 / p, 1.0 / s - 1.0 / p)


def gustafson_fit(pes, scaled_speedup) -> Fit | None:
    """Serial fraction s of Gustafson's law from weak-scaling (scaled) speedups."""
    p, s = _points(pes, scaled_speedup)
    return _fit("gustafson", p, s, p - 1.0, p - s)


_SNAP = 1e-9          # rounding noise around 0 and 1 in karp_flatt


def karp_flatt(pes, speedup) -> np.ndarray:
    """Experimentally determined serial fraction e = (1/S - 1/P) / (1 - 1/P) per point.

    NaN where it means nothing: P = 1, S unknown, S < 1 (slower than one core, e > 1)
    or S > P (superlinear, e < 0). Rounding noise within 1e-9 of 0 or 1 is snapped to it,
    so a perfect speedup gives 0, not -0.0000. The one formula (metrics uses it too)."""
    p = np.asarray(pes, dtype=float)
    s = np.array([np.nan if v is None else v for v in speedup], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = (1.0 / s - 1.0 / p) / (1.0 - 1.0 / p)
    e = np.where(np.abs(e) < _SNAP, 0.0, np.where(np.abs(e - 1.0) < _SNAP, 1.0, e))
    return np.where((p > 1) & (e >= 0.0) & (e <= 1.0), e, np.nan)


POOR_FIT = 0.1      # rms error above this share of the mean measured speedup: poor fit


def relative_rms(fit: Fit | None, pes, speedup) -> float | None:
    """The fit's rms error over the mean measured speedup of the points it used
    (P > 1, finite); None without a fit."""
    if fit is None:
        return None
    pes, speedup = np.asarray(pes, np.float64), np.asarray(speedup, np.float64)
    used = speedup[(pes > 1) & np.isfinite(speedup)]
    mean = float(np.mean(used)) if len(used) else 0.0
    return fit.rms_error / mean if mean > 0 else None


def quality_text(fit: Fit, rel: float | None) -> str:
    """' (29 % of the mean speedup) - poor Amdahl fit: a bandwidth plateau?' ('' if rel
    is None): how far the law is from the points, in words."""
    if rel is None:
        return ""
    text = f" ({100 * rel:.0f} % of the mean speedup)"
    if rel > POOR_FIT:
        text += (" — poor Amdahl fit: a bandwidth plateau?" if fit.law == "amdahl"
                 else " — poor Gustafson fit")
    return text
