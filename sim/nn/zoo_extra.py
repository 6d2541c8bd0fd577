"""More of torchvision's CNNs, built exactly as torchvision defines them.

Models: vgg13, resnet152, densenet161, inception_v3 (299x299 input by default),
squeezenet1_0, squeezenet1_1, shufflenet_v2_x1_0, mobilenet_v3_large,
efficientnet_b0, regnet_y_400mf, convnext_tiny.  Layer names follow
torchvision's module paths.  Parameter totals equal torchvision's published
``num_params``; MACs (conv + linear) agree with its published "GFLOPS"
(see ``tests/test_nn_zoo_extra.py``).

Notes checked against torchvision (v0.15+ sources):

* inception_v3: ``aux_logits=True`` as torchvision builds it, so the
  auxiliary classifier's parameters are in the count (27,161,264); it runs only
  in training, so it is one ``inactive`` node holding its 3,326,696
  parameters and doing no arithmetic, as torchvision's 5.713 GFLOPS (eval
  mode) assume.  ``inception_v3(aux_logits=False)`` drops it.  BasicConv2d =
  conv (no bias) + BatchNorm(eps=0.001) + ReLU.
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
from collections.abc import Callable

from .graph import GraphBuilder, Model
from .layers import (
    Activation,
    AdaptiveAvgPool2d,
    Add,
    AvgPool2d,
    BatchNorm2d,
    ChannelSlice,
    Concat,
    Dropout,
    Flatten,
    Inactive,
    LayerScale,
    Linear,
    MaxPool2d,
    Mul,
    Permute,
)
from .transformer import LayerNorm, LayerNorm2d
from .zoo_classic import _conv, _resnet, _vgg, bottleneck_block, densenet


def vgg13(num_classes: int = 1000) -> Model:
    return _vgg("vgg13", num_classes)


def resnet152(num_classes: int = 1000) -> Model:
    return _resnet("resnet152", bottleneck_block, [3, 8, 36, 3], num_classes)


def densenet161(num_classes: int = 1000) -> Model:
    return densenet("densenet161", num_classes, growth=48, blocks=(6, 12, 36, 24), init=96)


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


# --- Inception v3 -----------------------------------------------------------------------------------
def _bc(g: GraphBuilder, p: str, cin: int, cout: int, k, s=1, pad=0, src: str | None = None) -> str:
    """``BasicConv2d``: conv (no bias) + BatchNorm(eps=0.001) + ReLU."""
    return g.chain(_conv(f"{p}.conv", cin, cout, k, s, pad), BatchNorm2d(name=f"{p}.bn", num_features=cout),
                   Activation(name=f"{p}.relu", fn="relu"), src=src)


def _avg_branch(g: GraphBuilder, p: str, x: str, cin: int, cout: int) -> str:
    g.add(AvgPool2d(name=f"{p}.branch_pool.avgpool", kernel=3, stride=1, padding=1), x)
    return _bc(g, f"{p}.branch_pool", cin, cout, 1)


def _inception_a(g, p, cin, pool_features) -> int:
    x = g.last
    b1 = _bc(g, f"{p}.branch1x1", cin, 64, 1, src=x)
    _bc(g, f"{p}.branch5x5_1", cin, 48, 1, src=x)
    b5 = _bc(g, f"{p}.branch5x5_2", 48, 64, 5, pad=2)
    _bc(g, f"{p}.branch3x3dbl_1", cin, 64, 1, src=x)
    _bc(g, f"{p}.branch3x3dbl_2", 64, 96, 3, pad=1)
    b3 = _bc(g, f"{p}.branch3x3dbl_3", 96, 96, 3, pad=1)
    bp = _avg_branch(g, p, x, cin, pool_features)
    g.add(Concat(name=f"{p}.concat"), (b1, b5, b3, bp))
    return 64 + 64 + 96 + pool_features


def _inception_b(g, p, cin) -> int:
    x = g.last
    b3 = _bc(g, f"{p}.branch3x3", cin, 384, 3, 2, src=x)
    _bc(g, f"{p}.branch3x3dbl_1", cin, 64, 1, src=x)
    _bc(g, f"{p}.branch3x3dbl_2", 64, 96, 3, pad=1)
    bd = _bc(g, f"{p}.branch3x3dbl_3", 96, 96, 3, 2)
    bp = g.add(MaxPool2d(name=f"{p}.branch_pool", kernel=3, stride=2), x)
    g.add(Concat(name=f"{p}.concat"), (b3, bd, bp))
    return 384 + 96 + cin


def _inception_c(g, p, cin, c7) -> int:
    x, r, c = g.last, (1, 7), (7, 1)
    b1 = _bc(g, f"{p}.branch1x1", cin, 192, 1, src=x)
    _bc(g, f"{p}.branch7x7_1", cin, c7, 1, src=x)
    _bc(g, f"{p}.branch7x7_2", c7, c7, r, pad=(0, 3))
    b7 = _bc(g, f"{p}.branch7x7_3", c7, 192, c, pad=(3, 0))
    _bc(g, f"{p}.branch7x7dbl_1", cin, c7, 1, src=x)
    _bc(g, f"{p}.branch7x7dbl_2", c7, c7, c, pad=(3, 0))
    _bc(g, f"{p}.branch7x7dbl_3", c7, c7, r, pad=(0, 3))
    _bc(g, f"{p}.branch7x7dbl_4", c7, c7, c, pad=(3, 0))
    bd = _bc(g, f"{p}.branch7x7dbl_5", c7, 192, r, pad=(0, 3))
    bp = _avg_branch(g, p, x, cin, 192)
    g.add(Concat(name=f"{p}.concat"), (b1, b7, bd, bp))
    return 768


def _inception_d(g, p, cin) -> int:
    x = g.last
    _bc(g, f"{p}.branch3x3_1", cin, 192, 1, src=x)
    b3 = _bc(g, f"{p}.branch3x3_2", 192, 320, 3, 2)
    _bc(g, f"{p}.branch7x7x3_1", cin, 192, 1, src=x)
    _bc(g, f"{p}.branch7x7x3_2", 192, 192, (1, 7), pad=(0, 3))
    _bc(g, f"{p}.branch7x7x3_3", 192, 192, (7, 1), pad=(3, 0))
    b7 = _bc(g, f"{p}.branch7x7x3_4", 192, 192, 3, 2)
    bp = g.add(MaxPool2d(name=f"{p}.branch_pool", kernel=3, stride=2), x)
    g.add(Concat(name=f"{p}.concat"), (b3, b7, bp))
    return 320 + 192 + cin


def _inception_e(g, p, cin) -> int:
    x = g.last
    b1 = _bc(g, f"{p}.branch1x1", cin, 320, 1, src=x)
    y = _bc(g, f"{p}.branch3x3_1", cin, 384, 1, src=x)
    a = _bc(g, f"{p}.branch3x3_2a", 384, 384, (1, 3), pad=(0, 1))
    b = _bc(g, f"{p}.branch3x3_2b", 384, 384, (3, 1), pad=(1, 0), src=y)
    _bc(g, f"{p}.branch3x3dbl_1", cin, 448, 1, src=x)
    z = _bc(g, f"{p}.branch3x3dbl_2", 448, 384, 3, pad=1)
    c = _bc(g, f"{p}.branch3x3dbl_3a", 384, 384, (1, 3), pad=(0, 1))
    d = _bc(g, f"{p}.branch3x3dbl_3b", 384, 384, (3, 1), pad=(1, 0), src=z)
    bp = _avg_branch(g, p, x, cin, 192)
    g.add(Concat(name=f"{p}.concat"), (b1, a, b, c, d, bp))
    return 2048


def inception_v3(num_classes: int = 1000, aux_logits: bool = True) -> Model:
    g = GraphBuilder()
    _bc(g, "Conv2d_1a_3x3", 3, 32, 3, 2)
    _bc(g, "Conv2d_2a_3x3", 32, 32, 3)
    _bc(g, "Conv2d_2b_3x3", 32, 64, 3, pad=1)
    g.add(MaxPool2d(name="maxpool1", kernel=3, stride=2))
    _bc(g, "Conv2d_3b_1x1", 64, 80, 1)
    _bc(g, "Conv2d_4a_3x3", 80, 192, 3)
    g.add(MaxPool2d(name="maxpool2", kernel=3, stride=2))
    c = _inception_a(g, "Mixed_5b", 192, 32)
    c = _inception_a(g, "Mixed_5c", c, 64)
    c = _inception_a(g, "Mixed_5d", c, 64)
    c = _inception_b(g, "Mixed_6a", c)
    for name, c7 in (("Mixed_6b", 128), ("Mixed_6c", 160), ("Mixed_6d", 160), ("Mixed_6e", 192)):
        c = _inception_c(g, name, c, c7)
    if aux_logits:  # InceptionAux: runs in training only (see the module notes)
        aux = GraphBuilder()
        _bc(aux, "conv0", c, 128, 1)
        _bc(aux, "conv1", 128, 768, 5)
        aux.add(Linear(name="fc", in_features=768, out_features=num_classes))
        x = g.last
        g.add(Inactive(name="AuxLogits", held_params=sum(n.layer.params() for n in aux.nodes)))
        g.last = x
    c = _inception_d(g, "Mixed_7a", c)
    c = _inception_e(g, "Mixed_7b", c)
    c = _inception_e(g, "Mixed_7c", c)
    g.chain(AdaptiveAvgPool2d(name="avgpool", output_size=1), Dropout(name="dropout"),
            Flatten(name="flatten"), Linear(name="fc", in_features=c, out_features=num_classes))
    return g.build("inception_v3", default_input=299)


# --- SqueezeNet -------------------------------------------------------------------------------------
def _fire(g: GraphBuilder, p: str, cin: int, sq: int, e1: int, e3: int) -> int:
    s = g.chain(_conv(f"{p}.squeeze", cin, sq, 1, bias=True), Activation(name=f"{p}.squeeze_activation"))
    a = g.chain(_conv(f"{p}.expand1x1", sq, e1, 1, bias=True), Activation(name=f"{p}.expand1x1_activation"))
    b = g.chain(_conv(f"{p}.expand3x3", sq, e3, 3, 1, 1, bias=True),
                Activation(name=f"{p}.expand3x3_activation"), src=s)
    g.add(Concat(name=f"{p}.concat"), (a, b))
    return e1 + e3


def _squeezenet(version: str, num_classes: int) -> Model:
    g = GraphBuilder()
    if version == "1_0":
        g.chain(_conv("features.0", 3, 96, 7, 2, bias=True), Activation(name="features.1"))
        plan: list[tuple[int, int] | None] = [  # None: a max pool; (squeeze, expand): Fire
            None, (16, 64), (16, 64), (32, 128), None, (32, 128), (48, 192), (48, 192),
            (64, 256), None, (64, 256)]
        c = 96
    else:
        g.chain(_conv("features.0", 3, 64, 3, 2, bias=True), Activation(name="features.1"))
        plan = [None, (16, 64), (16, 64), None, (32, 128), (32, 128), None, (48, 192),
                (48, 192), (64, 256), (64, 256)]
        c = 64
    for i, step in enumerate(plan, 2):
        if step is None:
            g.add(MaxPool2d(name=f"features.{i}", kernel=3, stride=2, ceil_mode=True))
        else:
            c = _fire(g, f"features.{i}", c, step[0], step[1], step[1])
    g.chain(Dropout(name="classifier.0"), _conv("classifier.1", c, num_classes, 1, bias=True),
            Activation(name="classifier.2"), AdaptiveAvgPool2d(name="classifier.3", output_size=1),
            Flatten(name="flatten"))
    return g.build(f"squeezenet{version}")


def squeezenet1_0(num_classes: int = 1000) -> Model:
    return _squeezenet("1_0", num_classes)


def squeezenet1_1(num_classes: int = 1000) -> Model:
    return _squeezenet("1_1", num_classes)


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


MODELS: dict[str, Callable[..., Model]] = {
    "vgg13": vgg13, "resnet152": resnet152, "densenet161": densenet161,
    "inception_v3": inception_v3, "squeezenet1_0": squeezenet1_0, "squeezenet1_1": squeezenet1_1,
    "shufflenet_v2_x1_0": shufflenet_v2_x1_0, "mobilenet_v3_large": mobilenet_v3_large,
    "efficientnet_b0": efficientnet_b0, "regnet_y_400mf": regnet_y_400mf,
    "convnext_tiny": convnext_tiny,
}
