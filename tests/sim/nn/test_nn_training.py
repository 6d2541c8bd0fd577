"""Training-step FLOPs: backward rules, recomputation, optimizer, 6ND, Megatron-LM."""

import pytest

from parasim.sim.nn import count, get_model
from parasim.sim.nn.graph import GraphBuilder
from parasim.sim.nn.layers import Linear
from parasim.sim.nn.training import OPTIMIZER_OPS, format_training, training_count
from parasim.sim.nn.transformer import TransformerConfig, build


def _mlp():
    g = GraphBuilder()
    g.chain(Linear(name="fc1", in_features=32, out_features=64, bias=False),
            Linear(name="fc2", in_features=64, out_features=16, bias=False))
    return g.build("mlp", None, 32)


@pytest.mark.parametrize("convention", ["macs", "flops"])
def test_pure_matmul_model_trains_at_three_times_forward(convention):
    model = _mlp()
    report = training_count(model, batch=8, convention=convention)
    forward = count(model, batch=8, convention=convention).total
    assert report.forward == forward == (8 * (32 * 64 + 64 * 16)) * (1 if convention == "macs" else 2)
    assert report.backward == 2 * forward
    assert report.forward + report.backward == 3 * forward
    assert report.optimizer_ops == OPTIMIZER_OPS["adamw"] * model.params
    assert report.total == 3 * forward + 16 * model.params


def test_backward_rules_per_kind():
    report = training_count(get_model("gpt2"), 16, all_ops=True)
    wte, add, ln, fc = (next(r for r in report.rows if r.name == n)
                        for n in ("wte", "h.0.add_1", "h.0.ln_1", "h.0.mlp.c_fc"))
    assert wte.forward == 0 and wte.backward == 16 * 768  # scatter-add of the gradient
    assert add.forward == 16 * 768 and add.backward == 0  # gradient passed on
    assert ln.backward == 2 * ln.forward
    macs, bias = 16 * 768 * 3072, 16 * 3072
    assert fc.forward == macs + bias and fc.backward == 2 * macs + bias
    cnn = training_count(get_model("resnet18"))
    assert cnn.backward == 2 * cnn.forward and cnn.tokens is None and cnn.six_nd is None


def test_gpt2_six_n_d_check():
    report = training_count(get_model("gpt2"), batch=2, convention="flops")
    assert report.tokens == 2 * 1024
    assert report.six_nd == 6 * 124_439_808 * 2048
    # exact is above 6ND: attention (s^2 terms) and the tied head are not in 6N
    assert 1.0 < (report.forward + report.backward) / report.six_nd < 1.2
    text = format_training(report)
    assert "Forward FLOPs" in text and "Backward FLOPs" in text and "6 N D" in text


def test_megatron_per_iteration_formula():
    """Narayanan et al. (SC'21): with full activation recomputation a GPT iteration
    costs 96 B s l h^2 (1 + s/(6h) + V/(16 l h)) FLOPs."""
    B, s, l, h, V = 4, 2048, 24, 2048, 51200  # noqa: E741 (the paper's names)
    cfg = TransformerConfig("gpt-1.3b", "gpt2", d_model=h, n_layers=l, n_heads=16, vocab=V, n_ctx=s)
    report = training_count(build(cfg), s, B, convention="flops", recompute=True)
    megatron = 96 * B * s * l * h**2 * (1 + s / (6 * h) + V / (16 * l * h))
    assert report.forward + report.backward == pytest.approx(megatron, rel=0.02)
    no_recompute = training_count(build(cfg), s, B, convention="flops")
    assert report.recomputed == no_recompute.forward - 2 * B * s * h * V  # head not recomputed
    assert no_recompute.recomputed == 0


def test_bad_optimizer():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        training_count(_mlp(), optimizer="lion")
