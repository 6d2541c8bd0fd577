"""Shared pieces of the workload generators: precision and vectorisation settings."""

from __future__ import annotations

import numpy as np

from ..spec import param
from ..taskgraph import PRECISION_BITS, PRECISIONS


def precision_param(default: str = "fp64"):
    return param(default, choices=PRECISIONS, help="Floating-point precision of the arithmetic")


def vector_param(default: float = 1.0):
    return param(default, ge=0, le=1, help="Share of the flops that run on the SIMD lanes")


def lane_param(default: float = 1.0):
    return param(default, gt=0, le=1,
                 help="Share of the SIMD lanes doing useful work in the vector part "
                      "(branch divergence, remainder loops)")


def element_bytes(precision: str) -> int:
    """Bytes of one number in this precision (fp64 8, fp32 4, fp16/bf16 2)."""
    return PRECISION_BITS[precision] // 8


def chunks(n: int, parts: int):
    """Split range(n) into `parts` contiguous chunk lengths differing by at most one."""
    base, extra = divmod(n, parts)
    sizes = np.full(parts, base, dtype=np.int64)
    sizes[:extra] += 1
    return sizes


def scale_count(count: int, factor: float) -> int:
    """A count grown by `factor` for weak scaling: round(count x factor), at least 1."""
    return max(1, round(count * factor))
