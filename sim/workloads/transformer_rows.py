"""The `transformer` workload's model as per-sequence rows (FLOPs forward and backward,
bytes, gradient bucket), where the tensor group allreduces, the pipeline stages' cuts
and each stage's micro-batch order (GPipe, 1F1B).  Formulas: sim.workloads.transformer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..nn.training import training_count
from ..nn.transformer import TransformerConfig
from ..nn.transformer import build as build_model
from .common import element_bytes
from .stages import partition


@dataclass(frozen=True)
class Row:
    """One layer per sequence: FLOPs forward and backward, bytes of weights and
    activations, its gradient bucket (block index, or -1/-2 before/after the blocks)."""

    name: str
    kind: str
    forward: float
    backward: float
    weight_bytes: float
    act_bytes: float
    params: int
    bucket: int


def rows(p, cfg: TransformerConfig, past: int | None = None) -> list[Row]:
    """Per-sequence rows of the model at p.seq tokens (p: the workload's Params), or (decode) of one token at
    position `past` with its K/V cache reads added to the scores/context layers."""
    e = element_bytes(p.precision)
    model = build_model(cfg, past=past or 0)
    tokens = 1 if past is not None else p.seq
    resolved = model.resolve(tokens)
    train = training_count(model, tokens, 1, p.all_ops, "flops")
    kv = cfg.kv_heads * cfg.head_dim * ((past or 0) + 1) * e    # K (or V) rows of one layer
    out, block, seen = [], -1, False
    for r, t in zip(resolved, train.rows, strict=True):
        if r.name in model.blocks:
            seen = True
            block = int(r.name.split(".")[_block_field(cfg)])
        elif seen:
            block = -2
        if past is not None:
            act = kv if r.kind in ("attention_scores", "attention_context") else 0
        else:
            act = e * (sum(_numel(s) for s in r.input_shapes) + _numel(r.output_shape))
        out.append(Row(r.name, r.kind, float(t.forward), float(t.backward + t.recompute),
                       float(e * r.params), float(act), r.params, block))
    return _tied_head_reads_the_table(out, cfg, e)


def _tied_head_reads_the_table(net: list[Row], cfg: TransformerConfig, e: int) -> list[Row]:
    """A tied LM head multiplies by the token embedding table: the table's bytes are read
    there (the lookup reads rows only); its parameters (and gradients) stay with the
    embedding. Untied tables are read by the lookup, as `nn.decode_step` counts them."""
    heads = [i for i, r in enumerate(net) if r.kind == "lm_head"]
    if not cfg.tied or not heads:
        return net
    table = float(e * cfg.vocab * cfg.d_model)
    return [replace(r, weight_bytes=r.weight_bytes + table) if i in heads else
            replace(r, weight_bytes=r.weight_bytes - table) if r.kind == "embedding" else r
            for i, r in enumerate(net)]


def _block_field(cfg: TransformerConfig) -> int:
    """Position of the block number in a layer name ('h.3.attn.q': 1)."""
    return {"gpt2": 1, "llama": 1, "bert": 2}[cfg.arch]


def _numel(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def tp_points(net: list[Row]) -> tuple[set[int], set[int]]:
    """Rows after which the tensor group allreduces: forward, after each linear that
    feeds a residual add (attention and MLP output projections); backward, after the
    first row of the segment that ends there (the input of attention and MLP)."""
    fwd = {i for i in range(len(net) - 1)
           if net[i].kind == "linear" and net[i + 1].kind == "add" and net[i].bucket >= 0}
    bwd = set()
    for i in fwd:
        j = i
        while j > 0 and net[j - 1].kind != "add" and net[j - 1].bucket == net[i].bucket:
            j -= 1
        bwd.add(j)
    return fwd, bwd


def stage_bounds(net: list[Row], stages: int) -> list[int]:
    """Row boundaries of the pipeline stages, cut between buckets (embeddings, blocks,
    head) to near-equal forward FLOPs (`stages.partition`)."""
    starts = [i for i in range(len(net)) if i == 0 or net[i].bucket != net[i - 1].bucket]
    ends = starts[1:] + [len(net)]
    units = [round(sum(r.forward for r in net[a:b])) for a, b in zip(starts, ends)]
    return [starts[k] if k < len(starts) else len(net) for k in partition(units, stages)]


def stage_ops(schedule: str, stage: int, stages: int, m: int,
              train: bool) -> list[tuple[str, int]]:
    """The order stage `stage` runs its micro-batches: ('F', j) and ('B', j)."""
    if not train:
        return [("F", j) for j in range(m)]
    if schedule == "gpipe":
        return [("F", j) for j in range(m)] + [("B", j) for j in range(m)]
    warm = min(stages - stage - 1, m)
    ops = [("F", j) for j in range(warm)]
    for j in range(m - warm):
        ops += [("F", warm + j), ("B", j)]
    return ops + [("B", j) for j in range(m - warm, m)]
