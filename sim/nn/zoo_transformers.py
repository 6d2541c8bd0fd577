"""Transformer models: BERT, GPT-2, Llama-2 shapes and torchvision's ViT-B/16.

Language models take ``(seq,)`` token ids; ``--input`` is the sequence length
and defaults to the context length (``n_ctx``).  Parameter totals, checked in
``tests/test_nn_transformer.py``:

==============  =====================================================  ===============
model           shape                                                  params
==============  =====================================================  ===============
bert_base       12 layers, d 768, 12 heads, vocab 30522, 512 positions   109,482,240
bert_large      24 layers, d 1024, 16 heads                              335,141,888
gpt2            12 layers, d 768, 12 heads, vocab 50257, 1024 positions  124,439,808
gpt2_medium     24 layers, d 1024, 16 heads                              354,823,168
gpt2_large      36 layers, d 1280, 20 heads                              774,030,080
gpt2_xl         48 layers, d 1600, 25 heads                            1,557,611,200
llama2_7b       32 layers, d 4096, 32 heads, d_ff 11008, vocab 32000   6,738,415,616
llama2_13b      40 layers, d 5120, 40 heads, d_ff 13824                13,015,864,320
vit_b_16        12 layers, d 768, 12 heads, 16x16 patches, 224x224       86,567,656
==============  =====================================================  ===============

BERT is Hugging Face's ``BertModel`` (embeddings, encoder, pooler; no MLM
head).  GPT-2 is ``GPT2LMHeadModel``: the LM head is tied to the token
embedding, so its weights are counted once.  Llama-2's head is not tied.
ViT-B/16 follows torchvision (``vit_b_16``: 17.564 GMACs at 224, attention
matmuls included).  Q, K and V are three ``linear`` nodes everywhere (GPT-2's
``c_attn`` and torchvision's ``in_proj`` pack them in one matrix: the same
parameters and MACs).  Layer names follow the Hugging Face / torchvision module
paths otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from .embedding import AddEmbedding, ClassToken, SelectToken, Tokens
from .graph import GraphBuilder, Model
from .layers import Activation, Add, Conv2d, Dropout, Linear
from .norms import LayerNorm
from .transformer import TransformerConfig, attention, build

CONFIGS: dict[str, TransformerConfig] = {c.name: c for c in (
    TransformerConfig("bert_base", "bert", 768, 12, 12, 30522, 512),
    TransformerConfig("bert_large", "bert", 1024, 24, 16, 30522, 512),
    TransformerConfig("gpt2", "gpt2", 768, 12, 12, 50257, 1024),
    TransformerConfig("gpt2_medium", "gpt2", 1024, 24, 16, 50257, 1024),
    TransformerConfig("gpt2_large", "gpt2", 1280, 36, 20, 50257, 1024),
    TransformerConfig("gpt2_xl", "gpt2", 1600, 48, 25, 50257, 1024),
    TransformerConfig("llama2_7b", "llama", 4096, 32, 32, 32000, 4096, d_ff=11008, tied=False),
    TransformerConfig("llama2_13b", "llama", 5120, 40, 40, 32000, 4096, d_ff=13824, tied=False),
)}

#: other spellings accepted by ``get_model`` (after lower-casing and ``-`` -> ``_``)
ALIASES = {"gpt2_small": "gpt2", "bert": "bert_base", "llama_2_7b": "llama2_7b",
           "llama_2_13b": "llama2_13b", "vit_b16": "vit_b_16"}


def vit_b_16(num_classes: int = 1000, image_size: int = 224, patch: int = 16, d: int = 768,
             layers: int = 12, heads: int = 12, mlp: int = 3072) -> Model:
    """torchvision ``vit_b_16``: patch conv, class token, learned positions,
    pre-LN encoder blocks (LayerNorm eps 1e-6), class-token head.

    The position table has ``(image_size/patch)^2 + 1`` rows, so the model takes
    ``image_size`` inputs only (as torchvision's).
    """
    g = GraphBuilder()
    n = (image_size // patch) ** 2 + 1
    g.chain(Conv2d(name="conv_proj", in_channels=3, out_channels=d, kernel=patch, stride=patch),
            Tokens(name="tokens"), ClassToken(name="class_token", dim=d),
            AddEmbedding(name="encoder.pos_embedding", num_embeddings=n, dim=d),
            Dropout(name="encoder.dropout", p=0.0))
    for i in range(layers):
        p, x = f"encoder.layers.encoder_layer_{i}", g.last
        g.add(LayerNorm(name=f"{p}.ln_1", dim=d))
        a = attention(g, f"{p}.self_attention", d, heads,
                      names=("q_proj", "k_proj", "v_proj", "out_proj"))
        x = g.add(Add(name=f"{p}.add_1"), (a, x))
        g.chain(LayerNorm(name=f"{p}.ln_2", dim=d),
                Linear(name=f"{p}.mlp.0", in_features=d, out_features=mlp),
                Activation(name=f"{p}.mlp.1", fn="gelu"),
                Linear(name=f"{p}.mlp.3", in_features=mlp, out_features=d))
        g.add(Add(name=f"{p}.add_2"), (g.last, x))
    g.chain(LayerNorm(name="encoder.ln", dim=d), SelectToken(name="class_token_out", index=0),
            Linear(name="heads.head", in_features=d, out_features=num_classes))
    blocks = frozenset(nd.name for nd in g.nodes if nd.name.startswith("encoder.layers."))
    return g.build("vit_b_16", 3, default_input=image_size, blocks=blocks)


def _builder(cfg: TransformerConfig) -> Callable[[], Model]:
    def make() -> Model:
        return build(cfg)
    make.__name__ = cfg.name
    make.__doc__ = f"{cfg.name}: {cfg.n_layers} layers, d_model {cfg.d_model}, {cfg.n_heads} heads."
    return make


MODELS: dict[str, Callable[..., Model]] = {
    **{name: _builder(cfg) for name, cfg in CONFIGS.items()},
    "vit_b_16": vit_b_16,
}


def get_config(name: str) -> TransformerConfig:
    """The :class:`TransformerConfig` of a language model; ``KeyError`` otherwise."""
    key = name.lower().replace("-", "_")
    key = ALIASES.get(key, key)
    if key not in CONFIGS:
        raise KeyError(f"{name!r} is not a transformer language model; known: {', '.join(CONFIGS)}")
    return CONFIGS[key]
