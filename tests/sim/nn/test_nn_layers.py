"""Layer formulas: shapes, parameters, MACs, other ops and invalid layers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.nn.layers import (
    Activation,
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    Add,
    AvgPool2d,
    BatchNorm2d,
    Concat,
    Conv2d,
    Dropout,
    Flatten,
    LayerError,
    Linear,
    MaxPool2d,
    Upsample,
    depthwise,
)


def test_lecture_conv_5x5_image_3x3_kernel():
    """Lecture: 5x5 image, 3x3 kernel, 1 channel -> 3x3 output, 9 MACs per output."""
    conv = Conv2d(name="conv", in_channels=1, out_channels=1, kernel=3, bias=True)
    cost = conv.cost((1, 5, 5))
    assert cost.output_shape == (1, 3, 3)
    k, c, h, w, o = 3, 1, 3, 3, 1
    assert cost.macs == k * k * c * h * w * o == 81  # lecture formula, bias folded in
    assert cost.macs // 9 == 9  # 9 MACs per output pixel
    assert cost.params == 9 + 1
    assert cost.other_ops == 9  # one bias add per output, only counted with all_ops


def test_conv_with_numpy_reference():
    """A direct numpy convolution of the lecture example: 9 products per output."""
    image = np.arange(25, dtype=float).reshape(5, 5)
    kernel = np.ones((3, 3))
    windows = np.lib.stride_tricks.sliding_window_view(image, (3, 3))
    out = np.einsum("ijkl,kl->ij", windows, kernel)
    conv = Conv2d(name="c", in_channels=1, out_channels=1, kernel=3)
    assert conv.output_shape((1, 5, 5))[1:] == out.shape
    assert conv.macs((1, 5, 5)) == windows.size  # each window element is one multiply-add
    assert out[0, 0] == image[:3, :3].sum()


@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 20), w=st.integers(1, 20), k=st.integers(1, 5), s=st.integers(1, 3),
       p=st.integers(0, 2), d=st.integers(1, 2), cin=st.integers(1, 4), cout=st.integers(1, 4))
def test_conv_shape_matches_sliding_windows(h, w, k, s, p, d, cin, cout):
    span = d * (k - 1) + 1
    conv = Conv2d(name="c", in_channels=cin, out_channels=cout, kernel=k, stride=s, padding=p,
                  dilation=d)
    if h + 2 * p < span or w + 2 * p < span:
        with pytest.raises(LayerError, match="layer 'c' \\(conv2d\\)"):
            conv.cost((cin, h, w))
        return
    padded = np.zeros((h + 2 * p, w + 2 * p))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (span, span))[::s, ::s]
    ho, wo = windows.shape[:2]
    cost = conv.cost((cin, h, w))
    assert cost.output_shape == (cout, ho, wo)
    assert cost.macs == ho * wo * cout * cin * k * k
    assert cost.params == cout * cin * k * k + cout


def test_depthwise_conv():
    dw = depthwise("dw", 32, kernel=3, stride=1, padding=1)
    assert dw.groups == 32 and not dw.bias
    cost = dw.cost((32, 112, 112))
    assert cost.output_shape == (32, 112, 112)
    assert cost.params == 32 * 3 * 3  # one 3x3 filter per channel
    assert cost.macs == 3 * 3 * 112 * 112 * 32  # k*k*H*W*C, no sum over channels
    dw2 = depthwise("dw2", 96, stride=2)
    assert dw2.output_shape((96, 112, 112)) == (96, 56, 56)


def test_grouped_conv():
    conv = Conv2d(name="g", in_channels=8, out_channels=16, kernel=3, padding=1, groups=4, bias=False)
    assert conv.params() == 16 * 2 * 9
    assert conv.macs((8, 10, 10)) == 9 * 2 * 10 * 10 * 16


def test_rectangular_conv():
    conv = Conv2d(name="r", in_channels=2, out_channels=3, kernel=(1, 7), padding=(0, 3), bias=False)
    assert conv.output_shape((2, 17, 17)) == (3, 17, 17)
    assert conv.params() == 3 * 2 * 7


@pytest.mark.parametrize("kwargs, message", [
    (dict(in_channels=30, out_channels=8, kernel=3, groups=4),
     "layer 'conv3' (conv2d): in_channels 30 not divisible by groups 4"),
    (dict(in_channels=8, out_channels=6, kernel=3, groups=4),
     "layer 'conv3' (conv2d): out_channels 6 not divisible by groups 4"),
    (dict(in_channels=3, out_channels=8, kernel=0), "layer 'conv3' (conv2d): kernel must be >= 1"),
    (dict(in_channels=3, out_channels=8, kernel=-3), "layer 'conv3' (conv2d): kernel must be >= 1"),
    (dict(in_channels=3, out_channels=8, kernel=3, stride=0), "stride must be >= 1"),
    (dict(in_channels=0, out_channels=8, kernel=3), "in_channels must be a positive integer"),
    (dict(in_channels=3, out_channels=8, kernel=3, padding=-1), "padding must be >= 0"),
])
def test_invalid_conv_names_layer(kwargs, message):
    with pytest.raises(LayerError) as info:
        Conv2d(name="conv3", **kwargs)
    assert message in str(info.value)
    assert str(info.value).startswith("layer 'conv3' (conv2d): ")
    assert isinstance(info.value, ValueError)


def test_conv_output_size_not_positive():
    conv = Conv2d(name="big", in_channels=3, out_channels=8, kernel=7)
    with pytest.raises(LayerError, match=r"layer 'big' \(conv2d\): output height would be .* <= 0"):
        conv.output_shape((3, 5, 5))


def test_conv_wrong_input_channels():
    conv = Conv2d(name="c2", in_channels=3, out_channels=8, kernel=3)
    with pytest.raises(LayerError, match="layer 'c2' \\(conv2d\\): expects 3 input channels, got 4"):
        conv.output_shape((4, 8, 8))


def test_linear():
    fc = Linear(name="fc6", in_features=25088, out_features=4096)
    cost = fc.cost((25088,))
    assert cost.output_shape == (4096,)
    assert cost.macs == 102_760_448
    assert cost.params == 25088 * 4096 + 4096
    assert cost.other_ops == 4096
    with pytest.raises(LayerError, match="layer 'fc6' \\(linear\\).*flatten"):
        fc.cost((512, 7, 7))


def test_batchnorm_and_activations():
    bn = BatchNorm2d(name="bn", num_features=64)
    assert bn.params() == 128  # gamma and beta; running stats are buffers
    assert bn.cost((64, 4, 4)).other_ops == 2 * 64 * 16
    assert bn.macs((64, 4, 4)) == 0
    with pytest.raises(LayerError, match="layer 'bn' \\(batchnorm2d\\)"):
        bn.cost((32, 4, 4))
    assert Activation(name="r", fn="relu").other_ops((10,)) == 10
    assert Activation(name="r6", fn="relu6").kind == "relu6"
    assert Activation(name="r6", fn="relu6").other_ops((2, 3, 3)) == 36
    assert Activation(name="s", fn="sigmoid").output_shape((5,)) == (5,)
    with pytest.raises(LayerError, match="layer 'x' \\(swish2\\): unknown activation"):
        Activation(name="x", fn="swish2")


def test_pooling():
    mp = MaxPool2d(name="pool", kernel=3, stride=2, padding=1)
    cost = mp.cost((64, 112, 112))
    assert cost.output_shape == (64, 56, 56)
    assert cost.other_ops == 8 * 64 * 56 * 56 and cost.macs == 0 and cost.params == 0
    ap = AvgPool2d(name="avg", kernel=2)  # stride defaults to kernel
    assert ap.cost((8, 9, 9)).output_shape == (8, 4, 4)
    assert ap.other_ops((8, 9, 9)) == 4 * 8 * 16
    # ceil_mode, as GoogLeNet: 112 -> 56, 28 -> 14, 14 -> 7; 7 -> 4 with kernel 2
    ceil = MaxPool2d(name="m", kernel=3, stride=2, ceil_mode=True)
    assert [ceil.output_shape((1, n, n))[1] for n in (112, 56, 28, 14)] == [56, 28, 14, 7]
    assert MaxPool2d(name="m", kernel=2, stride=2, ceil_mode=True).output_shape((1, 7, 7)) == (1, 4, 4)
    assert MaxPool2d(name="m", kernel=2, stride=2).output_shape((1, 7, 7)) == (1, 3, 3)
    with pytest.raises(LayerError, match="layer 'p' \\(maxpool2d\\): padding"):
        MaxPool2d(name="p", kernel=2, padding=2)
    with pytest.raises(LayerError, match="layer 'p' \\(maxpool2d\\): output height"):
        MaxPool2d(name="p", kernel=3, stride=2).output_shape((4, 2, 2))


def test_adaptive_pooling():
    gap = AdaptiveAvgPool2d(name="gap", output_size=1)
    cost = gap.cost((512, 7, 7))
    assert cost.output_shape == (512, 1, 1)
    assert cost.other_ops == 512 * 49
    # 3x3 -> 7x7 (VGG at 112 px): windows of 1 or 2 per axis, as PyTorch
    up = AdaptiveAvgPool2d(name="a", output_size=7)
    assert up.output_shape((512, 3, 3)) == (512, 7, 7)
    # windows along an axis 3 -> 7: [0,1) [0,1) [0,2) [1,2) [1,3) [2,3) [2,3) -> 1,1,2,1,2,1,1 = 9
    assert up.other_ops((1, 3, 3)) == 9 * 9
    amp = AdaptiveMaxPool2d(name="amp", output_size=(2, 2))
    assert amp.cost((3, 4, 4)).other_ops == 3 * 4 * 3


def test_add_concat_upsample_flatten_dropout():
    add = Add(name="res")
    assert add.cost([(64, 8, 8), (64, 8, 8)]).other_ops == 64 * 64
    assert add.output_shape([(4,), (4,), (4,)]) == (4,)
    with pytest.raises(LayerError, match="layer 'res' \\(add\\): inputs have different shapes"):
        add.cost([(64, 8, 8), (32, 8, 8)])
    with pytest.raises(LayerError, match="layer 'res' \\(add\\): needs at least two inputs"):
        add.cost((64, 8, 8))
    cat = Concat(name="cat")
    assert cat.output_shape([(64, 28, 28), (128, 28, 28), (32, 28, 28)]) == (224, 28, 28)
    assert cat.other_ops([(1, 2, 2), (1, 2, 2)]) == 0
    with pytest.raises(LayerError, match="layer 'cat' \\(concat\\)"):
        cat.cost([(64, 28, 28), (64, 14, 14)])
    up = Upsample(name="up", scale=2, mode="bilinear")
    assert up.cost((16, 10, 10)).output_shape == (16, 20, 20)
    assert up.other_ops((16, 10, 10)) == 7 * 16 * 400
    assert Upsample(name="u", size=(5, 7)).cost((2, 3, 3)) .output_shape == (2, 5, 7)
    assert Upsample(name="u", scale=2).other_ops((2, 3, 3)) == 0
    with pytest.raises(LayerError, match="layer 'u' \\(upsample\\)"):
        Upsample(name="u", mode="cubic", scale=2)
    assert Flatten(name="f").cost((512, 7, 7)).output_shape == (25088,)
    assert Dropout(name="d", p=0.5).cost((10,)).other_ops == 0
    with pytest.raises(LayerError, match="layer 'd' \\(dropout\\)"):
        Dropout(name="d", p=1.5)


def test_layers_are_frozen():
    conv = Conv2d(name="c", in_channels=1, out_channels=1, kernel=3)
    with pytest.raises(AttributeError):
        conv.kernel = 5  # type: ignore[misc]
