"""Neural-network cost model: parameters, MACs and FLOPs of CNNs and transformers,
layer by layer.

Pure Python (no PyTorch, no Qt).  Modules:

* :mod:`sim.nn.layers`   layer specs and their formulas (``LayerError``)
* :mod:`sim.nn.transformer` embedding, attention, norms, rotary...; block
  builders, KV-cache decoding (``decode_step``)
* :mod:`sim.nn.graph`    a model as named layers wired into a DAG
* :mod:`sim.nn.zoo`      torchvision's classic CNNs (alexnet ... googlenet)
* :mod:`sim.nn.modelfile` a user's model from a TOML/JSON file
* :mod:`sim.nn.count`    ``count()`` -> ``Report``, table formatter, ``layer_tasks()``
* :mod:`sim.nn.cli`      the ``flops`` verb
"""

from .base import LayerError
from .count import Report, Row, count, format_report, layer_tasks
from .graph import GraphBuilder, Model, Node
from .modelfile import ModelFileError, load_model_file
from .zoo import MODELS, get_model, load_model

__all__ = [
    "MODELS", "GraphBuilder", "LayerError", "Model", "ModelFileError", "Node", "Report", "Row",
    "count", "format_report", "get_model", "layer_tasks", "load_model", "load_model_file",
]
