"""Transformer layers and their cost formulas; builders of transformer blocks.

Shapes are per sample, as in :mod:`sim.nn.layers`: a sequence of ``s`` vectors
of width ``d`` is ``(s, d)``; the model input of a language model is the token
ids ``(s,)``.  ``Linear`` (from :mod:`sim.nn.layers`) acts on the last axis, so
the Q/K/V/output projections and the MLP are ordinary ``linear`` layers:
``s * d_in * d_out`` MACs each.

Conventions (as everywhere in :mod:`sim.nn`): ``macs`` are multiply-accumulates
(1 MAC = 1 multiply + 1 add); FLOPs = 2 x MACs.  "Other ops" are every other
elementary operation, one count each, and are counted only with ``all_ops``.

Multi-head self-attention, ``h`` heads of width ``dh`` (``d = h*dh``), ``s``
query tokens, ``L`` keys (``L = s`` without a KV cache, ``L = past + s`` with
one), per sample:

=====================  ==========================  ===============================
step                   layer                       MACs
=====================  ==========================  ===============================
Q, K, V projections    3 x ``linear``              ``s*d*d`` each (``s*d*kv*dh``
                                                   for K and V with ``kv`` KV heads)
rotary (Llama)         ``rotary`` on Q and K       0 (other ops: 3 per element)
scores ``Q K^T``       ``attention_scores``        ``h * s * L * dh``
softmax                ``softmax``                 0 (other ops: ``5L - 2`` per row)
context ``A V``        ``attention_context``       ``h * s * L * dh``
output projection      ``linear``                  ``s * d * d``
=====================  ==========================  ===============================

MLPs (``f`` = hidden width): GELU (GPT-2, BERT, ViT) ``linear d->f``, ``gelu``,
``linear f->d``: ``2*s*d*f`` MACs; SwiGLU (Llama) ``silu(x W_gate) * (x W_up)``
then ``W_down``: three linears, ``3*s*d*f`` MACs, plus the gate's ``mul``
(``s*f`` other ops).  Norms: ``layernorm`` ``7d + 3`` and ``rmsnorm`` ``4d + 2``
other ops per row; residual ``add``: ``s*d`` other ops; embeddings: 0 MACs,
``vocab*d`` params.

Causal masking: the default counts the dense ``s x L`` score matrix, masked
entries included, because that is what dense kernels (a plain ``bmm``, most
fused kernels) compute and what the Megatron-LM formula counts.  With
``skip_masked=True`` only the unmasked triangle is counted (query ``i`` of
``s`` sees ``past + i + 1`` keys: ``s*past + s(s+1)/2`` entries per head), what
a FlashAttention-style kernel that skips fully masked blocks approaches and
what Kaplan et al.'s ``2 n_layer n_ctx d`` per token assumes.  Causal
masking is "halves nothing" in the dense count: the mask itself is one other
op per score (an add of ``-inf``).

Decoding with a KV cache (:func:`decode_step`): the token at position ``t``
(0-based) is one query against ``L = t + 1`` keys; its K and V rows are
appended to the cache, the earlier ``t`` rows are read from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from .base import Layer, Shape, _numel
from .count import si
from .graph import GraphBuilder, Model
from .layers import Activation, Add, Dropout, Linear, Mul

# --- layers -------------------------------------------------------------------------------------


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
        s, d = _sequence(self, shapes[0])
        if d != self.dim:
            raise self.error(f"expects width {self.dim}, got {d}")
        if self.positions and self.offset + s > self.num_embeddings:
            raise self.error(f"sequence of {self.offset + s} positions exceeds the "
                             f"{self.num_embeddings} learned positions")
        return shapes[0], 0, s * d


@dataclass(frozen=True, kw_only=True)
class ClassToken(Layer):
    """Prepends a learned token (ViT's class token): ``(s, dim)`` -> ``(s+1, dim)``.

    Params: ``dim``.  No ops.
    """

    KIND: ClassVar[str] = "class_token"
    dim: int

    def __post_init__(self) -> None:
        self._positive("dim")

    def params(self) -> int:
        return self.dim

    def _compute(self, shapes):
        s, d = _sequence(self, shapes[0])
        if d != self.dim:
            raise self.error(f"expects width {self.dim}, got {d}")
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
        s, d = _sequence(self, shapes[0])
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


def _sequence(layer: Layer, shape: Shape) -> tuple[int, int]:
    if len(shape) != 2:
        raise layer.error(f"expects a sequence (seq, width), got shape {shape}")
    return shape[0], shape[1]


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
        (s, dq), (sk, dk) = (_sequence(self, x) for x in shapes)
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
        sv, dv = _sequence(self, v)
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


@dataclass(frozen=True, kw_only=True)
class LayerNorm(Layer):
    """Layer normalisation over the last axis (width ``dim``), as ``torch.nn.LayerNorm``.

    Params: ``2 * dim`` (gamma, beta; ``dim`` without ``bias``).  MACs: 0.
    Other ops per row: ``7 * dim + 3`` (mean: ``dim`` adds; centre: ``dim``
    subtractions; variance: ``dim`` squares + ``dim`` adds; scale by the
    reciprocal root: ``dim``; affine: ``2 * dim``; per row one divide for
    the mean, one for the variance and one reciprocal square root).
    """

    KIND: ClassVar[str] = "layernorm"
    dim: int
    bias: bool = True

    def __post_init__(self) -> None:
        self._positive("dim")

    def params(self) -> int:
        return 2 * self.dim if self.bias else self.dim

    def _compute(self, shapes):
        shape = shapes[0]
        if not shape or shape[-1] != self.dim:
            raise self.error(f"expects last axis {self.dim}, got shape {shape}")
        return shape, 0, _numel(shape[:-1]) * (7 * self.dim + 3)


@dataclass(frozen=True, kw_only=True)
class RMSNorm(Layer):
    """Root-mean-square normalisation over the last axis (Llama).

    Params: ``dim`` (gamma).  MACs: 0.  Other ops per row: ``4 * dim + 2``
    (squares, adds, scale, gamma; per row one divide and one reciprocal
    square root).
    """

    KIND: ClassVar[str] = "rmsnorm"
    dim: int

    def __post_init__(self) -> None:
        self._positive("dim")

    def params(self) -> int:
        return self.dim

    def _compute(self, shapes):
        shape = shapes[0]
        if not shape or shape[-1] != self.dim:
            raise self.error(f"expects last axis {self.dim}, got shape {shape}")
        return shape, 0, _numel(shape[:-1]) * (4 * self.dim + 2)


@dataclass(frozen=True, kw_only=True)
class LayerNorm2d(LayerNorm):
    """LayerNorm over the channels of each pixel of a ``(C, H, W)`` map
    (ConvNeXt): the same formulas as ``layernorm`` with rows = ``H * W``."""

    KIND: ClassVar[str] = "layernorm2d"

    def _compute(self, shapes):
        c, h, w = self._image(shapes[0])
        if c != self.dim:
            raise self.error(f"expects {self.dim} channels, got {c}")
        return shapes[0], 0, h * w * (7 * self.dim + 3)


@dataclass(frozen=True, kw_only=True)
class Rotary(Layer):
    """Rotary position embedding applied to Q or K ``(s, heads*head_dim)``:
    ``x*cos + rotate_half(x)*sin`` with precomputed tables.

    Params: 0.  MACs: 0.  Other ops: 3 per element (2 multiplies, 1 add).
    """

    KIND: ClassVar[str] = "rotary"
    head_dim: int

    def __post_init__(self) -> None:
        self._positive("head_dim")
        if self.head_dim % 2:
            raise self.error(f"head_dim must be even, got {self.head_dim}")

    def _compute(self, shapes):
        s, d = _sequence(self, shapes[0])
        if d % self.head_dim:
            raise self.error(f"width {d} is not a multiple of head_dim {self.head_dim}")
        return shapes[0], 0, 3 * s * d


# --- block builders ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransformerConfig:
    """Shape of a transformer language model (or encoder).

    ``arch``: ``"gpt2"`` (pre-LN, learned positions, GELU MLP, tied head),
    ``"bert"`` (post-LN encoder, token types, pooler), ``"llama"`` (pre-RMSNorm,
    rotary, SwiGLU MLP, untied head, optional grouped-query attention).
    """

    name: str
    arch: str
    d_model: int
    n_layers: int
    n_heads: int
    vocab: int
    n_ctx: int
    d_ff: int | None = None  # default 4 * d_model
    n_kv_heads: int | None = None
    type_vocab: int = 2  # bert
    norm_eps: float = 1e-5
    tied: bool = True
    reference: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def ff(self) -> int:
        return self.d_ff or 4 * self.d_model

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    @property
    def kv_heads(self) -> int:
        return self.n_kv_heads or self.n_heads


def attention(g: GraphBuilder, p: str, d: int, n_heads: int, *, n_kv_heads: int | None = None,
              bias: bool = True, causal: bool = False, past: int = 0, skip_masked: bool = False,
              rotary: bool = False, names: tuple[str, str, str, str] = ("q", "k", "v", "out"),
              src: str | None = None) -> str:
    """Multi-head self-attention on the last node (or ``src``): Q/K/V
    projections, (rotary), scores, softmax, context, output projection.
    Returns the name of the output projection."""
    x = src or g.last
    kv = n_kv_heads or n_heads
    dh = d // n_heads
    core: dict[str, Any] = {"n_heads": n_heads, "n_kv_heads": kv, "causal": causal, "past": past,
            "skip_masked": skip_masked}
    qn, kn, vn, on = (f"{p}.{n}" for n in names)
    q = g.add(Linear(name=qn, in_features=d, out_features=d, bias=bias), x)
    k = g.add(Linear(name=kn, in_features=d, out_features=kv * dh, bias=bias), x)
    v = g.add(Linear(name=vn, in_features=d, out_features=kv * dh, bias=bias), x)
    if rotary:
        q = g.add(Rotary(name=f"{p}.rotary_q", head_dim=dh), q)
        k = g.add(Rotary(name=f"{p}.rotary_k", head_dim=dh), k)
    g.add(AttentionScores(name=f"{p}.scores", **core), (q, k))
    probs = g.add(Softmax(name=f"{p}.softmax"))
    g.add(AttentionContext(name=f"{p}.context", **core), (probs, v))
    return g.add(Linear(name=on, in_features=d, out_features=d, bias=bias))


def _gpt2(cfg: TransformerConfig, past: int, skip_masked: bool, g: GraphBuilder) -> None:
    d = cfg.d_model
    g.add(Embedding(name="wte", num_embeddings=cfg.vocab, dim=d))
    g.add(AddEmbedding(name="wpe", num_embeddings=cfg.n_ctx, dim=d, offset=past))
    g.add(Dropout(name="drop", p=0.1))
    for i in range(cfg.n_layers):
        p, x = f"h.{i}", g.last
        g.add(LayerNorm(name=f"{p}.ln_1", dim=d))
        a = attention(g, f"{p}.attn", d, cfg.n_heads, causal=True, past=past,
                      skip_masked=skip_masked, names=("q", "k", "v", "c_proj"))
        x = g.add(Add(name=f"{p}.add_1"), (a, x))
        g.chain(LayerNorm(name=f"{p}.ln_2", dim=d),
                Linear(name=f"{p}.mlp.c_fc", in_features=d, out_features=cfg.ff),
                Activation(name=f"{p}.mlp.gelu", fn="gelu"),
                Linear(name=f"{p}.mlp.c_proj", in_features=cfg.ff, out_features=d))
        g.add(Add(name=f"{p}.add_2"), (g.last, x))
    g.add(LayerNorm(name="ln_f", dim=d))
    g.add(LMHead(name="lm_head", in_features=d, out_features=cfg.vocab, tied=cfg.tied))


def _bert(cfg: TransformerConfig, past: int, skip_masked: bool, g: GraphBuilder) -> None:
    d = cfg.d_model
    g.chain(Embedding(name="embeddings.word_embeddings", num_embeddings=cfg.vocab, dim=d),
            AddEmbedding(name="embeddings.position_embeddings", num_embeddings=cfg.n_ctx, dim=d),
            AddEmbedding(name="embeddings.token_type_embeddings", num_embeddings=cfg.type_vocab,
                         dim=d, positions=False),
            LayerNorm(name="embeddings.LayerNorm", dim=d))
    for i in range(cfg.n_layers):
        p, x = f"encoder.layer.{i}", g.last
        a = attention(g, f"{p}.attention", d, cfg.n_heads,
                      names=("self.query", "self.key", "self.value", "output.dense"))
        g.add(Add(name=f"{p}.attention.add"), (a, x))
        x = g.add(LayerNorm(name=f"{p}.attention.output.LayerNorm", dim=d))
        g.chain(Linear(name=f"{p}.intermediate.dense", in_features=d, out_features=cfg.ff),
                Activation(name=f"{p}.intermediate.gelu", fn="gelu"),
                Linear(name=f"{p}.output.dense", in_features=cfg.ff, out_features=d))
        g.add(Add(name=f"{p}.output.add"), (g.last, x))
        g.add(LayerNorm(name=f"{p}.output.LayerNorm", dim=d))
    g.chain(SelectToken(name="pooler.first_token", index=0),
            Linear(name="pooler.dense", in_features=d, out_features=d),
            Activation(name="pooler.tanh", fn="tanh"))


def _llama(cfg: TransformerConfig, past: int, skip_masked: bool, g: GraphBuilder) -> None:
    d = cfg.d_model
    g.add(Embedding(name="embed_tokens", num_embeddings=cfg.vocab, dim=d))
    for i in range(cfg.n_layers):
        p, x = f"layers.{i}", g.last
        g.add(RMSNorm(name=f"{p}.input_layernorm", dim=d))
        a = attention(g, f"{p}.self_attn", d, cfg.n_heads, n_kv_heads=cfg.n_kv_heads, bias=False,
                      causal=True, past=past, skip_masked=skip_masked, rotary=True,
                      names=("q_proj", "k_proj", "v_proj", "o_proj"))
        x = g.add(Add(name=f"{p}.add_1"), (a, x))
        h = g.add(RMSNorm(name=f"{p}.post_attention_layernorm", dim=d))
        gate = g.chain(Linear(name=f"{p}.mlp.gate_proj", in_features=d, out_features=cfg.ff,
                              bias=False), Activation(name=f"{p}.mlp.silu", fn="silu"))
        up = g.add(Linear(name=f"{p}.mlp.up_proj", in_features=d, out_features=cfg.ff, bias=False), h)
        g.add(Mul(name=f"{p}.mlp.mul"), (gate, up))
        g.add(Linear(name=f"{p}.mlp.down_proj", in_features=cfg.ff, out_features=d, bias=False))
        g.add(Add(name=f"{p}.add_2"), (g.last, x))
    g.add(RMSNorm(name="norm", dim=d))
    g.add(LMHead(name="lm_head", in_features=d, out_features=cfg.vocab, tied=cfg.tied))


_ARCHS = {"gpt2": _gpt2, "bert": _bert, "llama": _llama}
_BLOCK_PREFIX = {"gpt2": "h.", "bert": "encoder.layer.", "llama": "layers."}


def build(cfg: TransformerConfig, past: int = 0, skip_masked: bool = False) -> Model:
    """The model of ``cfg``; its input is ``(seq,)`` token ids (default ``n_ctx``).

    ``past`` cached tokens (a KV cache: the attention sees ``past + seq``
    keys, positions start at ``past``); ``skip_masked`` counts only the
    unmasked causal triangle of the attention (see the module docs).
    """
    if cfg.arch not in _ARCHS:
        raise ValueError(f"unknown transformer arch {cfg.arch!r}; known: {', '.join(_ARCHS)}")
    if past and cfg.arch == "bert":
        raise ValueError(f"{cfg.name} is an encoder: it has no KV cache")
    g = GraphBuilder()
    _ARCHS[cfg.arch](cfg, past, skip_masked, g)
    prefix = _BLOCK_PREFIX[cfg.arch]
    blocks = frozenset(n.name for n in g.nodes if n.name.startswith(prefix))
    return g.build(cfg.name, input_channels=None, input_tokens=True,
                   default_input=cfg.n_ctx if not past else 1, blocks=blocks)


# --- decoding with a KV cache -------------------------------------------------------------------


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


__all__ = [
    "AddEmbedding", "AttentionContext", "AttentionScores", "ClassToken", "DecodeStep",
    "Embedding", "LMHead", "LayerNorm", "LayerNorm2d", "MatMul", "Mul", "RMSNorm", "Rotary", "SelectToken",
    "Softmax", "Tokens", "TransformerConfig", "attention", "build", "causal_entries",
    "decode_step", "format_decode", "kv_cache_bytes",
]
