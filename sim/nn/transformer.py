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

The layers live by concept in :mod:`sim.nn.embedding`, :mod:`sim.nn.attention` and
:mod:`sim.nn.norms`; decoding with a KV cache (``decode_step``) in :mod:`sim.nn.decode`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .attention import AttentionContext, AttentionScores, Softmax
from .embedding import AddEmbedding, Embedding, LMHead, SelectToken
from .graph import GraphBuilder, Model
from .layers import Activation, Add, Dropout, Linear, Mul
from .norms import LayerNorm, RMSNorm, Rotary


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
