"""A model: named layers in execution order, wired as a directed acyclic graph.

Representation
--------------
A :class:`Model` is a tuple of :class:`Node` objects in execution (topological)
order.  Each node holds a layer spec (whose ``name`` is the node name) and the
names of the nodes it reads from.  The reserved name ``"input"`` is the model
input.  A node with no explicit inputs reads the node just before it, so a plain
sequential network is just a list of layers.  Branches are ordinary nodes that
read an earlier node; an ``add`` node (residual) or ``concat`` node (Inception,
DenseNet) lists every branch output it merges.  The model output is the last
node.

:meth:`Model.resolve` walks the nodes once, computing every input/output shape
for a given image size, and returns :class:`ResolvedLayer` rows with per-sample
costs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .base import Layer, LayerError, Shape

INPUT = "input"


@dataclass(frozen=True)
class Node:
    """One layer and the names of the nodes feeding it."""

    layer: Layer
    inputs: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.layer.name


@dataclass(frozen=True)
class ResolvedLayer:
    """A layer with resolved shapes and its per-sample cost."""

    name: str
    layer: Layer
    input_shapes: tuple[Shape, ...]
    output_shape: Shape
    params: int
    macs: int
    other_ops: int

    @property
    def kind(self) -> str:
        return self.layer.kind


def input_shape(channels: int | None, features: int | None, input_hw: int | Sequence[int],
                tokens: bool = False) -> Shape:
    """Per-sample input shape: ``(features,)``, ``(tokens,)`` or ``(channels, H, W)``.

    For a token model ``input_hw`` is the sequence length (an int, or the first
    of a pair).
    """
    if features is not None:
        return (features,)
    if tokens:
        seq = input_hw if isinstance(input_hw, int) else input_hw[0]
        if seq <= 0:
            raise ValueError(f"sequence length must be positive, got {seq}")
        return (seq,)
    if isinstance(input_hw, int):
        h = w = input_hw
    else:
        h, w = input_hw
    if h <= 0 or w <= 0:
        raise ValueError(f"input size must be positive, got {h}x{w}")
    return (channels or 3, h, w)


@dataclass(frozen=True)
class Model:
    """A named network: nodes in execution order.

    ``input_channels`` gives an image input ``(C, H, W)`` whose ``H, W`` are
    chosen when counting; ``input_features`` instead gives a flat input;
    ``input_tokens`` a sequence of token ids ``(seq,)`` whose length is chosen
    when counting (``input_channels`` is then ignored).

    ``fixed_input`` is a per-sample input shape the model fixes itself (an ONNX
    graph whose shapes were inferred when it was read): ``input_hw`` is then
    ignored.  ``default_input`` is the input size used when none is given (224 for an
    image, the context length for a language model).  ``blocks`` names the
    nodes inside repeated blocks (transformer layers): a training step with
    activation recomputation runs their forward pass twice.
    """

    name: str
    nodes: tuple[Node, ...]
    input_channels: int | None = 3
    input_features: int | None = None
    input_tokens: bool = False
    default_input: int | None = None
    blocks: frozenset[str] = frozenset()
    #: a per-sample input shape fixed by the model (an imported ONNX graph), or None
    fixed_input: Shape | None = None

    def __post_init__(self) -> None:
        seen = {INPUT}
        for node in self.nodes:
            if not isinstance(node.name, str) or not node.name:
                raise LayerError(f"layer {node.name!r} ({node.layer.kind}): name must be a non-empty string")
            if node.name in seen:
                what = "reserved name" if node.name == INPUT else "duplicate layer name"
                raise node.layer.error(what)
            for src in node.inputs:
                if src not in seen:
                    raise node.layer.error(f"input {src!r} is not an earlier layer")
            seen.add(node.name)
        if not self.nodes:
            raise ValueError(f"model {self.name!r} has no layers")

    def input_size(self, input_hw: int | Sequence[int] | None = None) -> int | Sequence[int]:
        """``input_hw``, or the model's default input size (224 when it has none)."""
        if input_hw is not None:
            return input_hw
        return self.default_input if self.default_input is not None else 224

    def input_shape(self, input_hw: int | Sequence[int] | None = None) -> Shape:
        if self.fixed_input is not None:
            return self.fixed_input
        return input_shape(self.input_channels, self.input_features, self.input_size(input_hw),
                           self.input_tokens)

    def resolve(self, input_hw: int | Sequence[int] | None = None) -> list[ResolvedLayer]:
        """Shapes and per-sample costs of every layer, in order."""
        shapes: dict[str, Shape] = {INPUT: self.input_shape(input_hw)}
        rows = []
        for node in self.nodes:
            ins = tuple(shapes[s] for s in node.inputs)
            cost = node.layer.cost(ins)
            shapes[node.name] = cost.output_shape
            rows.append(ResolvedLayer(node.name, node.layer, ins, cost.output_shape,
                                      cost.params, cost.macs, cost.other_ops))
        return rows

    @property
    def params(self) -> int:
        """Total learnable parameters (independent of the input size)."""
        return sum(node.layer.params() for node in self.nodes)


class GraphBuilder:
    """Helper to build node lists: ``add`` appends a layer reading the last node
    (or the given inputs) and returns its name, which becomes the new last node.
    """

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.last = INPUT

    def add(self, layer: Layer, inputs: str | Iterable[str] | None = None) -> str:
        if inputs is None:
            srcs: tuple[str, ...] = (self.last,)
        elif isinstance(inputs, str):
            srcs = (inputs,)
        else:
            srcs = tuple(inputs)
        self.nodes.append(Node(layer, srcs))
        self.last = layer.name
        return layer.name

    def chain(self, *layers: Layer, src: str | None = None) -> str:
        """Append layers in sequence, the first reading ``src`` (default: last)."""
        for i, layer in enumerate(layers):
            self.add(layer, src if i == 0 and src is not None else None)
        return self.last

    def build(self, name: str, input_channels: int | None = 3,
              input_features: int | None = None, **options) -> Model:
        """The model; ``options`` are the other :class:`Model` fields
        (``input_tokens``, ``default_input``, ``blocks``)."""
        return Model(name, tuple(self.nodes), input_channels, input_features, **options)


__all__ = ["INPUT", "GraphBuilder", "LayerError", "Model", "Node", "ResolvedLayer", "input_shape"]
