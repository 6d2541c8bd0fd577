"""Weak-scaling rules (Params.scaled) of every workload, by hand; a weak stencil sweep."""

import pytest

from parasim.sim import scenario as scenario_mod
from parasim.sim.cli import main
from parasim.sim.errors import ScenarioError
from parasim.sim.studies.sweep import expand, run_sweep
from parasim.sim.workloads import KINDS, module_for
from tests.helpers import scenario

RULED = ("matmul", "triad", "spmv", "reduction", "bag", "amdahl", "io-bag", "cnn", "stencil",
         "summa", "montecarlo", "nbody", "fft", "pingpong", "allreduce", "bcast",
         "transformer")


def test_the_workloads_have_a_weak_scaling_rule_but_custom():
    assert all(hasattr(module_for(k).Params, "scaled") for k in RULED)
    assert set(RULED) < set(KINDS) and not hasattr(module_for("custom").Params, "scaled")


@pytest.mark.parametrize("kind, params, factor, grown", [
    ("bag", {"tasks": 10}, 2.5, {"tasks": 25}),
    ("triad", {"n": 1000, "tasks": 8}, 3, {"n": 3000, "tasks": 24}),
    ("reduction", {"n": 1000, "tasks": 8}, 0.5, {"n": 500, "tasks": 4}),
    ("spmv", {"rows": 1000, "tasks": 8}, 4, {"rows": 4000, "tasks": 32}),
    ("matmul", {"n": 1000, "tile": 100}, 8, {"n": 2000, "tile": 100}),   # 8^(1/3) = 2
    # serial work 0.25 x 1e9 stays, parallel 0.75e9 x 3: 2.5e9 in all, s = 0.25 / 2.5
    ("amdahl", {"flops": 1e9, "serial_fraction": 0.25, "tasks": 6}, 3,
     {"flops": 2.5e9, "serial_fraction": 0.1, "tasks": 18}),
    ("io-bag", {"tasks": 10}, 3, {"tasks": 30, "io_waits": 4}),
    ("cnn", {"batch": 8}, 4, {"batch": 32, "micro_batches": 4}),
    ("transformer", {"batch": 8, "data": 2, "tensor": 2}, 4, {"batch": 32, "data": 8,
                                                              "tensor": 2}),
    ("stencil", {"n": 1000}, 4, {"n": 2000}),                     # 1000 x sqrt 4
    ("stencil", {"n": 1000}, 2, {"n": 1414}),                     # 1000 x 1.41421
    ("stencil", {"n": 512, "scaling": "weak"}, 4, {"n": 512}),    # already per rank
    ("stencil", {"n": 1000, "ranks": 4}, 4, {"n": 2000, "ranks": 16}),
    ("summa", {"n": 1000, "panel": 100}, 8, {"n": 2000, "panel": 100}),   # 8^(1/3) = 2
    ("montecarlo", {"samples": 1000, "ranks": 2}, 2.5, {"samples": 2500, "ranks": 5}),
    ("nbody", {"bodies": 1000}, 4, {"bodies": 2000, "steps": 10}),    # n^2 x 4
    ("nbody", {"bodies": 1000}, 2, {"bodies": 1414}),
    ("fft", {"n": 65536}, 20, {"n": 1048576}),      # 2^16 x 16 x 20 = 2^20 x 20
    ("fft", {"n": 16}, 2.5, {"n": 32}),             # 16 x 4 x 2.5 = 160 = 32 x 5
    ("pingpong", {"bytes": 1e6, "repeats": 10}, 4, {"bytes": 4e6, "repeats": 10}),
    ("allreduce", {"bytes": 8e6}, 4, {"bytes": 8e6, "ranks": 0}),
    ("allreduce", {"bytes": 8e6, "ranks": 2}, 4, {"bytes": 8e6, "ranks": 8}),
    ("bcast", {"bytes": 1e6, "ranks": 3}, 2, {"bytes": 1e6, "ranks": 6}),
])
def test_weak_scaling_rules_by_hand(kind, params, factor, grown):
    out = module_for(kind).Params(**params).scaled(factor)
    assert {k: getattr(out, k) for k in grown} == pytest.approx(grown, rel=1e-12)


def test_weak_stencil_keeps_the_local_block():
    # 4 nodes: 2 x 2 ranks of 1024 / 2 = 512; 16 nodes: n = 2048 on 4 x 4: still 512
    sc = scenario_mod.load("cluster-stencil")
    _, (four, sixteen), factors = expand(sc, {"machine.nodes": [4, 16]}, mode="weak")
    assert factors == [1.0, 4.0]
    assert (four.workload.n, sixteen.workload.n) == (1024, 2048)


def test_weak_sweep_of_the_cluster_stencil_is_nearly_flat(capsys):
    result = run_sweep(scenario_mod.load("cluster-stencil"), {"machine.nodes": [4, 16]},
                       mode="weak")
    t4, t16 = result.column("makespan_s")
    assert t16 == pytest.approx(t4, rel=0.03)       # same block, same halos per rank
    assert result.column("flops")[1] == pytest.approx(4 * result.column("flops")[0])
    assert main(["sweep", "cluster-stencil", "--vary", "machine.nodes=4,16",
                 "--mode", "weak"]) == 0
    assert "weak scaling" in capsys.readouterr().out


def test_custom_has_no_weak_rule_and_says_why(capsys):
    sc = scenario("custom", {"cores": 2}, tasks=[{"name": "a", "flops": 1e6}])
    with pytest.raises(ScenarioError) as err:
        expand(sc, {"machine.cores": [1, 2]}, mode="weak")
    assert str(err.value) == (
        "--mode weak: workload kind 'custom' has no weak-scaling rule (its tasks and "
        "messages are listed one by one: write the larger program as its own scenario); "
        "use --mode strong")
