"""Sweeps: grid expansion, strong and weak scaling, shared baselines, fits on the presets."""

import csv
import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim import scenario as scenario_mod
from parasim.sim.errors import Cancelled, ScenarioError
from parasim.sim.machine.machine import Machine
from parasim.sim.simulate import build_graph, simulate
from parasim.sim.studies.sweep import expand, parse_vary, run_sweep
from parasim.sim.workloads import KINDS, module_for
from tests.helpers import scenario


def small_amdahl(**kw):
    return scenario("amdahl", machine_kw={"cores": 4}, flops=1e9, tasks=48, **kw)


def test_parse_vary_reads_toml_scalars():
    grid = parse_vary(["machine.cores=1, 2,4", "machine.freq_ghz=1.5,3",
                       "schedule.policy=dynamic,block"])
    assert grid == {"machine.cores": [1, 2, 4], "machine.freq_ghz": [1.5, 3],
                    "schedule.policy": ["dynamic", "block"]}


@pytest.mark.parametrize("items, message", [
    (["machine.cores"], "--vary expects KEY=V1,V2,..., got 'machine.cores'"),
    (["machine.cores="], "--vary expects KEY=V1,V2,..., got 'machine.cores='"),
    (["machine.cores=1,,2"], "--vary machine.cores: empty value in '1,,2'"),
    (["machine.cores=1", "machine.cores=2"], "--vary machine.cores is given twice"),
])
def test_parse_vary_errors(items, message):
    with pytest.raises(ScenarioError) as err:
        parse_vary(items)
    assert str(err.value) == message


@pytest.mark.parametrize("grid, message", [
    ({"machine.corez": [1]}, "--vary machine.corez: no such setting (machine has: cores, "
                             "dense_contention, dense_efficiency, fma_units, freq_ghz, "
                             "memory, nodes, simd_bits)"),
    ({"workload.task": [1]}, "--vary workload.task: no such setting (workload has: "),
    ({"machine": [1]}, "--vary machine: is a table, not a setting"),
    ({"workload.kind": ["bag"]}, "--vary workload.kind: cannot vary the workload kind"),
    ({"machine.cores": [2, 0]}, "--vary point machine.cores=0: machine.cores must be >= 1, "
                                "got 0"),
    ({"machine.freq_ghz": ["fast"]}, "--vary point machine.freq_ghz='fast': machine.freq_ghz"),
    ({}, "a sweep needs at least one --vary"),
])
def test_bad_grid_names_the_key_and_value(grid, message):
    with pytest.raises(ScenarioError) as err:
        expand(small_amdahl(), grid)
    assert str(err.value).startswith(message)


def test_grid_is_the_product_first_key_outermost():
    points, scenarios, factors = expand(small_amdahl(), {"machine.cores": [1, 2],
                                                         "seed": [5, 6, 7]})
    assert points == [{"machine.cores": c, "seed": s} for c in (1, 2) for s in (5, 6, 7)]
    assert [(sc.machine.cores, sc.seed) for sc in scenarios] == [(1, 5), (1, 6), (1, 7),
                                                                 (2, 5), (2, 6), (2, 7)]
    assert factors == [1.0] * 6


def test_rows_equal_independent_runs_and_the_baseline_is_shared():
    sc = scenario("triad", machine_kw={"cores": 4, "memory": {"bandwidth_gbs": 20.0}},
                  n=200_000, tasks=32)
    calls = []
    result = run_sweep(sc, {"machine.cores": [1, 2, 4], "machine.freq_ghz": [1.0, 2.0]},
                       progress=lambda done, total: calls.append((done, total)))
    # one baseline per frequency (the core count does not change the graph), then 6 runs
    assert calls[0] == (0, 8) and calls[-1] == (8, 8) and len(calls) == 9
    for row in result.rows:
        point = sc.replace(machine=dataclasses.replace(
            sc.machine, cores=row["machine.cores"], freq_ghz=row["machine.freq_ghz"]))
        assert dict(row) == {"machine.cores": row["machine.cores"],
                             "machine.freq_ghz": row["machine.freq_ghz"], "scale": 1.0,
                             **simulate(point).summary}


def test_amdahl_fit_recovers_the_preset_serial_fraction_within_1_percent():
    sc = scenario_mod.load("amdahl")
    result = run_sweep(sc, parse_vary(["machine.cores=1,2,4,8,16"]))
    (series,) = result.series
    s = sc.workload.serial_fraction
    assert series.fit.law == "amdahl"
    assert series.fit.serial_fraction == pytest.approx(s, rel=0.01)
    assert list(series.pes) == [1, 2, 4, 8, 16]
    assert result.column("speedup")[-1] == pytest.approx(6.4, rel=0.01)
    # per-point Karp-Flatt of the fit agrees with each run's summary
    assert series.karp_flatt[1:] == pytest.approx(result.column("karp_flatt")[1:], rel=1e-12)


def test_series_split_by_the_other_varied_settings():
    result = run_sweep(small_amdahl(), {"machine.freq_ghz": [1.0, 2.0],
                                        "machine.cores": [1, 2, 4]})
    assert [dict(s.label) for s in result.series] == [{"machine.freq_ghz": 1.0},
                                                      {"machine.freq_ghz": 2.0}]
    assert [s.rows for s in result.series] == [(0, 1, 2), (3, 4, 5)]
    assert run_sweep(small_amdahl(), {"seed": [1, 2]}).series == ()


def test_weak_scaling_amdahl_is_gustafson():
    # serial work fixed, parallel work x P: T stays, scaled speedup S = P - s (P - 1)
    sc = small_amdahl(serial_fraction=0.2)
    result = run_sweep(sc, {"machine.cores": [1, 2, 4, 8]}, mode="weak")
    assert list(result.column("scale")) == [1, 2, 4, 8]
    assert list(result.column("tasks")) == [49, 97, 193, 385]
    makespans = result.column("makespan_s")
    assert makespans == pytest.approx([makespans[0]] * 4, rel=1e-9)
    assert result.column("speedup") == pytest.approx([1, 1.8, 3.4, 6.6], rel=1e-9)
    assert result.series[0].fit.law == "gustafson"
    assert result.series[0].fit.serial_fraction == pytest.approx(0.2, rel=1e-6)
    assert np.isnan(result.series[0].karp_flatt).all()       # undefined for weak scaling


def test_weak_factor_is_relative_to_the_smallest_pe_count():
    _, scenarios, factors = expand(scenario("bag", tasks=10, flops_per_task=1e6),
                                   {"machine.nodes": [1, 2], "machine.cores": [2, 4]},
                                   mode="weak")
    assert factors == [1.0, 2.0, 2.0, 4.0]
    assert [sc.workload.tasks for sc in scenarios] == [10, 20, 20, 40]


SCALABLE = [k for k in KINDS if hasattr(module_for(k).Params, "scaled")]
# their rule keeps the message size per rank (or has two ranks): the FLOPs do not grow x P
COMM_ONLY = ("pingpong", "allreduce", "bcast", "barrier", "allgather", "alltoall",
             "reduce-scatter", "scatter", "gather")


def test_the_foundation_kinds_have_a_weak_scaling_rule():
    assert {"matmul", "triad", "spmv", "reduction", "bag", "amdahl"} <= set(SCALABLE)


@pytest.mark.parametrize("kind", [k for k in SCALABLE if k not in COMM_ONLY])
def test_each_workload_scaled_grows_the_work(kind):
    params = module_for(kind).Params()
    if kind == "amdahl":
        params.serial_fraction = 0.0   # only the parallel work grows
    small = scenario(kind, **{k: v for k, v in vars(params).items()})
    small = scenario_mod.from_dict(scenario_mod.to_dict(small))
    _, (one, four), _ = expand(small, {"machine.cores": [2, 8]}, mode="weak")
    w1 = build_graph(one, Machine(one.machine)).total_flops
    w4 = build_graph(four, Machine(four.machine)).total_flops
    assert w4 / w1 == pytest.approx(4.0, rel=0.01)


def test_weak_mode_needs_a_rule_and_a_pe_axis(monkeypatch):
    with pytest.raises(ScenarioError, match="vary machine.cores or machine.nodes"):
        expand(small_amdahl(), {"seed": [1, 2]}, mode="weak")
    monkeypatch.delattr(module_for("bag").Params, "scaled")
    with pytest.raises(ScenarioError) as err:
        expand(scenario("bag", tasks=4), {"machine.cores": [1, 2]}, mode="weak")
    assert str(err.value) == ("--mode weak: workload kind 'bag' has no weak-scaling rule "
                              "(its Params has no scaled(factor)); use --mode strong")


def test_weak_growth_past_the_task_limit_is_named():
    sc = scenario("bag", tasks=6_000_000, flops_per_task=1.0)
    with pytest.raises(ScenarioError, match=r"--mode weak at 2 PEs \(problem x2\): workload "
                                            r"would create 12,000,000 tasks"):
        expand(sc, {"machine.cores": [1, 2]}, mode="weak")


def test_cancel_stops_the_sweep():
    with pytest.raises(Cancelled):
        run_sweep(small_amdahl(), {"machine.cores": [1, 2]}, cancel=lambda: True)


def test_csv_has_one_row_per_run(tmp_path):
    result = run_sweep(small_amdahl(), {"machine.cores": [1, 2, 4]})
    path = tmp_path / "sweep.csv"
    result.write_csv(path)
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["machine.cores"] for r in rows] == ["1", "2", "4"]
    assert rows[0]["karp_flatt"] == ""           # undefined at P = 1
    assert float(rows[2]["speedup"]) == result.rows[2]["speedup"]
    assert set(result.rows[0]) <= set(rows[0])


def test_grid_size_is_limited():
    with pytest.raises(ScenarioError, match=r"--vary gives a grid of 10,201 points \(limit 10,000\): give fewer values to --vary"):
        expand(small_amdahl(), {"seed": list(range(101)), "machine.cores": list(range(1, 102))})


@settings(max_examples=20)
@given(cores=st.lists(st.integers(1, 64), min_size=1, max_size=4, unique=True),
       seeds=st.lists(st.integers(0, 9), min_size=1, max_size=3, unique=True))
def test_points_are_the_product_in_order(cores, seeds):
    points, scenarios, _ = expand(small_amdahl(), {"seed": seeds, "machine.cores": cores})
    assert len(points) == len(seeds) * len(cores)
    assert [(sc.seed, sc.machine.cores) for sc in scenarios] == [
        (s, c) for s in seeds for c in cores]


def test_warnings_are_one_csv_cell():
    # an HPL grid of 1 x 2 processes on 2 and 4 cores: the 4-core row warns of 2 idle PEs
    sc = scenario("hpl", {"cores": 2}, n=64, nb=32, p=1, q=2)
    result = run_sweep(sc, {"machine.cores": [2, 4]})
    rows = list(csv.DictReader(result.to_csv_text().splitlines()))
    assert rows[0]["warnings"] == ""
    assert rows[1]["warnings"] == ("HPL grid P x Q = 1 x 2 = 2 processes on 4 PEs: 2 PEs stay "
                                   "idle (a grid of 4 processes would use them all)")
