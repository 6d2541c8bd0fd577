"""Sparse matrix-vector product y = A x in CSR form, rows split into `tasks` chunks.

Row r holds nnz_r nonzeros, drawn from a Poisson law of mean `nnz_per_row` (at least
one) with the scenario's seed. FLOPs: 2 nnz (a multiply and an add per nonzero).
Bytes per chunk (streaming, no cache reuse of x): per nonzero its value (e), its
column index (4) and the gathered x entry (e); per row its row pointer (4) and y (e).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from ..spec import param
from ..taskgraph import TaskGraph, independent
from .common import chunks, element_bytes, precision_param, scale_count, vector_param


@dataclass
class Params:
    kind: ClassVar[str] = "spmv"
    rows: int = param(1_000_000, ge=1, le=200_000_000, help="Matrix rows (and columns)")
    nnz_per_row: float = param(16.0, gt=0, le=10_000, help="Mean nonzeros per row")
    tasks: int = param(128, ge=1, help="Number of row chunks (tasks)")
    precision: str = precision_param()
    vector_fraction: float = vector_param(0.0)

    def tasks_estimate(self) -> int:
        return min(self.tasks, self.rows)

    def scaled(self, factor: float) -> Params:
        """Weak scaling: rows and row chunks grow by `factor` (same nonzeros per row)."""
        return replace(self, rows=scale_count(self.rows, factor),
                       tasks=scale_count(self.tasks, factor))


def row_nnz(p: Params, rng: np.random.Generator) -> np.ndarray:
    return np.maximum(1, rng.poisson(p.nnz_per_row, p.rows))


def build(p: Params, machine, rng) -> TaskGraph:
    e = element_bytes(p.precision)
    nnz = row_nnz(p, rng)
    sizes = chunks(p.rows, min(p.tasks, p.rows))
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    per_chunk = np.add.reduceat(nnz, bounds[:-1]).astype(float)
    nbytes = per_chunk * (2 * e + 4) + sizes * (4 + e)
    return independent(2.0 * per_chunk, nbytes.astype(float), p.precision, p.vector_fraction)
