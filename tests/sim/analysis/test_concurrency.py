"""Concurrency (tasks started and not finished) vs parallelism (PEs running a task)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim import scenario as sm
from parasim.sim.cli import main
from parasim.sim.simulate import simulate
from parasim.sim.steps import count_steps, integral
from parasim.sim.studies.compare import short_names
from tests.helpers import scenario
from tests.sim.engine.test_timeslice import POW2, RATE, sliced


def test_count_steps_by_hand():
    ptr, t, level = count_steps(np.array([0.0, 1.0, 1.0]), np.array([2.0, 3.0, 2.0]),
                                horizon=4.0)
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert level.tolist() == [1, 3, 1, 0, 0]
    assert integral(t, level) == 2.0 + 2.0 + 1.0
    ptr, t, level = count_steps(np.array([0.5]), np.array([1.0]), np.array([1]), 2, 2.0)
    assert ptr.tolist() == [0, 2, 6]
    assert t[:2].tolist() == [0.0, 2.0] and level[:2].tolist() == [0, 0]     # group 0: empty
    assert t[2:].tolist() == [0.0, 0.5, 1.0, 2.0] and level[2:].tolist() == [0, 1, 0, 0]


def test_two_tasks_sliced_on_one_core_by_hand():
    # A[0,q] sw B[q+c,2q+c] sw A[2q+2c,3q+2c] sw B[3q+3c,4q+3c]
    q, c = 2.0 ** -4, 2.0 ** -10
    run = simulate(sliced(tasks=2, flops_per_task=2 * q * RATE, quantum=q, switch=c))
    s = run.summary
    span = 4 * q + 3 * c
    assert run.makespan == span
    assert s["avg_concurrency"] == pytest.approx((3 * q + 2 * c) * 2 / span)
    assert s["avg_parallelism"] == pytest.approx(4 * q / span)
    assert s["max_concurrency"] == 2 and s["max_parallelism"] == 1
    ser = run.extras["concurrency"]
    assert ser["t_s"][0] == 0.0 and ser["t_s"][-1] == span
    assert ser["concurrency"][-1] == 0 and ser["parallelism"][-1] == 0


@settings(max_examples=20)
@given(kind=st.sampled_from(["bag", "io-bag", "amdahl"]), cores=st.integers(1, 4),
       policy=st.sampled_from(["timeslice", "dynamic"]), tasks=st.integers(1, 9),
       quantum=st.sampled_from([2.0 ** -6, 2.0 ** -3, 1.0]), seed=st.integers(0, 5))
def test_concurrency_is_never_below_parallelism(kind, cores, policy, tasks, quantum, seed):
    params = {"bag": {"tasks": tasks, "flops_per_task": 2.0 ** 26, "cv": 0.5,
                      "bytes_per_task": 2.0 ** 22},
              "io-bag": {"tasks": tasks, "flops_per_task": 2.0 ** 26, "io_waits": 2,
                         "io_wait_s": 0.03},
              "amdahl": {"flops": 2.0 ** 28, "tasks": tasks, "serial_fraction": 0.2}}[kind]
    sc = scenario(kind, dict(POW2, cores=cores), policy=policy, seed=seed, **params)
    sc = sc.replace(schedule=type(sc.schedule)(policy, quantum, 2.0 ** -12))
    run = simulate(sc, baseline=False)
    ser = run.extras["concurrency"]
    assert np.all(ser["concurrency"] >= ser["parallelism"])
    assert np.all(ser["parallelism"] <= cores)
    assert np.all(ser["concurrency"] <= max(tasks, 1))
    assert np.all(np.diff(ser["t_s"]) > 0)
    t = run.trace
    for pe in range(cores):                  # a PE does one thing at a time
        m = t.pe == pe
        assert np.all(t.start_s[m][1:] >= t.end_s[m][:-1])
    # the parallelism integral is the PE-seconds spent running tasks
    busy = np.isin(run.trace.kind, (0, 1))
    assert integral(ser["t_s"], ser["parallelism"]) == pytest.approx(
        float(np.sum(run.trace.end_s[busy] - run.trace.start_s[busy])))


def test_preset_one_core_vs_eight_cores():
    one = simulate(sm.load("concurrency-vs-parallelism")).summary
    eight = simulate(sm.load("concurrency-vs-parallelism-8-cores")).summary
    io = simulate(sm.load("concurrency-vs-parallelism-io")).summary
    assert one["max_concurrency"] == 8 and one["max_parallelism"] == 1
    assert one["avg_concurrency"] > 7 and one["speedup"] < 1
    assert eight["avg_concurrency"] == pytest.approx(8) == eight["avg_parallelism"]
    assert eight["speedup"] == pytest.approx(8)
    assert io["max_parallelism"] == 1 and io["speedup"] > 3


def test_short_names():
    assert short_names(["oxen-vs-chickens-oxen", "oxen-vs-chickens-chickens"]) == \
        ["oxen", "chickens"]
    assert short_names(["power-wall", "power-wall-half-clock"]) == \
        ["power-wall", "power-wall-half-clock"]
    assert short_names(["amdahl"]) == ["amdahl"]


def test_compare_verb_side_by_side(capsys):
    assert main(["compare", "oxen-vs-chickens-oxen", "oxen-vs-chickens-chickens",
                 "--vary", "workload.serial_fraction=0,0.1"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0]
    assert "oxen serial_fraction=0" in header and "chickens serial_fraction=0.1" in header
    assert "Energy" in out and "Performance per watt" in out
    assert "fastest: chickens serial_fraction=0;" in out      # no serial part: the flock
    assert "fastest: oxen serial_fraction=0.1;" in out        # 10 % serial: the oxen


@pytest.mark.parametrize("argv, msg", [
    (["compare", "amdahl", "--vary", "nokey"], "--vary expects KEY=V1,V2"),
    (["compare", "amdahl", "--vary", "machine.cores=0"], "machine.cores must be >= 1"),
    (["compare", "no-such-preset"], "no preset or file named"),
])
def test_compare_errors_are_one_line_exit_2(argv, msg, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and msg in err and err.count("\n") == 1
