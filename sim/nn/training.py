"""FLOPs of a training step: forward, backward, (recomputation), optimizer update.

Backward pass, per layer kind (counts for the whole batch, in the report's
convention; MACs are the products of :mod:`sim.nn.count`, "other ops" are
counted only with ``all_ops``, as in the forward pass):

==========================================  ===================================================
layer kind                                  backward
==========================================  ===================================================
conv2d, linear, lm_head, matmul,            2 x forward MACs: one product for the gradient of
attention_scores, attention_context         the input, one for the gradient of the weights (of
                                            the second operand for an activation x activation
                                            matmul); bias gradients (a sum over rows) 1 x the
                                            forward bias adds.  The first layer's input
                                            gradient is counted too, as the 3 x forward rule
                                            does (frameworks skip it for the image).
embedding, add_embedding                    no MACs; the output gradient is scatter-added into
                                            the table: 1 op per output element
add, concat, flatten, dropout, tokens,      0: the gradient is passed on (copied or sliced)
permute, slice, select_token, class_token,
inactive
mul                                         2 x forward ops (gradient of each input: one multiply)
every other kind (norms, softmax,           2 x forward other ops (an approximation: the input
activations, pooling, rotary, layer scale)  gradient and, for affine norms, the parameter
                                            gradients)
==========================================  ===================================================

Activation recomputation (``recompute=True``, Megatron-LM's full
checkpointing): the forward pass of every layer inside a repeated block
(``Model.blocks``: the transformer layers) runs again during the backward pass;
embeddings and the output head are not recomputed.

Optimizer update: ``OPTIMIZER_OPS[optimizer]`` elementary operations per
parameter, once per step (not per sample), counted in both conventions as one
op each: ``sgd`` 2 (scale by the learning rate, subtract), ``momentum`` 4,
``adam`` 14 (two moment updates 3 + 4, two bias corrections, square root,
epsilon, divide, scale, subtract), ``adamw`` 16 (adam + decoupled weight decay).

The "6 N D" check (Kaplan et al.): a training step costs about 6 FLOPs per
parameter per token (2 forward + 4 backward), ``D`` = tokens in the step =
batch x sequence length.  Shown beside the exact count for token models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .count import CONVENTION_TEXT, _check, si
from .graph import Model

OPTIMIZER_OPS = {"sgd": 2, "momentum": 4, "adam": 14, "adamw": 16}

#: backward MACs = this x forward MACs; kinds absent have no MACs
BACKWARD_MACS = 2
#: backward other ops = factor x forward other ops (default 2, see the module table)
BACKWARD_OTHER = {"conv2d": 1, "linear": 1, "lm_head": 1, "add": 0, "concat": 0, "flatten": 0,
                  "dropout": 0, "tokens": 0, "permute": 0, "slice": 0, "select_token": 0,
                  "class_token": 0, "inactive": 0, "add_embedding": 1}
DEFAULT_BACKWARD_OTHER = 2


@dataclass(frozen=True)
class TrainingRow:
    """One layer: forward and backward (recomputed forward included) work for the
    whole batch, in the report's convention."""

    name: str
    type: str
    output_shape: tuple[int, ...]
    params: int
    forward: int
    backward: int
    recompute: int


@dataclass(frozen=True)
class TrainingReport:
    model: str
    input_shape: tuple[int, ...]
    batch: int
    tokens: int | None  # tokens per step for a token model, else None
    all_ops: bool
    convention: str
    optimizer: str
    recompute: bool
    params: int
    rows: tuple[TrainingRow, ...]

    @property
    def forward(self) -> int:
        return sum(r.forward for r in self.rows)

    @property
    def backward(self) -> int:
        """Backward pass, recomputed forward passes included."""
        return sum(r.backward + r.recompute for r in self.rows)

    @property
    def recomputed(self) -> int:
        return sum(r.recompute for r in self.rows)

    @property
    def optimizer_ops(self) -> int:
        return OPTIMIZER_OPS[self.optimizer] * self.params

    @property
    def total(self) -> int:
        return self.forward + self.backward + self.optimizer_ops

    @property
    def six_nd(self) -> int | None:
        """``6 N D`` FLOPs (``3 N D`` MACs in the macs convention); None without tokens."""
        if self.tokens is None:
            return None
        return (6 if self.convention == "flops" else 3) * self.params * self.tokens

    def totals(self) -> dict:
        return {"forward": self.forward, "backward": self.backward, "recomputed": self.recomputed,
                "optimizer": self.optimizer_ops, "total": self.total, "optimizer_name": self.optimizer,
                "tokens": self.tokens, "six_nd": self.six_nd, "convention": self.convention}


def training_count(model: Model, input_hw: int | Sequence[int] | None = None, batch: int = 1,
                   all_ops: bool = False, convention: str = "macs", optimizer: str = "adamw",
                   recompute: bool = False) -> TrainingReport:
    """Work of one training step of ``model`` on ``batch`` samples (see the module docs)."""
    _check(convention, batch)
    if optimizer not in OPTIMIZER_OPS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZER_OPS)}, got {optimizer!r}")
    k = 1 if convention == "macs" else 2
    rows = []
    for r in model.resolve(input_hw):
        other = r.other_ops * batch if all_ops else 0
        macs = r.macs * batch
        forward = k * macs + other
        if r.kind in ("embedding",):
            bwd_other = batch * _numel(r.output_shape) if all_ops else 0
        else:
            bwd_other = BACKWARD_OTHER.get(r.kind, DEFAULT_BACKWARD_OTHER) * other
        backward = k * BACKWARD_MACS * macs + bwd_other
        again = forward if recompute and r.name in model.blocks else 0
        rows.append(TrainingRow(r.name, r.kind, (batch, *r.output_shape), r.params, forward,
                                backward, again))
    shape = model.input_shape(input_hw)
    tokens = batch * shape[0] if model.input_tokens else None
    return TrainingReport(model.name, shape, batch, tokens, all_ops, convention, optimizer,
                          recompute, model.params, tuple(rows))


def _numel(shape: Sequence[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def format_training(report: TrainingReport) -> str:
    """Per-layer table (forward, backward) and the step's totals with the 6ND check."""
    unit = "MACs" if report.convention == "macs" else "FLOPs"
    head = ["Layer", "Type", "Output shape", "Params", f"Forward {unit}", f"Backward {unit}"]
    body = [[r.name, r.type, "x".join(map(str, r.output_shape)), si(r.params) if r.params else "-",
             si(r.forward) if r.forward else "-",
             si(r.backward + r.recompute) if r.backward + r.recompute else "-"]
            for r in report.rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i >= 3 else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    rule = "-" * len(line(head))
    what = ("all ops" if report.all_ops else "conv + linear + matmul multiply-adds only")
    recompute = (f" (incl. {si(report.recomputed)} recomputed forward)" if report.recompute else "")
    out = [f"Model: {report.model}   training step, batch {report.batch}"
           + (f", {report.tokens:,} tokens" if report.tokens else ""),
           f"Convention: {CONVENTION_TEXT[report.convention]}; counted: {what}; backward = 2 x "
           f"forward for matmul layers (see sim/nn/training.py)",
           rule, line(head), rule, *(line(b) for b in body), rule,
           f"Forward:   {si(report.forward)} {unit} ({report.forward:,})",
           f"Backward:  {si(report.backward)} {unit} ({report.backward:,}){recompute}",
           f"Optimizer: {si(report.optimizer_ops)} ops ({report.optimizer}: "
           f"{OPTIMIZER_OPS[report.optimizer]} per parameter x {report.params:,})",
           f"Total:     {si(report.total)} {unit} ({report.total:,})"]
    if report.six_nd is not None:
        n = 6 if report.convention == "flops" else 3
        exact = report.forward + report.backward
        out.append(f"Check:     {n} N D = {n} x {si(report.params)} params x {report.tokens:,} tokens"
                   f" = {si(report.six_nd)} {unit}; exact forward + backward / {n}ND = "
                   f"{exact / report.six_nd:.3f}")
    return "\n".join(out)


__all__ = ["OPTIMIZER_OPS", "TrainingReport", "TrainingRow", "format_training", "training_count"]
