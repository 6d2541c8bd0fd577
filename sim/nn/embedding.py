"""Embedding layers and the LM head of transformers (token, learned position and
token-type embeddings, class and patch tokens), with their cost formulas.

Lookups are 0 MACs with their parameters counted; conventions as in
:mod:`sim.nn.transformer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Layer, PerChannel, sequence
from .layers import Linear


@dataclass(frozen=True, kw_only=True)
class Embedding(Layer):
    """Token embedding lookup, as ``torch.nn.Embedding``: ids ``(s,)`` -> ``(s, dim)``.

    Params: ``num_embeddings * dim``.  MACs: 0 (a table lookup is a copy, not
    arithmetic).  Other ops: 0.
    """

    KIND: ClassVar[str] = "embedding"
    num_embeddings: int
    dim: int

    def __post_init__(self) -> None:
        self._positive("num_embeddings", "dim")

    def params(self) -> int:
        return self.num_embeddings * self.dim

    def _compute(self, shapes):
        shape = shapes[0]
        if len(shape) != 1:
            raise self.error(f"expects token ids (seq,), got shape {shape}")
        return (shape[0], self.dim), 0, 0


@dataclass(frozen=True, kw_only=True)
class AddEmbedding(Layer):
    """A learned table whose rows are added to the input ``(s, dim)``: position
    embeddings (row ``i`` for token ``i``, so ``s <= num_embeddings``; set
    ``offset`` for the positions of a decode step) or token-type embeddings
    (``positions=False``).

    Params: ``num_embeddings * dim``.  MACs: 0.  Other ops: ``s * dim`` adds.
    """

    KIND: ClassVar[str] = "add_embedding"
    num_embeddings: int
    dim: int
    positions: bool = True
    offset: int = 0

    def __post_init__(self) -> None:
        self._positive("num_embeddings", "dim")
        if not isinstance(self.offset, int) or self.offset < 0:
            raise self.error(f"offset must be a non-negative integer, got {self.offset!r}")

    def params(self) -> int:
        return self.num_embeddings * self.dim

    def _compute(self, shapes):
        s, d = sequence(self, shapes[0], self.dim)
        if self.positions and self.offset + s > self.num_embeddings:
            raise self.error(f"sequence of {self.offset + s} positions exceeds the "
                             f"{self.num_embeddings} learned positions")
        return shapes[0], 0, s * d


@dataclass(frozen=True, kw_only=True)
class ClassToken(PerChannel):
    """Prepends a learned token (ViT's class token): ``(s, dim)`` -> ``(s+1, dim)``.

    Params: ``dim``.  No ops.
    """

    KIND: ClassVar[str] = "class_token"

    def _compute(self, shapes):
        s, d = sequence(self, shapes[0], self.dim)
        return (s + 1, d), 0, 0


@dataclass(frozen=True, kw_only=True)
class Tokens(Layer):
    """Feature map to a token sequence (ViT patches): ``(C, H, W)`` -> ``(H*W, C)``.

    A reshape + transpose: no params, no ops.
    """

    KIND: ClassVar[str] = "tokens"

    def _compute(self, shapes):
        c, h, w = self._image(shapes[0])
        return (h * w, c), 0, 0


@dataclass(frozen=True, kw_only=True)
class SelectToken(Layer):
    """Keeps one token of a sequence (the class token, the last token):
    ``(s, d)`` -> ``(d,)``.  ``index`` may be negative.  No params, no ops."""

    KIND: ClassVar[str] = "select_token"
    index: int = 0

    def _compute(self, shapes):
        s, d = sequence(self, shapes[0])
        if not -s <= self.index < s:
            raise self.error(f"token {self.index} out of range for a sequence of {s}")
        return (d,), 0, 0


@dataclass(frozen=True, kw_only=True)
class LMHead(Linear):
    """The output projection of a language model to the vocabulary, a ``linear``
    with no bias whose weights may be *tied* to the token embedding (GPT-2,
    BERT): then its params are 0 here, counted once at the embedding.

    MACs: ``in_features * out_features`` per token, as any linear.
    """

    KIND: ClassVar[str] = "lm_head"
    bias: bool = False
    tied: bool = False

    def params(self) -> int:
        return 0 if self.tied else super().params()
