"""Write the ONNX twins of assets/models/tiny-cnn.toml and tiny-transformer.toml.

Run: python scripts/make_onnx_models.py   (needs the `onnx` package: pip install -e ".[onnx]")

Both are written with onnx.helper, operator by operator, the way an exporter
(torch.onnx) spells these layers: Conv/BatchNormalization/Relu/MaxPool/
GlobalAveragePool/Flatten/Gemm for the CNN; Gather, MatMul + Add (bias),
Reshape/Transpose for the heads, Div by sqrt(head width), Softmax,
LayerNormalization and Gelu (opset 20) for the transformer.  Weights are
seeded random float32 values: the files run in any ONNX runtime.  The tests
check that `parasim flops FILE.onnx` counts what the TOML twin counts.
`transformer_onnx(blocks=N)` also makes larger graphs for benchmarks/cnn.py.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parent.parent
OPSET = 20


class _Graph:
    def __init__(self, seed: int = 0) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.rng = np.random.default_rng(seed)

    def weight(self, name: str, *shape: int, scale: float = 0.05) -> str:
        data = (self.rng.standard_normal(shape) * scale).astype(np.float32)
        self.inits.append(numpy_helper.from_array(data, name))
        return name

    def const(self, name: str, values, dtype=np.int64) -> str:
        self.inits.append(numpy_helper.from_array(np.asarray(values, dtype=dtype), name))
        return name

    def op(self, op_type: str, inputs: list[str], name: str, **attrs) -> str:
        self.nodes.append(helper.make_node(op_type, inputs, [name], name=name, **attrs))
        return name

    def model(self, name: str, inputs, outputs) -> onnx.ModelProto:
        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="parasim scripts/make_onnx_models.py")
        onnx.checker.check_model(model)
        return model


def tiny_cnn_onnx() -> onnx.ModelProto:
    """assets/models/tiny-cnn.toml as ONNX, input ``x`` of ``N x 3 x 32 x 32`` (N dynamic)."""
    g = _Graph(1)
    g.op("Conv", ["x", g.weight("conv1.weight", 16, 3, 3, 3)], "conv1", pads=[1, 1, 1, 1])
    g.op("BatchNormalization", ["conv1", g.weight("bn1.weight", 16), g.weight("bn1.bias", 16),
                                g.weight("bn1.running_mean", 16), g.const("bn1.running_var",
                                                                        np.ones(16), np.float32)],
         "bn1")
    g.op("Relu", ["bn1"], "relu1")
    g.op("Conv", ["relu1", g.weight("conv2.weight", 16, 16, 3, 3), g.weight("conv2.bias", 16)],
         "conv2", pads=[1, 1, 1, 1])
    g.op("Relu", ["conv2"], "relu2")
    g.op("Add", ["relu2", "relu1"], "skip")
    g.op("MaxPool", ["skip"], "pool1", kernel_shape=[2, 2], strides=[2, 2])
    g.op("Conv", ["pool1", g.weight("conv3.weight", 32, 16, 3, 3), g.weight("conv3.bias", 32)],
         "conv3", pads=[1, 1, 1, 1], strides=[2, 2])
    g.op("Relu", ["conv3"], "relu3")
    g.op("GlobalAveragePool", ["relu3"], "gap")
    g.op("Flatten", ["gap"], "flatten")
    g.op("Gemm", ["flatten", g.weight("fc.weight", 10, 32), g.weight("fc.bias", 10)], "fc", transB=1)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 32, 32])
    y = helper.make_tensor_value_info("fc", TensorProto.FLOAT, ["N", 10])
    return g.model("tiny-cnn", [x], [y])


def transformer_onnx(blocks: int = 2, d: int = 64, heads: int = 4, ff: int = 256, vocab: int = 512,
                     positions: int = 64, seq: int = 32, name: str = "tiny-transformer"
                     ) -> onnx.ModelProto:
    """assets/models/tiny-transformer.toml as ONNX: token ids ``ids`` of ``1 x seq``."""
    g = _Graph(2)
    dh = d // heads
    g.op("Gather", [g.weight("embed.weight", vocab, d), "ids"], "embed")
    g.op("Slice", [g.weight("pos.weight", positions, d), g.const("pos.start", [0]),
                   g.const("pos.end", [seq]), g.const("pos.axes", [0])], "pos.rows")
    x = g.op("Add", ["embed", "pos.rows"], "pos")
    split = g.const("heads.shape", [1, seq, heads, dh])
    merge = g.const("merge.shape", [1, seq, d])
    scale = g.const("attn.scale", math.sqrt(dh), np.float32)
    for i in range(blocks):
        p = f"block{i}"
        ln = g.op("LayerNormalization", [x, g.weight(f"{p}.ln_1.weight", d),
                                         g.weight(f"{p}.ln_1.bias", d)], f"{p}.ln_1", axis=-1)
        qkv = {}
        for n in "qkv":
            mm = g.op("MatMul", [ln, g.weight(f"{p}.{n}.weight", d, d)], f"{p}.{n}.matmul")
            lin = g.op("Add", [mm, g.weight(f"{p}.{n}.bias", d)], f"{p}.{n}")
            r = g.op("Reshape", [lin, split], f"{p}.{n}.split")
            perm = [0, 2, 3, 1] if n == "k" else [0, 2, 1, 3]
            qkv[n] = g.op("Transpose", [r], f"{p}.{n}.heads", perm=perm)
        s = g.op("MatMul", [qkv["q"], qkv["k"]], f"{p}.scores")
        s = g.op("Div", [s, scale], f"{p}.scale")
        a = g.op("Softmax", [s], f"{p}.softmax", axis=-1)
        c = g.op("MatMul", [a, qkv["v"]], f"{p}.context")
        c = g.op("Transpose", [c], f"{p}.context.t", perm=[0, 2, 1, 3])
        c = g.op("Reshape", [c, merge], f"{p}.context.merge")
        o = g.op("MatMul", [c, g.weight(f"{p}.out.weight", d, d)], f"{p}.out.matmul")
        o = g.op("Add", [o, g.weight(f"{p}.out.bias", d)], f"{p}.out")
        x = g.op("Add", [o, x], f"{p}.add_1")
        h = g.op("LayerNormalization", [x, g.weight(f"{p}.ln_2.weight", d),
                                        g.weight(f"{p}.ln_2.bias", d)], f"{p}.ln_2", axis=-1)
        h = g.op("MatMul", [h, g.weight(f"{p}.fc.weight", d, ff)], f"{p}.fc.matmul")
        h = g.op("Add", [h, g.weight(f"{p}.fc.bias", ff)], f"{p}.fc")
        h = g.op("Gelu", [h], f"{p}.gelu", approximate="tanh")
        h = g.op("MatMul", [h, g.weight(f"{p}.proj.weight", ff, d)], f"{p}.proj.matmul")
        h = g.op("Add", [h, g.weight(f"{p}.proj.bias", d)], f"{p}.proj")
        x = g.op("Add", [h, x], f"{p}.add_2")
    x = g.op("LayerNormalization", [x, g.weight("ln_f.weight", d), g.weight("ln_f.bias", d)],
             "ln_f", axis=-1)
    g.op("MatMul", [x, g.weight("head.weight", d, vocab)], "head")
    ids = helper.make_tensor_value_info("ids", TensorProto.INT64, [1, seq])
    logits = helper.make_tensor_value_info("head", TensorProto.FLOAT, [1, seq, vocab])
    return g.model(name, [ids], [logits])


def main() -> int:
    out = ROOT / "assets" / "models"
    for name, model in (("tiny-cnn.onnx", tiny_cnn_onnx()),
                        ("tiny-transformer.onnx", transformer_onnx())):
        onnx.save(model, out / name)
        print(f"wrote {out / name} ({len(model.graph.node)} nodes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
