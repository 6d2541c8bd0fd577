"""Zoo models against torchvision's published parameter counts and MACs."""

import pytest

from parasim.sim.nn import count
from parasim.sim.nn.graph import GraphBuilder, Model
from parasim.sim.nn.zoo import MODELS, basic_block, bottleneck_block, get_model
from parasim.sim.nn.zoo_transformers import MODELS as TRANSFORMERS

# sum(p.numel() for p in torchvision.models.<name>().parameters()), as published
# in torchvision's model tables (googlenet without the auxiliary classifiers)
PUBLISHED_PARAMS = {
    "alexnet": 61_100_840, "vgg11": 132_863_336, "vgg16": 138_357_544,
    "vgg19": 143_667_240, "resnet18": 11_689_512, "resnet34": 21_797_672,
    "resnet50": 25_557_032, "resnet101": 44_549_160, "mobilenet_v2": 3_504_872,
    "densenet121": 7_978_856, "googlenet": 6_624_904,
}

# torchvision's published "GFLOPS" at 224x224 (conv + linear MACs, 2 decimals)
PUBLISHED_GMACS = {
    "alexnet": 0.71, "vgg11": 7.61, "vgg16": 15.47, "vgg19": 19.63, "resnet18": 1.81,
    "resnet34": 3.66, "resnet50": 4.09, "resnet101": 7.80, "mobilenet_v2": 0.30,
    "densenet121": 2.83, "googlenet": 1.50,
}

# exact conv + linear MACs at 224x224 derived by this package; vgg16, resnet18
# (see test_resnet18_macs_by_hand), resnet50 (4,089,184,256) and mobilenet_v2
# (300,774,272) agree with the figures reported by fvcore-style counters
EXACT_MACS = {
    "alexnet": 714_188_480, "vgg11": 7_609_090_048, "vgg16": 15_470_264_320,
    "vgg19": 19_632_062_464, "resnet18": 1_814_073_344, "resnet34": 3_663_761_408,
    "resnet50": 4_089_184_256, "resnet101": 7_801_405_440, "mobilenet_v2": 300_774_272,
    "densenet121": 2_834_161_664, "googlenet": 1_498_376_192,
}


def test_zoo_lists_all_models():
    from parasim.sim.nn.zoo_extra import MODELS as EXTRA
    assert set(MODELS) == set(PUBLISHED_PARAMS) | set(EXTRA) | set(TRANSFORMERS)


@pytest.mark.parametrize("name", sorted(PUBLISHED_PARAMS))
def test_params_match_torchvision(name):
    model = get_model(name)
    assert model.params == PUBLISHED_PARAMS[name]
    assert count(model).params == PUBLISHED_PARAMS[name]


@pytest.mark.parametrize("name", sorted(PUBLISHED_GMACS))
def test_macs_match_torchvision_tables(name):
    report = count(name)
    assert round(report.macs / 1e9, 2) == pytest.approx(PUBLISHED_GMACS[name])
    assert report.macs == EXACT_MACS[name]
    assert report.flops == 2 * report.macs
    assert report.rows[-1].output_shape == (1, 1000)


def test_vgg16_exact():
    report = count("vgg16", input_hw=224)
    assert report.macs == 15_470_264_320
    assert report.params == 138_357_544
    assert report.row("conv1_1").macs == 86_704_128  # 3*3*3*224*224*64
    assert report.row("conv1_1").output_shape == (1, 64, 224, 224)
    assert report.row("fc6").macs == 102_760_448  # 25088*4096
    assert report.row("pool5").output_shape == (1, 512, 7, 7)


def test_resnet18_macs_by_hand():
    conv1 = 7 * 7 * 3 * 64 * 112 * 112
    layer1 = 4 * (9 * 64 * 64 * 56 * 56)
    # first block of a stage: strided 3x3, 3x3, 1x1 projection; then a plain block
    per_stage = [9 * c * 2 * c * hw + 9 * 4 * c * c * hw + c * 2 * c * hw + 2 * 9 * 4 * c * c * hw
                 for c, hw in ((64, 28 * 28), (128, 14 * 14), (256, 7 * 7))]
    fc = 512 * 1000
    total = conv1 + layer1 + sum(per_stage) + fc
    assert total == 1_814_073_344
    assert count("resnet18").macs == total


def _block_model(block, cin, planes, stride):
    g = GraphBuilder()
    block(g, "blk", cin, planes, stride)
    return Model("block", tuple(g.nodes), input_channels=cin)


def test_basic_block_stride2_projection_by_hand():
    model = _block_model(basic_block, 64, 128, 2)
    rows = {r.name: r for r in model.resolve(56)}
    assert rows["blk.conv1"].output_shape == (128, 28, 28)
    assert rows["blk.downsample.0"].output_shape == (128, 28, 28)
    assert rows["blk.add"].input_shapes == ((128, 28, 28), (128, 28, 28))
    assert model.params == 64 * 128 * 9 + 128 * 128 * 9 + 64 * 128 + 3 * 2 * 128 == 230_144
    macs = sum(r.macs for r in rows.values())
    assert macs == (9 * 64 * 128 + 9 * 128 * 128 + 64 * 128) * 28 * 28 == 179_830_784


def test_basic_block_identity_shortcut():
    model = _block_model(basic_block, 64, 64, 1)
    assert not any("downsample" in n.name for n in model.nodes)
    assert model.params == 2 * (64 * 64 * 9 + 128)


def test_bottleneck_block_stride2_projection_by_hand():
    model = _block_model(bottleneck_block, 256, 128, 2)
    rows = {r.name: r for r in model.resolve(56)}
    assert rows["blk.conv1"].output_shape == (128, 56, 56)  # stride on the 3x3 (v1.5)
    assert rows["blk.conv2"].output_shape == (128, 28, 28)
    assert rows["blk.conv3"].output_shape == (512, 28, 28)
    assert rows["blk.relu"].output_shape == (512, 28, 28)
    weights = 256 * 128 + 128 * 128 * 9 + 128 * 512 + 256 * 512
    assert model.params == weights + 2 * (128 + 128 + 512 + 512) == 379_392
    macs = 256 * 128 * 56 * 56 + (128 * 128 * 9 + 128 * 512 + 256 * 512) * 28 * 28
    assert sum(r.macs for r in rows.values()) == macs == 372_506_624


def test_googlenet_branch3_is_3x3():
    model = get_model("googlenet")
    layers = {n.name: n.layer for n in model.nodes}
    assert layers["inception3a.branch3.1.conv"].kernel == (3, 3)
    assert not any("aux" in name for name in layers)
    rows = {r.name: r for r in model.resolve(224)}
    assert rows["inception3a.concat"].output_shape == (256, 28, 28)
    assert rows["inception5b.concat"].output_shape == (1024, 7, 7)


def test_densenet_concat_growth():
    rows = {r.name: r for r in get_model("densenet121").resolve(224)}
    assert rows["features.denseblock1.denselayer6.concat"].output_shape == (64 + 6 * 32, 56, 56)
    assert rows["features.transition1.pool"].output_shape == (128, 28, 28)
    assert rows["features.norm5"].output_shape == (1024, 7, 7)


def test_mobilenet_v2_residuals_and_depthwise():
    model = get_model("mobilenet_v2")
    adds = [n for n in model.nodes if n.layer.kind == "add"]
    assert len(adds) == 10  # 1 + 2 + 3 + 2 + 2 blocks with stride 1 and in == out
    dw = {n.name: n.layer for n in model.nodes}["features.2.conv.1.0"]
    assert dw.groups == dw.in_channels == 96 and dw.stride == (2, 2)


def test_batch_multiplies_macs_not_params():
    one, eight = count("resnet18"), count("resnet18", batch=8)
    assert eight.macs == 8 * one.macs
    assert eight.params == one.params
    assert eight.rows[0].output_shape == (8, 64, 112, 112)


def test_input_size_scales_conv_macs():
    full, half = count("vgg16", 224), count("vgg16", 112)
    conv_full = sum(r.macs for r in full.rows if r.type == "conv2d")
    conv_half = sum(r.macs for r in half.rows if r.type == "conv2d")
    assert conv_full == 4 * conv_half
    fc = [r for r in full.rows if r.type == "linear"]
    assert [r.macs for r in fc] == [half.row(r.name).macs for r in fc]  # adaptive pool -> 7x7
    assert count("resnet50", (224, 448)).macs > count("resnet50").macs


CNNS = sorted(set(MODELS) - set(TRANSFORMERS))


@pytest.mark.parametrize("name", CNNS)
def test_small_inputs(name):
    """Every zoo CNN accepts 64x64 inputs (adaptive pools keep the head valid);
    inception_v3 needs 75x75, as in torchvision."""
    report = count(name, 75 if name == "inception_v3" else 64)
    assert report.rows[-1].output_shape == (1, 1000)


def test_unknown_model():
    with pytest.raises(KeyError, match="unknown model 'resnet19'"):
        get_model("resnet19")
