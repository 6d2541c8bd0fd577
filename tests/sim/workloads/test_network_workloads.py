"""Message-passing workloads: FLOP formulas, scaling behaviour, custom programs, presets."""

import math

import numpy as np
import pytest

from parasim.sim import scenario as sm
from parasim.sim.cli import main
from parasim.sim.errors import ScenarioError
from parasim.sim.io import trace_csv
from parasim.sim.report import format_summary
from parasim.sim.simulate import simulate
from parasim.sim.trace import KIND_CODE
from parasim.sim.workloads import module_for
from tests.helpers import machine, params, scenario

RNG = np.random.default_rng


def graph(kind, m=None, **kw):
    return module_for(kind).build(params(kind, **kw), m or machine(nodes=4, cores=2), RNG(1))


@pytest.mark.parametrize("scaling, n, ranks, points", [("strong", 100, 6, 100 * 100),
                                                        ("weak", 50, 6, 50 * 2 * 50 * 3)])
def test_stencil_is_4_flops_per_point_per_sweep(scaling, n, ranks, points):
    g = graph("stencil", n=n, iterations=3, scaling=scaling, ranks=ranks)
    assert g.total_flops == 4 * points * 3
    assert g.bytes.sum() == 16 * points * 3
    # halos: a 2 x 3 rank grid has 7 shared edges, each crossed both ways every sweep
    assert len(g.msg_src) == 2 * 7 * 3


def test_summa_is_2n3_and_nbody_20_per_interaction_and_fft_5nlogn():
    assert graph("summa", n=96, panel=16).total_flops == 2 * 96 ** 3
    assert graph("summa", n=50, panel=7, grid_p=2, grid_q=4).total_flops == 2 * 50 ** 3
    assert graph("nbody", bodies=100, steps=3).total_flops == 20 * 100 * 99 * 3
    assert graph("fft", n=1 << 12, transforms=2).total_flops == pytest.approx(
        2 * 5 * 4096 * 12, rel=1e-12)


def test_montecarlo_flops_are_samples_plus_the_reduce_adds():
    g = graph("montecarlo", samples=1001, flops_per_sample=10.0, result_bytes=16.0)
    assert g.total_flops == 1001 * 10 + (8 - 1) * 16 / 8


def test_pingpong_round_trips_are_twice_hockney():
    sc = scenario("pingpong", {"nodes": 2, "cores": 1,
                               "network": {"latency_us": 3.0, "bandwidth_gbs": 2.0}},
                  bytes=1e6, repeats=5)
    assert simulate(sc, baseline=False).makespan == pytest.approx(
        10 * (3e-6 + 1e6 / 2e9), rel=1e-12)


def test_summa_grid_must_match_the_ranks():
    with pytest.raises(ScenarioError, match=r"workload\.grid_p x grid_q must equal"):
        graph("summa", n=64, grid_p=3, grid_q=3)
    with pytest.raises(ScenarioError, match=r"workload\.ranks must be <="):
        graph("allreduce", ranks=9)


def stencil_run(nodes, **kw):
    sc = scenario("stencil", {"nodes": nodes, "cores": 1, "network": {"topology": "torus2d"}},
                  policy="block", iterations=5, blocking=True, **kw)
    return simulate(sc, baseline=False).summary


def test_stencil_weak_scaling_keeps_time_per_sweep_nearly_flat():
    times = [stencil_run(p, n=512, scaling="weak")["makespan_s"] for p in (4, 16, 64)]
    assert max(times) / min(times) < 1.05


def test_stencil_strong_scaling_raises_the_communication_share():
    comm = [stencil_run(p, n=1024)["comm_fraction"] for p in (4, 16, 64)]
    assert comm[0] < comm[1] < comm[2]
    assert comm[2] > 2 * comm[0]


def test_nonblocking_halos_overlap_the_interior():
    slow = {"nodes": 16, "cores": 1, "network": {"preset": "gigabit-ethernet",
                                                 "topology": "torus2d"}}
    t = {b: simulate(scenario("stencil", slow, n=1024, iterations=5, blocking=b),
                     baseline=False).makespan for b in (True, False)}
    assert t[False] < 0.5 * t[True]


CUSTOM = """
[machine]
nodes = 2
cores = 2
[workload]
kind = "custom"
[[workload.tasks]]
name = "a"
pe = 0
flops = 1e9
[[workload.tasks]]
name = "c"
pe = 3
flops = 1e9
deps = ["b"]
[[workload.tasks]]
name = "b"
pe = 1
flops = 2e9
deps = ["a"]
[[workload.messages]]
src = "a"
dst = "c"
bytes = 1e6
"""


def test_custom_program_runs_in_dependency_order_on_its_pes():
    sc = sm.loads(CUSTOM)
    run = simulate(sc)
    assert run.task_names == ("a", "b", "c")
    tr = run.trace
    work = tr.select(tr.kind == KIND_CODE["compute"])
    assert dict(zip(work.task.tolist(), work.pe.tolist())) == {0: 0, 1: 1, 2: 3}
    assert run.summary["messages"] == 1 and run.summary["bytes_sent"] == 1e6
    assert sm.loads(sm.dumps(sc)) == sc


@pytest.mark.parametrize("edit, where", [
    (('deps = ["b"]', 'deps = ["zz"]'), r"workload\.tasks\[1\]\.deps names an unknown task 'zz'"),
    (('src = "a"', 'src = "q"'), r"workload\.messages\[0\]\.src names an unknown task 'q'"),
    (('dst = "c"', 'dst = "q"'), r"workload\.messages\[0\]\.dst names an unknown task 'q'"),
    (('name = "c"', 'name = "a"'), r"workload\.tasks\[1\]\.name 'a' is used twice"),
    (('pe = 0\nflops = 1e9\n', 'pe = 0\nflops = 1e9\ndeps = ["c"]\n'),
     r"workload\.tasks\[2\]\.deps: the dependencies and messages form a cycle: "
     r".*workload\.tasks\[0\]\.deps \('c' -> 'a'\)"),
    (('pe = 0\nflops = 1e9\n', 'pe = 0\nflops = -1\n'), r"workload\.tasks\[0\]\.flops must be >= 0"),
])
def test_custom_errors_name_the_entry(edit, where):
    with pytest.raises(ScenarioError, match=where):
        sm.loads(CUSTOM.replace(*edit))


def test_custom_pe_out_of_range_is_a_one_line_cli_error(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(CUSTOM.replace("pe = 3", "pe = 4"))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: workload.tasks[1].pe must be < the machine's 4 PEs, got 4"


def test_a_message_cycle_through_deps_is_reported():
    text = CUSTOM + '[[workload.messages]]\nsrc = "c"\ndst = "b"\nbytes = 1.0\n'
    with pytest.raises(ScenarioError) as e:
        sm.loads(text)
    assert str(e.value) == ("workload.messages[1]: the dependencies and messages form a cycle: "
                            "workload.messages[1] ('c' -> 'b'), workload.tasks[1].deps "
                            "('b' -> 'c')")
    assert e.value.path == "workload.messages[1]"


@pytest.mark.parametrize("name", ["cluster-stencil", "cluster-allreduce", "cluster-fft",
                                  "cluster-allreduce-small", "cluster-pingpong"])
def test_cluster_presets_run_deterministically_and_report_the_network(name):
    sc = sm.load(name)
    assert sc.explain.strip() and sc.description
    a, b = simulate(sc, baseline=False), simulate(sc, baseline=False)
    assert a.trace.equals(b.trace) and trace_csv.to_csv_text(a.trace) == trace_csv.to_csv_text(b.trace)
    s = a.summary
    assert s["messages"] > 0 and s["bytes_sent"] > 0
    assert 0 <= s["busiest_link_utilisation"] <= 1
    assert s["critical_path_s"] <= s["makespan_s"] * (1 + 1e-9)
    text = format_summary(s)
    assert "Messages / bytes sent" in text and "Busiest link" in text


def test_summary_and_report_have_no_network_rows_without_messages():
    s = simulate(scenario("triad", n=1000, tasks=4), baseline=False).summary
    assert "messages" not in s and "Busiest link" not in format_summary(s)


def test_busiest_link_utilisation_by_hand():
    """One 1 MB message on 10 GB/s: the uplink is busy 100 us of 101 us."""
    s = simulate(scenario("pingpong", {"nodes": 2, "cores": 1,
                                       "network": {"latency_us": 1.0, "bandwidth_gbs": 10.0}},
                          bytes=1e6, repeats=1), baseline=False).summary
    assert s["busiest_link_utilisation"] == pytest.approx(100 / 202, rel=1e-9)
    assert s["messages"] == 2 and s["bytes_sent"] == 2e6
    assert math.isclose(s["makespan_s"], 202e-6, rel_tol=1e-12)


@pytest.mark.parametrize("alg, P, adds", [("ring", 8, 7), ("tree", 8, 7), ("ring", 5, 4),
                                           ("recursive-doubling", 8, 8 * 3)])
def test_allreduce_flops_are_one_add_per_number_per_combine(alg, P, adds):
    """ring and tree: (P - 1) n / 8; recursive doubling: P log2 P n / 8."""
    g = graph("allreduce", m=machine(nodes=P), bytes=800.0, algorithm=alg)
    assert g.total_flops == pytest.approx(adds * 100, rel=1e-12)


def test_bcast_and_pingpong_do_no_arithmetic_and_count_their_messages():
    g = graph("bcast", m=machine(nodes=6), bytes=10.0, repeats=2)
    assert g.total_flops == 0 and len(g.msg_src) == 2 * 5
    g = graph("pingpong", m=machine(nodes=3), bytes=10.0, repeats=4, peer_node=2)
    assert g.total_flops == 0 and len(g.msg_src) == 8 and set(g.owner.tolist()) == {0, 2}
