"""The one-collective workloads (barrier, allgather, alltoall, reduce-scatter, scatter,
gather, and bcast/allreduce's new algorithms) as scenarios and through the CLI."""

import math

import pytest

from parasim.sim.cli import main
from parasim.sim.errors import ScenarioError
from parasim.sim.simulate import simulate
from tests.helpers import scenario

# 8 nodes, one core each, 2 us and 1 GB/s per link: alpha 2e-6 s, beta 1e-9 s/B
NET = {"nodes": 8, "cores": 1, "network": {"latency_us": 2.0, "bandwidth_gbs": 1.0}}
A, B, P = 2e-6, 1e-9, 8


def makespan(kind, machine=NET, **params):
    return simulate(scenario(kind, machine, policy="block", **params), baseline=False).makespan


@pytest.mark.parametrize("kind, params, formula", [
    ("barrier", {"repeats": 3}, 3 * 3 * A),
    ("allgather", {"bytes": 1e5, "algorithm": "ring"}, (P - 1) * (A + 1e5 * B)),
    ("allgather", {"bytes": 1e5, "algorithm": "bruck"}, 3 * A + (P - 1) * 1e5 * B),
    ("alltoall", {"bytes": 1e5, "algorithm": "pairwise"}, (P - 1) * (A + 1e5 * B)),
    ("alltoall", {"bytes": 1e5, "algorithm": "bruck"}, 3 * A + 4 * 3 * 1e5 * B),
    ("scatter", {"bytes": 1e5}, 3 * A + (P - 1) * 1e5 * B),
    ("gather", {"bytes": 1e5}, 3 * A + (P - 1) * 1e5 * B),
    ("bcast", {"bytes": 8e6, "algorithm": "scatter-ring"},
     (3 + P - 1) * A + 2 * (P - 1) / P * 8e6 * B),
])
def test_workload_time_is_its_formula(kind, params, formula):
    assert makespan(kind, **params) == pytest.approx(formula, rel=1e-9)


def test_reduce_scatter_and_rabenseifner_include_their_adds():
    """gamma: an fp64 add per 8 bytes at the core's vector rate (2.5 GHz x 2 FMA x 4
    lanes x 2 = 40 GFLOP/s by default)."""
    gamma = 1 / (8 * 40e9)
    n = 8e6
    t = makespan("reduce-scatter", bytes=n, algorithm="pairwise")
    assert t == pytest.approx((P - 1) * (A + n / P * (B + gamma)), rel=1e-9)
    t = makespan("allreduce", bytes=n, algorithm="rabenseifner")
    expect = 2 * 3 * A + 2 * (P - 1) / P * n * B + (P - 1) / P * n * gamma
    assert t == pytest.approx(expect, rel=1e-9)


def test_auto_switches_algorithm_with_the_message_size():
    """bcast on 8 ranks: binomial below 12 KiB (3 steps of alpha + n beta), van de Geijn
    with recursive doubling above (2 lg P alpha + 2 (P - 1) / P n beta)."""
    assert makespan("bcast", bytes=8.0, algorithm="auto") == pytest.approx(3 * (A + 8 * B))
    n = 1e5
    assert makespan("bcast", bytes=n, algorithm="auto") == pytest.approx(
        6 * A + 2 * (P - 1) / P * n * B, rel=1e-9)


def test_power_of_two_algorithm_on_other_rank_counts_is_a_scenario_error():
    sc = scenario("allgather", NET, policy="block", ranks=6, algorithm="recursive-doubling")
    with pytest.raises(ScenarioError, match="power-of-two rank count, got 6") as e:
        simulate(sc, baseline=False)
    assert e.value.path == "workload.algorithm"


def test_cli_reports_a_bad_algorithm_in_one_line(capsys, tmp_path):
    code = main(["run", "cluster-bcast-long", "--set", "workload.algorithm=fastest"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.count("\n") == 0 and "workload.algorithm" in err
    assert "fastest" in err


def test_long_bcast_preset_shows_van_de_geijns_gain():
    """64 MB on 64 nodes over InfiniBand EDR: binomial ceil(log2 64) = 6 full copies,
    scatter-ring about 2: about 3x faster."""
    from parasim.sim import scenario as sm
    sc = sm.load("cluster-bcast-long")
    vdg = simulate(sc, baseline=False).makespan
    binomial = simulate(sm.load("cluster-bcast-long", ["workload.algorithm=binomial"]),
                        baseline=False).makespan
    n, beta, alpha = 64e6, 1 / 12.5e9, 1e-6
    assert binomial == pytest.approx(6 * (alpha + n * beta), rel=1e-6)
    assert vdg == pytest.approx((6 + 63) * alpha + 2 * 63 / 64 * n * beta, rel=1e-6)
    assert math.isclose(binomial / vdg, 3.0, rel_tol=0.05)


def test_small_alltoall_preset_shows_brucks_gain_and_its_price():
    """64 nodes, alpha 1 us, 12.5 GB/s: pairwise 63 (alpha + b beta); Bruck 6 rounds of
    alpha + 32 b beta. 64 B: 63.3 us against 7.0 us; 1 MB: 5.1 ms against 15.4 ms."""
    from parasim.sim import scenario as sm

    def t(*sets):
        return simulate(sm.load("cluster-alltoall-small", list(sets)), baseline=False).makespan
    alpha, beta = 1e-6, 1 / 12.5e9
    for b in (64.0, 1e6):
        bruck = t(f"workload.bytes={b}")
        pairwise = t(f"workload.bytes={b}", "workload.algorithm=pairwise")
        assert bruck == pytest.approx(6 * (alpha + 32 * b * beta), rel=1e-6)
        assert pairwise == pytest.approx(63 * (alpha + b * beta), rel=1e-6)
        assert (bruck < pairwise) == (b == 64.0)


@pytest.mark.parametrize("kind, algorithm", [
    ("allreduce", "rabenseifner"), ("reduce-scatter", "pairwise"),
    ("reduce-scatter", "recursive-halving")])
@pytest.mark.parametrize("P", [6, 8])
def test_reductions_add_each_number_once_per_other_rank(kind, algorithm, P):
    """Summing P vectors of n / 8 numbers takes (P - 1) n / 8 adds, folds included (a
    folded rank's partner adds its vector; the p' ranks then combine p' partial sums)."""
    from parasim.sim.machine.machine import Machine, MachineSpec
    from parasim.sim.workloads import module_for
    mod = module_for(kind)
    g = mod.build(mod.Params(bytes=800.0, algorithm=algorithm), Machine(MachineSpec(
        nodes=P, cores=1)), None)
    assert g.total_flops == pytest.approx((P - 1) * 100)


def test_recursive_doubling_adds_the_whole_vector_each_round_plus_the_folds():
    """P = 6, p' = 4: 4 ranks x 2 rounds x n / 8, plus 2 folds x n / 8 = 10 n / 8."""
    from parasim.sim.machine.machine import Machine, MachineSpec
    from parasim.sim.workloads import module_for
    mod = module_for("allreduce")
    g = mod.build(mod.Params(bytes=800.0, algorithm="recursive-doubling"),
                  Machine(MachineSpec(nodes=6, cores=1)), None)
    assert g.total_flops == pytest.approx(10 * 100)
