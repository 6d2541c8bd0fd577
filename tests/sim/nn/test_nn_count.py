"""count(): conventions, all_ops, shares, formatter, layer_tasks; model files."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.nn import LayerError, ModelFileError, count, format_report, layer_tasks, load_model
from parasim.sim.nn.count import si
from parasim.sim.nn.modelfile import model_from_dict

ROOT = Path(__file__).resolve().parents[3]
TINY = ROOT / "assets" / "models" / "tiny-cnn.toml"


def test_default_counts_conv_and_linear_only():
    report = count("resnet18")
    for row in report.rows:
        if row.type not in ("conv2d", "linear"):
            assert row.macs == row.flops == row.other_ops == 0, row.name
    assert report.other_ops == 0
    assert report.flops == 2 * report.macs
    assert not report.all_ops
    assert "conv + linear" in report.describe()


def test_all_ops_adds_other_ops():
    base, full = count("vgg16"), count("vgg16", all_ops=True)
    assert full.core_macs == base.macs
    conv = full.row("conv1_1")
    assert conv.other_ops == 64 * 224 * 224  # bias adds
    assert conv.macs == 86_704_128 + 64 * 224 * 224
    assert conv.flops == 2 * 86_704_128 + 64 * 224 * 224
    assert full.row("relu1_1").other_ops == 64 * 224 * 224
    assert full.row("pool1").other_ops == 3 * 64 * 112 * 112  # 2x2 window: 3 comparisons
    assert full.flops == 2 * full.core_macs + full.other_ops
    assert full.macs == full.core_macs + full.other_ops


def test_shares_sum_to_one_under_each_convention():
    for convention in ("macs", "flops"):
        for all_ops in (False, True):
            report = count("googlenet", all_ops=all_ops, convention=convention)
            assert sum(r.share for r in report.rows) == pytest.approx(1.0)
    report = count("vgg16")
    assert report.row("fc6").share == pytest.approx(102_760_448 / 15_470_264_320)


def test_bad_arguments():
    with pytest.raises(ValueError, match="batch"):
        count("vgg16", batch=0)
    with pytest.raises(ValueError, match="convention"):
        count("vgg16", convention="gmacs")
    with pytest.raises(LayerError, match="layer 'pool5' \\(maxpool2d\\)"):
        count("vgg16", 16)


def test_si_prefixes():
    assert si(15_470_264_320) == "15.47 G"
    assert si(138_357_544) == "138.36 M"
    assert si(1_500) == "1.50 K"
    assert si(999) == "999"
    assert si(2.5e12) == "2.50 T"


def test_format_report_table():
    text = format_report(count("vgg16"))
    lines = text.splitlines()
    assert lines[0].startswith("Model: vgg16") and "1x3x224x224" in lines[0]
    assert "MACs (1 multiply-add = 1 op)" in lines[1]
    assert "conv1_1" in text and "86.70 M" in text and "fc6" in text
    assert lines[-1].startswith("Total:")
    assert "15.47 G" in lines[-1] and "138.36 M" in lines[-1] and "FLOPs 30.94 G" in lines[-1]
    header = next(line for line in lines if line.startswith("Layer"))
    assert header.split() == ["Layer", "Type", "Output", "shape", "Params", "MACs", "Share"]
    flops_text = format_report(count("vgg16", convention="flops", all_ops=True))
    assert "FLOPs (multiplies and adds counted separately" in flops_text
    assert "all other ops" in flops_text


def test_layer_tasks():
    tasks = layer_tasks("vgg16", 224, batch=2, precision_bytes=2)
    assert [t["name"] for t in tasks] == [r.name for r in count("vgg16").rows]
    assert set(tasks[0]) == {"name", "type", "flops", "bytes"}
    conv = tasks[0]
    outputs = 64 * 224 * 224
    assert conv["flops"] == 2 * (2 * 86_704_128 + outputs)  # batch 2, bias included
    params = 3 * 64 * 9 + 64
    assert conv["bytes"] == (params + 2 * (3 * 224 * 224 + outputs)) * 2
    flatten = next(t for t in tasks if t["type"] == "flatten")
    assert flatten["flops"] == 0
    core = layer_tasks("vgg16", 224, 1, 4, all_ops=False)
    assert sum(t["flops"] for t in core) == 2 * 15_470_264_320
    with pytest.raises(ValueError, match="precision_bytes"):
        layer_tasks("vgg16", 224, 1, 0)


def test_tiny_cnn_file():
    model = load_model(TINY)
    assert model.name == "tiny-cnn"
    report = count(model, 32)
    # conv1 3*16*9, bn1 2*16, conv2 16*16*9+16, conv3 16*32*9+32, fc 32*10+10
    assert report.params == 432 + 32 + 2320 + 4640 + 330
    assert report.row("skip").output_shape == (1, 16, 32, 32)
    assert report.row("conv3").output_shape == (1, 32, 8, 8)
    assert report.macs == 9 * 3 * 16 * 1024 + 9 * 16 * 16 * 1024 + 9 * 16 * 32 * 64 + 320
    assert load_model(str(TINY)).nodes == model.nodes


def test_json_model_file(tmp_path):
    data = {"name": "mlp", "input_features": 784, "layers": [
        {"name": "fc1", "type": "fc", "in_features": 784, "out_features": 128},
        {"name": "act", "type": "sigmoid"},
        {"name": "fc2", "type": "linear", "in_features": 128, "out_features": 10, "bias": False},
    ]}
    path = tmp_path / "mlp.json"
    path.write_text(json.dumps(data))
    report = count(load_model(path), 999)  # image size ignored for a flat input
    assert report.input_shape == (784,)
    assert report.params == 784 * 128 + 128 + 1280
    assert report.macs == 784 * 128 + 1280


def _layers(*entries):
    return {"layers": list(entries)}


@pytest.mark.parametrize("data, message", [
    ({}, "needs a non-empty 'layers' list"),
    (_layers({"type": "relu"}), "layer 1 needs a 'name'"),
    (_layers({"name": "x", "type": "conv5d"}), "layer 1 'x': unknown type 'conv5d'"),
    (_layers({"name": "c", "type": "conv2d", "in_channels": 3, "out_channels": 8, "kernal": 3}),
     "unknown field(s) kernal for conv2d"),
    (_layers({"name": "c", "type": "conv2d", "in_channels": 3}),
     "layer 1 'c': missing field(s) out_channels, kernel for conv2d"),
    (_layers({"name": "r", "type": "relu", "inputs": ["nowhere"]}),
     "layer 'r' (relu): input 'nowhere' is not an earlier layer"),
    (_layers({"name": "r", "type": "relu"}, {"name": "r", "type": "relu"}), "duplicate layer name"),
    (_layers({"name": "c", "type": "conv2d", "in_channels": 30, "out_channels": 8, "kernel": 3,
              "groups": 4}), "layer 'c' (conv2d): in_channels 30 not divisible by groups 4"),
    ({"input_channels": -1, "layers": [{"name": "r", "type": "relu"}]}, "input_channels"),
])
def test_bad_model_dicts(data, message):
    with pytest.raises(ValueError) as info:
        model_from_dict(data, "m.toml")
    assert message in str(info.value)


def test_bad_files(tmp_path):
    with pytest.raises(ModelFileError, match="cannot read model file"):
        load_model(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("layers = [")
    with pytest.raises(ModelFileError, match="broken.toml: not valid toml"):
        load_model(broken)
    bad = tmp_path / "bad.toml"
    bad.write_text('[[layers]]\nname = "conv3"\ntype = "conv2d"\nin_channels = 30\n'
                   'out_channels = 8\nkernel = 3\ngroups = 4\n')
    with pytest.raises(LayerError, match="bad.toml: layer 'conv3' \\(conv2d\\): in_channels 30"):
        load_model(bad)


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(["alexnet", "resnet18", "mobilenet_v2", "googlenet"]),
       batch=st.integers(1, 64), hw=st.integers(64, 320), all_ops=st.booleans())
def test_batch_is_linear_and_params_fixed(name, batch, hw, all_ops):
    one = count(name, hw, 1, all_ops=all_ops)
    many = count(name, hw, batch, all_ops=all_ops)
    assert many.macs == batch * one.macs and many.flops == batch * one.flops
    assert many.params == one.params
    assert many.flops == 2 * many.core_macs + many.other_ops


def test_mac_formula_states_the_lecture_product():
    from parasim.sim.nn import get_model
    from parasim.sim.nn.count import mac_formula

    rows = {r.name: r for r in get_model("mobilenet_v2").resolve(224)}
    conv = rows["features.0.0"]
    assert mac_formula(conv) == "k*k*c*H*W*o = 3*3*3*112*112*32" and conv.macs == 3 * 3 * 3 * 112 * 112 * 32
    dw = rows["features.1.conv.0.0"]  # depthwise: c = in_channels / groups = 1
    assert mac_formula(dw) == "k*k*c*H*W*o = 3*3*1*112*112*32"
    assert mac_formula(rows["classifier.1"]) == "in*out = 1280*1000"
    assert mac_formula(rows["features.0.2"]) == ""
    gpt = {r.name: r for r in get_model("gpt2").resolve(16)}
    assert mac_formula(gpt["h.0.attn.scores"]) == "h*dh*s*L = 12*64*16*16"
    assert gpt["h.0.attn.scores"].macs == 12 * 64 * 16 * 16
    assert mac_formula(gpt["h.0.mlp.c_fc"]) == "rows*in*out = 16*768*3072"
