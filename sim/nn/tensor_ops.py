"""Layers that reshape, select or combine tensors without weight products: upsample,
flatten, dropout, broadcast multiply, channel slice, permute, layer scale and held but
inactive modules.  Re-exported by :mod:`sim.nn.layers` (conventions there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from ..units import clip
from .base import Layer, Pair, PerChannel, Shape, _numel


@dataclass(frozen=True, kw_only=True)
class Upsample(Layer):
    """Spatial upsampling, as ``torch.nn.Upsample``; give ``scale`` or ``size``.

    Output: ``(C, floor(H*scale), floor(W*scale))`` or ``(C, *size)``.
    Other ops: 0 for ``nearest`` (a copy); 7 per output element for
    ``bilinear`` (4 weight multiplies + 3 adds).
    """

    KIND: ClassVar[str] = "upsample"
    scale: float | None = None
    size: int | Pair | None = None
    mode: str = "nearest"

    def __post_init__(self) -> None:
        if self.mode not in ("nearest", "bilinear"):
            raise self.error(f"mode must be 'nearest' or 'bilinear', got {clip(self.mode)}")
        if (self.scale is None) == (self.size is None):
            raise self.error("give exactly one of scale and size")
        if self.size is not None:
            self._pair("size", 1)
        elif not isinstance(self.scale, (int, float)) or self.scale <= 0:
            raise self.error(f"scale must be a positive number, got {clip(self.scale)}")

    def _compute(self, shapes):
        c, h, w = self._image(shapes[0])
        if self.size is not None:
            ho, wo = self.size  # type: ignore[misc]
        else:
            ho, wo = math.floor(h * self.scale), math.floor(w * self.scale)  # type: ignore[operator]
        if ho <= 0 or wo <= 0:
            raise self.error(f"output size {ho}x{wo} <= 0")
        per = 7 if self.mode == "bilinear" else 0
        return (c, ho, wo), 0, per * c * ho * wo


@dataclass(frozen=True, kw_only=True)
class Flatten(Layer):
    """Flattens a sample to ``(C*H*W,)``.  No params, no ops."""

    KIND: ClassVar[str] = "flatten"

    def _compute(self, shapes):
        return (_numel(shapes[0]),), 0, 0


@dataclass(frozen=True, kw_only=True)
class Dropout(Layer):
    """Dropout: the identity at inference.  No params, no ops."""

    KIND: ClassVar[str] = "dropout"
    p: float = 0.5

    def __post_init__(self) -> None:
        if not isinstance(self.p, (int, float)) or not 0 <= self.p < 1:
            raise self.error(f"p must be in [0, 1), got {clip(self.p)}")


def broadcast_shape(layer: Layer, shapes) -> Shape:
    """NumPy broadcasting of per-sample shapes (axes aligned on the right)."""
    rank = max(len(s) for s in shapes)
    out = []
    for axis in range(rank):
        sizes = {s[axis - rank + len(s)] for s in shapes if axis - rank + len(s) >= 0} - {1}
        if len(sizes) > 1:
            raise layer.error(f"inputs do not broadcast: {list(shapes)}")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


@dataclass(frozen=True, kw_only=True)
class Mul(Layer):
    """Element-wise product of two or more inputs, with NumPy broadcasting (the
    gate of a SwiGLU MLP; the channel scale ``(C, H, W) * (C, 1, 1)`` of a
    squeeze-and-excitation block).

    Output: the broadcast shape.  Other ops: ``(n_inputs - 1) * output
    elements``.  MACs: 0.
    """

    KIND: ClassVar[str] = "mul"
    ARITY: ClassVar[int | None] = None

    def _compute(self, shapes):
        out = broadcast_shape(self, shapes)
        return out, 0, (len(shapes) - 1) * _numel(out)


@dataclass(frozen=True, kw_only=True)
class ChannelSlice(Layer):
    """Channels ``start:stop`` of the input (axis 0), as ``x[:, start:stop]``
    (ShuffleNet's channel split).  No params, no ops."""

    KIND: ClassVar[str] = "slice"
    start: int
    stop: int

    def _compute(self, shapes):
        shape = shapes[0]
        if not 0 <= self.start < self.stop <= shape[0]:
            raise self.error(f"channels {self.start}:{self.stop} out of range for {shape}")
        return (self.stop - self.start, *shape[1:]), 0, 0


@dataclass(frozen=True, kw_only=True)
class Permute(Layer):
    """Reorders the axes of a sample, as ``x.permute`` without the batch axis
    (``order=(1, 2, 0)``: ``(C, H, W)`` -> ``(H, W, C)``).  A copy: no ops.
    Also ShuffleNet's channel shuffle (``order`` = identity, a reshape and
    transpose that keeps the shape)."""

    KIND: ClassVar[str] = "permute"
    order: tuple[int, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "order", tuple(self.order))

    def _compute(self, shapes):
        shape = shapes[0]
        if sorted(self.order) != list(range(len(shape))):
            raise self.error(f"order {self.order} is not a permutation of the axes of {shape}")
        return tuple(shape[i] for i in self.order), 0, 0


@dataclass(frozen=True, kw_only=True)
class LayerScale(PerChannel):
    """A learned scale per channel of the last axis (ConvNeXt's layer scale).

    Params: ``dim``.  Other ops: one multiply per element.  MACs: 0.
    """

    KIND: ClassVar[str] = "layer_scale"

    def _compute(self, shapes):
        return shapes[0], 0, self._rows(shapes[0]) * self.dim


@dataclass(frozen=True, kw_only=True)
class Inactive(Layer):
    """Modules a model holds but does not run at inference (inception_v3's
    auxiliary classifier): their ``params`` count, their arithmetic does not.
    Output = input, so a side branch ending here changes nothing downstream."""

    KIND: ClassVar[str] = "inactive"
    held_params: int

    def params(self) -> int:
        return self.held_params
