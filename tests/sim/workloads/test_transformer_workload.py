"""kind = "transformer": FLOPs against the counter; DP, TP, PP step times and decode
tokens/s against hand formulas on small machines."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.cli import main
from parasim.sim.errors import ScenarioError
from parasim.sim.machine.machine import Machine
from parasim.sim.nn.decode import decode_step
from parasim.sim.nn.training import training_count
from parasim.sim.nn.transformer import build as build_model
from parasim.sim.report import summary_rows
from parasim.sim.simulate import build_graph, simulate
from parasim.sim.taskgraph import is_layered
from parasim.sim.workloads import transformer
from tests.helpers import scenario

# 2.5 GHz x 2 FMA units x 2 FLOPs x 8 fp32 lanes (256-bit) x 0.9 lane efficiency
RATE32 = 2.5e9 * 2 * 2 * 8 * 0.9
CORE_BW = 20e9
E = 4                                     # bytes of an fp32 number


def machine_kw(nodes=1, cores=1, bw_gbs=20.0, core_gbs=20.0, alpha_us=1.0, beta_gbs=1000.0):
    """No memory contention (each node's bandwidth >= its cores' limits), no memory
    latency, a crossbar of latency alpha and link bandwidth beta."""
    return {"nodes": nodes, "cores": cores, "freq_ghz": 2.5, "fma_units": 2, "simd_bits": 256,
            "memory": {"bandwidth_gbs": bw_gbs, "core_bandwidth_gbs": core_gbs,
                       "latency_ns": 0.0},
            "network": {"topology": "crossbar", "latency_us": alpha_us,
                        "bandwidth_gbs": beta_gbs}}


def tf(mk, **work):
    work = {"model": "gpt2", "layers": 2, "seq": 32, "batch": 2, "precision": "fp32", **work}
    return scenario("transformer", machine_kw=mk, **work)


def chain_time(net, n, rate=RATE32, bw=CORE_BW, tensor=1, backward=True, latency=0.0):
    """One rank running every row on n sequences, forward then backward: each task takes
    max(FLOPs / rate, latency + bytes / bandwidth), a 1/tensor share of the row."""
    def task(flops, nbytes):
        return max(flops / tensor / rate, latency + nbytes / tensor / bw if nbytes else 0.0)

    fwd = sum(task(n * r.forward, r.weight_bytes + n * r.act_bytes) for r in net)
    bwd = sum(task(n * r.backward, 2 * (r.weight_bytes + n * r.act_bytes)) for r in net)
    return fwd + (bwd if backward else 0.0)


def ring(P, nbytes, alpha, beta, rate=RATE32, elem=E):
    """Ring allreduce on an idle crossbar: 2 (P - 1)(alpha + n / (P beta)) plus the adds
    of P - 1 chunks of n / P bytes."""
    return 2 * (P - 1) * (alpha + nbytes / (P * beta)) + (P - 1) * nbytes / P / elem / rate


def layer_flops(graph):
    """FLOPs of the model's layers (not the allreduces' adds)."""
    return sum(f for f, name in zip(graph.flops, graph.names) if "allreduce @" not in name)


# -- FLOPs --------------------------------------------------------------------------------

@pytest.mark.parametrize("par", [{}, {"data": 2}, {"tensor": 2}, {"pipeline": 2, "micro_batches": 2},
                                 {"data": 2, "tensor": 2, "pipeline": 2, "micro_batches": 2,
                                  "schedule": "gpipe", "overlap": False}])
@pytest.mark.parametrize("all_ops", [False, True])
def test_training_flops_equal_the_counters_forward_plus_backward(par, all_ops):
    sc = tf(machine_kw(nodes=2, cores=4), batch=4, all_ops=all_ops, **par)
    g = build_graph(sc, Machine(sc.machine))
    rep = training_count(build_model(transformer.config(sc.workload)), 32, 4, all_ops, "flops")
    assert layer_flops(g) == pytest.approx(rep.forward + rep.backward, rel=1e-12)
    assert is_layered(g) and all(" @ " in name for name in g.names)
    if not par:                                      # one rank: no allreduce adds either
        trace_flops = simulate(sc, baseline=False).trace.flops.sum()
        assert trace_flops == pytest.approx(rep.forward + rep.backward, rel=1e-12)


def test_prefill_flops_are_the_forward_and_gpt2_small_is_about_2n_per_token():
    sc = tf(machine_kw(cores=2), model="gpt2", layers=0, seq=128, batch=2, mode="prefill",
            tensor=2)
    g = build_graph(sc, Machine(sc.machine))
    rep = training_count(build_model(transformer.config(sc.workload)), 128, 2, False, "flops")
    assert layer_flops(g) == pytest.approx(rep.forward, rel=1e-12)
    # Kaplan: 2 N + 2 n_layer n_ctx d per token (N without embeddings: 85 M), here n_ctx = 128
    # and the tied head (+ 2 x 38.6 M) counted too
    per_token = layer_flops(g) / (2 * 128)
    assert per_token == pytest.approx(2 * 84_934_656 + 2 * 12 * 128 * 768 + 2 * 768 * 50257,
                                      rel=0.02)


def test_decode_flops_are_the_counters_decode_steps():
    sc = tf(machine_kw(), mode="decode", seq=10, batch=3, new_tokens=3)
    g = build_graph(sc, Machine(sc.machine))
    cfg = transformer.config(sc.workload)
    assert layer_flops(g) == sum(decode_step(cfg, t, 3, E).flops for t in (10, 11, 12))


# -- decode: memory-bound ------------------------------------------------------------------

@pytest.mark.parametrize("batch, new_tokens", [(1, 1), (4, 1), (2, 3)])
def test_decode_tokens_per_s_is_bandwidth_over_bytes_per_token(batch, new_tokens):
    # one PE drawing 10 GB/s; 1 FLOP per byte (fp16 weights, 2 FLOPs per weight) is far
    # below its ridge of 144 GFLOP/s / 10 GB/s: every task waits on memory
    sc = tf(machine_kw(bw_gbs=10.0, core_gbs=10.0), precision="fp16", mode="decode", seq=20,
            batch=batch, new_tokens=new_tokens)
    run = simulate(sc, baseline=False)
    cfg = transformer.config(sc.workload)
    steps = [decode_step(cfg, t, batch, 2) for t in range(20, 20 + new_tokens)]
    assert max(s.intensity for s in steps) < 144e9 / 10e9
    assert run.makespan == pytest.approx(sum(s.bytes for s in steps) / 10e9, rel=1e-9)
    assert run.summary["tokens_per_s"] == pytest.approx(
        batch * new_tokens / sum(s.bytes / 10e9 for s in steps), rel=1e-9)
    rows = dict(summary_rows(run.summary))
    assert rows["Tokens"] == f"{batch * new_tokens:,}"
    assert rows["Tokens per second"] == f"{run.summary['tokens_per_s']:.4g} /s"
    if new_tokens == 1:
        assert run.summary["tokens_per_s"] == pytest.approx(batch * 10e9 / steps[0].bytes,
                                                            rel=1e-9)


# -- data parallel ---------------------------------------------------------------------------

@pytest.mark.parametrize("P", [2, 3])
def test_data_parallel_step_is_compute_plus_allreduce_without_overlap(P):
    alpha, beta = 2e-6, 1e12
    sc = tf(machine_kw(nodes=P, alpha_us=2.0), batch=2 * P, data=P, overlap=False)
    run = simulate(sc, baseline=False)
    net = transformer.rows(sc.workload, transformer.config(sc.workload))
    params = sum(r.params for r in net)
    assert run.makespan == pytest.approx(chain_time(net, 2) + ring(P, E * params, alpha, beta),
                                         rel=1e-9)


def test_overlapped_allreduce_leaves_only_the_last_bucket_after_the_backward():
    # each block's gradients are reduced during the backward of the blocks before it; the
    # embeddings' (wte, wpe) are complete only at the end: their ring, and the adds of every
    # step (interleaved or not), remain after the compute
    P, alpha, beta = 2, 2e-6, 1e12
    sc = tf(machine_kw(nodes=P, alpha_us=2.0), batch=4, data=P, overlap=True)
    run = simulate(sc, baseline=False)
    net = transformer.rows(sc.workload, transformer.config(sc.workload))
    params = sum(r.params for r in net)
    last = sum(r.params for r in net if r.bucket == -1)
    adds = (P - 1) * params / P / RATE32
    expected = chain_time(net, 2) + adds + 2 * (P - 1) * (alpha + E * last / (P * beta))
    assert run.makespan == pytest.approx(expected, rel=1e-9)
    without = simulate(tf(machine_kw(nodes=P, alpha_us=2.0), batch=4, data=P, overlap=False),
                       baseline=False)
    assert without.makespan - run.makespan == pytest.approx(
        2 * (P - 1) * E * (params - last) / (P * beta), rel=1e-6)


@pytest.mark.parametrize("beta_gbs", [10.0, 1.0, 0.3])
def test_overlap_on_a_slow_network_lies_between_the_ideal_and_no_overlap(beta_gbs):
    # ideal: compute + adds + the last bucket's ring; slower links hide less of the rest
    P, alpha, beta = 2, 2e-6, beta_gbs * 1e9
    kw = {"batch": 4, "seq": 128, "data": P}
    mk = machine_kw(nodes=P, alpha_us=2.0, beta_gbs=beta_gbs)
    sc = tf(mk, overlap=True, **kw)
    net = transformer.rows(sc.workload, transformer.config(sc.workload))
    params = sum(r.params for r in net)
    last = sum(r.params for r in net if r.bucket == -1)
    ideal = chain_time(net, 2) + (P - 1) * params / P / RATE32 + \
        2 * (P - 1) * (alpha + E * last / (P * beta))
    overlapped = simulate(sc, baseline=False).makespan
    serial = simulate(tf(mk, overlap=False, **kw), baseline=False).makespan
    assert ideal * (1 - 1e-9) <= overlapped < serial


# -- tensor parallel ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode, per_layer", [("train", 4), ("prefill", 2)])
def test_tensor_parallel_has_four_allreduces_per_layer_and_their_time(mode, per_layer):
    alpha, beta, n, seq, T = 1e-6, 5e9, 2, 32, 2
    sc = tf(machine_kw(nodes=T, beta_gbs=5.0), mode=mode, batch=n, seq=seq, tensor=T)
    g = build_graph(sc, Machine(sc.machine))
    starts = sum(1 for name in g.names if name.startswith("tensor-parallel allreduce @")
                 and name.endswith("allreduce ring s0"))
    assert starts == per_layer * 2 * T                      # 2 layers, one task per rank
    run = simulate(sc, baseline=False)
    net = transformer.rows(sc.workload, transformer.config(sc.workload))
    act = E * n * seq * 768                                  # e x n x seq x d_model
    expected = chain_time(net, n, tensor=T, backward=mode == "train") + \
        per_layer * 2 * ring(T, act, alpha, beta)
    assert run.makespan == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("model, first", [("gpt2", "ln_1"), ("llama2_7b", "input_layernorm"),
                                          ("bert_base", "attention.self.query")])
def test_tensor_allreduces_follow_the_output_projections_and_precede_the_inputs(model, first):
    p = transformer.Params(model=model, layers=2, seq=8)
    net = transformer.rows(p, transformer.config(p))
    fwd, bwd = transformer.tp_points(net)
    assert len(fwd) == len(bwd) == 2 * 2                    # attention and MLP of 2 blocks
    assert all(net[i].kind == "linear" and net[i + 1].kind == "add" for i in fwd)
    assert net[min(bwd)].name.endswith(f"0.{first}")        # the first block's input


# -- pipeline parallel ---------------------------------------------------------------------------

def pipeline_run(schedule, p=4, m=8):
    # BERT: embeddings (0 FLOPs) + 4 equal blocks + a tiny pooler: 4 near-equal stages;
    # memory and network so fast that only the arithmetic takes time
    mk = machine_kw(nodes=p, bw_gbs=1e6, core_gbs=1e6, alpha_us=0.0, beta_gbs=1e6)
    sc = tf(mk, model="bert_base", layers=4, batch=m, seq=16, pipeline=p, micro_batches=m,
            schedule=schedule)
    return sc, simulate(sc, baseline=False)


@pytest.mark.parametrize("schedule", ["gpipe", "1f1b"])
def test_pipeline_bubble_is_p_minus_1_over_m_plus_p_minus_1(schedule):
    p, m = 4, 8
    sc, run = pipeline_run(schedule, p, m)
    g = build_graph(sc, Machine(sc.machine))
    ideal = layer_flops(g) / (p * RATE32)                    # every stage busy all the time
    bubble = 1 - ideal / run.makespan
    # 3/11; the pooler on the last stage (0.1 % of a stage) makes it a little larger
    assert bubble == pytest.approx((p - 1) / (m + p - 1), rel=0.01)
    assert bubble >= (p - 1) / (m + p - 1)


def in_flight(names):
    """Most micro-batches whose forward has run and backward has not, on one PE."""
    live, most = set(), 0
    for name in names:
        tag = name.rsplit(" @ ", 1)[-1].split()
        if len(tag) == 3:
            (live.add if tag[2] == "fwd" else live.discard)(tag[1])
            most = max(most, len(live))
    return most


def test_1f1b_keeps_p_micro_batches_alive_gpipe_all_m():
    p, m = 4, 8
    for schedule, expect in (("gpipe", m), ("1f1b", p)):
        sc, run = pipeline_run(schedule, p, m)
        g = build_graph(sc, Machine(sc.machine))
        first_stage = [n for n, o in zip(g.names, g.owner) if o == 0]
        assert in_flight(first_stage) == expect
    assert transformer.stage_ops("1f1b", 1, 4, 5, True) == [
        ("F", 0), ("F", 1), ("F", 2), ("B", 0), ("F", 3), ("B", 1), ("F", 4), ("B", 2),
        ("B", 3), ("B", 4)]


def test_gpipe_and_1f1b_take_the_same_time_with_equal_stages():
    assert pipeline_run("gpipe")[1].makespan == pytest.approx(pipeline_run("1f1b")[1].makespan,
                                                              rel=1e-9)


# -- parameters ----------------------------------------------------------------------------------

@pytest.mark.parametrize("work, field", [
    ({"tensor": 5}, "workload.tensor"),
    ({"seq": 2000}, "workload.seq"),
    ({"mode": "decode", "seq": 1020, "new_tokens": 8}, "workload.seq"),
    ({"layers": 13}, "workload.layers"),
    ({"batch": 2, "data": 3}, "workload.batch"),
    ({"batch": 4, "data": 2, "micro_batches": 3}, "workload.micro_batches"),
    ({"model": "vgg16"}, "workload.model"),
    ({"pipeline": 20}, "workload.pipeline"),
])
def test_bad_parameters_name_the_field(work, field):
    with pytest.raises(ScenarioError) as err:
        tf(machine_kw(), **work)
    assert err.value.args[0].startswith(field) or field in err.value.args[0]


def test_more_ranks_than_pes_is_refused():
    sc = tf(machine_kw(cores=4), batch=4, data=2, tensor=3)
    with pytest.raises(ScenarioError, match=r"workload.data x tensor x pipeline = 6 ranks .* 4 PEs"):
        build_graph(sc, Machine(sc.machine))


@pytest.mark.parametrize("work", [{"data": 2, "tensor": 2, "pipeline": 2, "micro_batches": 2},
                                  {"mode": "decode", "tensor": 4, "new_tokens": 3},
                                  {"tensor": 4, "data": 2, "overlap": False},
                                  {"data": 8, "batch": 8},
                                  {"model": "llama2_7b", "tensor": 2, "data": 2},
                                  {"model": "llama2_7b", "mode": "decode", "new_tokens": 2}])
@pytest.mark.parametrize("beta_gbs", [1000.0, 0.1])        # overlap: many pieces, or few
def test_tasks_estimate_bounds_the_graph(work, beta_gbs):
    sc = tf(machine_kw(nodes=2, cores=4, beta_gbs=beta_gbs), **{"batch": 4, **work})
    g = build_graph(sc, Machine(sc.machine))
    assert g.n <= sc.workload.tasks_estimate() <= 3 * g.n


@pytest.mark.parametrize("sets, field", [(["workload.tensor=5"], "workload.tensor"),
                                         (["workload.tensor=2", "workload.blocks=8"],
                                          "workload.data")])
def test_cli_refuses_bad_parallelism_in_one_line_naming_the_field(capsys, sets, field):
    # tensor 5 does not divide 16 heads; data 8 x tensor 2 = 16 ranks on 8 GPUs
    assert main(["run", "gpt2-dp-vs-tp", *[a for s in sets for a in ("--set", s)]]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {field}") and err.count("\n") == 1


@settings(max_examples=25, deadline=None)
@given(data=st.integers(1, 2), tensor=st.sampled_from([1, 2, 4]), pipeline=st.integers(1, 4),
       micro=st.integers(1, 3), schedule=st.sampled_from(["gpipe", "1f1b"]),
       mode=st.sampled_from(["train", "prefill", "decode"]), overlap=st.booleans())
def test_every_layout_builds_and_keeps_the_counters_flops(data, tensor, pipeline, micro,
                                                          schedule, mode, overlap):
    sc = tf(machine_kw(nodes=4, cores=8, beta_gbs=1.0), layers=2, batch=data * micro,
            data=data, tensor=tensor, pipeline=pipeline, micro_batches=micro,
            schedule=schedule, mode=mode, overlap=overlap, new_tokens=2)
    g = build_graph(sc, Machine(sc.machine))
    model = build_model(transformer.config(sc.workload))
    if mode == "decode":
        cfg = transformer.config(sc.workload)
        expected = sum(decode_step(cfg, t, data * micro, E).flops for t in (32, 33))
    else:
        rep = training_count(model, 32, data * micro, False, "flops")
        expected = rep.forward + (rep.backward if mode == "train" else 0)
    assert layer_flops(g) == pytest.approx(expected, rel=1e-12)
    assert g.n <= sc.workload.tasks_estimate()


# -- on a GPU (heterogeneous engine) -----------------------------------------------------------

GPU = {"nodes": 1, "cores": 2,
       "device": [{"name": "a100", "count": 1, "sms": 108, "freq_ghz": 1.41, "fma_units": 4,
                   "simd_bits": 512, "matrix_fp16": 2048.0, "matrix_bf16": 2048.0,
                   "memory_gbs": 1555.0, "memory_gb": 40.0, "memory_latency_ns": 400.0,
                   "link_gbs": 32.0, "link_latency_us": 5.0, "launch_latency_us": 5.0}]}


def test_gpu_decode_is_a_kernel_per_layer_waiting_on_hbm():
    # every kernel: the launch (5 us), then its bytes at 1555 GB/s shared by its blocks,
    # plus the HBM latency (400 ns) when it reads anything; 1 FLOP per byte is far below
    # 4 SMs' matrix rate (4 x 1.41 GHz x 2048) over 1555 GB/s
    sc = tf(GPU, model="llama2_7b", layers=2, precision="bf16", mode="decode", seq=100,
            batch=1, new_tokens=1, device="gpu", blocks=4)
    run = simulate(sc, baseline=False)
    net = transformer.rows(sc.workload, transformer.config(sc.workload), past=100)
    hand = sum(5e-6 + ((400e-9 + (r.weight_bytes + r.act_bytes) / 1555e9)
                       if r.weight_bytes + r.act_bytes else 0.0) for r in net)
    assert run.makespan == pytest.approx(hand, rel=1e-6)
    cfg = transformer.config(sc.workload)
    assert layer_flops(build_graph(sc, Machine(sc.machine))) == decode_step(cfg, 100, 1, 2).flops


def test_gpu_device_errors_name_the_field():
    with pytest.raises(ScenarioError, match='workload.device = "gpu" needs a device: the '
                                            'machine has none'):
        tf(machine_kw(), device="gpu")                  # refused at load
    sc = tf(GPU, device="gpu", data=2, batch=2)
    with pytest.raises(ScenarioError, match="workload.data x tensor x pipeline = 2 ranks is "
                                            "more than the machine's 1 GPUs"):
        build_graph(sc, Machine(sc.machine))
