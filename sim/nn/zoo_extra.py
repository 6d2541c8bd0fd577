"""More of torchvision's CNNs, built exactly as torchvision defines them.

Models: vgg13, resnet152, densenet161, inception_v3 (299x299 input by default),
squeezenet1_0, squeezenet1_1, shufflenet_v2_x1_0, mobilenet_v3_large,
efficientnet_b0, regnet_y_400mf, convnext_tiny (the last five built in
:mod:`sim.nn.zoo_mobile`).  Layer names follow
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
"""

from __future__ import annotations

from collections.abc import Callable

from .graph import GraphBuilder, Model
from .layers import (
    Activation,
    AdaptiveAvgPool2d,
    AvgPool2d,
    BatchNorm2d,
    Concat,
    Dropout,
    Flatten,
    Inactive,
    Linear,
    MaxPool2d,
)
from .zoo_classic import _conv, _resnet, _vgg, bottleneck_block, densenet
from .zoo_mobile import (
    convnext_tiny,
    efficientnet_b0,
    mobilenet_v3_large,
    regnet_y_400mf,
    shufflenet_v2_x1_0,
)


def vgg13(num_classes: int = 1000) -> Model:
    return _vgg("vgg13", num_classes)


def resnet152(num_classes: int = 1000) -> Model:
    return _resnet("resnet152", bottleneck_block, [3, 8, 36, 3], num_classes)


def densenet161(num_classes: int = 1000) -> Model:
    return densenet("densenet161", num_classes, growth=48, blocks=(6, 12, 36, 24), init=96)


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


MODELS: dict[str, Callable[..., Model]] = {
    "vgg13": vgg13, "resnet152": resnet152, "densenet161": densenet161,
    "inception_v3": inception_v3, "squeezenet1_0": squeezenet1_0, "squeezenet1_1": squeezenet1_1,
    "shufflenet_v2_x1_0": shufflenet_v2_x1_0, "mobilenet_v3_large": mobilenet_v3_large,
    "efficientnet_b0": efficientnet_b0, "regnet_y_400mf": regnet_y_400mf,
    "convnext_tiny": convnext_tiny,
}
