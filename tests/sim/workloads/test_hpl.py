"""HPL: flop counts by hand, Top500 figures, and where its efficiency drops."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.engine.engine import Engine
from parasim.sim.errors import Cancelled, ScenarioError
from parasim.sim.machine.machine import Machine
from parasim.sim.machine.network import NetworkSpec
from parasim.sim.report import format_summary, summary_rows
from parasim.sim.simulate import simulate
from parasim.sim.taskgraph import PRECISIONS
from parasim.sim.workloads import hpl
from tests.helpers import machine, params, scenario

MKW = {"cores": 8, "freq_ghz": 2.5, "fma_units": 2, "simd_bits": 256}


def run_hpl(machine_kw=None, **kw):
    return simulate(scenario("hpl", machine_kw=machine_kw or MKW, **kw), baseline=False)


def test_hpl_flop_count_by_hand():
    assert hpl.hpl_flops(1000) == pytest.approx(2 / 3 * 1e9 + 1.5e6, rel=1e-15)
    # unblocked 3 x 3 LU: column 0: 2 divisions + 2 x 2 x 2; column 1: 1 + 2 x 1 x 1 -> 13
    assert hpl.lu_flops(3) == pytest.approx(13.0)
    assert hpl.panel_flops(3, 3) == pytest.approx(13.0)
    assert hpl.solve_flops(3) == 2 * 9 - 3          # forward 3 x 2, back 3^2


@settings(max_examples=25)
@given(n=st.integers(1, 300), nb=st.integers(1, 64), p=st.integers(1, 3), q=st.integers(1, 3))
def test_blocked_graph_does_exactly_the_lu_and_solve_flops(n, nb, p, q):
    pr = params("hpl", n=n, nb=nb, p=p, q=q)
    g = hpl.build(pr, machine(cores=9), None)
    assert g.total_flops == pytest.approx(hpl.lu_flops(n) + hpl.solve_flops(n), rel=1e-9,
                                          abs=1e-6)
    assert g.n <= pr.tasks_estimate()
    assert set(g.owner.tolist()) <= set(range(p * q))


def test_one_block_on_one_core_takes_the_flops_at_peak():
    # n = nb = 200: one panel (the whole LU) then one solve task, no memory limit
    kw = {"cores": 1, "freq_ghz": 2.0, "fma_units": 2, "simd_bits": 256,
          "memory": {"bandwidth_gbs": 1e6, "core_bandwidth_gbs": 1e6, "latency_ns": 0.0}}
    r = run_hpl(kw, n=200, nb=200, p=1, q=1)
    peak = 2e9 * 2 * 2 * 4                              # 32 GFLOP/s
    t = (hpl.lu_flops(200) + hpl.solve_flops(200)) / peak
    assert r.makespan == pytest.approx(t, rel=1e-12)
    s = r.summary
    assert s["rmax_flops_per_s"] == pytest.approx(hpl.hpl_flops(200) / t, rel=1e-12)
    assert s["rpeak_flops_per_s"] == peak
    assert s["rmax_over_rpeak"] == pytest.approx(hpl.hpl_flops(200) / t / peak, rel=1e-12)


def test_efficiency_drops_when_nb_is_too_small():
    good = run_hpl(n=2048, nb=128, p=2, q=4).summary["rmax_over_rpeak"]
    small = run_hpl(n=2048, nb=16, p=2, q=4).summary["rmax_over_rpeak"]
    assert good > 0.6 and small < good - 0.1


def test_efficiency_drops_when_the_grid_is_too_large_for_n():
    two = run_hpl({**MKW, "cores": 2}, n=512, nb=64, p=1, q=2).summary["rmax_over_rpeak"]
    eight = run_hpl(n=512, nb=64, p=2, q=4).summary["rmax_over_rpeak"]
    assert eight < two - 0.1


def test_mixed_precision_refines_in_fp64_and_beats_fp64_hpl():
    r = run_hpl(n=2048, nb=128, p=2, q=4, precision="fp16", refine_steps=2)
    s = r.summary
    fp64 = run_hpl(n=2048, nb=128, p=2, q=4)
    assert s["hpl_fp64_makespan_s"] == pytest.approx(fp64.makespan, rel=1e-12)
    assert s["hpl_mixed_speedup"] == pytest.approx(fp64.makespan / r.makespan, rel=1e-12)
    assert s["hpl_mixed_speedup"] > 1.5
    g = hpl.build(params("hpl", n=256, nb=64, p=1, q=2, precision="fp16", refine_steps=2),
                  machine(cores=2), None)
    names = np.array(g.names)
    prec = np.array(PRECISIONS)[g.precision]
    assert set(prec[np.char.startswith(names, "residual")]) == {"fp64"}
    assert set(prec[~np.char.startswith(names, "residual")]) == {"fp16"}
    assert fp64.summary["hpl_mixed_speedup"] is None


def test_grid_larger_than_the_machine_is_rejected():
    with pytest.raises(ScenarioError, match="workload.p x workload.q = 16 processes but the "
                                            "machine has 8 PEs"):
        run_hpl(n=256, nb=32, p=4, q=4)


def _two_node_graph():
    pr = params("hpl", n=512, nb=64, p=2, q=2)
    m = machine(nodes=2, cores=2)
    return m, hpl.build(pr, m, None)


def test_inter_node_data_are_messages_and_intra_node_data_are_not():
    m, g = _two_node_graph()
    assert len(g.msg_src) > 0
    src_node = g.owner[g.msg_src] // m.cores
    dst_node = g.owner[g.msg_dst] // m.cores
    assert np.all(src_node != dst_node)
    assert len(hpl.build(params("hpl", n=512, nb=64, p=2, q=2), machine(cores=4),
                         None).msg_src) == 0


def test_multi_node_hpl_pays_the_latency_of_its_solve_chain():
    # 2 x 2 grid on 2 nodes of 2 cores: node = process column, so the solve chain's 8
    # diagonal blocks alternate (0, 0) / (1, 1) between the nodes: 7 messages in series
    # after the factorisation. Raising the latency from 0 to L adds at least 7 L.
    pr, base = params("hpl", n=512, nb=64, p=2, q=2), machine(nodes=2, cores=2)
    times = []
    for lat_us in (0.0, 100.0):
        m = Machine(dataclasses.replace(base.spec, network=NetworkSpec(latency_us=lat_us,
                                                                       bandwidth_gbs=1e6)))
        times.append(Engine(m, hpl.build(pr, m, None)).run()[0])
    assert times[1] - times[0] >= 7 * 100e-6


def test_presets_say_what_they_show():
    from parasim.sim import scenario as scenario_mod
    s = simulate(scenario_mod.load("hpl"), baseline=False).summary
    assert s["rmax_over_rpeak"] == pytest.approx(0.85, abs=0.005)      # "about 85 %"
    s = simulate(scenario_mod.load("hpl", ["workload.lookahead=false"]), baseline=False).summary
    assert s["rmax_over_rpeak"] == pytest.approx(0.80, abs=0.01)       # "about 80 %"
    s = simulate(scenario_mod.load("hpl-ai"), baseline=False).summary
    assert s["hpl_mixed_speedup"] == pytest.approx(3.6, abs=0.05)      # "about 3.6x"
    # credited fp64 FLOPs over the fp64 peak: 48 cores x 2.2 GHz x 2 FMA x 2 x 8 lanes
    assert s["rpeak_flops_per_s"] == pytest.approx(3.3792e12, rel=1e-12)
    assert s["rmax_over_rpeak"] == pytest.approx(
        hpl.hpl_flops(24576) / s["makespan_s"] / 3.3792e12, rel=1e-12)


def test_processes_map_to_nodes_in_blocks():
    # one node: row-major
    assert hpl.process_pes(2, 4, 1, 8).tolist() == [[0, 1, 2, 3], [4, 5, 6, 7]]
    # 4 x 4 processes on 4 nodes of 4 cores: a 2 x 2 grid of nodes, 2 x 2 processes each
    assert hpl.process_pes(4, 4, 4, 4).tolist() == [[0, 1, 4, 5], [2, 3, 6, 7],
                                                    [8, 9, 12, 13], [10, 11, 14, 15]]
    # no node grid divides the process grid: row-major
    assert hpl.process_pes(3, 5, 3, 5).tolist() == (np.arange(15).reshape(3, 5)).tolist()


@settings(max_examples=10)
@given(n=st.integers(256, 1024), nb=st.sampled_from([32, 64, 128]))
def test_lookahead_never_hurts(n, nb):
    on = run_hpl(n=n, nb=nb, p=2, q=4).makespan
    off = run_hpl(n=n, nb=nb, p=2, q=4, lookahead=False).makespan
    assert on <= off * (1 + 1e-9)


def test_one_message_per_node_and_piece():
    m = machine(nodes=4, cores=4)
    g = hpl.build(params("hpl", n=512, nb=64, p=4, q=4), m, None)
    src_node = g.owner[g.msg_src] // 4
    dst_node = g.owner[g.msg_dst] // 4
    assert np.all(src_node != dst_node)
    keys = set(zip(g.msg_src.tolist(), dst_node.tolist(), g.msg_bytes.tolist()))
    assert len(keys) == len(g.msg_src)                  # never the same data twice to a node
    assert np.all(g.flops[g.msg_dst] == 0)              # received by relay tasks


def test_fugaku_slice_preset_lesson():
    from parasim.sim import scenario as scenario_mod
    sc = scenario_mod.load("top500-fugaku-slice")
    assert sc.machine.nodes == 16 and sc.workload.p * sc.workload.q == 768
    s = simulate(sc, baseline=False).summary
    assert 0.5 < s["rmax_over_rpeak"] < 0.58                   # "about 54 %"


def test_a_grid_smaller_than_the_machine_warns():
    # P x Q = 2 x 2 = 4 processes on 8 cores: 4 PEs idle, said in the summary and the table
    s = run_hpl(n=256, nb=64, p=2, q=2).summary
    assert s["warnings"] == ["HPL grid P x Q = 2 x 2 = 4 processes on 8 PEs: 4 PEs stay idle "
                             "(a grid of 8 processes would use them all)"]
    assert format_summary(s).splitlines()[1].split() == ["Warning", "HPL", "grid", "P", "x",
                                                         "Q", "=", "2", "x", "2", "=", "4",
                                                         "processes", "on", "8", "PEs:", "4",
                                                         "PEs", "stay", "idle", "(a", "grid",
                                                         "of", "8", "processes", "would",
                                                         "use", "them", "all)"]
    assert "warnings" not in run_hpl(n=256, nb=64, p=2, q=4).summary


def test_mixed_precision_ratio_is_labelled_against_the_fp64_peak():
    rows = dict(summary_rows(run_hpl(n=256, nb=64, p=2, q=4, precision="fp32").summary))
    assert "HPL-MxP Rmax / fp64 Rpeak" in rows and "Rmax / Rpeak" not in rows
    assert "Rmax / Rpeak" in dict(summary_rows(run_hpl(n=256, nb=64, p=2, q=4).summary))


def test_the_fp64_reference_run_follows_schedule_progress_and_cancel():
    kw = {"n": 2048, "nb": 4, "p": 2, "q": 4, "refine_steps": 0}   # > 8192 events: progress
    mixed = scenario("hpl", MKW, policy="block", precision="fp32", **kw)
    ref = simulate(scenario("hpl", MKW, policy="block", precision="fp64", **kw), baseline=False)
    seen = []
    s = simulate(mixed, progress=seen.append, baseline=False).summary
    assert s["hpl_fp64_makespan_s"] == ref.makespan            # same schedule: block
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert any(0.7 < f < 1.0 for f in seen)                   # the fp64 run reports its share
    # cancel once the fp64 run has reported (progress past the main run's 70 %)
    seen.clear()
    with pytest.raises(Cancelled):
        simulate(mixed, progress=seen.append, baseline=False,
                 cancel=lambda: bool(seen) and seen[-1] > 0.7)
    assert 1.0 not in seen
