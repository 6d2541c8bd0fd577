"""Load a user's own model from a TOML or JSON file.

Format
------
Top-level keys:

``name``
    model name (default: the file name without extension).
``input_channels``
    channels of an image input ``(C, H, W)`` (default 3); ``H, W`` are chosen
    when counting (``--input``).
``input_features``
    instead of ``input_channels``: a flat input of this many features.
``input_tokens``
    instead: ``true`` for a sequence of token ids ``(seq,)`` (a language
    model); ``default_input`` then gives the sequence length used when none
    is chosen (``default_input`` also works for images).
``layers``
    a list of tables, in execution order.  Each has ``name`` (unique; not
    ``"input"``), ``type`` and the layer's fields; optional ``inputs`` is a
    name or a list of names of earlier layers (or ``"input"``) — by default a
    layer reads the previous one (the model input for the first layer).

Types and their fields (defaults in brackets; int-or-pair fields accept
``3`` or ``[3, 5]``):

========================  =====================================================
``conv2d`` (``conv``)     in_channels, out_channels, kernel, stride [1],
                          padding [0], dilation [1], groups [1], bias [true]
``linear`` (``fc``)       in_features, out_features, bias [true]
``batchnorm2d`` (``bn``)  num_features, affine [true]
``maxpool2d``             kernel, stride [kernel], padding [0], dilation [1],
                          ceil_mode [false]
``avgpool2d``             kernel, stride [kernel], padding [0], ceil_mode [false]
``adaptive_avgpool2d``    output_size
``adaptive_maxpool2d``    output_size
``relu`` ``relu6``        (no fields); also ``leaky_relu``, ``sigmoid``,
``tanh`` ...              ``hardsigmoid``, ``hardswish``, ``silu``, ``gelu``
``add`` (``residual``)    inputs: two or more layer names
``concat`` (``cat``)      inputs: two or more layer names (channel axis)
``upsample``              scale or size, mode ["nearest"|"bilinear"]
``flatten``               (no fields)
``dropout``               p [0.5]
``mul``                   inputs: two or more layer names (broadcasting)
``slice``                 start, stop (channels)
``permute``               order (e.g. [1, 2, 0])
``layer_scale``           dim
``embedding``             num_embeddings, dim
``add_embedding``         num_embeddings, dim, positions [true], offset [0]
``layernorm`` ``rmsnorm`` dim (layernorm: bias [true]); ``layernorm2d`` dim
``softmax``               (no fields): over the last axis
``matmul``                inputs: two layer names; transpose_b [false]
``attention_scores``      inputs: [q, k]; n_heads, n_kv_heads [n_heads],
                          causal [false], past [0], skip_masked [false]
``attention_context``     inputs: [probabilities, v]; same fields
``rotary``                head_dim
``lm_head``               in_features, out_features, bias [false], tied [false]
``tokens`` ``class_token``  (C,H,W) -> (H*W, C); class_token: dim
``select_token``          index [0]
========================  =====================================================

The formulas of the transformer layers are in :mod:`sim.nn.transformer`;
``assets/models/tiny-transformer.toml`` is a two-block example.

Example (``assets/models/tiny-cnn.toml``)::

    name = "tiny-cnn"
    input_channels = 3

    [[layers]]
    name = "conv1"
    type = "conv2d"
    in_channels = 3
    out_channels = 16
    kernel = 3
    padding = 1

    [[layers]]
    name = "relu1"
    type = "relu"

    [[layers]]
    name = "skip"
    type = "add"
    inputs = ["relu1", "conv1"]

The same in JSON: ``{"name": "tiny-cnn", "input_channels": 3, "layers":
[{"name": "conv1", "type": "conv2d", ...}, ...]}``.

Errors raise :class:`ModelFileError` (a ``ValueError``) naming the file and,
where relevant, the layer; invalid layer parameters raise the layer's
:class:`~sim.nn.base.LayerError` message prefixed by the file name.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..errors import LayerError, ModelFileError, ScenarioError
from ..spec import MAX_DEPTH, check_depth, read_text
from ..units import clip
from . import attention as A
from . import embedding as E
from . import layers as L
from . import norms as N
from .graph import INPUT, Model, Node

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


LAYER_TYPES: dict[str, type[L.Layer]] = {
    "conv2d": L.Conv2d, "conv": L.Conv2d,
    "linear": L.Linear, "fc": L.Linear, "dense": L.Linear,
    "batchnorm2d": L.BatchNorm2d, "bn": L.BatchNorm2d, "batchnorm": L.BatchNorm2d,
    "maxpool2d": L.MaxPool2d, "maxpool": L.MaxPool2d,
    "avgpool2d": L.AvgPool2d, "avgpool": L.AvgPool2d,
    "adaptive_avgpool2d": L.AdaptiveAvgPool2d, "adaptive_maxpool2d": L.AdaptiveMaxPool2d,
    "add": L.Add, "residual": L.Add,
    "concat": L.Concat, "cat": L.Concat,
    "upsample": L.Upsample,
    "flatten": L.Flatten,
    "dropout": L.Dropout,
    "mul": L.Mul, "slice": L.ChannelSlice, "permute": L.Permute, "layer_scale": L.LayerScale,
    # transformer layers (sim.nn.embedding, attention, norms)
    "embedding": E.Embedding, "add_embedding": E.AddEmbedding, "class_token": E.ClassToken,
    "tokens": E.Tokens, "select_token": E.SelectToken, "lm_head": E.LMHead,
    "matmul": A.MatMul, "attention_scores": A.AttentionScores,
    "attention_context": A.AttentionContext, "softmax": A.Softmax,
    "layernorm": N.LayerNorm, "layernorm2d": N.LayerNorm2d, "rmsnorm": N.RMSNorm,
    "rotary": N.Rotary,
}


def _make_layer(entry: dict[str, Any], where: str) -> L.Layer:
    kind = str(entry.get("type", "")).lower()
    name = entry["name"]
    args = {k: v for k, v in entry.items() if k not in ("type", "inputs", "name")}
    if kind in L.ACTIVATION_OPS or kind == "activation":
        cls: type[L.Layer] = L.Activation
        if kind != "activation":
            args["fn"] = kind
    elif kind in LAYER_TYPES:
        cls = LAYER_TYPES[kind]
    else:
        known = ", ".join(sorted(set(LAYER_TYPES) | set(L.ACTIVATION_OPS)))
        raise ModelFileError(f"{where}: unknown type {clip(entry.get('type'))}; known: {known}")
    allowed = L.layer_fields(cls)
    unknown = sorted(set(args) - set(allowed))
    if unknown:
        raise ModelFileError(f"{where}: unknown field(s) {', '.join(unknown)} for {kind}; "
                             f"allowed: {', '.join(allowed) or 'none'}")
    missing = [f for f in L.required_fields(cls) if f not in args]
    if missing:
        raise ModelFileError(f"{where}: missing field(s) {', '.join(missing)} for {kind}")
    for key, value in list(args.items()):
        if isinstance(value, list):  # TOML/JSON arrays -> tuples (pairs)
            args[key] = tuple(value)
    try:
        return cls(name=name, **args)
    except TypeError as exc:  # missing required fields
        raise ModelFileError(f"{where}: {exc}") from None


def model_from_dict(data: dict[str, Any], source: str = "<model>") -> Model:
    """Build a :class:`Model` from the parsed file contents (see module docs)."""
    if not isinstance(data, dict):
        raise ModelFileError(f"{source}: top level must be a table/object")
    entries = data.get("layers")
    if not isinstance(entries, list) or not entries:
        raise ModelFileError(f"{source}: needs a non-empty 'layers' list")
    nodes, previous = [], INPUT
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
            raise ModelFileError(f"{source}: layer {i} needs a 'name' string")
        where = f"{source}: layer {i} {clip(entry['name'])}"
        layer = _make_layer(entry, where)
        inputs = entry.get("inputs", previous)
        if isinstance(inputs, str):
            inputs = [inputs]
        if not isinstance(inputs, list) or not all(isinstance(s, str) for s in inputs):
            raise ModelFileError(f"{where}: 'inputs' must be a name or a list of names")
        nodes.append(Node(layer, tuple(inputs)))
        previous = layer.name
    channels, features = data.get("input_channels"), data.get("input_features")
    tokens, default = data.get("input_tokens", False), data.get("default_input")
    if not isinstance(tokens, bool):
        raise ModelFileError(f"{source}: input_tokens must be true or false, got {tokens!r}")
    for key, value in (("input_channels", channels), ("input_features", features),
                       ("default_input", default)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
            raise ModelFileError(f"{source}: {key} must be a positive integer, got {clip(value)}")
    if sum((channels is not None, features is not None, tokens)) > 1:
        raise ModelFileError(f"{source}: give one of input_channels, input_features, input_tokens")
    name = data.get("name") or Path(source).stem
    if features is not None or tokens:
        channels = None
    elif channels is None:
        channels = 3
    return Model(str(name), tuple(nodes), channels, features, tokens, default)


def load_model_file(path: str | Path) -> Model:
    """Read a ``.toml`` or ``.json`` model file (JSON is tried for other suffixes)."""
    path = Path(path)
    try:
        text = read_text(path)
    except OSError as exc:
        raise ModelFileError(f"cannot read model file {clip(str(path))}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ModelFileError(str(exc)) from None
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
        check_depth(data)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{path.name}: not valid {path.suffix.lstrip('.') or 'JSON'}: {exc}") from None
    except RecursionError:
        raise ModelFileError(f"{path.name}: tables or lists nested more than {MAX_DEPTH} "
                             f"deep") from None
    except ScenarioError as exc:
        raise ModelFileError(f"{path.name}: {exc}") from None
    try:
        return model_from_dict(data, path.name)
    except LayerError as exc:
        raise LayerError(f"{path.name}: {exc}") from None
