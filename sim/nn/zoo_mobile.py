"""Efficient CNNs of torchvision, built exactly as torchvision defines them:
shufflenet_v2_x1_0, mobilenet_v3_large, efficientnet_b0, regnet_y_400mf,
convnext_tiny (listed in :mod:`sim.nn.zoo_extra`'s ``MODELS``; same checks).

Notes checked against torchvision (v0.15+ sources):

* Squeeze-and-excitation (MobileNetV3, EfficientNet, RegNetY): global average
  pool, 1x1 conv (bias) to the squeeze width, activation, 1x1 conv (bias)
  back, gate (hardsigmoid or sigmoid), channel-wise ``mul``.
* ShuffleNetV2: the channel split is two ``slice`` nodes and the channel
  shuffle a ``permute`` with the identity order (a reshape + transpose: no
  arithmetic, the shape is unchanged).
* ConvNeXt: the block's LayerNorm and MLP act on ``(H, W, C)`` (``permute``
  nodes as in torchvision); layer scale is a learned per-channel multiply.
* RegNetY-400MF: widths and depths from torchvision's quantized linear
  parameterisation (depth 16, w_0 48, w_a 27.89, w_m 2.09, group width 8,
  SE ratio 0.25).
"""

from __future__ import annotations

import math

from .graph import GraphBuilder, Model
from .layers import (
    Activation,
    AdaptiveAvgPool2d,
    Add,
    BatchNorm2d,
    ChannelSlice,
    Concat,
    Dropout,
    Flatten,
    LayerScale,
    Linear,
    MaxPool2d,
    Mul,
    Permute,
)
from .norms import LayerNorm, LayerNorm2d
from .zoo_classic import _conv


# --- helpers ----------------------------------------------------------------------------------------
def _cba(g: GraphBuilder, p: str, cin: int, cout: int, k, s=1, pad=None, groups: int = 1,
         act: str | None = "relu", names=("0", "1", "2"), src: str | None = None) -> str:
    """Conv (no bias) + BatchNorm (+ activation), torchvision ``Conv2dNormActivation``
    names ``p.0``, ``p.1``, ``p.2``."""
    if pad is None:
        pad = ((k[0] - 1) // 2, (k[1] - 1) // 2) if isinstance(k, tuple) else (k - 1) // 2
    c, b, a = names
    g.add(_conv(f"{p}.{c}", cin, cout, k, s, pad, groups), src)
    g.add(BatchNorm2d(name=f"{p}.{b}", num_features=cout))
    if act:
        g.add(Activation(name=f"{p}.{a}", fn=act))
    return g.last


def _se(g: GraphBuilder, p: str, channels: int, squeeze: int, act: str, gate: str) -> str:
    """torchvision ``SqueezeExcitation``: pool, fc1 (1x1 conv), act, fc2, gate, scale."""
    x = g.last
    g.chain(AdaptiveAvgPool2d(name=f"{p}.avgpool", output_size=1),
            _conv(f"{p}.fc1", channels, squeeze, 1, bias=True), Activation(name=f"{p}.activation", fn=act),
            _conv(f"{p}.fc2", squeeze, channels, 1, bias=True),
            Activation(name=f"{p}.scale_activation", fn=gate))
    return g.add(Mul(name=f"{p}.mul"), (x, g.last))


def _make_divisible(v: float, divisor: int = 8) -> int:
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def _classifier_head(g: GraphBuilder, features: int, num_classes: int, dropout: float,
                     prefix: str = "classifier") -> None:
    g.chain(AdaptiveAvgPool2d(name="avgpool", output_size=1), Flatten(name="flatten"),
            Dropout(name=f"{prefix}.0", p=dropout),
            Linear(name=f"{prefix}.1", in_features=features, out_features=num_classes))


# --- ShuffleNetV2 -----------------------------------------------------------------------------------
def _shuffle_unit(g: GraphBuilder, p: str, cin: int, cout: int, stride: int) -> None:
    bf, x = cout // 2, g.last
    if stride > 1:  # branch1: dw conv, BN, 1x1 conv, BN, ReLU
        _cba(g, f"{p}.branch1", cin, cin, 3, stride, 1, groups=cin, act=None, src=x)
        left = _cba(g, f"{p}.branch1", cin, bf, 1, names=("2", "3", "4"))
        src, c2 = x, cin
    else:
        left = g.add(ChannelSlice(name=f"{p}.split.0", start=0, stop=bf), x)
        src = g.add(ChannelSlice(name=f"{p}.split.1", start=bf, stop=2 * bf), x)
        c2 = bf
    _cba(g, f"{p}.branch2", c2, bf, 1, src=src)
    _cba(g, f"{p}.branch2", bf, bf, 3, stride, 1, groups=bf, act=None, names=("3", "4", "-"))
    right = _cba(g, f"{p}.branch2", bf, bf, 1, names=("5", "6", "7"))
    g.add(Concat(name=f"{p}.concat"), (left, right))
    g.add(Permute(name=f"{p}.channel_shuffle", order=(0, 1, 2)))


def shufflenet_v2_x1_0(num_classes: int = 1000) -> Model:
    g = GraphBuilder()
    _cba(g, "conv1", 3, 24, 3, 2, 1)
    g.add(MaxPool2d(name="maxpool", kernel=3, stride=2, padding=1))
    c = 24
    for stage, (n, out) in enumerate(zip((4, 8, 4), (116, 232, 464), strict=True), 2):
        for i in range(n):
            _shuffle_unit(g, f"stage{stage}.{i}", c, out, 2 if i == 0 else 1)
            c = out
    _cba(g, "conv5", c, 1024, 1)
    g.chain(AdaptiveAvgPool2d(name="mean", output_size=1), Flatten(name="flatten"),
            Linear(name="fc", in_features=1024, out_features=num_classes))
    return g.build("shufflenet_v2_x1_0")


# --- MobileNetV3-Large ------------------------------------------------------------------------------
_MBV3_LARGE = [  # in, kernel, expanded, out, SE, activation, stride
    (16, 3, 16, 16, False, "relu", 1), (16, 3, 64, 24, False, "relu", 2),
    (24, 3, 72, 24, False, "relu", 1), (24, 5, 72, 40, True, "relu", 2),
    (40, 5, 120, 40, True, "relu", 1), (40, 5, 120, 40, True, "relu", 1),
    (40, 3, 240, 80, False, "hardswish", 2), (80, 3, 200, 80, False, "hardswish", 1),
    (80, 3, 184, 80, False, "hardswish", 1), (80, 3, 184, 80, False, "hardswish", 1),
    (80, 3, 480, 112, True, "hardswish", 1), (112, 3, 672, 112, True, "hardswish", 1),
    (112, 5, 672, 160, True, "hardswish", 2), (160, 5, 960, 160, True, "hardswish", 1),
    (160, 5, 960, 160, True, "hardswish", 1),
]


def mobilenet_v3_large(num_classes: int = 1000) -> Model:
    g = GraphBuilder()
    _cba(g, "features.0", 3, 16, 3, 2, act="hardswish")
    for i, (cin, k, exp, cout, se, act, s) in enumerate(_MBV3_LARGE, 1):
        p, x, j = f"features.{i}.block", g.last, 0
        if exp != cin:
            _cba(g, f"{p}.0", cin, exp, 1, act=act)
            j = 1
        _cba(g, f"{p}.{j}", exp, exp, k, s, groups=exp, act=act)
        if se:
            j += 1
            _se(g, f"{p}.{j}", exp, _make_divisible(exp // 4), "relu", "hardsigmoid")
        _cba(g, f"{p}.{j + 1}", exp, cout, 1, act=None)
        if s == 1 and cin == cout:
            g.add(Add(name=f"features.{i}.add"), (g.last, x))
    _cba(g, "features.16", 160, 960, 1, act="hardswish")
    g.chain(AdaptiveAvgPool2d(name="avgpool", output_size=1), Flatten(name="flatten"),
            Linear(name="classifier.0", in_features=960, out_features=1280),
            Activation(name="classifier.1", fn="hardswish"), Dropout(name="classifier.2", p=0.2),
            Linear(name="classifier.3", in_features=1280, out_features=num_classes))
    return g.build("mobilenet_v3_large")


# --- EfficientNet-B0 --------------------------------------------------------------------------------
_EFFNET_B0 = [  # expand ratio, kernel, stride, in, out, layers
    (1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
    (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1),
]


def efficientnet_b0(num_classes: int = 1000) -> Model:
    g = GraphBuilder()
    _cba(g, "features.0", 3, 32, 3, 2, act="silu")
    for stage, (t, k, s, cin, cout, n) in enumerate(_EFFNET_B0, 1):
        for i in range(n):
            p, x = f"features.{stage}.{i}", g.last
            cin_i, s_i = (cin, s) if i == 0 else (cout, 1)
            exp, j = _make_divisible(cin_i * t), 0
            if exp != cin_i:
                _cba(g, f"{p}.block.0", cin_i, exp, 1, act="silu")
                j = 1
            _cba(g, f"{p}.block.{j}", exp, exp, k, s_i, groups=exp, act="silu")
            _se(g, f"{p}.block.{j + 1}", exp, max(1, cin_i // 4), "silu", "sigmoid")
            _cba(g, f"{p}.block.{j + 2}", exp, cout, 1, act=None)
            if s_i == 1 and cin_i == cout:
                g.add(Add(name=f"{p}.add"), (g.last, x))
    _cba(g, "features.8", 320, 1280, 1, act="silu")
    _classifier_head(g, 1280, num_classes, 0.2)
    return g.build("efficientnet_b0")


# --- RegNetY-400MF ----------------------------------------------------------------------------------
def regnet_widths(depth: int, w_0: float, w_a: float, w_m: float, group_width: int,
                  quant: int = 8) -> list[tuple[int, int, int]]:
    """(width, depth, group width) per stage, as torchvision's ``BlockParams.from_init_params``."""
    caps = [round(math.log((i * w_a + w_0) / w_0) / math.log(w_m)) for i in range(depth)]
    widths = [int(round(w_0 * w_m ** c / quant) * quant) for c in caps]
    stages: list[list[int]] = []
    for w in widths:
        if stages and stages[-1][0] == w:
            stages[-1][1] += 1
        else:
            stages.append([w, 1])
    out = []
    for w, d in stages:  # group width no wider than the block; width a multiple of it
        gw = min(group_width, w)
        out.append((_make_divisible(w, gw), d, gw))
    return out


def regnet_y_400mf(num_classes: int = 1000) -> Model:
    g = GraphBuilder()
    _cba(g, "stem", 3, 32, 3, 2)
    c = 32
    for s, (w, d, gw) in enumerate(regnet_widths(16, 48, 27.89, 2.09, 8), 1):
        for i in range(d):
            p, x, stride = f"trunk_output.block{s}.block{s}-{i}", g.last, 2 if i == 0 else 1
            _cba(g, f"{p}.f.a", c, w, 1)
            _cba(g, f"{p}.f.b", w, w, 3, stride, groups=w // gw)
            _se(g, f"{p}.f.se", w, int(round(0.25 * c)), "relu", "sigmoid")
            main = _cba(g, f"{p}.f.c", w, w, 1, act=None)
            if c != w or stride != 1:
                x = _cba(g, f"{p}.proj", c, w, 1, stride, act=None, src=x)
            g.add(Add(name=f"{p}.add"), (main, x))
            g.add(Activation(name=f"{p}.activation"))
            c = w
    g.chain(AdaptiveAvgPool2d(name="avgpool", output_size=1), Flatten(name="flatten"),
            Linear(name="fc", in_features=c, out_features=num_classes))
    return g.build("regnet_y_400mf")


# --- ConvNeXt-Tiny ----------------------------------------------------------------------------------
def convnext_tiny(num_classes: int = 1000) -> Model:
    g = GraphBuilder()
    g.chain(_conv("features.0.0", 3, 96, 4, 4, bias=True), LayerNorm2d(name="features.0.1", dim=96))
    stages = [(96, 192, 3), (192, 384, 3), (384, 768, 9), (768, None, 3)]
    for s, (dim, out, n) in enumerate(stages):
        for i in range(n):
            p, x = f"features.{2 * s + 1}.{i}.block", g.last
            g.chain(_conv(f"{p}.0", dim, dim, 7, 1, 3, groups=dim, bias=True),
                    Permute(name=f"{p}.1", order=(1, 2, 0)), LayerNorm(name=f"{p}.2", dim=dim),
                    Linear(name=f"{p}.3", in_features=dim, out_features=4 * dim),
                    Activation(name=f"{p}.4", fn="gelu"),
                    Linear(name=f"{p}.5", in_features=4 * dim, out_features=dim),
                    LayerScale(name=f"{p}.layer_scale", dim=dim),
                    Permute(name=f"{p}.6", order=(2, 0, 1)))
            g.add(Add(name=f"features.{2 * s + 1}.{i}.add"), (g.last, x))
        if out is not None:
            g.chain(LayerNorm2d(name=f"features.{2 * s + 2}.0", dim=dim),
                    _conv(f"features.{2 * s + 2}.1", dim, out, 2, 2, bias=True))
    g.chain(AdaptiveAvgPool2d(name="avgpool", output_size=1), LayerNorm2d(name="classifier.0", dim=768),
            Flatten(name="classifier.1"),
            Linear(name="classifier.2", in_features=768, out_features=num_classes))
    return g.build("convnext_tiny")
