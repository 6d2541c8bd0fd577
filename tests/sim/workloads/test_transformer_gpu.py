"""kind = "transformer", device = "gpu": training steps on GPUs of a heterogeneous machine,
DP / TP / PP step times and decode tokens/s against hand formulas."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from parasim.sim.errors import ScenarioError
from parasim.sim.machine.machine import Machine
from parasim.sim.nn.decode import decode_step
from parasim.sim.nn.training import training_count
from parasim.sim.nn.transformer import build as build_model
from parasim.sim.simulate import build_graph, simulate
from parasim.sim.workloads import transformer
from tests.helpers import scenario

E = 4                                   # fp32
S = 2                                   # SMs per GPU
MAT = 1e9 * 1024                        # matrix fp32 FLOP/s of one SM (1 GHz x 1024)
VEC = 1e9 * 2 * 4 * 16                  # vector fp32 FLOP/s of one SM (4 FMA x 16 lanes)
HBM = 1e13                              # 10 TB/s, no latency
LAUNCH = 1e-6
PEER_LAT, PEER_BW = 2e-6, 100e9         # device-device link
ALPHA, BETA = 3e-6, 25e9                # network between nodes


def gpus(nodes=1, count=4, network="direct", peer=PEER_BW, matrix=1024.0):
    return {"nodes": nodes, "cores": 1,
            "network": {"topology": "crossbar", "latency_us": ALPHA * 1e6,
                        "bandwidth_gbs": BETA / 1e9},
            "device": [{"name": "gpu", "count": count, "sms": S, "freq_ghz": 1.0,
                        "fma_units": 4, "simd_bits": 512, "matrix_fp32": matrix,
                        "matrix_fp16": matrix, "memory_gbs": HBM / 1e9,
                        "memory_latency_ns": 0.0, "link_gbs": 16.0, "link_latency_us": 5.0,
                        "peer_link_gbs": peer / 1e9, "peer_link_latency_us": PEER_LAT * 1e6,
                        "launch_latency_us": LAUNCH * 1e6, "network": network}]}


def tf(mk, **work):
    work = {"model": "gpt2", "layers": 2, "seq": 32, "batch": 4, "precision": "fp32",
            "device": "gpu", "lane_efficiency": 1.0, **work}
    return scenario("transformer", machine_kw=mk, **work)


def kernels(net, n, tensor=1, backward=True):
    """Each row a kernel of S blocks: launch + max(F / (S x SM rate), bytes / HBM);
    matrix rows on the matrix units (all_ops off: the other rows have no FLOPs)."""
    def kernel(flops, nbytes):
        return LAUNCH + max(flops / tensor / (S * MAT), nbytes / tensor / HBM)

    fwd = sum(kernel(n * r.forward, r.weight_bytes + n * r.act_bytes) for r in net)
    bwd = sum(kernel(n * r.backward, 2 * (r.weight_bytes + n * r.act_bytes)) for r in net)
    return fwd + (bwd if backward else 0.0)


def peer_ring(P, nbytes):
    """Ring over P GPUs of one node: 2 (P - 1) copies of n / P over the peer link, and
    P - 1 steps adding n / P bytes (n / (P e) FLOPs on one SM's vector units)."""
    return 2 * (P - 1) * (PEER_LAT + nbytes / P / PEER_BW) + (P - 1) * nbytes / P / E / VEC


def rows(sc):
    return transformer.rows(sc.workload, transformer.config(sc.workload))


def test_data_parallel_step_is_kernels_then_a_ring_over_nvlink():
    sc = tf(gpus(), data=4, overlap=False)
    params = sum(r.params for r in rows(sc))
    hand = kernels(rows(sc), 1) + peer_ring(4, E * params)
    run = simulate(sc, baseline=False)
    assert run.makespan == pytest.approx(hand, rel=1e-6)
    copies = run.extras["copies"]
    assert (copies["src"] >= 0).all() and (copies["dst"] >= 0).all()    # GPU to GPU
    assert copies["bytes"].sum() == pytest.approx(2 * 3 * E * params)  # 2 (P-1) n / P x P


def test_ring_without_peer_links_is_staged_through_the_host():
    # each chunk: device -> host then host -> device, 5 us + c / 16 GB/s each
    sc = tf(gpus(count=2, peer=0.0), data=2, batch=2, overlap=False)
    params = sum(r.params for r in rows(sc))
    c = E * params / 2
    hand = kernels(rows(sc), 1) + 2 * 2 * (5e-6 + c / 16e9) + c / E / VEC
    assert simulate(sc, baseline=False).makespan == pytest.approx(hand, rel=1e-6)


def test_tensor_parallel_step_adds_four_activation_rings_per_block():
    sc = tf(gpus(), tensor=4, batch=2)
    net = rows(sc)
    fwd, bwd = transformer.tp_points(net)
    assert len(fwd) == len(bwd) == 2 * 2                       # 2 blocks x (attention, MLP)
    act = E * 2 * 32 * 768                                    # e n seq d_model
    hand = kernels(net, 2, tensor=4) + (len(fwd) + len(bwd)) * peer_ring(4, act)
    assert simulate(sc, baseline=False).makespan == pytest.approx(hand, rel=1e-6)


def test_pipeline_sends_activations_over_the_device_link():
    # one micro-batch through 2 stages: stage 0 forward, copy, stage 1 forward and
    # backward, the gradient copied back, stage 0 backward
    sc = tf(gpus(count=2), pipeline=2, batch=1)
    net = rows(sc)
    cut = transformer.stage_bounds(net, 2)[1]
    hop = PEER_LAT + E * 32 * 768 / PEER_BW
    hand = kernels(net[:cut], 1) + kernels(net[cut:], 1) + 2 * hop
    assert simulate(sc, baseline=False).makespan == pytest.approx(hand, rel=1e-6)


def test_gpipe_and_1f1b_take_the_same_time_with_equal_stages_on_gpus():
    # 4 micro-batches over 2 GPUs: both schedules (m + p - 1)(f + b) with equal stages,
    # here near-equal; 1F1B never slower than GPipe
    times = {s: simulate(tf(gpus(count=2), pipeline=2, batch=4, micro_batches=4,
                            schedule=s), baseline=False).makespan for s in ("gpipe", "1f1b")}
    assert times["1f1b"] == pytest.approx(times["gpipe"], rel=0.05)


@pytest.mark.parametrize("network", ["direct", "staged"])
def test_data_parallel_across_nodes_uses_the_network_between_them(network):
    # 2 nodes x 1 GPU: each of the 2 steps a chunk of n / 2 over the network (two
    # directions, separate links), staged: a copy over the host link on each side
    sc = tf(gpus(nodes=2, count=1, network=network), data=2, batch=2, overlap=False)
    params = sum(r.params for r in rows(sc))
    c = E * params / 2
    hop = ALPHA + c / BETA + (2 * (5e-6 + c / 16e9) if network == "staged" else 0.0)
    hand = kernels(rows(sc), 1) + 2 * hop + c / E / VEC
    assert simulate(sc, baseline=False).makespan == pytest.approx(hand, rel=1e-6)


def test_a_ring_over_two_nodes_of_two_gpus_copies_within_and_sends_between():
    # ring 0 -> 1 (peer) -> 2 (network) -> 3 (peer) -> 0 (network), 6 steps of n / 4
    sc = tf(gpus(nodes=2, count=2), data=4, overlap=False)
    params = sum(r.params for r in rows(sc))
    run = simulate(sc, baseline=False)
    copies, msgs = run.extras["copies"], run.extras["messages"]
    assert len(copies["bytes"]) == len(msgs["sent_s"]) == 2 * 6
    assert copies["bytes"].sum() == pytest.approx(12 * E * params / 4)
    assert (copies["src"] >= 0).all() and (copies["dst"] >= 0).all()
    one_node = simulate(tf(gpus(count=4), data=4, overlap=False), baseline=False).makespan
    assert run.makespan > one_node                      # the network is 4 x slower here


def test_overlapped_gradients_hide_behind_the_backward():
    sc = tf(gpus(), data=4, layers=4, seq=64)
    no = simulate(tf(gpus(), data=4, layers=4, seq=64, overlap=False), baseline=False).makespan
    yes = simulate(sc, baseline=False).makespan
    # with overlap SM 0 runs the collectives, the kernels the other S - 1 = 1 SM
    net = rows(sc)
    compute_one_sm = sum(LAUNCH + max(r.forward / MAT, (r.weight_bytes + r.act_bytes) / HBM)
                         + LAUNCH + max(r.backward / MAT, 2 * (r.weight_bytes + r.act_bytes)
                                        / HBM) for r in net)
    assert compute_one_sm <= yes * (1 + 1e-9)
    assert yes < compute_one_sm + peer_ring(4, E * sum(r.params for r in net))
    assert no > kernels(net, 1)
    g = build_graph(sc, Machine(sc.machine))
    assert sum("gradient allreduce" in n for n in g.names) > 0


def test_decode_on_one_gpu_runs_at_hbm_bandwidth_over_bytes_per_token():
    # memory-bound: a huge matrix rate, no launch or HBM latency: tokens/s = batch x
    # bandwidth / bytes of the step (weights + KV cache)
    mk = gpus(count=1, matrix=1e9)
    mk["device"][0]["launch_latency_us"] = 0.0
    sc = tf(mk, mode="decode", seq=100, batch=4, new_tokens=1, precision="fp16")
    run = simulate(sc, baseline=False)
    cfg = transformer.config(sc.workload)
    step = decode_step(cfg, 100, 4, 2)
    assert run.summary["tokens_per_s"] == pytest.approx(4 * HBM / step.bytes, rel=1e-6)


def test_gpu_ranks_must_fit_the_gpus():
    sc = tf(gpus(count=2), data=4)
    with pytest.raises(ScenarioError, match="4 ranks is more than the machine's 2 GPUs"):
        build_graph(sc, Machine(sc.machine))


def test_gpu_training_is_deterministic():
    sc = tf(gpus(nodes=2, count=2), data=2, tensor=2, batch=2)
    a, b = (simulate(sc, baseline=False) for _ in range(2))
    assert a.makespan == b.makespan
    assert np.array_equal(a.trace.start_s, b.trace.start_s)


@settings(max_examples=12, deadline=None)
@given(data=st.integers(1, 2), tensor=st.sampled_from([1, 2]), pipeline=st.integers(1, 2),
       micro=st.integers(1, 2), mode=st.sampled_from(["train", "prefill", "decode"]),
       overlap=st.booleans(), nodes=st.integers(1, 2))
def test_every_gpu_layout_keeps_the_counters_flops_and_runs(data, tensor, pipeline, micro,
                                                             mode, overlap, nodes):
    assume(data * tensor * pipeline <= 4 * nodes)
    sc = tf(gpus(nodes=nodes, count=4), batch=data * micro, data=data, tensor=tensor,
            pipeline=pipeline, micro_batches=micro, mode=mode, overlap=overlap,
            new_tokens=2, seq=16, blocks=S)
    g = build_graph(sc, Machine(sc.machine))
    layers = sum(f for f, n in zip(g.flops, g.names) if "allreduce @" not in n)
    cfg = transformer.config(sc.workload)
    if mode == "decode":
        expected = sum(decode_step(cfg, t, data * micro, E).flops for t in (16, 17))
    else:
        rep = training_count(build_model(cfg), 16, data * micro, False, "flops")
        expected = rep.forward + (rep.backward if mode == "train" else 0)
    assert layers == pytest.approx(expected, rel=1e-12)
    assert g.n <= sc.workload.tasks_estimate()
    run = simulate(sc, baseline=False)
    assert run.trace.flops.sum() == pytest.approx(g.flops.sum(), rel=1e-9)


def test_a_gpu_described_as_clusters_of_sms_takes_the_time_of_its_sms():
    # 108 SMs with 108 blocks per kernel against 8 clusters of 13.5 SMs with 8 blocks
    # (the presets' description): the same kernels, 13.5 x fewer tasks (a collective's
    # adds run on one unit: 13.5 x faster on a cluster, so none here)
    def a100(sms, scale):
        mk = gpus(count=2)
        mk["device"][0].update(sms=sms, simd_bits=int(512 * scale),
                               matrix_fp16=2048.0 * scale, matrix_fp32=1024.0 * scale)
        return mk

    work = {"precision": "fp16", "pipeline": 2, "micro_batches": 2, "layers": 1, "seq": 64}
    fine = simulate(tf(a100(108, 1.0), blocks=108, **work), baseline=False)
    coarse = simulate(tf(a100(8, 13.5), blocks=8, **work), baseline=False)
    assert coarse.makespan == pytest.approx(fine.makespan, rel=1e-6)
    assert len(coarse.trace.task) < len(fine.trace.task) / 5
