"""Read an ONNX model and count it with the formulas of :mod:`sim.nn.layers`.

Needs the optional ``onnx`` package (``pip install -e ".[onnx]"``); no runtime,
no PyTorch.  The graph's shapes come from ONNX shape inference once the
inputs' dynamic dimensions have values: ``--input NAME=1x3x224x224`` gives a
whole input shape, a dynamic *leading* (batch) dimension takes ``--batch``,
and a dimension named ``P`` takes the file's hint ``metadata_props[P]`` when
it has one; a dimension still unknown is an error naming it.

Each node becomes one row (kind = its ``op_type``), counted as its ParaSim
twin is (MACs = multiply-accumulates; "other ops" one per elementary
operation, shown with ``--all-ops``):

==============================  ===========================================================
op                              count
==============================  ===========================================================
Conv                            MACs ``N * M * H' * W' * (C/group) * kh * kw``; bias: 1 op
                                per output
ConvTranspose                   MACs ``N * C * H * W * (M/group) * kh * kw`` (every input
                                scattered over a kernel); bias: 1 op per output
Gemm                            MACs ``M * K * N``; ``C``: 1 op per output
MatMul                          MACs ``batch * m * k * n`` (broadcast batch axes)
BatchNormalization              2 ops per element; params scale + B (mean, var are buffers)
MaxPool / AveragePool           ``k - 1`` / ``k`` ops per output (``k`` = window size)
GlobalAveragePool / GlobalMax   1 op per input element / per input element - 1 per output
Softmax                         ``5n - 2`` per row of ``n``
LayerNormalization              ``7d + 3`` per row of ``d``
Relu, Sigmoid, Tanh, Gelu, ...  the activation's ops per element (table in layers.py)
Add, Sub, Mul, Div, ...         1 op per output element (``n - 1`` for Sum, Max, Min)
Reshape, Transpose, Flatten,    0: data movement (also Squeeze, Unsqueeze, Concat, Split,
Gather, Slice, Identity, ...    Shape, Cast, Constant, Expand, Dropout, ...)
==============================  ===========================================================

Parameters: every floating-point initializer with more than one element,
counted once (at its first consumer), except the running mean and variance of
BatchNormalization; scalars (a ``sqrt(d)`` divisor) are constants, integer
initializers are shapes and indices.

Operators not in the table are never counted as zero silently: they are listed
by name and count (:attr:`OnnxImport.unknown`), as are nodes whose shapes the
inference could not find.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ..errors import OnnxError
from .base import Layer, Shape
from .count import Report, count
from .graph import INPUT, Model, Node
from .layers import ACTIVATION_OPS


@dataclass(frozen=True, kw_only=True)
class OnnxOp(Layer):
    """One ONNX node, its cost worked out when the file was read (per sample)."""

    op_type: str
    out_shape: Shape
    held_params: int = 0
    n_macs: int = 0
    n_other: int = 0
    ARITY: ClassVar[int | None] = 1

    @property
    def kind(self) -> str:
        return self.op_type

    def _inputs(self, x):
        return ()

    def _compute(self, shapes):
        return self.out_shape, self.n_macs, self.n_other

    def params(self) -> int:
        return self.held_params


@dataclass(frozen=True)
class OnnxImport:
    """An imported graph: the :class:`Model` (count it with ``batch``) and what
    could not be counted: ``{op_type or "op_type (shape unknown)": nodes}``."""

    model: Model
    batch: int
    unknown: dict[str, int]
    input_shapes: dict[str, tuple[int, ...]]

    def count(self, all_ops: bool = False, convention: str = "macs") -> Report:
        """The :class:`~sim.nn.count.Report` of the whole graph (its own batch)."""
        return count(self.model, batch=self.batch, all_ops=all_ops, convention=convention)

    def unknown_text(self) -> str:
        """``Not counted: 2 nodes (Einsum x2)``, or ``""`` when every node is known."""
        if not self.unknown:
            return ""
        n = sum(self.unknown.values())
        listed = ", ".join(f"{op} x{k}" for op, k in sorted(self.unknown.items()))
        return f"Not counted (unknown operators, 0 in the totals): {n} node(s): {listed}"


ZERO_OPS = frozenset((
    "Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Concat",
    "Split", "Slice", "Gather", "Shape", "Cast", "Constant", "ConstantOfShape", "Expand", "Pad",
    "Tile", "Size", "Range", "DepthToSpace", "SpaceToDepth",
))
ACTIVATIONS = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Gelu": "gelu",
               "HardSigmoid": "hardsigmoid", "HardSwish": "hardswish", "LeakyRelu": "leaky_relu",
               "Clip": "relu6"}
UNARY = frozenset(("Erf", "Exp", "Log", "Sqrt", "Neg", "Abs", "Reciprocal", "Floor", "Ceil"))
BINARY = frozenset(("Add", "Sub", "Mul", "Div", "Pow"))
VARIADIC = frozenset(("Sum", "Max", "Min", "Mean"))
FLOAT_TYPES = frozenset((1, 10, 11, 16))  # FLOAT, FLOAT16, DOUBLE, BFLOAT16
KNOWN_OPS = ZERO_OPS | set(ACTIVATIONS) | UNARY | BINARY | VARIADIC | {
    "Conv", "ConvTranspose", "Gemm", "MatMul", "BatchNormalization", "MaxPool", "AveragePool",
    "GlobalAveragePool", "GlobalMaxPool", "Softmax", "LayerNormalization", "ReduceMean",
    "ReduceSum"}


class _Unknown(Exception):
    pass


def _onnx():
    try:
        import onnx
    except ModuleNotFoundError:
        raise OnnxError("reading .onnx files needs the onnx package: pip install "
                        "'parasim[onnx]' (or pip install onnx)") from None
    return onnx


def _numel(shape: Sequence[int]) -> int:
    return math.prod(shape)


def _attrs(node) -> dict[str, Any]:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _dims(value_info) -> list[int | str | None]:
    t = value_info.type.tensor_type
    if not t.HasField("shape"):
        return []
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in t.shape.dim]


def _resolve_inputs(model, given: dict[str, tuple[int, ...]], batch: int | None
                    ) -> dict[str, tuple[int, ...]]:
    init_names = {i.name for i in model.graph.initializer}
    hints = {p.key: p.value for p in model.metadata_props}
    inputs = [v for v in model.graph.input if v.name not in init_names]
    unknown_names = sorted(set(given) - {v.name for v in inputs})
    if unknown_names:
        known = ", ".join(v.name for v in inputs)
        raise OnnxError(f"--input names {', '.join(unknown_names)}, which the model does not have; "
                        f"its inputs: {known}")
    shapes = {}
    for v in inputs:
        dims = _dims(v)
        if v.name in given:
            shape = given[v.name]
            if dims and len(dims) != len(shape):
                raise OnnxError(f"input {v.name!r} has {len(dims)} axes, --input gives {len(shape)}")
            for axis, (d, g) in enumerate(zip(dims, shape)):
                if isinstance(d, int) and d > 0 and d != g:
                    raise OnnxError(f"input {v.name!r} axis {axis} is fixed at {d} in the file, "
                                    f"--input gives {g}")
            shapes[v.name] = tuple(shape)
            continue
        out = []
        for axis, d in enumerate(dims):
            if isinstance(d, int) and d > 0:
                out.append(d)
            elif isinstance(d, str) and hints.get(d, "").isdigit():
                out.append(int(hints[d]))
            elif axis == 0 and len(dims) > 1:
                out.append(batch or 1)
            else:
                name = f" {d!r}" if d else ""
                raise OnnxError(f"input {v.name!r} has a dynamic dimension{name} (axis {axis}): "
                                f"give its shape with --input {v.name}=" + "x".join(
                                    str(x) if isinstance(x, int) and x > 0 else "N" for x in dims))
        shapes[v.name] = tuple(out)
    first = next(iter(shapes.values()), ())
    if batch is not None and len(first) > 1 and first[0] != batch:
        raise OnnxError(f"--batch {batch}: input {inputs[0].name!r} has batch {first[0]} "
                        f"(fixed in the file or by --input)")
    return shapes


def read_onnx(path: str | Path, input_shapes: dict[str, tuple[int, ...]] | None = None,
              batch: int | None = None) -> OnnxImport:
    """Read ``path`` (see the module docs); raises :class:`OnnxError` one-line."""
    onnx = _onnx()
    path = Path(path)
    try:
        model = onnx.load(str(path))
    except FileNotFoundError:
        raise OnnxError(f"cannot read model file {str(path)!r}: no such file") from None
    except Exception as exc:  # protobuf DecodeError and friends
        raise OnnxError(f"{path.name}: not a valid ONNX model ({type(exc).__name__}: {exc})") from None
    if not model.graph.node:
        raise OnnxError(f"{path.name}: not a valid ONNX model (no nodes)")
    shapes_in = _resolve_inputs(model, input_shapes or {}, batch)
    for v in model.graph.input:
        if v.name in shapes_in:
            shape = v.type.tensor_type.shape
            del shape.dim[:]
            for d in shapes_in[v.name]:
                shape.dim.add().dim_value = d
    try:
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=False, data_prop=True)
    except Exception as exc:
        raise OnnxError(f"{path.name}: shape inference failed: {exc}") from None
    return _to_model(inferred, path, shapes_in)


def _to_model(model, path: Path, shapes_in: dict[str, tuple[int, ...]]) -> OnnxImport:
    graph = model.graph
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 13)
    inits = {i.name: i for i in graph.initializer}
    shapes: dict[str, tuple[int, ...] | None] = dict(shapes_in)
    for name, init in inits.items():
        shapes[name] = tuple(init.dims)
    for v in (*graph.value_info, *graph.output):
        shapes.setdefault(v.name, _known_shape(v))
    buffers = {n.input[i] for n in graph.node if n.op_type == "BatchNormalization"
               for i in (3, 4) if len(n.input) > i}
    counted: set[str] = set()
    first = shapes_in[next(iter(shapes_in))] if shapes_in else ()
    batch = first[0] if len(first) > 1 else 1
    rows: list[tuple] = []
    unknown: Counter[str] = Counter()
    producer: dict[str, str] = {}
    used = {INPUT}
    for i, node in enumerate(graph.node):
        name = node.name or f"{node.op_type}_{i}"
        if name in used:
            name = f"{name}_{i}"
        used.add(name)
        params = 0
        for x in node.input:
            init = inits.get(x)
            if (init is not None and x not in counted and x not in buffers
                    and init.data_type in FLOAT_TYPES and _numel(init.dims) > 1):
                params += _numel(init.dims)
                counted.add(x)
        ins = [shapes.get(x) for x in node.input]
        out = shapes.get(node.output[0]) if node.output else None
        try:
            if node.op_type not in KNOWN_OPS or node.domain not in ("", "ai.onnx"):
                raise _Unknown(node.op_type if not node.domain else f"{node.domain}.{node.op_type}")
            if out is None or any(s is None for x, s in zip(node.input, ins) if x):
                raise _Unknown(f"{node.op_type} (shape unknown)")
            macs, other = _cost(node, ins, out, opset)
        except _Unknown as exc:
            unknown[str(exc) or node.op_type] += 1
            macs = other = 0
            out = out or ()
        srcs = tuple(dict.fromkeys(producer.get(x, INPUT) for x in node.input if x and x not in inits))
        rows.append((name, node.op_type, out, params, macs, other, srcs or (INPUT,)))
        for o in node.output:
            producer[o] = name
    per_sample = len(first) > 1 and all(m % batch == 0 and o % batch == 0 for *_, m, o, _ in rows)
    n = batch if per_sample else 1
    nodes = []
    for name, op, out, params, macs, other, srcs in rows:
        shape = tuple(out[1:]) if per_sample and out and out[0] == batch else tuple(out)
        nodes.append(Node(OnnxOp(name=name, op_type=op, out_shape=shape, held_params=params,
                                 n_macs=macs // n, n_other=other // n), srcs))
    fixed = tuple(first[1:]) if per_sample else tuple(first)
    tokens = bool(shapes_in) and _is_integer_input(graph, next(iter(shapes_in))) and len(fixed) == 1
    m = Model(graph.name or path.stem, tuple(nodes), None, None, tokens, fixed_input=fixed)
    return OnnxImport(m, n, dict(unknown), shapes_in)


def _known_shape(value_info) -> tuple[int, ...] | None:
    """The static shape of a value (``()`` for a scalar), or None if any axis is unknown."""
    if not value_info.type.tensor_type.HasField("shape"):
        return None
    dims = _dims(value_info)
    return tuple(dims) if all(isinstance(d, int) and d > 0 for d in dims) else None  # type: ignore[arg-type]


def _is_integer_input(graph, name: str) -> bool:
    v = next(v for v in graph.input if v.name == name)
    return v.type.tensor_type.elem_type not in FLOAT_TYPES


def _cost(node, ins, out, opset: int) -> tuple[int, int]:
    """(MACs, other ops) of one node for its whole input (batch included)."""
    op, a = node.op_type, _attrs(node)
    n_out = _numel(out)
    if op in ZERO_OPS:
        return 0, 0
    if op == "Conv":
        w = ins[1]
        bias = n_out if len(ins) > 2 and node.input[2] else 0
        return n_out * _numel(w[1:]), bias
    if op == "ConvTranspose":
        x, w = ins[0], ins[1]
        bias = n_out if len(ins) > 2 and node.input[2] else 0
        return _numel(x) * _numel(w[1:]), bias
    if op == "Gemm":
        a_shape = ins[0][::-1] if a.get("transA", 0) else ins[0]
        m, k = a_shape
        bias = n_out if len(ins) > 2 and node.input[2] else 0
        return m * k * out[-1], bias
    if op == "MatMul":
        x, w = ins
        k = x[-1]
        return n_out * k, 0
    if op == "BatchNormalization":
        return 0, 2 * n_out
    if op in ("MaxPool", "AveragePool"):
        window = _numel(a.get("kernel_shape", [1]))
        return 0, (window - 1 if op == "MaxPool" else window) * n_out
    if op == "GlobalAveragePool":
        return 0, _numel(ins[0])
    if op == "GlobalMaxPool":
        return 0, _numel(ins[0]) - n_out
    if op == "Softmax":
        axis = a.get("axis", -1 if opset >= 13 else 1) % len(out)
        row = out[axis] if opset >= 13 else _numel(out[axis:])
        return 0, n_out // row * (5 * row - 2)
    if op == "LayerNormalization":
        axis = a.get("axis", -1) % len(out)
        d = _numel(out[axis:])
        return 0, n_out // d * (7 * d + 3)
    if op in ACTIVATIONS:
        return 0, ACTIVATION_OPS[ACTIVATIONS[op]] * n_out
    if op in UNARY or op in BINARY:
        return 0, n_out
    if op in VARIADIC:
        return 0, (len(ins) - 1) * n_out
    return 0, _numel(ins[0])  # ReduceMean, ReduceSum: one op per input element


def parse_input_specs(specs: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """``["x=1x3x224x224"]`` -> ``{"x": (1, 3, 224, 224)}``; ``OnnxError`` otherwise."""
    out = {}
    for spec in specs:
        name, sep, dims = spec.partition("=")
        try:
            shape = tuple(int(d) for d in dims.lower().split("x"))
        except ValueError:
            shape = ()
        if not sep or not name or not shape or min(shape) <= 0:
            raise OnnxError(f"--input for an ONNX model must be NAME=1x3x224x224, got {spec!r}")
        out[name] = shape
    return out


__all__ = ["OnnxError", "OnnxImport", "OnnxOp", "parse_input_specs", "read_onnx"]
