"""The transformer presets' lesson numbers against the hand formulas they quote."""

import pytest

from parasim.sim import scenario as scenario_mod
from parasim.sim.analysis.layers import per_layer
from parasim.sim.nn.decode import decode_step
from parasim.sim.simulate import simulate
from parasim.sim.workloads import transformer
from tests.sim.workloads.test_transformer_workload import chain_time, ring

# 2.5 GHz x 2 FMA units x 2 FLOPs x 16 bf16 lanes (256-bit) x 0.9 lane efficiency
RATE16 = 2.5e9 * 2 * 2 * 16 * 0.9


def run(name, *sets):
    sc = scenario_mod.load(name, list(sets))
    return sc, simulate(sc, baseline=False)


def test_gpt2_data_parallel_without_overlap_is_compute_plus_the_ring():
    # 8 nodes, one sequence each; gigabit Ethernet: alpha 40 us, 0.125 GB/s; memory
    # 20 GB/s per core and 80 ns per task; the ring carries 355 M x 2 bytes
    sc, r = run("gpt2-dp-vs-tp", "workload.overlap=false")
    net = transformer.rows(sc.workload, transformer.config(sc.workload))
    compute = chain_time(net, 1, RATE16, 20e9, latency=80e-9)
    grads = 2 * sum(row.params for row in net)
    assert grads == 2 * 354_823_168
    ar = ring(8, grads, 40e-6, 0.125e9, RATE16, 2)
    assert ar == pytest.approx(9.94, abs=0.01)                       # the lesson's 9.9 s
    assert r.makespan == pytest.approx(compute + ar, rel=1e-6)
    _, overlapped = run("gpt2-dp-vs-tp")
    assert compute < overlapped.makespan < r.makespan - 0.7 * ar     # most of it hidden


def test_gpt2_tensor_parallel_pays_96_activation_allreduces():
    sc, r = run("gpt2-dp-vs-tp-tensor")
    net = transformer.rows(sc.workload, transformer.config(sc.workload))
    compute = chain_time(net, 8, RATE16, 20e9, tensor=8, latency=80e-9)
    ar = ring(8, 2 * 8 * 1024 * 1024, 40e-6, 0.125e9, RATE16, 2)
    assert ar == pytest.approx(0.236, abs=0.001)                      # the lesson's 0.24 s
    # 96 allreduces on the critical path
    assert r.makespan == pytest.approx(compute + 96 * ar, rel=1e-6)


def test_llama_decode_is_bandwidth_over_bytes_per_token():
    sc, r = run("llama7b-decode")
    cfg = transformer.config(sc.workload)
    steps = [decode_step(cfg, t, 1, 2) for t in (1024, 1025)]
    assert steps[0].bytes == pytest.approx(14.01e9, rel=1e-3)
    hand = 2 / sum(s.bytes / 200e9 for s in steps)                   # 14.3 tokens/s
    # the tensor-parallel allreduces (64 of 8 KB per token) and task latencies add ~0.2 %
    assert r.summary["tokens_per_s"] == pytest.approx(hand, rel=5e-3)
    assert r.summary["tokens_per_s"] < hand


def test_pipeline_bubble_shrinks_with_micro_batches():
    # bubble = 1 - busy / (p x makespan); (p - 1) / (m + p - 1) for equal stages:
    # 3/4 at m = 1, 3/11 at m = 8 (the last stage is a little lighter: a little more)
    for m in (1, 8):
        _, r = run("pipeline-bubble", f"workload.micro_batches={m}")
        busy = sum(row.time_s for row in per_layer(r))             # compute + stall spans
        assert 1 - busy / (4 * r.makespan) == pytest.approx(3 / (m + 3), abs=0.02)


def test_llama_decode_on_the_gpu_is_hbm_plus_one_launch_per_kernel():
    sc, r = run("llama7b-decode-gpu")
    net = transformer.rows(sc.workload, transformer.config(sc.workload), past=1024)
    assert len(net) == 579
    nbytes = sum(row.weight_bytes + row.act_bytes for row in net)
    reads = sum(1 for row in net if row.weight_bytes + row.act_bytes)
    hand = 579 * 5e-6 + reads * 400e-9 + nbytes / 1555e9          # 2.9 + 0.2 + 9.0 ms
    assert r.makespan == pytest.approx(hand, rel=1e-6)
    assert r.summary["tokens_per_s"] == pytest.approx(83.0, abs=0.1)
