"""Neural-network cost model: parameters, MACs and FLOPs of CNNs and transformers,
layer by layer.

Pure Python (no PyTorch, no Qt).  Modules:

* :mod:`sim.nn.layers`   layer specs and their formulas (``LayerError``); also
  :mod:`sim.nn.pooling` and :mod:`sim.nn.tensor_ops` (flatten, mul, permute...)
* :mod:`sim.nn.transformer` transformer shapes and block builders; its layers in
  :mod:`sim.nn.embedding`, :mod:`sim.nn.attention`, :mod:`sim.nn.norms`;
  KV-cache decoding (``decode_step``) in :mod:`sim.nn.decode`
* :mod:`sim.nn.graph`    a model as named layers wired into a DAG
* :mod:`sim.nn.zoo`      torchvision's classic CNNs (alexnet ... googlenet); ``MODELS``
  also holds :mod:`sim.nn.zoo_extra` (vgg13 ... convnext_tiny, with
  :mod:`sim.nn.zoo_mobile`) and
  :mod:`sim.nn.zoo_transformers` (BERT, GPT-2, Llama-2 shapes, ViT-B/16)
* :mod:`sim.nn.modelfile` a user's model from a TOML/JSON file
* :mod:`sim.nn.onnx_import` a model from an ONNX file (optional ``onnx`` package)
* :mod:`sim.nn.count`    ``count()`` -> ``Report``, table formatter, ``layer_tasks()``
* :mod:`sim.nn.training` ``training_count()``: forward, backward, optimizer, 6ND

The ``flops`` verb is :mod:`sim.cli.flops`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .base import LayerError
from .count import Report, Row, count, format_report, layer_tasks
from .graph import GraphBuilder, Model, Node

# the zoo and model files (every layer kind, every model) are imported on first use
# (PEP 562), so importing sim.nn or one of its light submodules does not build them
_LAZY = {"ModelFileError": "modelfile", "load_model_file": "modelfile", "MODELS": "zoo",
         "get_model": "zoo", "load_model": "zoo"}

__all__ = [
    "MODELS", "GraphBuilder", "LayerError", "Model", "ModelFileError", "Node", "Report", "Row",
    "count", "format_report", "get_model", "layer_tasks", "load_model", "load_model_file",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_LAZY[name]}", __name__), name)
