"""The size guard: runs over MAX_TASKS tasks are refused before anything is built,
counting one rank per PE for message-passing workloads with ranks = 0."""

import types

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim import scenario as scenario_mod
from parasim.sim import simulate as simulate_mod
from parasim.sim import size_guard
from parasim.sim.cli import main
from parasim.sim.errors import ScenarioError
from parasim.sim.machine.machine import Machine
from parasim.sim.simulate import build_graph
from parasim.sim.size_guard import MAX_TASKS, tasks_on
from tests.helpers import params, scenario

RANKED = ("allreduce", "fft", "nbody", "stencil", "bcast", "montecarlo", "summa")


def test_ranks_zero_counts_one_rank_per_pe():
    # allreduce: repeats x r x 2 (r + bit_length(r)); r = 16 PEs: 16 x 2 x (16 + 5) = 672
    assert tasks_on(params("allreduce"), 16) == 672
    # nbody: steps x r (r + 1); 3 steps, r = 10: 3 x 10 x 11 = 330
    assert tasks_on(params("nbody", steps=3), 10) == 330
    # a set rank count is kept: r = 4 whatever the machine
    assert tasks_on(params("allreduce", ranks=4), 1000) == 4 * 2 * (4 + 3)


@pytest.mark.parametrize("overrides", [
    ("cluster-allreduce", ["machine.nodes=6000"]),          # ranks = 0: ~72 M tasks
    ("smp-matmul", ["workload.tile=1", "workload.n=4096"]),  # 33.6 M tasks
    ("smp-memory-wall", ["workload.tasks=10000001"]),
    ("hpl", ["workload.n=100000000"]),                     # 13.3 M tasks
], ids=lambda o: o[0])
def test_too_large_runs_are_refused_with_a_suggestion(overrides):
    name, sets = overrides
    with pytest.raises(ScenarioError, match=r"limit 10,000,000 tasks.*fewer, larger tasks") as e:
        scenario_mod.load(name, sets)
    assert e.value.path == "workload"


def test_cli_refuses_the_huge_allreduce_in_one_line(capsys):
    assert main(["run", "cluster-allreduce", "--set", "machine.nodes=6000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: workload would create") and err.count("\n") == 1


def test_a_run_just_under_the_limit_is_accepted():
    sc = scenario_mod.load("smp-memory-wall", [f"workload.tasks={MAX_TASKS}"])
    assert tasks_on(sc.workload, 16) <= MAX_TASKS


@settings(max_examples=20, deadline=None)
@given(kind=st.sampled_from(RANKED), nodes=st.integers(1, 4), cores=st.integers(1, 4))
def test_estimate_bounds_the_graph_built_with_one_rank_per_pe(kind, nodes, cores):
    extra = {"fft": {"n": 4 * (nodes * cores) ** 2}, "summa": {"n": 1 << 12}}.get(kind, {})
    sc = scenario(kind, machine_kw={"nodes": nodes, "cores": cores}, **extra)
    g = build_graph(sc, Machine(sc.machine))
    assert g.n <= tasks_on(sc.workload, nodes * cores)


# -- the estimate counts events, not tasks (issue 12) ------------------------------------

@pytest.mark.parametrize("name, sets, counted, fix", [
    ("concurrency-vs-parallelism", ["schedule.quantum_s=1e-9"], "199,999,992 time slices",
     "a longer schedule.quantum_s"),
    ("smp-memory-wall", ["workload.tasks=999999", "machine.cores=1000"],
     "999,999 memory flows", "fewer cores per node"),
    ("gpu-offload", ["machine.accelerator.sms=100000"], "memory flows", "fewer cores"),
    ("concurrency-vs-parallelism-io", ["workload.io_waits=100000", "workload.tasks=100"],
     "10,000,000 I/O waits", "fewer workload.io_waits"),
], ids=["slices", "memory", "offload", "io"])
def test_long_runs_are_refused_with_their_estimate(capsys, name, sets, counted, fix):
    argv = ["run", name]
    for s in sets:
        argv += ["--set", s]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: this run would take about") and err.count("\n") == 1
    assert counted in err and "pass --yes to run it anyway" in err and len(err) < 300
    assert fix in err


def test_ten_million_compute_only_tasks_fit_and_more_costly_runs_are_refused(capsys):
    """10 M compute-only tasks are estimated under MAX_RUN_S (they take about half a
    minute of CPU, benchmarks/task_cost.py); 6 M tasks moving memory on 16 cores
    (6 M x (9 + 0.45 x 8) us = 76 s) are over it: refused with the estimate and a fix."""
    bag = types.SimpleNamespace(n=10_000_000, bytes=np.zeros(10_000_000),
                                dep_idx=np.zeros(0, np.int32), msg_src=np.zeros(0, np.int32),
                                io_count=None)
    est = size_guard.graph_estimate(bag, 16)
    assert est.events["task"] == 10_000_000
    assert est.seconds == pytest.approx(10e6 * size_guard.COST_US["task"] * 1e-6
                                        + size_guard.COST_US["run"] * 1e-6)
    assert est.seconds < size_guard.MAX_RUN_S
    assert main(["run", "smp-memory-wall", "--set", "workload.tasks=6000000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: this run would take about 76 s to simulate (6,000,000 "
                          "memory flows), over the 60 s limit; use fewer tasks or fewer "
                          "cores per node") and err.count("\n") == 1


def test_messages_in_flight_over_shared_links_are_counted():
    """cluster-stencil: 960 halo messages sent by 20 tasks on each rank: 960 / 20 = 48
    in flight together. Over a crossbar, non-blocking, a rank's messages share its
    uplink: each of the 960 is counted with the other 47 (45,120); on the torus
    (separate links) or blocking (one at a time), none."""
    def shares(*sets):
        return simulate_mod.estimate(scenario_mod.load("cluster-stencil", list(sets))).events
    assert shares("workload.blocking=false", "machine.network.topology=crossbar")[
        "message_share"] == 960 * 47
    assert "message_share" not in shares("workload.blocking=false")
    assert "message_share" not in shares("machine.network.topology=crossbar")
    sc = scenario_mod.load("cluster-stencil")
    assert size_guard.in_flight(build_graph(sc, Machine(sc.machine))) == 48


def test_estimate_counts_io_waits_and_messages():
    sc = scenario_mod.load("concurrency-vs-parallelism-io", ["workload.io_waits=1000"])
    assert simulate_mod.estimate(sc).events["io_wait"] == sc.workload.tasks * 1000
    sc = scenario_mod.load("cluster-stencil")
    g = build_graph(sc, Machine(sc.machine))
    est = simulate_mod.estimate(sc)
    assert est.events["message"] == len(g.msg_src) > 0
    assert est.events["dependency"] == len(g.dep_idx) > 0
    assert est.events["task"] + est.events["memory_task"] == g.n


def test_yes_runs_what_the_guard_refuses(capsys, monkeypatch):
    monkeypatch.setattr(size_guard, "MAX_RUN_S", 0.0)
    assert main(["run", "amdahl"]) == 2
    assert "over the 0 s limit" in capsys.readouterr().err
    assert main(["run", "amdahl", "--yes"]) == 0


def test_a_sweep_is_refused_by_points_times_cost(monkeypatch):
    sc = scenario_mod.load("amdahl")
    one = simulate_mod.estimate(sc)
    est = simulate_mod.check_runs([sc] * 3, limit_s=1e9)
    assert est.seconds == pytest.approx(3 * one.seconds) and est.events["run"] == 3
    with pytest.raises(size_guard.RunTooLong, match=r"^this sweep would take about 0 s .*3 "
                                                    r"runs\), over the 0 s limit; use fewer "
                                                    r"--vary values, or pass --yes"):
        simulate_mod.check_runs([sc] * 3, limit_s=0.0)


def test_the_sweep_and_compare_verbs_check_their_size(capsys, monkeypatch):
    monkeypatch.setattr(size_guard, "MAX_RUN_S", 0.0)
    assert main(["sweep", "amdahl", "--vary", "machine.cores=1,2"]) == 2
    assert "2 runs" in capsys.readouterr().err
    assert main(["compare", "amdahl", "power-wall"]) == 2
    assert "error: this comparison would take" in capsys.readouterr().err


def test_watchdog_stops_a_run_on_course_to_overrun(monkeypatch):
    clock = iter([0.0, 1.0, 2.0, 5.0, 5.0])
    monkeypatch.setattr(size_guard.time, "process_time", lambda: next(clock))
    dog = size_guard.Watchdog(30.0 / size_guard.WATCH_FACTOR)
    dog.progress(0.01)                           # first report at 1 s (set-up before it)
    assert dog.cancel() is False                 # 1 s after it: too early to project
    dog.progress(0.02)
    # 0.01 in the 4 s since the first report: the other 98 % in 392 s, 397 s in all
    with pytest.raises(size_guard.RunTooLong, match=r"2.0 % done after 5 s, on course for "
                                                    r"about 397 s \(limit 15 s\)"):
        dog.cancel()


def test_watchdog_does_not_count_the_set_up_as_the_run(monkeypatch):
    """10 s of set-up before the first report, then 10 % a second: 14 + 0.599 / 0.1 =
    about 20 s in all, under 2 x 15 s (14 s / 40 % would project 35 s)."""
    clock = iter([0.0, 10.0, 14.0])
    monkeypatch.setattr(size_guard.time, "process_time", lambda: next(clock))
    dog = size_guard.Watchdog(15.0)
    dog.progress(0.001)
    dog.progress(0.401)
    assert dog.cancel() is False


def test_huge_scenario_file_is_refused_before_parsing(tmp_path, monkeypatch):
    path = tmp_path / "big.toml"
    path.write_text('name = "x"\n' + "# padding\n" * 200)
    monkeypatch.setattr(size_guard, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(scenario_mod.spec, "read_text", lambda p: pytest.fail("parsed"))
    with pytest.raises(ScenarioError, match=r"scenario file is 0.0 MB, more than the 0 MB"):
        scenario_mod.load(str(path))


def test_adaptive_pool_output_is_bounded():
    from parasim.sim.errors import LayerError
    from parasim.sim.nn.pooling import AdaptiveAvgPool2d
    with pytest.raises(LayerError, match="output_size must be at most 65536"):
        AdaptiveAvgPool2d(name="p", output_size=30_000_000)
