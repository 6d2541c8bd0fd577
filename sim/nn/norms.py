"""Normalisation layers (LayerNorm, RMSNorm, LayerNorm over channels) and rotary
position embeddings, with their cost formulas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Layer, PerChannel, sequence


@dataclass(frozen=True, kw_only=True)
class LayerNorm(PerChannel):
    """Layer normalisation over the last axis (width ``dim``), as ``torch.nn.LayerNorm``.

    Params: ``2 * dim`` (gamma, beta; ``dim`` without ``bias``).  MACs: 0.
    Other ops per row: ``7 * dim + 3`` (mean: ``dim`` adds; centre: ``dim``
    subtractions; variance: ``dim`` squares + ``dim`` adds; scale by the
    reciprocal root: ``dim``; affine: ``2 * dim``; per row one divide for
    the mean, one for the variance and one reciprocal square root).
    """

    KIND: ClassVar[str] = "layernorm"
    bias: bool = True

    def params(self) -> int:
        return 2 * self.dim if self.bias else self.dim

    def _compute(self, shapes):
        return shapes[0], 0, self._rows(shapes[0]) * (7 * self.dim + 3)


@dataclass(frozen=True, kw_only=True)
class RMSNorm(PerChannel):
    """Root-mean-square normalisation over the last axis (Llama).

    Params: ``dim`` (gamma).  MACs: 0.  Other ops per row: ``4 * dim + 2``
    (squares, adds, scale, gamma; per row one divide and one reciprocal
    square root).
    """

    KIND: ClassVar[str] = "rmsnorm"

    def _compute(self, shapes):
        return shapes[0], 0, self._rows(shapes[0]) * (4 * self.dim + 2)


@dataclass(frozen=True, kw_only=True)
class LayerNorm2d(LayerNorm):
    """LayerNorm over the channels of each pixel of a ``(C, H, W)`` map
    (ConvNeXt): the same formulas as ``layernorm`` with rows = ``H * W``."""

    KIND: ClassVar[str] = "layernorm2d"

    def _compute(self, shapes):
        c, h, w = self._image(shapes[0])
        if c != self.dim:
            raise self.error(f"expects {self.dim} channels, got {c}")
        return shapes[0], 0, h * w * (7 * self.dim + 3)


@dataclass(frozen=True, kw_only=True)
class Rotary(Layer):
    """Rotary position embedding applied to Q or K ``(s, heads*head_dim)``:
    ``x*cos + rotate_half(x)*sin`` with precomputed tables.

    Params: 0.  MACs: 0.  Other ops: 3 per element (2 multiplies, 1 add).
    """

    KIND: ClassVar[str] = "rotary"
    head_dim: int

    def __post_init__(self) -> None:
        self._positive("head_dim")
        if self.head_dim % 2:
            raise self.error(f"head_dim must be even, got {self.head_dim}")

    def _compute(self, shapes):
        s, d = sequence(self, shapes[0])
        if d % self.head_dim:
            raise self.error(f"width {d} is not a multiple of head_dim {self.head_dim}")
        return shapes[0], 0, 3 * s * d
