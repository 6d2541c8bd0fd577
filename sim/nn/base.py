"""Base class of layer specifications: shapes, errors and the cost protocol.

See :mod:`sim.nn.layers` for the formulas of each layer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from ..errors import LayerError
from ..units import clip

Shape = tuple[int, ...]
Pair = tuple[int, int]


def _numel(shape: Shape) -> int:
    return math.prod(shape)


@dataclass(frozen=True)
class LayerCost:
    """Per-sample cost of one layer for given input shapes."""

    output_shape: Shape
    params: int
    macs: int
    other_ops: int


@dataclass(frozen=True, kw_only=True)
class Layer:
    """Base class: a layer with no parameters and no arithmetic (identity)."""

    name: str
    KIND: ClassVar[str] = "layer"
    #: number of inputs the layer takes; ``None`` means two or more
    ARITY: ClassVar[int | None] = 1

    @property
    def kind(self) -> str:
        """Type name used in tables, files and messages (e.g. ``conv2d``)."""
        return self.KIND

    def error(self, message: str) -> LayerError:
        return LayerError(f"layer {clip(self.name)} ({self.kind}): {message}")

    # -- pair helpers ------------------------------------------------------
    def _pair(self, field: str, minimum: int) -> None:
        value = getattr(self, field)
        pair = (value, value) if isinstance(value, int) else tuple(value)
        if len(pair) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair):
            raise self.error(f"{field} must be an integer or a pair of integers, got {clip(value)}")
        if min(pair) < minimum:
            raise self.error(f"{field} must be >= {minimum}, got {clip(value)}")
        object.__setattr__(self, field, pair)

    def _positive(self, *names: str) -> None:
        for field in names:
            value = getattr(self, field)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise self.error(f"{field} must be a positive integer, got {clip(value)}")

    # -- shape handling ----------------------------------------------------
    def _inputs(self, x: Shape | Sequence[Shape]) -> tuple[Shape, ...]:
        """Normalise one shape or a sequence of shapes to a tuple of shapes."""
        if len(x) and isinstance(x[0], int):
            shapes: tuple[Shape, ...] = (tuple(x),)  # type: ignore[arg-type]
        else:
            shapes = tuple(tuple(s) for s in x)  # type: ignore[arg-type]
        if self.ARITY is None:
            if len(shapes) < 2:
                raise self.error(f"needs at least two inputs, got {len(shapes)}")
        elif len(shapes) != self.ARITY:
            raise self.error(f"takes {self.ARITY} input(s), got {len(shapes)}")
        return shapes

    def _image(self, shape: Shape) -> tuple[int, int, int]:
        if len(shape) != 3:
            raise self.error(f"expects a (C, H, W) input, got {shape}")
        return shape

    def _window(self, size: int, k: int, s: int, p: int, d: int, ceil_mode: bool, axis: str) -> int:
        span = size + 2 * p - d * (k - 1) - 1
        if ceil_mode:
            out = -(-span // s) + 1
            if (out - 1) * s >= size + p:
                out -= 1
        else:
            out = span // s + 1
        if span < 0 or out <= 0:
            raise self.error(f"output {axis} would be {out} <= 0 for input {axis} {size}")
        return out

    # -- the four questions -------------------------------------------------
    def _compute(self, shapes: tuple[Shape, ...]) -> tuple[Shape, int, int]:
        """Return (output shape, MACs, other ops) per sample."""
        return shapes[0], 0, 0

    def cost(self, x: Shape | Sequence[Shape]) -> LayerCost:
        out, macs, other = self._compute(self._inputs(x))
        return LayerCost(out, self.params(), macs, other)

    def output_shape(self, x: Shape | Sequence[Shape]) -> Shape:
        return self.cost(x).output_shape

    def macs(self, x: Shape | Sequence[Shape]) -> int:
        return self.cost(x).macs

    def other_ops(self, x: Shape | Sequence[Shape]) -> int:
        return self.cost(x).other_ops

    def params(self) -> int:
        return 0

    def mac_formula(self, inputs: tuple[Shape, ...], output: Shape, macs: int) -> str:
        """The MACs of one sample as a formula with the numbers (``""`` without MACs)."""
        return f"{macs:,} MACs" if macs else ""


@dataclass(frozen=True, kw_only=True)
class PerChannel(Layer):
    """A layer with one weight per channel of its last axis, ``dim`` wide (norms, layer
    scale, a class token).  Params: ``dim``."""

    dim: int

    def __post_init__(self) -> None:
        self._positive("dim")

    def params(self) -> int:
        return self.dim

    def _rows(self, shape: Shape) -> int:
        """The rows of `shape` (elements / ``dim``); LayerError unless its last axis
        is ``dim`` wide."""
        if not shape or shape[-1] != self.dim:
            raise self.error(f"expects last axis {self.dim}, got shape {shape}")
        return _numel(shape[:-1])


def sequence(layer: Layer, shape: Shape, width: int | None = None) -> tuple[int, int]:
    """(seq, width) of a sequence shape; LayerError naming `layer` for any other shape,
    or for another width than `width` when it is given."""
    if len(shape) != 2:
        raise layer.error(f"expects a sequence (seq, width), got shape {shape}")
    if width is not None and shape[1] != width:
        raise layer.error(f"expects width {width}, got {shape[1]}")
    return shape[0], shape[1]
