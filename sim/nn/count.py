"""Count parameters, MACs and FLOPs of a model, per layer, and format the table.

Conventions
-----------
``macs`` (default)
    one multiply-accumulate (a multiply and an add) = one operation, the
    lecture's "one multiply + add = one flop".  A conv costs
    ``k*k*(c/groups)*H'*W'*o`` MACs; the lecture's figure for a conv *with* bias
    is the same number, because the ``k*k*c`` products need ``k*k*c - 1`` adds
    and the bias supplies the last one.
``flops``
    every multiply and every add counted: ``FLOPs = 2 x MACs``.

What is counted
---------------
By default (``all_ops=False``) only the weight products of ``conv2d`` and
``linear`` layers are counted: bias adds, batch norm, activations, pooling,
residual adds, interpolation, concat/flatten/dropout are all zero.  This is
what torchvision's model tables report (e.g. vgg16: 15.47 "GFLOPS", which are
GMACs in this sense).  With ``all_ops=True`` each layer's "other ops" (see
:mod:`sim.nn.layers`: bias adds, BN ``2`` per element, ReLU ``1`` per element,
max pool ``k*k-1`` comparisons per output, ...) are added as one operation
each in *both* conventions (``macs + other`` and ``2*macs + other``), like
ptflops does.

All counts are for the whole batch: ``batch`` multiplies MACs and ops but not
parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .graph import Model, ResolvedLayer

CONVENTIONS = ("macs", "flops")

CONVENTION_TEXT = {
    "macs": "MACs (1 multiply-add = 1 op)",
    "flops": "FLOPs (multiplies and adds counted separately, = 2 x MACs)",
}


@dataclass(frozen=True)
class Row:
    """One layer of a report; counts are for the whole batch.

    ``macs`` and ``flops`` are the layer's count under each convention;
    ``core_macs`` are the conv/linear multiply-accumulates alone and
    ``other_ops`` the other operations (0 unless ``all_ops``).  ``share`` is the
    fraction of the model total under the report's convention.
    """

    name: str
    type: str
    output_shape: tuple[int, ...]  # including the batch axis
    params: int
    core_macs: int
    other_ops: int
    share: float

    @property
    def macs(self) -> int:
        return self.core_macs + self.other_ops

    @property
    def flops(self) -> int:
        return 2 * self.core_macs + self.other_ops

    def ops(self, convention: str) -> int:
        return self.macs if convention == "macs" else self.flops


@dataclass(frozen=True)
class Report:
    """Per-layer rows and totals of one model at one input size and batch."""

    model: str
    input_shape: tuple[int, ...]  # per sample, e.g. (3, 224, 224)
    batch: int
    all_ops: bool
    convention: str
    rows: tuple[Row, ...]
    tokens: bool = False  # input_shape is (seq,) token ids

    @property
    def input_text(self) -> str:
        """``1x3x224x224 (batch x C x H x W)`` or ``1x1024 (batch x tokens)``."""
        axes = ("batch x tokens" if self.tokens else
                "batch x C x H x W" if len(self.input_shape) == 3 else "batch x features")
        return f"{self.batch}x{shape_text(self.input_shape)} ({axes})"

    @property
    def params(self) -> int:
        return sum(r.params for r in self.rows)

    @property
    def macs(self) -> int:
        return sum(r.macs for r in self.rows)

    @property
    def flops(self) -> int:
        return sum(r.flops for r in self.rows)

    @property
    def core_macs(self) -> int:
        return sum(r.core_macs for r in self.rows)

    @property
    def other_ops(self) -> int:
        return sum(r.other_ops for r in self.rows)

    @property
    def total(self) -> int:
        """Total under the report's convention."""
        return self.macs if self.convention == "macs" else self.flops

    def row(self, name: str) -> Row:
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(name)

    def totals(self) -> dict:
        """Totals as a JSON-ready dict (keys: model, input, batch, params, macs,
        flops, all_ops)."""
        return {"model": self.model, "input": list(self.input_shape), "batch": self.batch,
                "params": self.params, "macs": self.macs, "flops": self.flops,
                "all_ops": self.all_ops}

    def describe(self) -> str:
        """One-line statement of what the numbers mean."""
        what = ("conv + linear (+ matmul) multiply-adds plus all other ops (bias, "
                "normalisation, activations, softmax, pooling, adds), one each" if self.all_ops else
                "conv + linear (+ matmul, attention) multiply-adds only (no bias, "
                "normalisation, activations, softmax, pooling), as torchvision reports")
        return f"{CONVENTION_TEXT[self.convention]}; counted: {what}"


def _check(convention: str, batch: int) -> None:
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {', '.join(CONVENTIONS)}, got {convention!r}")
    if not isinstance(batch, int) or batch <= 0:
        raise ValueError(f"batch must be a positive integer, got {batch!r}")


def count(model: Model | str, input_hw: int | Sequence[int] | None = None, batch: int = 1,
          all_ops: bool = False, convention: str = "macs") -> Report:
    """Count ``model`` (a :class:`Model`, zoo name or model file path).

    ``input_hw`` is the image size (``224`` or ``(H, W)``; ignored for a model
    with a flat input), or the sequence length of a token model; ``None``
    takes the model's default (224, or the context length).  Raises ``LayerError``/``ValueError`` on invalid input.
    """
    if isinstance(model, str):
        from .zoo import load_model

        model = load_model(model)
    _check(convention, batch)
    resolved = model.resolve(input_hw)
    raw = [(r, r.macs * batch, r.other_ops * batch if all_ops else 0) for r in resolved]
    total = sum(m + o if convention == "macs" else 2 * m + o for _, m, o in raw)
    rows = []
    for r, macs, other in raw:
        value = macs + other if convention == "macs" else 2 * macs + other
        rows.append(Row(r.name, r.kind, (batch, *r.output_shape), r.params, macs, other,
                        value / total if total else 0.0))
    return Report(model.name, model.input_shape(input_hw), batch, all_ops, convention, tuple(rows),
                  model.input_tokens)


# --- formatting ------------------------------------------------------------------
_PREFIXES = ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K"))


def si(value: float, digits: int = 2) -> str:
    """SI-prefixed number: ``15470264320`` -> ``"15.47 G"``; small ones as is."""
    for scale, prefix in _PREFIXES:
        if abs(value) >= scale:
            return f"{value / scale:.{digits}f} {prefix}"
    return f"{value:g}"


def shape_text(shape: Sequence[int]) -> str:
    return "x".join(str(d) for d in shape)


def format_report(report: Report) -> str:
    """A per-layer table: name, type, output shape, params, ops, share; header
    naming the convention and a totals line."""
    unit = "MACs" if report.convention == "macs" else "FLOPs"
    head = ["Layer", "Type", "Output shape", "Params", unit, "Share"]
    body = [[r.name, r.type, shape_text(r.output_shape), si(r.params) if r.params else "-",
             si(r.ops(report.convention)) if r.ops(report.convention) else "-",
             f"{100 * r.share:.2f}%"] for r in report.rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    right = {3, 4, 5}

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    rule = "-" * len(line(head))
    other_unit = "FLOPs" if unit == "MACs" else "MACs"
    other_total = report.flops if unit == "MACs" else report.macs
    out = [
        f"Model: {report.model}   input: {report.input_text}",
        f"Convention: {report.describe()}",
        rule, line(head), rule, *(line(b) for b in body), rule,
        f"Total: params {si(report.params)} ({report.params:,})   {unit} {si(report.total)}"
        f" ({report.total:,})   [{other_unit} {si(other_total)}]",
    ]
    return "\n".join(out)


def mac_formula(r: ResolvedLayer) -> str:
    """The MACs of one sample as the lecture writes them, with the numbers:
    ``k*k*c*H*W*o = 3*3*64*224*224*64`` for a conv (``c`` = input channels per
    group), ``in*out`` (times rows) for a linear, ``h*dh*s*L`` for attention;
    ``""`` for layers without MACs (each layer's ``mac_formula``)."""
    return r.layer.mac_formula(r.input_shapes, r.output_shape, r.macs)


# --- workload tasks ----------------------------------------------------------------
def layer_tasks(model: Model | str, input_hw: int | Sequence[int] | None = None, batch: int = 1,
                precision_bytes: int = 4, all_ops: bool = True) -> list[dict]:
    """Per-layer work items for a CNN simulation workload, in execution order.

    Each item is ``{"name", "type", "flops", "bytes"}`` for the whole batch:

    * ``flops`` = ``2 * MACs`` + (with ``all_ops``, the default) the layer's
      other ops (bias, BN, activation, pooling, adds), i.e. the FLOPs
      convention;
    * ``bytes`` = ``(params + batch * (input elements + output elements)) *
      precision_bytes``: the weights read once, every input activation read
      (all inputs of an add/concat) and the output written.

    Layers with no arithmetic (flatten, dropout, concat) are included with
    ``flops = 0`` so the list mirrors the model.
    """
    if not isinstance(precision_bytes, int) or precision_bytes <= 0:
        raise ValueError(f"precision_bytes must be a positive integer, got {precision_bytes!r}")
    if isinstance(model, str):
        from .zoo import load_model

        model = load_model(model)
    _check("flops", batch)
    tasks = []
    for r in model.resolve(input_hw):
        activations = sum(_numel(s) for s in r.input_shapes) + _numel(r.output_shape)
        flops = 2 * r.macs + (r.other_ops if all_ops else 0)
        tasks.append({"name": r.name, "type": r.kind, "flops": flops * batch,
                      "bytes": (r.params + batch * activations) * precision_bytes})
    return tasks


def _numel(shape: Sequence[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n
