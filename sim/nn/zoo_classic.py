"""Classic CNNs built from layer specs, exactly as torchvision defines them.

Models (``MODELS``): alexnet, vgg11, vgg16, vgg19, resnet18, resnet34, resnet50,
resnet101, mobilenet_v2, densenet121, googlenet.  :mod:`sim.nn.zoo` gathers them
with :mod:`sim.nn.zoo_extra` and :mod:`sim.nn.zoo_transformers`.  Each builder takes
``num_classes`` (default 1000) and returns a :class:`~sim.nn.graph.Model` that
works for any input size (the adaptive pools make the classifier size-agnostic).

Layer names follow torchvision's module paths where they are unique
(``layer1.0.conv1``, ``layer1.0.downsample.0``, ``features.3.conv.1.0``...);
VGG uses the paper's names (``conv1_1`` ... ``fc6``, ``fc7``, ``fc8``).  Modules
that torchvision reuses or runs functionally get their own nodes (``relu1``,
``add``, ``flatten``...).

Architecture notes checked against torchvision (v0.15+ sources):

* ResNet-50/101 are "v1.5": the stride of a bottleneck sits on the 3x3 conv.
* GoogLeNet: ``aux_logits`` off (inference), so the two auxiliary classifiers
  are not part of the model or the parameter count; every conv is
  ``BasicConv2d`` (conv without bias + BatchNorm(eps=0.001) + ReLU); the
  "5x5" branch of each Inception block uses a **3x3** conv (a long-standing
  torchvision quirk kept for weight compatibility); max pools use ``ceil_mode``.
* DenseNet-121: each dense layer reads the concatenation of the block input and
  all earlier layer outputs, represented as a running ``concat`` node.
* MobileNetV2: width 1.0; ReLU6; residual only when stride 1 and in == out.
"""

from __future__ import annotations

from collections.abc import Callable

from .graph import GraphBuilder, Model
from .layers import (
    Activation,
    AdaptiveAvgPool2d,
    Add,
    AvgPool2d,
    BatchNorm2d,
    Concat,
    Conv2d,
    Dropout,
    Flatten,
    Linear,
    MaxPool2d,
)


def _conv(name, cin, cout, k, s=1, p=0, groups=1, bias=False) -> Conv2d:
    return Conv2d(name=name, in_channels=cin, out_channels=cout, kernel=k, stride=s,
                  padding=p, groups=groups, bias=bias)


def _relu(name: str, fn: str = "relu") -> Activation:
    return Activation(name=name, fn=fn)


def _head(g: GraphBuilder, features: int, num_classes: int, dropout: float | None = None) -> None:
    """Global average pool, flatten, (dropout), fully connected classifier."""
    g.add(AdaptiveAvgPool2d(name="avgpool", output_size=1))
    g.add(Flatten(name="flatten"))
    if dropout is not None:
        g.add(Dropout(name="dropout", p=dropout))
    g.add(Linear(name="fc", in_features=features, out_features=num_classes))


# --- AlexNet ---------------------------------------------------------------
def alexnet(num_classes: int = 1000) -> Model:
    g = GraphBuilder()
    convs = [(3, 64, 11, 4, 2, True), (64, 192, 5, 1, 2, True), (192, 384, 3, 1, 1, False),
             (384, 256, 3, 1, 1, False), (256, 256, 3, 1, 1, True)]
    for i, (cin, cout, k, s, p, pool) in enumerate(convs, 1):
        g.add(_conv(f"conv{i}", cin, cout, k, s, p, bias=True))
        g.add(_relu(f"relu{i}"))
        if pool:
            g.add(MaxPool2d(name=f"pool{i}", kernel=3, stride=2))
    g.add(AdaptiveAvgPool2d(name="avgpool", output_size=6))
    g.add(Flatten(name="flatten"))
    g.chain(Dropout(name="drop6"), Linear(name="fc6", in_features=256 * 36, out_features=4096),
            _relu("relu6"), Dropout(name="drop7"),
            Linear(name="fc7", in_features=4096, out_features=4096), _relu("relu7"),
            Linear(name="fc8", in_features=4096, out_features=num_classes))
    return g.build("alexnet")


# --- VGG -------------------------------------------------------------------
_VGG_CFGS = {
    "vgg11": [1, 1, 2, 2, 2],
    "vgg13": [2, 2, 2, 2, 2],
    "vgg16": [2, 2, 3, 3, 3],
    "vgg19": [2, 2, 4, 4, 4],
}


def _vgg(name: str, num_classes: int) -> Model:
    g = GraphBuilder()
    cin = 3
    for stage, (n, width) in enumerate(zip(_VGG_CFGS[name], [64, 128, 256, 512, 512], strict=True), 1):
        for i in range(1, n + 1):
            g.add(_conv(f"conv{stage}_{i}", cin, width, 3, 1, 1, bias=True))
            g.add(_relu(f"relu{stage}_{i}"))
            cin = width
        g.add(MaxPool2d(name=f"pool{stage}", kernel=2, stride=2))
    g.add(AdaptiveAvgPool2d(name="avgpool", output_size=7))
    g.add(Flatten(name="flatten"))
    g.chain(Linear(name="fc6", in_features=512 * 49, out_features=4096), _relu("relu6"),
            Dropout(name="drop6"),
            Linear(name="fc7", in_features=4096, out_features=4096), _relu("relu7"),
            Dropout(name="drop7"),
            Linear(name="fc8", in_features=4096, out_features=num_classes))
    return g.build(name)


def vgg11(num_classes: int = 1000) -> Model:
    return _vgg("vgg11", num_classes)


def vgg16(num_classes: int = 1000) -> Model:
    return _vgg("vgg16", num_classes)


def vgg19(num_classes: int = 1000) -> Model:
    return _vgg("vgg19", num_classes)


# --- ResNet ----------------------------------------------------------------
def basic_block(g: GraphBuilder, p: str, cin: int, planes: int, stride: int) -> int:
    """torchvision ``BasicBlock``: two 3x3 convs (stride on the first) + shortcut.

    A projection shortcut (1x1 conv, stride, + BN) is used when the stride is
    not 1 or the channel count changes.  Returns the output channels.
    """
    x = g.last
    g.chain(_conv(f"{p}.conv1", cin, planes, 3, stride, 1), BatchNorm2d(name=f"{p}.bn1", num_features=planes),
            _relu(f"{p}.relu1"), _conv(f"{p}.conv2", planes, planes, 3, 1, 1),
            BatchNorm2d(name=f"{p}.bn2", num_features=planes))
    return _shortcut(g, p, x, cin, planes, stride)


def bottleneck_block(g: GraphBuilder, p: str, cin: int, planes: int, stride: int) -> int:
    """torchvision ``Bottleneck`` (v1.5): 1x1 reduce, 3x3 (stride), 1x1 expand x4."""
    x, out = g.last, planes * 4
    g.chain(_conv(f"{p}.conv1", cin, planes, 1), BatchNorm2d(name=f"{p}.bn1", num_features=planes),
            _relu(f"{p}.relu1"), _conv(f"{p}.conv2", planes, planes, 3, stride, 1),
            BatchNorm2d(name=f"{p}.bn2", num_features=planes), _relu(f"{p}.relu2"),
            _conv(f"{p}.conv3", planes, out, 1), BatchNorm2d(name=f"{p}.bn3", num_features=out))
    return _shortcut(g, p, x, cin, out, stride)


def _shortcut(g: GraphBuilder, p: str, x: str, cin: int, out: int, stride: int) -> int:
    main = g.last
    if stride != 1 or cin != out:
        x = g.chain(_conv(f"{p}.downsample.0", cin, out, 1, stride),
                    BatchNorm2d(name=f"{p}.downsample.1", num_features=out), src=x)
    g.add(Add(name=f"{p}.add"), inputs=(main, x))
    g.add(_relu(f"{p}.relu"))
    return out


def _resnet(name: str, block: Callable, layers: list[int], num_classes: int) -> Model:
    g = GraphBuilder()
    g.chain(_conv("conv1", 3, 64, 7, 2, 3), BatchNorm2d(name="bn1", num_features=64), _relu("relu"),
            MaxPool2d(name="maxpool", kernel=3, stride=2, padding=1))
    cin = 64
    for i, (n, planes) in enumerate(zip(layers, [64, 128, 256, 512], strict=True), 1):
        for j in range(n):
            stride = 2 if (i > 1 and j == 0) else 1
            cin = block(g, f"layer{i}.{j}", cin, planes, stride)
    _head(g, cin, num_classes)
    return g.build(name)


def resnet18(num_classes: int = 1000) -> Model:
    return _resnet("resnet18", basic_block, [2, 2, 2, 2], num_classes)


def resnet34(num_classes: int = 1000) -> Model:
    return _resnet("resnet34", basic_block, [3, 4, 6, 3], num_classes)


def resnet50(num_classes: int = 1000) -> Model:
    return _resnet("resnet50", bottleneck_block, [3, 4, 6, 3], num_classes)


def resnet101(num_classes: int = 1000) -> Model:
    return _resnet("resnet101", bottleneck_block, [3, 4, 23, 3], num_classes)


# --- MobileNetV2 -------------------------------------------------------------
def _conv_bn_act(g: GraphBuilder, p: str, cin: int, cout: int, k: int, s: int = 1,
                 groups: int = 1, act: str | None = "relu6") -> None:
    """torchvision ``Conv2dNormActivation``: conv (no bias) + BN (+ activation)."""
    g.add(_conv(f"{p}.0", cin, cout, k, s, (k - 1) // 2, groups))
    g.add(BatchNorm2d(name=f"{p}.1", num_features=cout))
    if act:
        g.add(_relu(f"{p}.2", act))


def mobilenet_v2(num_classes: int = 1000) -> Model:
    g = GraphBuilder()
    _conv_bn_act(g, "features.0", 3, 32, 3, 2)
    settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
    cin, idx = 32, 1
    for t, c, n, s in settings:
        for i in range(n):
            stride, p, x = (s if i == 0 else 1), f"features.{idx}", g.last
            hidden, j = cin * t, 0
            if t != 1:
                _conv_bn_act(g, f"{p}.conv.0", cin, hidden, 1)
                j = 1
            _conv_bn_act(g, f"{p}.conv.{j}", hidden, hidden, 3, stride, groups=hidden)
            g.add(_conv(f"{p}.conv.{j + 1}", hidden, c, 1))
            g.add(BatchNorm2d(name=f"{p}.conv.{j + 2}", num_features=c))
            if stride == 1 and cin == c:
                g.add(Add(name=f"{p}.add"), inputs=(g.last, x))
            cin, idx = c, idx + 1
    _conv_bn_act(g, f"features.{idx}", cin, 1280, 1)
    g.add(AdaptiveAvgPool2d(name="avgpool", output_size=1))
    g.add(Flatten(name="flatten"))
    g.add(Dropout(name="classifier.0", p=0.2))
    g.add(Linear(name="classifier.1", in_features=1280, out_features=num_classes))
    return g.build("mobilenet_v2")


# --- DenseNet-121 ------------------------------------------------------------
def densenet121(num_classes: int = 1000) -> Model:
    return densenet("densenet121", num_classes)


def densenet(name: str, num_classes: int = 1000, growth: int = 32, blocks=(6, 12, 24, 16),
             init: int = 64, bn_size: int = 4) -> Model:
    """torchvision ``DenseNet`` (121: growth 32, blocks 6/12/24/16, init 64)."""
    g = GraphBuilder()
    g.chain(_conv("features.conv0", 3, init, 7, 2, 3), BatchNorm2d(name="features.norm0", num_features=init),
            _relu("features.relu0"), MaxPool2d(name="features.pool0", kernel=3, stride=2, padding=1))
    c = init
    for b, n in enumerate(blocks, 1):
        for i in range(1, n + 1):
            p, x, mid = f"features.denseblock{b}.denselayer{i}", g.last, bn_size * growth
            g.chain(BatchNorm2d(name=f"{p}.norm1", num_features=c), _relu(f"{p}.relu1"),
                    _conv(f"{p}.conv1", c, mid, 1), BatchNorm2d(name=f"{p}.norm2", num_features=mid),
                    _relu(f"{p}.relu2"), _conv(f"{p}.conv2", mid, growth, 3, 1, 1))
            g.add(Concat(name=f"{p}.concat"), inputs=(x, g.last))
            c += growth
        if b < len(blocks):
            p = f"features.transition{b}"
            g.chain(BatchNorm2d(name=f"{p}.norm", num_features=c), _relu(f"{p}.relu"),
                    _conv(f"{p}.conv", c, c // 2, 1), AvgPool2d(name=f"{p}.pool", kernel=2, stride=2))
            c //= 2
    g.add(BatchNorm2d(name="features.norm5", num_features=c))
    g.add(_relu("relu"))
    g.add(AdaptiveAvgPool2d(name="avgpool", output_size=1))
    g.add(Flatten(name="flatten"))
    g.add(Linear(name="classifier", in_features=c, out_features=num_classes))
    return g.build(name)


# --- GoogLeNet ---------------------------------------------------------------
def _basic_conv(g: GraphBuilder, p: str, cin: int, cout: int, k: int, s: int = 1, pad: int = 0,
                src: str | None = None) -> str:
    """torchvision ``BasicConv2d``: conv (no bias) + BatchNorm(eps=0.001) + ReLU."""
    return g.chain(_conv(f"{p}.conv", cin, cout, k, s, pad), BatchNorm2d(name=f"{p}.bn", num_features=cout),
                   _relu(f"{p}.relu"), src=src)


def _inception(g: GraphBuilder, p: str, cin: int, c1: int, c3r: int, c3: int, c5r: int, c5: int,
               pool_proj: int) -> int:
    x = g.last
    b1 = _basic_conv(g, f"{p}.branch1", cin, c1, 1, src=x)
    _basic_conv(g, f"{p}.branch2.0", cin, c3r, 1, src=x)
    b2 = _basic_conv(g, f"{p}.branch2.1", c3r, c3, 3, pad=1)
    _basic_conv(g, f"{p}.branch3.0", cin, c5r, 1, src=x)
    b3 = _basic_conv(g, f"{p}.branch3.1", c5r, c5, 3, pad=1)  # 3x3, as in torchvision
    g.add(MaxPool2d(name=f"{p}.branch4.0", kernel=3, stride=1, padding=1, ceil_mode=True), x)
    b4 = _basic_conv(g, f"{p}.branch4.1", cin, pool_proj, 1)
    g.add(Concat(name=f"{p}.concat"), inputs=(b1, b2, b3, b4))
    return c1 + c3 + c5 + pool_proj


def googlenet(num_classes: int = 1000) -> Model:
    g = GraphBuilder()
    _basic_conv(g, "conv1", 3, 64, 7, 2, 3)
    g.add(MaxPool2d(name="maxpool1", kernel=3, stride=2, ceil_mode=True))
    _basic_conv(g, "conv2", 64, 64, 1)
    _basic_conv(g, "conv3", 64, 192, 3, pad=1)
    g.add(MaxPool2d(name="maxpool2", kernel=3, stride=2, ceil_mode=True))
    c = 192
    blocks = {
        "inception3a": (64, 96, 128, 16, 32, 32), "inception3b": (128, 128, 192, 32, 96, 64),
        "maxpool3": (3,),
        "inception4a": (192, 96, 208, 16, 48, 64), "inception4b": (160, 112, 224, 24, 64, 64),
        "inception4c": (128, 128, 256, 24, 64, 64), "inception4d": (112, 144, 288, 32, 64, 64),
        "inception4e": (256, 160, 320, 32, 128, 128),
        "maxpool4": (2,),
        "inception5a": (256, 160, 320, 32, 128, 128), "inception5b": (384, 192, 384, 48, 128, 128),
    }
    for name, cfg in blocks.items():
        if name.startswith("maxpool"):
            g.add(MaxPool2d(name=name, kernel=cfg[0], stride=2, ceil_mode=True))
        else:
            c = _inception(g, name, c, *cfg)
    _head(g, c, num_classes, dropout=0.2)
    return g.build("googlenet")


MODELS: dict[str, Callable[..., Model]] = {
    "alexnet": alexnet, "vgg11": vgg11, "vgg16": vgg16, "vgg19": vgg19,
    "resnet18": resnet18, "resnet34": resnet34, "resnet50": resnet50, "resnet101": resnet101,
    "mobilenet_v2": mobilenet_v2, "densenet121": densenet121, "googlenet": googlenet,
}
