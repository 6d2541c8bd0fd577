"""kind = "cnn": FLOPs against the counter, bytes, data-parallel and pipeline times by hand."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim import scenario as scenario_mod
from parasim.sim.errors import ScenarioError
from parasim.sim.io import trace_csv
from parasim.sim.machine.costs import min_durations
from parasim.sim.machine.machine import Machine
from parasim.sim.nn import count
from parasim.sim.simulate import build_graph, simulate
from parasim.sim.workloads import cnn
from tests.helpers import scenario

# 2.5 GHz x 2 FMA units x 2 FLOPs x 8 fp32 lanes (256-bit) x 0.9 lane efficiency
RATE32 = 2.5e9 * 2 * 2 * 8 * 0.9
CORE_BW = 20e9


def no_contention(cores):
    """Memory = cores x the per-core limit, no latency: every task gets 20 GB/s."""
    return {"bandwidth_gbs": 20.0 * cores, "core_bandwidth_gbs": 20.0, "latency_ns": 0.0}


def cnn_scenario(cores=4, nodes=1, memory=None, **work):
    mk = {"nodes": nodes, "cores": cores, "freq_ghz": 2.5, "fma_units": 2, "simd_bits": 256}
    if memory:
        mk["memory"] = memory
    if work.get("split") == "kernels":       # layers as kernels need a GPU
        mk["device"] = [{"name": "gpu", "sms": cores + 1, "matrix_fp32": 256.0}]
    return scenario("cnn", machine_kw=mk, **work)


def chain_model(tmp_path, layers, width=64):
    """A model file of `layers` identical linear layers width -> width (no bias)."""
    text = f'name = "chain"\ninput_features = {width}\n'
    for i in range(layers):
        text += (f'[[layers]]\nname = "fc{i}"\ntype = "linear"\n'
                 f'in_features = {width}\nout_features = {width}\nbias = false\n')
    path = tmp_path / "chain.toml"
    path.write_text(text)
    return str(path)


# -- FLOPs and bytes --------------------------------------------------------------------

@pytest.mark.parametrize("split", ["data", "pipeline"])
def test_vgg16_total_is_2_macs_times_batch(split):
    sc = cnn_scenario(cores=4, model="vgg16", batch=5, split=split, micro_batches=3)
    g = build_graph(sc, Machine(sc.machine))
    assert g.total_flops == 2 * 15_470_264_320 * 5
    assert g.total_flops == 2 * count("vgg16", 224, 5).macs


def test_all_ops_total_equals_the_counters_flops():
    sc = cnn_scenario(cores=3, model="resnet18", input=64, batch=4, all_ops=True)
    g = build_graph(sc, Machine(sc.machine))
    rep = count("resnet18", 64, 4, all_ops=True)
    assert g.total_flops == rep.flops == 2 * rep.core_macs + rep.other_ops
    assert rep.other_ops > 0


def test_conv1_1_task_bytes_by_hand():
    # weights 64*3*3*3 + 64 biases = 1792; per image input 3*224*224, output 64*224*224
    sc = cnn_scenario(cores=2, model="vgg16", batch=5)          # shares of 3 and 2 images
    g = build_graph(sc, Machine(sc.machine))
    first = [i for i, n in enumerate(g.names) if n.startswith("conv1_1 @")]
    act = 3 * 224 * 224 + 64 * 224 * 224
    assert g.bytes[first].tolist() == [4 * (1792 + 3 * act), 4 * (1792 + 2 * act)]
    assert g.flops[first].tolist() == [3 * 2 * 86_704_128, 2 * 2 * 86_704_128]
    sc16 = cnn_scenario(cores=2, model="vgg16", batch=5, precision="fp16")
    g16 = build_graph(sc16, Machine(sc16.machine))
    assert g16.bytes[first].tolist() == [2 * (1792 + 3 * act), 2 * (1792 + 2 * act)]


def test_task_names_are_layer_names_with_a_tag():
    sc = cnn_scenario(cores=2, model="vgg11", input=32, batch=2, split="pipeline",
                      micro_batches=2)
    g = build_graph(sc, Machine(sc.machine))
    assert g.names[:2] == ("conv1_1 @ s0 mb0", "relu1_1 @ s0 mb0")
    assert {n.rsplit(" @ ", 1)[1] for n in g.names} == {"s0 mb0", "s1 mb0", "s0 mb1", "s1 mb1"}


# -- data parallel ----------------------------------------------------------------------

def chain_time(net, n, rate, core_bw):
    """One PE running every layer on n samples, memory never contended: sum of max()."""
    return sum(max(n * layer.flops / rate, (layer.weight_bytes + n * layer.act_bytes) / core_bw)
               for layer in net)


@pytest.mark.parametrize("cores, batch", [(3, 8), (16, 8), (4, 4)])
def test_data_parallel_time_and_speedup_by_hand(cores, batch):
    # memory = cores x per-core bandwidth: no contention, each task takes max(compute, bytes/bw)
    sc = cnn_scenario(cores=cores, memory=no_contention(cores), model="vgg11", input=64,
                      batch=batch)
    run = simulate(sc)
    net = cnn.layers(sc.workload)
    shares = [len(r) for r in np.array_split(np.arange(batch), min(cores, batch))]
    tp = chain_time(net, max(shares), RATE32, CORE_BW)
    t1 = sum(chain_time(net, n, RATE32, CORE_BW) for n in shares)
    assert run.makespan == pytest.approx(tp, rel=1e-9)
    assert run.summary["speedup"] == pytest.approx(t1 / tp, rel=1e-9)


def test_data_parallel_speedup_is_close_to_the_min_p_batch_limit():
    # limit = batch / (images on the busiest PE) = batch / ceil(batch / min(P, batch)) for
    # compute-bound layers; vgg16 is 99 % convolutions, so it comes within 3 % of that
    # (its memory-bound fc layers read the weights once per chain, whatever the share)
    for cores, batch, limit in ((16, 8, 8.0), (4, 8, 4.0), (3, 8, 8 / 3)):
        assert limit == batch / math.ceil(batch / min(cores, batch))
        sc = cnn_scenario(cores=cores, memory=no_contention(cores), model="vgg16", input=64,
                          batch=batch)
        speedup = simulate(sc).summary["speedup"]
        assert speedup == pytest.approx(limit, rel=0.03)


def test_data_split_spreads_shares_over_nodes_without_messages():
    sc = cnn_scenario(cores=2, nodes=2, model="vgg11", input=32, batch=3)
    g = build_graph(sc, Machine(sc.machine))
    assert sorted(set(g.owner.tolist())) == [0, 1, 2]          # node 0 core 0, node 1 core 0, ...
    assert len(g.msg_src) == 0
    assert simulate(sc).summary["flops"] == 3 * 2 * count("vgg11", 32).macs


# -- pipeline ---------------------------------------------------------------------------

@pytest.mark.parametrize("stages, micro", [(4, 6), (3, 1), (1, 5), (5, 5)])
def test_pipeline_of_equal_stages_takes_s_plus_m_minus_1_steps(tmp_path, stages, micro):
    model = chain_model(tmp_path, stages, width=256)
    n = 16                                                    # samples per micro-batch
    sc = cnn_scenario(cores=stages, memory=no_contention(stages), model=model, batch=n * micro,
                      split="pipeline", micro_batches=micro)
    # one stage, one micro-batch: max(arithmetic, weights + n x (input + output) at 20 GB/s)
    t = max(n * 2 * 256 * 256 / RATE32, 4 * (256 * 256 + n * 2 * 256) / CORE_BW)
    run = simulate(sc)
    assert run.makespan == pytest.approx((stages + micro - 1) * t, rel=1e-12)
    assert run.summary["speedup"] == pytest.approx(stages * micro / (stages + micro - 1),
                                                   rel=1e-9)


def test_pipeline_dependencies_by_hand(tmp_path):
    sc = cnn_scenario(cores=2, model=chain_model(tmp_path, 2), batch=2, split="pipeline",
                      micro_batches=2)
    g = build_graph(sc, Machine(sc.machine))
    # order: (mb0 s0) 0, (mb0 s1) 1, (mb1 s0) 2, (mb1 s1) 3
    assert [g.names[i] for i in range(4)] == ["fc0 @ s0 mb0", "fc1 @ s1 mb0",
                                             "fc0 @ s0 mb1", "fc1 @ s1 mb1"]
    assert [sorted(g.deps(i).tolist()) for i in range(4)] == [[], [0], [0], [1, 2]]
    assert g.owner.tolist() == [0, 1, 0, 1]


def test_pipeline_makespan_respects_the_stage_bound():
    sc = cnn_scenario(cores=4, model="vgg16", input=64, batch=12, split="pipeline",
                      micro_batches=4)
    machine = Machine(sc.machine)
    g = build_graph(sc, machine)
    run = simulate(sc)
    d = min_durations(machine, g)
    busiest = np.bincount(g.owner, weights=d).max()           # the slowest stage, all micro-batches
    assert run.makespan >= busiest * (1 - 1e-12)
    assert run.makespan >= g.longest_path(d) * (1 - 1e-12)
    assert len(set(g.owner.tolist())) == 4


def test_pipeline_stages_cannot_exceed_the_pes():
    sc = cnn_scenario(cores=2, model="vgg11", input=32, split="pipeline", stages=3)
    with pytest.raises(ScenarioError, match=r"workload\.stages = 3") as info:
        build_graph(sc, Machine(sc.machine))
    assert info.value.path == "workload.stages"


# -- pipeline across nodes: messages -----------------------------------------------------

def test_pipeline_across_nodes_builds_messages(tmp_path):
    model = chain_model(tmp_path, 4, width=32)
    sc = cnn_scenario(cores=2, nodes=2, model=model, batch=6, split="pipeline",
                      micro_batches=3)                       # stages on PEs 0, 1 | 2, 3
    g = build_graph(sc, Machine(sc.machine))
    assert len(g.msg_src) == 3                               # stage 1 -> stage 2, per micro-batch
    for src, dst, nb in zip(g.msg_src, g.msg_dst, g.msg_bytes):
        assert g.names[src].startswith("fc1 @ s1") and g.names[dst].startswith("fc2 @ s2")
        assert src in g.deps(dst)
        assert nb == 2 * 32 * 4                              # 2 samples x 32 fp32 outputs


def test_pipeline_across_nodes_runs_and_messages_cost_time(tmp_path):
    stages, micro, n = 4, 3, 2
    sc = cnn_scenario(cores=2, nodes=2, memory=no_contention(2),
                      model=chain_model(tmp_path, stages), batch=n * micro, split="pipeline",
                      micro_batches=micro)
    run = simulate(sc)
    t = max(n * 2 * 64 * 64 / RATE32, 4 * (64 * 64 + n * 2 * 64) / CORE_BW)
    assert run.summary["flops"] == n * micro * stages * 2 * 64 * 64
    assert run.makespan > (stages + micro - 1) * t


# -- validation and determinism ----------------------------------------------------------

@pytest.mark.parametrize("work, path, text", [
    ({"model": "vgg17"}, "workload.model", "unknown model 'vgg17'"),
    ({"model": "no/such/model.toml"}, "workload.model", "no/such/model.toml"),
    ({"batch": 0}, "workload.batch", "workload.batch must be >= 1, got 0"),
    ({"model": "alexnet", "input": 32}, "workload.model", "32x32 input"),
    ({"split": "model"}, "workload.split", "got 'model'"),
    ({"micro_batches": 0}, "workload.micro_batches", ">= 1"),
    ({"precision": "fp8"}, "workload.precision", "got 'fp8'"),
])
def test_invalid_cnn_params_name_the_path(work, path, text):
    with pytest.raises(ScenarioError) as info:
        cnn_scenario(**work)
    assert info.value.path == path
    assert path in str(info.value) and text in str(info.value)


def test_a_broken_model_file_names_the_layer(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[layers]]\nname = "c1"\ntype = "conv2d"\nin_channels = 3\n'
                   'out_channels = 4\nkernel = -1\n')
    with pytest.raises(ScenarioError, match="workload.model.*'c1'"):
        cnn_scenario(model=str(bad))


@pytest.mark.parametrize("split", ["data", "pipeline"])
def test_same_scenario_same_trace(split):
    sc = cnn_scenario(cores=3, model="resnet18", input=32, batch=5, split=split,
                      micro_batches=3)
    a, b = simulate(sc), simulate(sc)
    assert a.trace.equals(b.trace) and trace_csv.to_csv_text(a.trace) == trace_csv.to_csv_text(b.trace)


@settings(max_examples=12)
@given(model=st.sampled_from(["vgg11", "resnet18", "mobilenet_v2", "googlenet"]),
       batch=st.integers(1, 5), cores=st.integers(1, 5), split=st.sampled_from(cnn.SPLITS),
       micro=st.integers(1, 4), all_ops=st.booleans())
def test_any_split_runs_exactly_the_counted_flops(model, batch, cores, split, micro, all_ops):
    sc = cnn_scenario(cores=cores, model=model, input=32, batch=batch, split=split,
                      micro_batches=micro, all_ops=all_ops)
    g = build_graph(sc, Machine(sc.machine))
    assert g.total_flops == count(model, 32, batch, all_ops=all_ops).flops
    assert g.n <= sc.workload.tasks_estimate()
    run = simulate(sc, baseline=False)
    assert run.summary["flops"] == g.total_flops


def test_kernels_split_copies_weights_once_and_uses_matrix_units_for_conv():
    sc = cnn_scenario(cores=2, model="vgg11", input=32, batch=2, split="kernels", blocks=3)
    g = build_graph(sc, Machine(sc.machine))
    conv = [i for i, n in enumerate(g.names) if n.startswith("conv") and "@ b" in n]
    relu = [i for i, n in enumerate(g.names) if n.startswith("relu")]
    assert len(conv) % 3 == 0 and g.matrix[conv].all() and not g.matrix[relu].any()
    assert g.block[conv].all()
    run = simulate(sc, baseline=False)
    weights = sum(layer.weight_bytes for layer in cnn.layers(sc.workload))
    c = run.extras["copies"]
    assert c["bytes"][0] == weights and len(c["bytes"]) == 3      # weights, images, result


def test_kernels_split_without_a_gpu_is_refused_at_load():
    sc = cnn_scenario(cores=2, model="vgg11", input=32, batch=2, split="data")
    data = scenario_mod.to_dict(sc)
    data["workload"]["split"] = "kernels"
    with pytest.raises(ScenarioError, match='workload.split = "kernels" needs a device: the '
                                            r'machine has none \(\[\[machine.device\]\]\)'):
        scenario_mod.from_dict(data)
