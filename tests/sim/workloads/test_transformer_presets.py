"""The transformer presets' lesson numbers against the hand formulas they quote."""

import pytest

from parasim.sim import scenario as scenario_mod
from parasim.sim.nn.decode import decode_step
from parasim.sim.simulate import simulate
from parasim.sim.workloads import transformer
from parasim.sim.workloads.transformer_rows import stage_ops

# the presets' A100-like GPU: 8 SM clusters of 13.5 SMs at 1.41 GHz, 90 % lane use
UNITS, LE = 8, 0.9
MAT = 1.41e9 * 13.5 * 2048 * LE          # bf16 tensor cores of one cluster
VEC = 1.41e9 * 2 * 4 * 13.5 * 32 * LE     # bf16 vector lanes of one cluster
HBM, HBM_LAT, LAUNCH = 1555e9, 400e-9, 5e-6
PEER_LAT, PEER_BW = 2e-6, 300e9


def run(name, *sets):
    sc = scenario_mod.load(name, list(sets))
    return sc, simulate(sc, baseline=False)


def rows(sc, **kw):
    return transformer.rows(sc.workload, transformer.config(sc.workload), **kw)


def kernels(net, n, tensor=1, units=UNITS):
    """(forward, backward) of one rank: per row a launch + max(FLOPs / the clusters'
    tensor cores, HBM latency + bytes / HBM bandwidth)."""
    def kernel(flops, nbytes):
        return LAUNCH + max(flops / tensor / (units * MAT),
                            HBM_LAT + nbytes / tensor / HBM if nbytes else 0.0)

    return (sum(kernel(n * r.forward, r.weight_bytes + n * r.act_bytes) for r in net),
            sum(kernel(n * r.backward, 2 * (r.weight_bytes + n * r.act_bytes)) for r in net))


def ring(P, nbytes, e=2):
    """NVLink ring: 2 (P - 1)(latency + n / (P bw)) + P - 1 adds of n / P bytes."""
    return 2 * (P - 1) * (PEER_LAT + nbytes / P / PEER_BW) + (P - 1) * nbytes / P / e / VEC


@pytest.mark.parametrize("name, sets, key, quoted, rel", [
    ("gpt2-dp-vs-tp", [], "makespan_s", 21.6e-3, 0.005),
    ("gpt2-dp-vs-tp", [], "tokens_per_s", 380_000, 0.005),
    ("gpt2-dp-vs-tp", ["workload.overlap=false"], "makespan_s", 23.9e-3, 0.005),
    ("gpt2-dp-vs-tp-tensor", [], "makespan_s", 31.9e-3, 0.005),
    ("gpt2-dp-vs-tp", ["workload.batch=16"], "makespan_s", 38.8e-3, 0.005),
    ("gpt2-dp-vs-tp-tensor", ["workload.batch=16"], "makespan_s", 57.6e-3, 0.005),
    ("pipeline-bubble", [], "makespan_s", 55.8e-3, 0.005),
    ("pipeline-bubble-gpipe", [], "makespan_s", 57.9e-3, 0.005),
    ("pipeline-bubble", ["workload.micro_batches=1"], "makespan_s", 132.8e-3, 0.005),
    ("pipeline-bubble", ["workload.micro_batches=2"], "makespan_s", 80.7e-3, 0.005),
    ("pipeline-bubble", ["workload.micro_batches=4"], "makespan_s", 62.0e-3, 0.005),
    ("llama7b-decode", [], "tokens_per_s", 83.0, 0.005),
])
def test_preset_lesson_numbers(name, sets, key, quoted, rel):
    _, r = run(name, *sets)
    assert r.summary[key] == pytest.approx(quoted, rel=rel)


def test_gpt2_data_parallel_without_overlap_is_kernels_plus_an_nvlink_ring():
    sc, r = run("gpt2-dp-vs-tp", "workload.overlap=false")
    net = rows(sc)
    fwd, bwd = kernels(net, 1)
    assert len(net) == 341 and fwd + bwd == pytest.approx(19.7e-3, abs=0.05e-3)
    assert 2 * len(net) * LAUNCH == pytest.approx(3.4e-3, abs=0.05e-3)     # 682 launches
    matrix = sum(row.forward + row.backward for row in net) / (UNITS * MAT)
    assert matrix == pytest.approx(8.8e-3, abs=0.05e-3)                    # 2.48 T at 281 T
    grads = 2 * sum(row.params for row in net)
    assert grads == 2 * 354_823_168
    assert ring(8, grads) == pytest.approx(4.2e-3, abs=0.05e-3)
    assert r.makespan == pytest.approx(fwd + bwd + ring(8, grads), rel=1e-6)


def test_gpt2_overlap_leaves_the_embeddings_ring_after_the_kernels_on_7_clusters():
    sc, r = run("gpt2-dp-vs-tp")
    net = rows(sc)
    compute = sum(kernels(net, 1, units=7))
    assert compute == pytest.approx(20.8e-3, abs=0.05e-3)
    embeddings = 2 * sum(row.params for row in net if row.bucket == -1)
    assert embeddings / 2 == pytest.approx(52.5e6, rel=1e-3)
    block0 = 2 * sum(row.params for row in net if row.bucket == 0)
    # SM 0 runs one ring at a time: block 0's, then the embeddings'
    assert compute + ring(8, embeddings) < r.makespan <= compute + ring(8, embeddings) \
        + ring(8, block0)


def test_gpt2_tensor_parallel_pays_96_nvlink_allreduces():
    sc, r = run("gpt2-dp-vs-tp-tensor")
    net = rows(sc)
    fwd, bwd = kernels(net, 8, tensor=8)
    ar = ring(8, 2 * 8 * 1024 * 1024)
    assert ar == pytest.approx(0.13e-3, abs=0.005e-3)                      # 0.13 ms each
    assert 96 * ar == pytest.approx(12.2e-3, abs=0.05e-3)
    assert r.makespan == pytest.approx(fwd + bwd + 96 * ar, rel=1e-6)


def pipeline_by_hand(sc, m):
    """The schedule's recurrence: an op starts when its stage's previous op has ended
    and its input (the previous stage's forward, the next stage's backward) has arrived
    over NVLink; it then takes the stage's kernels for n = batch / m sequences."""
    p, n = 4, sc.workload.batch // m
    net = rows(sc)
    bounds = transformer.stage_bounds(net, p)
    t = [kernels(net[bounds[s]:bounds[s + 1]], n) for s in range(p)]
    hop = PEER_LAT + 2 * n * 1024 * 1024 / PEER_BW
    ops = [stage_ops(sc.workload.schedule, s, p, m, True) for s in range(p)]
    end, last, k = {}, [0.0] * p, [0] * p
    while any(k[s] < len(ops[s]) for s in range(p)):
        for s in range(p):
            while k[s] < len(ops[s]):
                kind, j = ops[s][k[s]]
                src = ((kind, j, s - 1) if kind == "F" and s > 0 else
                       (kind, j, s + 1) if kind == "B" and s < p - 1 else None)
                if src is not None and src not in end:
                    break
                start = max(last[s], end[src] + hop if src else 0.0)
                last[s] = end[(kind, j, s)] = start + t[s][kind == "B"]
                k[s] += 1
    return max(last), [sum(x) for x in t]


@pytest.mark.parametrize("name, m", [("pipeline-bubble", 8), ("pipeline-bubble-gpipe", 8),
                                     ("pipeline-bubble", 1)])
def test_pipeline_step_follows_the_schedule_by_hand(name, m):
    sc, r = run(name, f"workload.micro_batches={m}")
    hand, per_stage = pipeline_by_hand(sc, m)
    # the engine also shares a GPU's NVLink port between the activations it sends on
    # and the gradients it sends back when both are in flight: at most 0.2 % slower
    assert hand * (1 - 1e-9) <= r.makespan <= hand * 1.002
    if m == 8:
        assert per_stage[0] == pytest.approx(5.4e-3, abs=0.05e-3)
        assert per_stage[3] == pytest.approx(3.5e-3, abs=0.05e-3)
        assert 8 * per_stage[0] == pytest.approx(43.6e-3, abs=0.05e-3)
        idle = 1 - m * sum(per_stage) / (4 * r.makespan)
        assert idle == pytest.approx({"pipeline-bubble": 0.29,
                                      "pipeline-bubble-gpipe": 0.32}[name], abs=0.005)
        assert idle > 3 / 11                                # the lighter last stage idles
    else:
        assert 1 - sum(per_stage) / (4 * r.makespan) == pytest.approx(0.75, abs=0.005)


def test_llama_decode_on_the_gpu_is_hbm_plus_one_launch_per_kernel():
    sc, r = run("llama7b-decode")
    net = rows(sc, past=1024)
    assert len(net) == 579
    nbytes = sum(row.weight_bytes + row.act_bytes for row in net)
    reads = sum(1 for row in net if row.weight_bytes + row.act_bytes)
    hand = 579 * 5e-6 + reads * 400e-9 + nbytes / 1555e9          # 2.9 + 0.2 + 9.0 ms
    assert r.makespan == pytest.approx(hand, rel=1e-6)
    assert 1555e9 / nbytes == pytest.approx(111, abs=0.5)          # by bandwidth alone


def test_llama_decode_on_a_cpu_node_is_bandwidth_over_bytes_per_token():
    sc, r = run("llama7b-decode-cpu")
    cfg = transformer.config(sc.workload)
    steps = [decode_step(cfg, t, 1, 2) for t in (1024, 1025)]
    assert steps[0].bytes == pytest.approx(14.01e9, rel=1e-3)
    hand = 2 / sum(s.bytes / 200e9 for s in steps)                   # 14.3 tokens/s
    # the tensor-parallel allreduces (64 of 8 KB per token) and task latencies add ~0.2 %
    assert r.summary["tokens_per_s"] == pytest.approx(hand, rel=5e-3)
    assert r.summary["tokens_per_s"] < hand
