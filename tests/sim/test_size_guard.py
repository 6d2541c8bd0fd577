"""The size guard: runs over MAX_TASKS tasks are refused before anything is built,
counting one rank per PE for message-passing workloads with ranks = 0."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim import scenario as scenario_mod
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
    ("cluster-allreduce", ["machine.nodes=2000"]),          # ranks = 0: ~8 M tasks
    ("smp-matmul", ["workload.tile=1"]),                   # 4.19 M tasks
    ("smp-memory-wall", ["workload.tasks=5000000"]),
    ("hpl", ["workload.n=10000000"]),                      # 1.33 M tasks
], ids=lambda o: o[0])
def test_too_large_runs_are_refused_with_a_suggestion(overrides):
    name, sets = overrides
    with pytest.raises(ScenarioError, match=r"limit 1,000,000 tasks.*fewer, larger tasks") as e:
        scenario_mod.load(name, sets)
    assert e.value.path == "workload"


def test_cli_refuses_the_huge_allreduce_in_one_line(capsys):
    assert main(["run", "cluster-allreduce", "--set", "machine.nodes=2000"]) == 2
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
