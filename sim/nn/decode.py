"""Decoding with a KV cache: FLOPs and bytes of generating one token at position t.

The token at position ``t`` (0-based) is one query against ``L = t + 1`` keys; its K
and V rows are appended to the cache, the earlier ``t`` rows are read from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .count import si
from .transformer import TransformerConfig, build


@dataclass(frozen=True)
class DecodeStep:
    """Cost of generating one token at position ``t`` (0-based) with a KV cache,
    for a batch of ``batch`` sequences.

    ``macs``: multiply-accumulates (FLOPs = 2 x MACs): the weight products
    ``~ N`` per token plus attention ``2 * n_layers * h * dh * (t + 1)``.
    ``bytes``: memory traffic, every weight read once per step (shared by the
    batch), the cached K and V of ``t`` earlier tokens read and the new K and V
    written: ``2 * n_layers * kv_heads * head_dim * (t + 1)`` values per
    sequence, at ``bytes_per_value`` bytes each (activations ignored).
    """

    t: int
    batch: int
    macs: int
    other_ops: int
    weight_bytes: int
    kv_bytes: int

    @property
    def flops(self) -> int:
        return 2 * self.macs

    @property
    def bytes(self) -> int:
        return self.weight_bytes + self.kv_bytes

    @property
    def intensity(self) -> float:
        """FLOPs per byte: far below a GPU's ridge point, so decoding is memory-bound."""
        return self.flops / self.bytes

    def totals(self) -> dict:
        return {"t": self.t, "batch": self.batch, "macs": self.macs, "flops": self.flops,
                "other_ops": self.other_ops, "weight_bytes": self.weight_bytes,
                "kv_bytes": self.kv_bytes, "bytes": self.bytes,
                "flops_per_byte": round(self.intensity, 4)}


#: FLOPs per byte below which a step is memory-bound on any current GPU (ridge points
#: of GPUs lie between about 50 and 300 FLOPs per byte)
GPU_RIDGE_FLOOR = 50


def format_decode(step: DecodeStep) -> str:
    """Lines stating the decode step's FLOPs, bytes and intensity."""
    per = f" for {step.batch} sequences" if step.batch > 1 else ""
    tokens = f" x {step.batch} tokens" if step.batch > 1 else ""
    bound = (f"memory-bound on any GPU (their ridge points are above {GPU_RIDGE_FLOOR}): "
             f"tokens/s ~ bandwidth / {si(step.bytes)}B{tokens}"
             if step.intensity < GPU_RIDGE_FLOOR else
             "compare with the GPU's ridge point (peak FLOP/s / bandwidth)")
    return (f"Decode step at position t={step.t}{per} (KV cache): "
            f"{si(step.flops)} FLOPs (2 x {si(step.macs)} MACs, + {si(step.other_ops)} other ops)\n"
            f"Memory: {si(step.bytes)}B = weights {si(step.weight_bytes)}B read once + "
            f"KV cache {si(step.kv_bytes)}B ({step.t} cached + 1 new token; 16-bit values)\n"
            f"Intensity: {step.intensity:.2f} FLOPs/byte: {bound}")


def kv_cache_bytes(cfg: TransformerConfig, tokens: int, batch: int = 1,
                   bytes_per_value: int = 2) -> int:
    """Bytes of the K and V cache holding ``tokens`` tokens of ``batch`` sequences:
    ``2 * n_layers * kv_heads * head_dim * tokens * batch * bytes_per_value``."""
    return 2 * cfg.n_layers * cfg.kv_heads * cfg.head_dim * tokens * batch * bytes_per_value


def decode_step(cfg: TransformerConfig, t: int, batch: int = 1, bytes_per_value: int = 2) -> DecodeStep:
    """FLOPs and bytes of generating the token at position ``t`` (see :class:`DecodeStep`)."""
    if not isinstance(t, int) or t < 0:
        raise ValueError(f"position t must be a non-negative integer, got {t!r}")
    if t >= cfg.n_ctx:
        raise ValueError(f"position {t} is beyond the context of {cfg.n_ctx} tokens")
    if not isinstance(batch, int) or batch <= 0:
        raise ValueError(f"batch must be a positive integer, got {batch!r}")
    model = build(cfg, past=t)
    rows = model.resolve(1)
    return DecodeStep(t, batch, batch * sum(r.macs for r in rows),
                      batch * sum(r.other_ops for r in rows), model.params * bytes_per_value,
                      kv_cache_bytes(cfg, t + 1, batch, bytes_per_value))
