"""Layer specifications and their cost formulas.

Every layer is a frozen dataclass built with keyword arguments only; the first
field is always ``name``.  Shapes are *per sample* (no batch axis): ``(C, H, W)``
for feature maps, ``(features,)`` for vectors.  Batch scaling happens in
:mod:`sim.nn.count`.

Each layer answers four questions about one input (or, for ``add`` / ``concat``,
a sequence of inputs):

``output_shape(x)``
    shape of the output.
``params()``
    learnable parameters (running statistics of batch norm are buffers, not
    parameters, as in PyTorch's ``sum(p.numel() for p in model.parameters())``).
``macs(x)``
    multiply-accumulates of the weight products: only ``conv2d`` and ``linear``
    have any.  A bias is *not* a MAC: it is one of the "other ops".
``other_ops(x)``
    every other arithmetic operation (bias adds, batch norm, activations,
    pooling comparisons/adds, residual adds, interpolation), one count per
    elementary operation.  Conventions decide whether they are included.

Invalid layers raise :class:`LayerError` (a ``ValueError``) naming the layer,
e.g. ``layer 'conv3' (conv2d): in_channels 30 not divisible by groups 4``.
Parameters are checked on construction, shapes when a shape is computed.

Output size of a sliding window (conv and pooling), as in PyTorch::

    out = floor((in + 2*padding - dilation*(kernel-1) - 1) / stride) + 1

(``ceil`` instead of ``floor`` with ``ceil_mode``; a window may then not start in
the right padding, which removes the last position when it would).
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import ClassVar

from ..units import clip
from .base import Layer, LayerCost, LayerError, Pair, Shape, _numel
from .pooling import AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, MaxPool2d
from .tensor_ops import (
    ChannelSlice,
    Dropout,
    Flatten,
    Inactive,
    LayerScale,
    Mul,
    Permute,
    Upsample,
    broadcast_shape,
)


@dataclass(frozen=True, kw_only=True)
class Conv2d(Layer):
    """2-D convolution, as ``torch.nn.Conv2d``.

    Output: ``(out_channels, H', W')`` with the sliding-window formula above.
    Params: ``out_channels * (in_channels/groups) * kh * kw`` (+ ``out_channels``
    with bias).
    MACs: ``kh * kw * (in_channels/groups) * H' * W' * out_channels``.  With
    ``groups=1`` this is the lecture's ``k*k*c*H*W*o``; the lecture's count
    includes the bias because ``k*k*c`` products need ``k*k*c - 1`` adds, and the
    bias add makes it ``k*k*c``.  Depthwise (``groups = in_channels``):
    ``kh * kw * H' * W' * out_channels``.
    Other ops: ``out_channels * H' * W'`` bias adds (0 without bias).
    """

    KIND: ClassVar[str] = "conv2d"
    in_channels: int
    out_channels: int
    kernel: int | Pair
    stride: int | Pair = 1
    padding: int | Pair = 0
    dilation: int | Pair = 1
    groups: int = 1
    bias: bool = True

    def __post_init__(self) -> None:
        self._positive("in_channels", "out_channels", "groups")
        self._pair("kernel", 1)
        self._pair("stride", 1)
        self._pair("padding", 0)
        self._pair("dilation", 1)
        if self.in_channels % self.groups:
            raise self.error(f"in_channels {self.in_channels} not divisible by groups {self.groups}")
        if self.out_channels % self.groups:
            raise self.error(
                f"out_channels {self.out_channels} not divisible by groups {self.groups}"
            )

    def params(self) -> int:
        kh, kw = self.kernel  # type: ignore[misc]
        weights = self.out_channels * (self.in_channels // self.groups) * kh * kw
        return weights + (self.out_channels if self.bias else 0)

    def _compute(self, shapes):
        c, h, w = self._image(shapes[0])
        if c != self.in_channels:
            raise self.error(f"expects {self.in_channels} input channels, got {c}")
        (kh, kw), (sh, sw) = self.kernel, self.stride  # type: ignore[misc]
        (ph, pw), (dh, dw) = self.padding, self.dilation  # type: ignore[misc]
        ho = self._window(h, kh, sh, ph, dh, False, "height")
        wo = self._window(w, kw, sw, pw, dw, False, "width")
        outputs = self.out_channels * ho * wo
        macs = kh * kw * (self.in_channels // self.groups) * outputs
        return (self.out_channels, ho, wo), macs, (outputs if self.bias else 0)

    def mac_formula(self, inputs, output, macs) -> str:
        """The lecture's ``k*k*c*H*W*o`` (``c`` = input channels per group)."""
        (kh, kw), (o, h, w) = self.kernel, output  # type: ignore[misc]
        k = "k*k" if kh == kw else "kh*kw"
        return f"{k}*c*H*W*o = {kh}*{kw}*{self.in_channels // self.groups}*{h}*{w}*{o}"


def depthwise(name: str, channels: int, kernel: int | Pair = 3, stride: int | Pair = 1,
              padding: int | Pair = 1, bias: bool = False) -> Conv2d:
    """A depthwise convolution: ``groups = in_channels = out_channels``."""
    return Conv2d(name=name, in_channels=channels, out_channels=channels, kernel=kernel,
                  stride=stride, padding=padding, groups=channels, bias=bias)


@dataclass(frozen=True, kw_only=True)
class Linear(Layer):
    """Fully connected layer, as ``torch.nn.Linear`` (acts on the last axis).

    Output: input shape with the last axis replaced by ``out_features``.
    Params: ``in_features * out_features`` (+ ``out_features`` with bias).
    MACs: ``in_features * out_features`` per row (rows = product of leading axes,
    1 for a flat vector).  Other ops: ``out_features`` bias adds per row.
    """

    KIND: ClassVar[str] = "linear"
    in_features: int
    out_features: int
    bias: bool = True

    def __post_init__(self) -> None:
        self._positive("in_features", "out_features")

    def params(self) -> int:
        return self.in_features * self.out_features + (self.out_features if self.bias else 0)

    def _compute(self, shapes):
        shape = shapes[0]
        if not shape or shape[-1] != self.in_features:
            hint = " (add a flatten layer?)" if len(shape) > 1 else ""
            raise self.error(f"expects {self.in_features} input features, got shape {shape}{hint}")
        rows = _numel(shape[:-1])
        out = shape[:-1] + (self.out_features,)
        macs = rows * self.in_features * self.out_features
        return out, macs, (rows * self.out_features if self.bias else 0)

    def mac_formula(self, inputs, output, macs) -> str:
        """``in*out``, times the rows of a sequence."""
        rows = _numel(inputs[0][:-1])
        head = f"rows*in*out = {rows}*" if rows > 1 else "in*out = "
        return f"{head}{self.in_features}*{self.out_features}"


@dataclass(frozen=True, kw_only=True)
class BatchNorm2d(Layer):
    """Batch normalisation over channels, inference mode.

    Output: same as input.  Params: ``2 * num_features`` (gamma, beta) when
    ``affine``; running mean/variance are buffers, not parameters.
    Other ops: ``2 * C * H * W`` (the folded affine ``y = a*x + b``).  MACs: 0.
    """

    KIND: ClassVar[str] = "batchnorm2d"
    num_features: int
    affine: bool = True

    def __post_init__(self) -> None:
        self._positive("num_features")

    def params(self) -> int:
        return 2 * self.num_features if self.affine else 0

    def _compute(self, shapes):
        c, h, w = self._image(shapes[0])
        if c != self.num_features:
            raise self.error(f"expects {self.num_features} channels, got {c}")
        return shapes[0], 0, 2 * c * h * w


#: elementary operations per element for each activation function
ACTIVATION_OPS: dict[str, int] = {
    "relu": 1,  # max(x, 0): one comparison
    "relu6": 2,  # min(max(x, 0), 6)
    "leaky_relu": 2,  # comparison + multiply
    "hardsigmoid": 3,  # add, divide, clamp
    "hardswish": 4,  # hardsigmoid + multiply
    "sigmoid": 4,  # negate, exp, add, divide
    "silu": 5,  # sigmoid + multiply
    "tanh": 5,  # 2 exp, subtract, add, divide
    "gelu": 8,  # tanh approximation
}


@dataclass(frozen=True, kw_only=True)
class Activation(Layer):
    """Element-wise activation; ``kind`` is the function name (``relu``...).

    Output: same as input.  Params, MACs: 0.  Other ops: ``ACTIVATION_OPS[fn]``
    per element (relu 1, relu6 2, sigmoid 4, tanh 5, see the table).
    """

    fn: str = "relu"

    def __post_init__(self) -> None:
        if self.fn not in ACTIVATION_OPS:
            known = ", ".join(sorted(ACTIVATION_OPS))
            raise LayerError(f"layer {clip(self.name)} ({self.fn}): unknown activation; known: {known}")

    @property
    def kind(self) -> str:
        return self.fn

    def _compute(self, shapes):
        return shapes[0], 0, ACTIVATION_OPS[self.fn] * _numel(shapes[0])


@dataclass(frozen=True, kw_only=True)
class Add(Layer):
    """Element-wise sum of two or more equal-shaped inputs (residual connection).

    Output: the common shape.  Other ops: ``(n_inputs - 1) * elements``.
    """

    KIND: ClassVar[str] = "add"
    ARITY: ClassVar[int | None] = None

    def _compute(self, shapes):
        if any(s != shapes[0] for s in shapes):
            raise self.error(f"inputs have different shapes {list(shapes)}")
        return shapes[0], 0, (len(shapes) - 1) * _numel(shapes[0])


@dataclass(frozen=True, kw_only=True)
class Concat(Layer):
    """Concatenation of two or more inputs along the channel axis (axis 0 of a
    per-sample shape).  Output: channels summed, other axes equal.  No ops."""

    KIND: ClassVar[str] = "concat"
    ARITY: ClassVar[int | None] = None

    def _compute(self, shapes):
        rest = shapes[0][1:]
        if any(len(s) != len(shapes[0]) or s[1:] != rest for s in shapes):
            raise self.error(f"inputs differ outside the channel axis: {list(shapes)}")
        return (sum(s[0] for s in shapes),) + rest, 0, 0


def required_fields(cls: type[Layer]) -> list[str]:
    """Constructor fields without a default (``name`` excluded)."""
    return [f.name for f in fields(cls) if f.name != "name"
            and f.default is MISSING and f.default_factory is MISSING]


def layer_fields(cls: type[Layer]) -> list[str]:
    """Constructor field names of a layer class (``name`` excluded)."""
    return [f.name for f in fields(cls) if f.name != "name"]


__all__ = [
    "ACTIVATION_OPS", "Activation", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "Add",
    "AvgPool2d", "BatchNorm2d", "Concat", "Conv2d", "Dropout", "Flatten", "Layer",
    "LayerCost", "LayerError", "Linear", "MaxPool2d", "Pair", "Shape", "Upsample",
    "depthwise", "layer_fields", "required_fields", "broadcast_shape", "Mul", "ChannelSlice",
    "Permute", "LayerScale", "Inactive",
]
