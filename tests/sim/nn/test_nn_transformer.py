"""Transformer layers: formulas by hand, attention against numpy, KV-cache decoding."""

from pathlib import Path

import numpy as np
import pytest

from parasim.sim.nn import LayerError, count, load_model
from parasim.sim.nn.attention import (
    AttentionContext,
    AttentionScores,
    MatMul,
    Softmax,
    causal_entries,
)
from parasim.sim.nn.decode import decode_step, kv_cache_bytes
from parasim.sim.nn.embedding import AddEmbedding, ClassToken, Embedding, LMHead
from parasim.sim.nn.graph import GraphBuilder
from parasim.sim.nn.layers import Linear, Mul
from parasim.sim.nn.norms import LayerNorm, RMSNorm, Rotary
from parasim.sim.nn.tensor_ops import LayerScale
from parasim.sim.nn.transformer import TransformerConfig, attention, build

ROOT = Path(__file__).resolve().parents[3]
TINY = TransformerConfig("tiny-gpt", "gpt2", d_model=16, n_layers=2, n_heads=4, vocab=50, n_ctx=12)
TINY_LLAMA = TransformerConfig("tiny-llama", "llama", d_model=16, n_layers=2, n_heads=4, vocab=50,
                               n_ctx=12, d_ff=40, n_kv_heads=2, tied=False)


def _attention_model(s, d=8, heads=2, **kw):
    g = GraphBuilder()
    g.add(Embedding(name="embed", num_embeddings=10, dim=d))
    attention(g, "attn", d, heads, **kw)
    return g.build("attn", None, input_tokens=True, default_input=s)


def test_attention_block_macs_by_hand():
    """d=8, 2 heads of 4, 4 tokens: 4 projections of s*d*d, QK^T and AV of h*s*s*dh."""
    s, d, h, dh = 4, 8, 2, 4
    report = count(_attention_model(s, d, h))
    projections = 4 * s * d * d  # q, k, v, out: 4 * 4*8*8 = 1024
    scores = h * s * s * dh  # 2*4*4*4 = 128
    assert report.row("attn.q").macs == s * d * d == 256
    assert report.row("attn.scores").macs == scores == 128
    assert report.row("attn.context").macs == scores
    assert report.row("attn.scores").output_shape == (1, h, s, s)
    assert report.row("attn.context").output_shape == (1, s, d)
    assert report.row("embed").macs == 0 and report.row("embed").params == 10 * d
    assert report.macs == projections + 2 * scores == 1280
    assert report.params == 10 * d + 4 * (d * d + d)
    assert report.flops == 2 * report.macs


def test_attention_matches_numpy_products():
    """Each multiply of a numpy multi-head attention is one counted MAC."""
    s, h, dh = 5, 3, 4
    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=(h, s, dh)) for _ in range(3))
    scores = np.einsum("hsd,htd->hst", q, k)
    probs = np.exp(scores) / np.exp(scores).sum(-1, keepdims=True)
    context = np.einsum("hst,htd->hsd", probs, v)
    # products in each einsum: h * s * t * d
    products = q.shape[0] * q.shape[1] * k.shape[1] * q.shape[2]
    sc = AttentionScores(name="s", n_heads=h)
    cx = AttentionContext(name="c", n_heads=h)
    assert sc.output_shape([(s, h * dh), (s, h * dh)]) == scores.shape
    assert sc.macs([(s, h * dh), (s, h * dh)]) == products
    assert cx.output_shape([probs.shape, (s, h * dh)]) == (s, h * dh) == (s, context.size // s)
    assert cx.macs([probs.shape, (s, h * dh)]) == products


def test_causal_mask_dense_versus_skipped():
    s, d, h = 6, 8, 2
    dense = count(_attention_model(s, d, h, causal=True))
    skip = count(_attention_model(s, d, h, causal=True, skip_masked=True))
    assert dense.row("attn.scores").macs == h * (d // h) * s * s
    assert skip.row("attn.scores").macs == h * (d // h) * s * (s + 1) // 2
    assert causal_entries(s, 0) == 21 and causal_entries(1, 9) == 10
    # the mask is an other op per score in the dense count
    full = count(_attention_model(s, d, h, causal=True), all_ops=True)
    assert full.row("attn.scores").other_ops == 2 * h * s * s


def test_grouped_query_attention_and_rotary():
    report = count(build(TINY_LLAMA), 8)
    d, s, kv, dh = 16, 8, 2, 4
    assert report.row("layers.0.self_attn.k_proj").macs == s * d * kv * dh
    assert report.row("layers.0.self_attn.k_proj").output_shape == (1, s, kv * dh)
    assert report.row("layers.0.self_attn.scores").macs == 4 * dh * s * s  # all 4 query heads
    rot = count(build(TINY_LLAMA), 8, all_ops=True).row("layers.0.self_attn.rotary_q")
    assert rot.other_ops == 3 * s * d and rot.core_macs == 0
    mlp = report.row("layers.0.mlp.gate_proj")
    assert mlp.macs == s * d * 40 and mlp.params == d * 40


def test_layer_formulas():
    assert Softmax(name="sm").other_ops((2, 3, 10)) == 6 * (5 * 10 - 2)
    ln = LayerNorm(name="ln", dim=8)
    assert ln.params() == 16 and ln.other_ops((5, 8)) == 5 * (7 * 8 + 3) and ln.macs((5, 8)) == 0
    assert LayerNorm(name="ln", dim=8, bias=False).params() == 8
    rms = RMSNorm(name="rms", dim=8)
    assert rms.params() == 8 and rms.other_ops((5, 8)) == 5 * (4 * 8 + 2)
    assert Rotary(name="r", head_dim=4).other_ops((3, 8)) == 72
    mm = MatMul(name="mm")
    assert mm.output_shape([(2, 3, 4), (2, 4, 5)]) == (2, 3, 5)
    assert mm.macs([(2, 3, 4), (2, 4, 5)]) == 2 * 3 * 4 * 5
    assert MatMul(name="t", transpose_b=True).macs([(3, 4), (5, 4)]) == 60
    assert Mul(name="m").output_shape([(4, 5, 5), (4, 1, 1)]) == (4, 5, 5)
    assert Mul(name="m").other_ops([(4, 5, 5), (4, 1, 1)]) == 100
    assert LMHead(name="h", in_features=4, out_features=9, tied=True).params() == 0
    assert LMHead(name="h", in_features=4, out_features=9).params() == 36
    emb = AddEmbedding(name="pos", num_embeddings=6, dim=4)
    assert emb.params() == 24 and emb.other_ops((6, 4)) == 24


def test_invalid_layers_name_themselves():
    with pytest.raises(LayerError, match="layer 'mm' \\(matmul\\): inner dimensions differ"):
        MatMul(name="mm").cost([(3, 4), (5, 6)])
    with pytest.raises(LayerError, match="layer 's' \\(attention_scores\\).*not divisible"):
        AttentionScores(name="s", n_heads=4, n_kv_heads=3)
    with pytest.raises(LayerError, match="layer 'pos' \\(add_embedding\\): sequence of 7"):
        AddEmbedding(name="pos", num_embeddings=6, dim=4).cost((7, 4))
    with pytest.raises(LayerError, match="layer 'e' \\(embedding\\): expects token ids"):
        Embedding(name="e", num_embeddings=6, dim=4).cost((7, 4))
    with pytest.raises(LayerError, match="layer 'fc'"):
        Linear(name="fc", in_features=3, out_features=2).cost((4, 5))
    with pytest.raises(LayerError, match="do not broadcast"):
        Mul(name="m").cost([(4, 5), (3, 5)])


@pytest.mark.parametrize("make, shape, message", [
    (lambda: LayerNorm(name="n", dim=8), (5, 7), r"\(layernorm\): expects last axis 8, got"),
    (lambda: RMSNorm(name="n", dim=8), (8, 3), r"\(rmsnorm\): expects last axis 8, got"),
    (lambda: LayerScale(name="n", dim=8), (2, 8, 4), r"\(layer_scale\): expects last axis"),
    (lambda: ClassToken(name="n", dim=8), (5, 4), r"\(class_token\): expects width 8, got 4"),
    (lambda: AddEmbedding(name="n", num_embeddings=9, dim=8), (5, 4), "expects width 8, got 4"),
    (lambda: ClassToken(name="n", dim=0), None, "dim must be a positive integer, got 0"),
])
def test_per_channel_layers_check_their_width(make, shape, message):
    with pytest.raises(LayerError, match=message):
        make().cost(shape)


def test_per_channel_layers_by_hand():
    """One weight per channel: layer scale on (2, 3, 8) is 48 multiplies, 8 params; a
    class token makes (5, 8) -> (6, 8) with 8 params."""
    ls = LayerScale(name="ls", dim=8)
    assert ls.params() == 8 and ls.other_ops((2, 3, 8)) == 48
    ct = ClassToken(name="ct", dim=8)
    assert ct.params() == 8 and ct.output_shape((5, 8)) == (6, 8)


def test_prefill_equals_sum_of_decode_steps():
    """Generating n tokens one by one with a KV cache does the same matmul work
    as a causal prefill of n tokens that skips the masked scores."""
    n = 10
    prefill = count(build(TINY, skip_masked=True), n).core_macs
    steps = [decode_step(TINY, t) for t in range(n)]
    assert sum(st.macs for st in steps) == prefill
    # every step: the weights once, attention against t + 1 keys
    weights = count(build(TINY), 1).core_macs - 2 * TINY.n_layers * 16 * 1
    for t, st in enumerate(steps):
        assert st.macs == weights + 2 * TINY.n_layers * 16 * (t + 1)


def test_decode_bytes_and_memory_bound():
    params = build(TINY).params
    st = decode_step(TINY, 5, batch=2, bytes_per_value=2)
    assert st.weight_bytes == 2 * params
    assert st.kv_bytes == kv_cache_bytes(TINY, 6, 2, 2) == 2 * 2 * 16 * 6 * 2 * 2
    assert st.bytes == st.weight_bytes + st.kv_bytes
    assert st.flops == 2 * st.macs
    assert st.intensity < 2  # about 1 FLOP per byte at batch 1-2 in 16-bit: memory-bound
    with pytest.raises(ValueError, match="beyond the context"):
        decode_step(TINY, 12)


def test_tiny_transformer_file():
    model = load_model(ROOT / "assets" / "models" / "tiny-transformer.toml")
    report = count(model)
    assert report.input_shape == (32,)
    assert "batch x tokens" in report.input_text
    s, d, ff, v = 32, 64, 256, 512
    per_block = 4 * s * d * d + 2 * s * s * d + 2 * s * d * ff
    assert report.macs == 2 * per_block + s * d * v
    assert report.params == v * d + 64 * d + 2 * (2 * d + 4 * (d * d + d) + 2 * d
                                                   + d * ff + ff + ff * d + d) + 2 * d + d * v


def test_mlp_macs_gelu_and_swiglu():
    """GELU MLP: 2 s d f MACs; SwiGLU: 3 s d f MACs plus s f gate multiplies."""
    s = 8
    llama = count(build(TINY_LLAMA), s, all_ops=True)
    assert sum(r.core_macs for r in llama.rows if ".mlp." in r.name) == 2 * 3 * s * 16 * 40
    assert llama.row("layers.0.mlp.mul").other_ops == s * 40
    assert llama.row("layers.0.mlp.silu").other_ops == 5 * s * 40  # silu: 5 ops per element
    gpt = count(build(TINY), s)
    assert sum(r.macs for r in gpt.rows if ".mlp." in r.name) == 2 * 2 * s * 16 * 64
