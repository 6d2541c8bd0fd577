"""The added torchvision CNNs and ViT-B/16 against torchvision's published figures;
the language models against their parameter counts and the published FLOPs formulas."""

import pytest

from parasim.sim.nn import count, get_model
from parasim.sim.nn.zoo_extra import MODELS as EXTRA
from parasim.sim.nn.zoo_extra import inception_v3
from parasim.sim.nn.zoo_mobile import regnet_widths

# torchvision's published figures (the weights' meta "num_params" and "_ops",
# shown as "Params" and "GFLOPS" in its model tables; the GFLOPS are GMACs:
# conv + linear + matmul multiply-adds at 224x224, inception_v3 at 299x299)
PUBLISHED = {
    "vgg13": (133_047_848, 11.308), "resnet152": (60_192_808, 11.514),
    "densenet161": (28_681_000, 7.728), "inception_v3": (27_161_264, 5.713),
    "squeezenet1_0": (1_248_424, 0.819), "squeezenet1_1": (1_235_496, 0.349),
    "shufflenet_v2_x1_0": (2_278_604, 0.145), "mobilenet_v3_large": (5_483_032, 0.217),
    "efficientnet_b0": (5_288_548, 0.386), "regnet_y_400mf": (4_344_144, 0.402),
    "convnext_tiny": (28_589_128, 4.456), "vit_b_16": (86_567_656, 17.564),
}

# exact MACs derived by this package; all but vit_b_16 equal what
# torch.utils.flop_counter reports (divided by 2) for torchvision 0.29 in eval mode
EXACT_MACS = {
    "vgg13": 11_308_466_176, "resnet152": 11_513_626_624, "densenet161": 7_727_907_072,
    "inception_v3": 5_713_216_096, "squeezenet1_0": 818_924_576, "squeezenet1_1": 349_151_936,
    "shufflenet_v2_x1_0": 144_907_992, "mobilenet_v3_large": 216_589_760,
    "efficientnet_b0": 385_814_752, "regnet_y_400mf": 401_842_848,
    "convnext_tiny": 4_455_531_264, "vit_b_16": 17_563_828_224,
}


def test_every_added_cnn_is_checked():
    assert set(EXTRA) | {"vit_b_16"} == set(PUBLISHED)


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_params_exact_and_macs_within_one_percent(name):
    params, gmacs = PUBLISHED[name]
    report = count(name)
    assert report.params == params
    assert report.macs / 1e9 == pytest.approx(gmacs, rel=0.01)
    assert report.macs == EXACT_MACS[name]
    assert report.rows[-1].output_shape == (1, 1000)


def test_inception_default_input_and_inactive_aux_classifier():
    report = count("inception_v3")
    assert report.input_shape == (3, 299, 299)
    aux = report.row("AuxLogits")
    # conv0 768->128 (1x1) + BN, conv1 128->768 (5x5) + BN, fc 768->1000 with bias
    assert aux.params == 768 * 128 + 256 + 128 * 768 * 25 + 1536 + 768 * 1000 + 1000
    assert aux.macs == 0 and aux.type == "inactive"
    no_aux = count(inception_v3(aux_logits=False))
    assert no_aux.macs == report.macs
    assert no_aux.params == report.params - aux.params


def test_vit_b_16_by_hand():
    s, d, layers = 197, 768, 12
    per_layer = s * (4 * d * d + 2 * d * 3072) + 2 * s * s * d
    patch = 16 * 16 * 3 * d * 196
    assert count("vit_b_16").macs == layers * per_layer + patch + d * 1000


def test_regnet_stage_widths():
    assert regnet_widths(16, 48, 27.89, 2.09, 8) == [(48, 1, 8), (104, 3, 8), (208, 6, 8),
                                                     (440, 6, 8)]


# Hugging Face's parameter counts (BertModel with pooler; GPT2LMHeadModel with
# the head tied to wte; Llama-2 with an untied head)
LM_PARAMS = {
    "bert_base": 109_482_240, "bert_large": 335_141_888, "gpt2": 124_439_808,
    "gpt2_medium": 354_823_168, "gpt2_large": 774_030_080, "gpt2_xl": 1_557_611_200,
    "llama2_7b": 6_738_415_616, "llama2_13b": 13_015_864_320,
}


@pytest.mark.parametrize("name", sorted(LM_PARAMS))
def test_language_model_params(name):
    assert get_model(name).params == LM_PARAMS[name]


def test_aliases_and_default_sequence():
    assert get_model("GPT2-small").name == "gpt2"
    assert count("gpt2").input_shape == (1024,)
    assert count("llama-2-7b", 16).input_shape == (16,)
    assert count("bert_base").input_shape == (512,)


def test_gpt2_forward_per_token_matches_kaplan():
    """Kaplan et al. (2020): C_forward = 2N + 2 n_layer n_ctx d_model per token, N
    the non-embedding parameters, the de-embedding left out and causal attention
    counting the unmasked half."""
    from parasim.sim.nn.transformer import build
    from parasim.sim.nn.zoo_transformers import CONFIGS

    cfg = CONFIGS["gpt2"]
    model = build(cfg, skip_masked=True)
    report = count(model, cfg.n_ctx, convention="flops")
    per_token = (report.flops - report.row("lm_head").flops) / cfg.n_ctx
    n = model.params - cfg.vocab * cfg.d_model - cfg.n_ctx * cfg.d_model  # non-embedding
    kaplan = 2 * n + 2 * cfg.n_layers * cfg.n_ctx * cfg.d_model
    assert per_token == pytest.approx(kaplan, rel=0.02)
    # the dense count (masked scores computed) is ~10 % above it
    dense = count("gpt2", convention="flops")
    assert (dense.flops - dense.row("lm_head").flops) / cfg.n_ctx > 1.08 * kaplan
