"""Attention layers and their cost formulas: matmul, Q K^T scores, softmax, A V context
(the table and the causal-masking convention are in :mod:`sim.nn.transformer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Layer, _numel, sequence


@dataclass(frozen=True, kw_only=True)
class MatMul(Layer):
    """Matrix product of two activations, as ``torch.matmul`` (batched when the
    inputs have leading axes, which must be equal): ``(..., m, k) @ (..., k, n)``
    -> ``(..., m, n)``.

    MACs: ``batch * m * k * n`` (``batch`` = product of the leading axes).
    No params, no other ops.  ``transpose_b`` multiplies by ``B^T`` instead:
    ``(..., n, k)``.
    """

    KIND: ClassVar[str] = "matmul"
    ARITY: ClassVar[int | None] = 2
    transpose_b: bool = False

    def _compute(self, shapes):
        a, b = shapes
        if len(a) < 2 or len(b) < 2:
            raise self.error(f"needs two matrices (at least 2-D), got {a} and {b}")
        if self.transpose_b:
            b = b[:-2] + (b[-1], b[-2])
        if a[:-2] != b[:-2]:
            raise self.error(f"batch axes differ: {a[:-2]} and {b[:-2]}")
        m, k = a[-2:]
        k2, n = b[-2:]
        if k != k2:
            raise self.error(f"inner dimensions differ: {k} and {k2}")
        return a[:-2] + (m, n), _numel(a[:-2]) * m * k * n, 0


def causal_entries(s: int, past: int) -> int:
    """Score entries per head that a causal mask leaves: ``s*past + s*(s+1)/2``."""
    return s * past + s * (s + 1) // 2


@dataclass(frozen=True, kw_only=True)
class _AttentionCore(Layer):
    n_heads: int
    n_kv_heads: int | None = None
    causal: bool = False
    past: int = 0
    skip_masked: bool = False

    def __post_init__(self) -> None:
        self._positive("n_heads")
        if self.n_kv_heads is None:
            object.__setattr__(self, "n_kv_heads", self.n_heads)
        self._positive("n_kv_heads")
        if self.n_heads % self.n_kv_heads:  # type: ignore[operator]
            raise self.error(f"n_heads {self.n_heads} not divisible by n_kv_heads {self.n_kv_heads}")
        if not isinstance(self.past, int) or self.past < 0:
            raise self.error(f"past must be a non-negative integer, got {self.past!r}")

    def _entries(self, s: int) -> int:
        """Score entries computed per head: dense ``s*L``, or the causal triangle."""
        if self.causal and self.skip_masked:
            return causal_entries(s, self.past)
        return s * (s + self.past)

    def mac_formula(self, inputs, output, macs) -> str:
        """``h*dh*s*L`` for the dense count (the entry count with ``skip_masked``)."""
        h = self.n_heads
        s = inputs[0][0] if isinstance(self, AttentionScores) else inputs[0][1]
        entries = self._entries(s)
        if self.causal and self.skip_masked:
            return f"h*dh*(s*past + s(s+1)/2) = {h}*{macs // (h * entries)}*{entries}"
        return f"h*dh*s*L = {h}*{macs // (h * entries)}*{s}*{s + self.past}"

    def _head_dim(self, width: int, heads: int, what: str) -> int:
        if width % heads:
            raise self.error(f"{what} width {width} not divisible by {heads} heads")
        return width // heads


@dataclass(frozen=True, kw_only=True)
class AttentionScores(_AttentionCore):
    """Scaled dot-product scores ``Q K^T / sqrt(dh)`` of every head.

    Inputs: ``q (s, h*dh)`` and the new keys ``k (s, kv*dh)`` (``kv`` = KV heads;
    grouped-query attention shares each K head among ``h/kv`` query heads);
    with ``past`` cached keys the key length is ``L = past + s``.
    Output: ``(h, s, L)``.
    MACs: ``h * dh * s * L`` (dense; ``h * dh * (s*past + s(s+1)/2)`` with
    ``causal`` and ``skip_masked``).  Other ops: one scale multiply per
    computed score, plus one mask add per score when ``causal`` and dense.
    """

    KIND: ClassVar[str] = "attention_scores"
    ARITY: ClassVar[int | None] = 2

    def _compute(self, shapes):
        (s, dq), (sk, dk) = (sequence(self, x) for x in shapes)
        dh = self._head_dim(dq, self.n_heads, "query")
        if dk != dh * self.n_kv_heads:  # type: ignore[operator]
            raise self.error(f"key width {dk} != {self.n_kv_heads} KV heads x {dh}")
        if sk != s:
            raise self.error(f"{sk} new keys for {s} queries")
        entries = self._entries(s)
        mask = s * (s + self.past) if self.causal and not self.skip_masked else 0
        return (self.n_heads, s, s + self.past), self.n_heads * dh * entries, \
            self.n_heads * (entries + mask)


@dataclass(frozen=True, kw_only=True)
class AttentionContext(_AttentionCore):
    """Attention-weighted values ``A V`` of every head, heads concatenated.

    Inputs: probabilities ``(h, s, L)`` and the new values ``v (s, kv*dh)``.
    Output: ``(s, h*dh)``.  MACs: ``h * dh * s * L`` (dense; the causal
    triangle with ``skip_masked``).  No params, no other ops.
    """

    KIND: ClassVar[str] = "attention_context"
    ARITY: ClassVar[int | None] = 2

    def _compute(self, shapes):
        probs, v = shapes
        if len(probs) != 3 or probs[0] != self.n_heads:
            raise self.error(f"expects probabilities ({self.n_heads}, s, L), got {probs}")
        _, s, keys = probs
        sv, dv = sequence(self, v)
        dh = self._head_dim(dv, self.n_kv_heads, "value")  # type: ignore[arg-type]
        if sv != s or keys != s + self.past:
            raise self.error(f"{sv} new values (+{self.past} cached) for {keys} keys")
        return (s, self.n_heads * dh), self.n_heads * dh * self._entries(s), 0


@dataclass(frozen=True, kw_only=True)
class Softmax(Layer):
    """Softmax along the last axis (rows of ``n``).

    Other ops per row: ``5n - 2`` (``n - 1`` max comparisons, ``n``
    subtractions, ``n`` exponentials, ``n - 1`` adds, ``n`` divides).  MACs 0.
    """

    KIND: ClassVar[str] = "softmax"

    def _compute(self, shapes):
        shape = shapes[0]
        if not shape:
            raise self.error("needs at least one axis")
        n = shape[-1]
        return shape, 0, _numel(shape[:-1]) * (5 * n - 2)
