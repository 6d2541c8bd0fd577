"""ONNX import: the shipped files count as their TOML twins; unknown ops; shapes; errors."""

from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from parasim.sim.cli import flops as cli  # noqa: E402
from parasim.sim.nn import count, load_model  # noqa: E402
from parasim.sim.nn.onnx_import import OnnxError, parse_input_specs, read_onnx  # noqa: E402
from parasim.sim.nn.training import training_count  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
MODELS = ROOT / "assets" / "models"


@pytest.mark.parametrize("name, size", [("tiny-cnn", 32), ("tiny-transformer", 32)])
@pytest.mark.parametrize("all_ops", [False, True])
def test_shipped_onnx_equals_native_count(name, size, all_ops):
    imported = read_onnx(MODELS / f"{name}.onnx")
    native = count(load_model(MODELS / f"{name}.toml"), size, all_ops=all_ops)
    onnx_report = imported.count(all_ops=all_ops)
    assert imported.unknown == {}
    assert onnx_report.params == native.params
    assert onnx_report.macs == native.macs
    assert onnx_report.flops == native.flops
    assert onnx_report.input_shape == native.input_shape


def test_dynamic_batch_takes_batch_and_input_specs():
    one = count(read_onnx(MODELS / "tiny-cnn.onnx").model)
    four = read_onnx(MODELS / "tiny-cnn.onnx", batch=4)
    assert four.batch == 4 and four.input_shapes == {"x": (4, 3, 32, 32)}
    assert count(four.model, batch=4).macs == 4 * one.macs
    spec = read_onnx(MODELS / "tiny-cnn.onnx", parse_input_specs(["x=2x3x32x32"]))
    assert spec.batch == 2
    report = count(spec.model, batch=2)
    assert report.row("conv1").output_shape == (2, 16, 32, 32)
    assert report.row("conv1").macs == 2 * 3 * 3 * 3 * 16 * 32 * 32
    assert training_count(spec.model, batch=2).backward == 2 * report.macs


def _save(tmp_path, nodes, inputs, outputs, inits=(), opset=17, metadata=None):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    if metadata:
        helper.set_model_props(model, metadata)
    path = tmp_path / "m.onnx"
    onnx.save(model, path)
    return path


def _vi(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def test_unknown_ops_are_listed_never_silently_zero(tmp_path, capsys):
    nodes = [helper.make_node("Einsum", ["a", "b"], ["c"], equation="ij,jk->ik", name="e1"),
             helper.make_node("Einsum", ["c", "b"], ["d"], equation="ij,jk->ik", name="e2"),
             helper.make_node("Relu", ["d"], ["y"], name="relu")]
    path = _save(tmp_path, nodes, [_vi("a", [4, 4]), _vi("b", [4, 4])], [_vi("y", [4, 4])])
    imported = read_onnx(path)
    assert imported.unknown == {"Einsum": 2}
    assert "Einsum x2" in imported.unknown_text() and "2 node(s)" in imported.unknown_text()
    code = cli.main(["flops", str(path), "--all-ops"])
    out, _ = capsys.readouterr()
    assert code == 0 and "Not counted" in out and "Einsum x2" in out
    assert imported.count(all_ops=True).row("relu").other_ops == 16


def test_op_formulas(tmp_path):
    w = numpy_helper.from_array(np.ones((2, 4, 3, 3), "float32"), "w")
    g = numpy_helper.from_array(np.ones((5, 6), "float32"), "g")
    nodes = [helper.make_node("ConvTranspose", ["x", "w"], ["ct"], name="ct"),
             helper.make_node("Flatten", ["ct"], ["f"], name="flat"),
             helper.make_node("Gemm", ["a", "g"], ["gm"], transA=1, name="gemm"),
             helper.make_node("Softmax", ["gm"], ["sm"], axis=-1, name="sm"),
             helper.make_node("MatMul", ["p", "q"], ["mm"], name="bmm")]
    path = _save(tmp_path, nodes, [_vi("x", [1, 2, 3, 3]), _vi("a", [5, 7]), _vi("p", [3, 2, 4, 5]),
                                   _vi("q", [2, 5, 6])],
                 [_vi("f", None), _vi("sm", None), _vi("mm", None)], [w, g])
    report = read_onnx(path).count(all_ops=True)
    ct = report.row("ct")
    assert ct.output_shape == (1, 4, 5, 5) and ct.core_macs == 2 * 3 * 3 * (4 * 3 * 3)
    assert report.row("gemm").core_macs == 7 * 5 * 6  # A^T (7x5) times B (5x6)
    assert report.row("sm").other_ops == 7 * (5 * 6 - 2)
    assert report.row("bmm").core_macs == 3 * 2 * 4 * 5 * 6  # broadcast batch 3x2
    assert report.params == 2 * 4 * 9 + 30


def test_dynamic_dimensions_and_hints(tmp_path):
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    path = _save(tmp_path, nodes, [_vi("x", ["N", "C"])], [_vi("y", ["N", "C"])])
    with pytest.raises(OnnxError, match="input 'x' has a dynamic dimension 'C' \\(axis 1\\): "
                                        "give its shape with --input x=NxN"):
        read_onnx(path)
    assert read_onnx(path, {"x": (2, 7)}).input_shapes == {"x": (2, 7)}
    hinted = _save(tmp_path, nodes, [_vi("x", ["N", "C"])], [_vi("y", ["N", "C"])],
                   metadata={"C": "9"})
    assert read_onnx(hinted, batch=3).input_shapes == {"x": (3, 9)}


@pytest.mark.parametrize("argv, fragment", [
    (["--input", "x=1x3"], "input 'x' has 4 axes, --input gives 2"),
    (["--input", "x"], "--input for an ONNX model must be NAME=1x3x224x224"),
    (["--input", "y=1x3x32x32"], "--input names y, which the model does not have"),
    (["--input", "x=1x3x32x32", "--batch", "2"], "--batch 2: input 'x' has batch 1"),
])
def test_cli_onnx_errors(capsys, argv, fragment):
    code = cli.main(["flops", str(MODELS / "tiny-cnn.onnx"), *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1 and fragment in err


def test_malformed_file_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\x07garbage that is not a protobuf \xff\xff")
    code = cli.main(["flops", str(bad)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("error: bad.onnx: not a valid ONNX model")
    assert cli.main(["flops", str(tmp_path / "missing.onnx")]) == 2
    assert "cannot read model file" in capsys.readouterr()[1]


def test_cli_table_and_json(capsys):
    import json

    assert cli.main(["flops", str(MODELS / "tiny-transformer.onnx"), "--json"]) == 0
    data = json.loads(capsys.readouterr()[0])
    assert data["input"] == [32] and data["unknown"] == {} and data["params"] == 169_728
    assert cli.main(["flops", str(MODELS / "tiny-transformer.onnx")]) == 0
    out = capsys.readouterr()[0]
    assert "input: 1x32 (batch x tokens)" in out and "block0.scores" in out and "MatMul" in out
