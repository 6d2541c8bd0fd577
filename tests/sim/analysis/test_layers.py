"""Per-layer FLOPs and time of a run: sums, order, hand values, CLI table, presets."""

import numpy as np
import pytest

from parasim.sim import scenario as scenario_mod
from parasim.sim.analysis.layers import layer_details, layer_rows, per_layer
from parasim.sim.cli import main
from parasim.sim.cli.flops import format_layers
from parasim.sim.machine.machine import Machine
from parasim.sim.nn import count
from parasim.sim.simulate import build_graph, simulate
from parasim.sim.taskgraph import layer_of, tagged
from tests.helpers import scenario

RATE32 = 2.5e9 * 2 * 2 * 8 * 0.9
MACHINE = {"cores": 4, "freq_ghz": 2.5, "fma_units": 2, "simd_bits": 256}


def test_tags_round_trip_even_with_the_separator_in_a_layer_name():
    assert layer_of(tagged("conv1_1", "pe3")) == "conv1_1"
    assert layer_of(tagged("a @ b", "s0 mb1")) == "a @ b"
    assert layer_of("plain") == "plain"


@pytest.mark.parametrize("split", ["data", "pipeline"])
def test_layers_sum_to_the_run_totals_in_model_order(split):
    sc = scenario("cnn", machine_kw=MACHINE, model="resnet18", input=64, batch=6,
                  split=split, micro_batches=3)
    run = simulate(sc)
    rows = per_layer(run)
    assert rows == run.extras["layers"]
    assert [r.layer for r in rows] == [r.name for r in count("resnet18", 64).rows]
    s = run.summary
    assert sum(r.flops for r in rows) == pytest.approx(s["flops"], rel=1e-12)
    busy = (s["compute_fraction"] + s["stall_fraction"]) * s["pes"] * s["makespan_s"]
    assert sum(r.time_s for r in rows) == pytest.approx(busy, rel=1e-9)
    assert sum(r.flops_share for r in rows) == pytest.approx(1.0)
    assert sum(r.time_share for r in rows) == pytest.approx(1.0)


def test_a_compute_bound_conv_layer_time_by_hand():
    # vgg16 conv1_2 on 8 images: 8 x 2 x 3*3*64*224*224*64 FLOPs at 72 GFLOP/s; its bytes
    # (8 x 2 x 64 x 224 x 224 x 4 + weights = 206 MB) take 10 ms at 20 GB/s: compute bound
    sc = scenario("cnn", machine_kw=MACHINE, model="vgg16", batch=8)
    row = next(r for r in per_layer(simulate(sc)) if r.layer == "conv1_2")
    assert row.flops == 8 * 2 * 1_849_688_064
    assert row.time_s == pytest.approx(8 * 2 * 1_849_688_064 / RATE32, rel=1e-12)


def test_rows_of_a_trace_without_names_are_empty():
    run = simulate(scenario("bag", tasks=3, flops_per_task=1e6), baseline=False)
    assert layer_rows(run.trace, None) == ()
    assert "layers" not in run.extras


def test_format_layers_names_the_unit_and_every_layer():
    run = simulate(scenario("cnn", machine_kw=MACHINE, model="vgg11", input=32, batch=2))
    text = format_layers(per_layer(run), "macs")
    assert "Work (MAC)" in text and "fc8" in text and "conv1_1" in text
    assert len(text.splitlines()) == 1 + len(count("vgg11", 32).rows)


def test_cli_run_layers_prints_the_table(capsys):
    assert main(["run", "vgg16-inference", "--set", "workload.input=64", "--layers"]) == 0
    out = capsys.readouterr().out
    assert "Speedup" in out and "Time share" in out and "conv5_3" in out


def test_cli_bad_cnn_model_exits_2_with_one_line(capsys):
    assert main(["run", "vgg16-inference", "--set", "workload.model=vgg17"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "workload.model" in err and "vgg17" in err


def test_vgg16_presets_match_their_lessons():
    data = simulate(scenario_mod.load("vgg16-inference"))
    assert data.summary["flops"] == 8 * 2 * 15_470_264_320
    assert 7.5 < data.summary["speedup"] <= 8.0                # min(P, batch) = 8
    pipe_sc = scenario_mod.load("vgg16-pipeline")
    graph = build_graph(pipe_sc, Machine(pipe_sc.machine))
    per_image = np.bincount(graph.owner, weights=graph.flops) / 32
    conv = {"1_1": 86_704_128, "1_2": 1_849_688_064, "2_1": 924_844_032, "2_2": 1_849_688_064,
            "3_1": 924_844_032, "3_2": 1_849_688_064}         # MACs per image
    assert per_image[0] == 2 * (conv["1_1"] + conv["1_2"] + conv["2_1"])     # 5.72 GFLOP
    assert per_image[1] == 2 * (conv["2_2"] + conv["3_1"] + conv["3_2"])     # 9.25 GFLOP
    assert per_image.sum() == 2 * 15_470_264_320
    pipe = simulate(pipe_sc)
    # fill: one micro-batch of 4 images through every stage; then 7 more in the slowest
    bound = 4 * per_image.sum() / RATE32 + 7 * 4 * per_image.max() / RATE32
    assert pipe.makespan >= bound * (1 - 1e-12)
    assert pipe.makespan == pytest.approx(bound, rel=0.03)
    data_split = simulate(scenario_mod.load("vgg16-pipeline", ['workload.split="data"']))
    assert data_split.makespan == pytest.approx(32 * per_image.sum() / RATE32 / 4, rel=0.03)
    assert data_split.makespan < pipe.makespan


@pytest.mark.parametrize("mode, keys", [("train", 32), ("decode", 33)])
def test_transformer_layers_have_details_and_the_collectives_a_row_each(mode, keys):
    # GPT-2 small cut to 1 block, 32 tokens: q is 768 x 768 + 768; the scores see the
    # 32 tokens (training) or the cached 32 + the new one (decoding)
    sc = scenario("transformer", machine_kw=MACHINE, model="gpt2", layers=1, seq=32,
                  batch=2, data=2, tensor=2, mode=mode, new_tokens=1)
    run = simulate(sc, baseline=False)
    details = layer_details(run)
    assert details["h.0.attn.q"].params == 768 * 768 + 768
    assert details["h.0.attn.scores"].formula.endswith(f"*{keys}")
    names = [r.layer for r in per_layer(run)]
    assert "tensor-parallel allreduce" in names
    assert ("gradient allreduce" in names) == (mode == "train")
    assert all(name in details for name in names if "allreduce" not in name)
