"""The printed summary: n/a where a figure means nothing, one row per time share, the
roofline in the display convention with an infinite intensity spelled out."""

import json

import pytest

from parasim.sim import scenario as scenario_mod
from parasim.sim.report import format_summary, roofline_text, summary_rows
from parasim.sim.simulate import simulate
from tests.helpers import scenario


@pytest.fixture(scope="module")
def runs():
    names = ("cluster-pingpong", "concurrency-vs-parallelism-io", "amdahl",
             "cluster-allreduce-small")
    return {n: simulate(scenario_mod.load(n)) for n in names}


def test_communication_only_run_says_so_and_has_no_roofline(runs):
    run = runs["cluster-pingpong"]
    rows = dict(summary_rows(run.summary))
    assert rows["Note"] == "communication-only workload (no FLOPs)"
    assert rows["Roofline"] == "n/a" and rows["Speedup"] == "n/a"
    assert json.loads(run.summary_json())["roofline_bound"] is None


def test_one_pe_time_slicing_is_a_concurrency_gain_without_efficiency(runs):
    # T1 = 8 x (25 + 4 x 20) ms = 840 ms; time-sliced it takes 219.4 ms
    rows = dict(summary_rows(runs["concurrency-vs-parallelism-io"].summary))
    assert rows["Parallel efficiency"] == "n/a"
    assert rows["Speedup"].endswith("x (concurrency gain: 1 PE)")
    assert 3.7 < float(rows["Speedup"].split()[0]) < 3.9


def test_speedup_keeps_significant_digits(runs):
    # 15 FLOP take 375 ps on one core but the allreduce takes 8 us: S ~ 4.7e-5, not 0.000
    s = runs["cluster-allreduce-small"].summary
    assert dict(summary_rows(s))["Speedup"] == f"{s['speedup']:.4g} x"
    assert dict(summary_rows(s))["Speedup"].startswith("4.6")


def test_time_shares_are_four_rows(runs):
    # amdahl: 10 % serial on 16 cores -> S = 6.4, busy 6.4 / 16 = 40 %, idle 60 %
    rows = dict(summary_rows(runs["amdahl"].summary))
    assert rows["Time computing"] == "40.0 %" and rows["Time idle"] == "60.0 %"
    assert rows["Time stalled on memory"] == "0.0 %" and rows["Time communicating"] == "0.0 %"
    assert not any(label.startswith("Time:") for label in rows)
    assert "Time switching context" not in rows                  # only when switches happen
    io_rows = dict(summary_rows(runs["concurrency-vs-parallelism-io"].summary))
    assert "Time switching context" in io_rows


def test_infinite_intensity_text_and_json_agree(runs):
    run = runs["amdahl"]                      # no memory traffic at all
    assert dict(summary_rows(run.summary))["Roofline"].startswith("∞ (no memory traffic)")
    assert json.loads(run.summary_json())["arithmetic_intensity"] is None   # JSON: null
    assert "inf" not in format_summary(run.summary)


def test_roofline_line_follows_the_convention():
    s = {"arithmetic_intensity": 4.0, "ridge_point": 2.0, "roofline_bound": "compute"}
    assert roofline_text(s, "FLOP", 1.0) == "4 FLOP/B vs ridge 2 FLOP/B: compute-bound"
    assert roofline_text(s, "MAC", 0.5) == "2 MAC/B vs ridge 1 MAC/B: compute-bound"
    assert "MAC/B" in dict(summary_rows({**s, "flops": 8.0, "makespan_s": 1.0,
                                         "flops_per_s": 8.0, "pes": 2, "bytes_moved": 2.0},
                                        "macs"))["Roofline"]


def test_smp_matmul_lesson_says_full_peak_is_an_idealisation():
    sc = scenario_mod.load("smp-matmul")
    assert simulate(sc, baseline=False).summary["fraction_of_peak"] == pytest.approx(1.0)
    assert "idealisation" in sc.explain and "85-95 % of peak" in sc.explain


def test_one_pe_without_overlap_is_a_plain_speedup_of_one():
    s = simulate(scenario("bag", {"cores": 1}, tasks=4, flops_per_task=1e6)).summary
    rows = dict(summary_rows(s))
    assert rows["Speedup"] == "1 x" and rows["Parallel efficiency"] == "n/a"


def test_key_figures_name_the_lesson_numbers():
    from parasim.sim.report import key_figures
    s = {"makespan_s": 0.02, "speedup": 4.0, "flops": 1e6, "flops_per_s": 5e7,
         "avg_power_w": 8.4}
    assert key_figures(s) == [("MAKESPAN", "20 ms"), ("SPEEDUP", "4x"),
                              ("ACHIEVED", "50 MFLOP/s"), ("AVG POWER", "8.4 W")]
    assert key_figures(s, "macs")[2] == ("ACHIEVED", "25 MMAC/s")
    assert key_figures({"makespan_s": 1.0, "flops": 0}) == [("MAKESPAN", "1 s")]
