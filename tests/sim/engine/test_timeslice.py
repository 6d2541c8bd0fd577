"""Time slicing and I/O waits: round robin, context-switch spans, blocked tasks free the core."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.cli import main
from parasim.sim.errors import ScenarioError
from parasim.sim.io import trace_csv
from parasim.sim.simulate import simulate
from parasim.sim.trace import KIND_CODE
from tests.helpers import scenario

# 2 x fma_units x f = 2^30 FLOP/s exactly, so task times below are exact binary fractions
POW2 = {"cores": 1, "freq_ghz": 0.536870912, "fma_units": 1, "simd_bits": 64}
RATE = 2.0 ** 30


def sliced(kind="bag", cores=1, quantum=2.0 ** -4, switch=2.0 ** -10, **params):
    sc = scenario(kind, dict(POW2, cores=cores), policy="timeslice", **params)
    return sc.replace(schedule=type(sc.schedule)("timeslice", quantum, switch))


@settings(max_examples=25)
@given(n=st.integers(1, 6), k=st.integers(1, 5))
def test_one_core_makespan_is_total_work_plus_switches_exactly(n, k):
    q, c = 2.0 ** -4, 2.0 ** -10
    run = simulate(sliced(tasks=n, flops_per_task=k * q * RATE, quantum=q, switch=c))
    switches = n * k - 1          # every slice goes to another task, except a lone task's
    if n == 1:
        switches = 0
    assert run.makespan == n * k * q + switches * c
    assert int(np.sum(run.trace.kind == KIND_CODE["switch"])) == switches
    assert run.summary["serial_time_s"] == n * k * q          # no speedup from one core
    assert run.summary["speedup"] <= 1.0


def test_round_robin_order_and_partial_last_slice():
    q, c = 2.0 ** -4, 2.0 ** -10
    run = simulate(sliced(tasks=2, flops_per_task=2.5 * q * RATE, quantum=q, switch=c))
    t = run.trace
    comp = t.kind == KIND_CODE["compute"]
    assert t.task[comp].tolist() == [0, 1, 0, 1, 0, 1]
    assert (t.end_s - t.start_s)[comp].tolist() == [q, q, q, q, q / 2, q / 2]
    assert t.task[t.kind == KIND_CODE["switch"]].tolist() == [1, 0, 1, 0, 1]   # incoming task
    assert run.makespan == 5 * q + 5 * c
    # the flops of a task's slices add up to the task's flops exactly
    assert np.bincount(t.task[comp], weights=t.flops[comp]).tolist() == [2.5 * q * RATE] * 2


def test_more_cores_than_tasks_no_preemption_no_switch():
    q = 2.0 ** -4
    run = simulate(sliced(cores=4, tasks=4, flops_per_task=3 * q * RATE, quantum=q))
    assert run.makespan == 3 * q
    assert not np.any(run.trace.kind == KIND_CODE["switch"])
    assert run.summary["max_parallelism"] == 4


def io_scenario(policy, tasks=4, waits=3, wait_s=2.0 ** -3, burst_q=1, cores=1):
    q = 2.0 ** -4
    sc = scenario("io-bag", dict(POW2, cores=cores), policy=policy, tasks=tasks,
                  flops_per_task=(waits + 1) * burst_q * q * RATE, io_waits=waits,
                  io_wait_s=wait_s)
    return sc.replace(schedule=type(sc.schedule)(policy, q, 2.0 ** -10))


def test_io_waits_one_after_another_hold_the_core():
    run = simulate(io_scenario("dynamic"))
    q, waits, wait_s = 2.0 ** -4, 3, 2.0 ** -3
    assert run.makespan == 4 * ((waits + 1) * q + waits * wait_s)
    assert run.makespan == run.summary["serial_time_s"]
    waits_tr = run.trace.kind == KIND_CODE["wait"]
    assert int(waits_tr.sum()) == 4 * waits and np.all(run.trace.task[waits_tr] >= 0)
    assert run.summary["max_concurrency"] == 1


def test_time_slicing_hides_io_on_one_core():
    run = simulate(io_scenario("timeslice"))
    serial = run.summary["serial_time_s"]
    q, waits, wait_s = 2.0 ** -4, 3, 2.0 ** -3
    assert serial == 4 * ((waits + 1) * q + waits * wait_s)
    assert run.makespan < 0.6 * serial
    assert run.makespan >= max(4 * (waits + 1) * q, (waits + 1) * q + waits * wait_s)
    assert run.summary["max_parallelism"] == 1 and run.summary["max_concurrency"] == 4
    # blocked tasks are not on the PE: no wait spans, the waits are in extras["io"]
    assert not np.any(run.trace.kind == KIND_CODE["wait"])
    io = run.extras["io"]
    assert len(io["task"]) == 4 * waits
    assert np.all(io["end_s"] - io["start_s"] == wait_s)
    assert np.bincount(io["task"]).tolist() == [waits] * 4
    # no compute span of a task overlaps one of its I/O waits
    t = run.trace
    for task, s, e in zip(io["task"], io["start_s"], io["end_s"]):
        m = (t.task == task) & (t.kind == KIND_CODE["compute"])
        assert not np.any((t.start_s[m] < e) & (t.end_s[m] > s))


def test_critical_path_rejects_io():
    with pytest.raises(ScenarioError, match="critical-path"):
        simulate(io_scenario("critical-path"))


def mem_run(policy, quantum, tasks=2, cores=1, lat_ns=0.0, compute_q=2, memory_q=3,
            switch=2.0 ** -10):
    """Tasks of compute_q quanta of arithmetic and memory_q quanta of memory traffic."""
    q, bw = 2.0 ** -4, 2.0 ** 30
    m = {"cores": cores, "freq_ghz": POW2["freq_ghz"], "fma_units": 1, "simd_bits": 64,
         "memory": {"bandwidth_gbs": bw / 1e9 * cores, "core_bandwidth_gbs": bw / 1e9,
                    "latency_ns": lat_ns}}
    sc = scenario("bag", m, policy=policy, tasks=tasks, flops_per_task=compute_q * q * RATE,
                  bytes_per_task=memory_q * q * bw)
    return simulate(sc.replace(schedule=type(sc.schedule)(policy, quantum, switch)))


def test_memory_traffic_spread_over_slices_by_hand():
    q, c = 2.0 ** -4, 2.0 ** -10
    # each slice: q of arithmetic and 1.5 q of memory traffic -> 1.5 q; 4 slices, 3 switches
    run = mem_run("timeslice", q)
    assert run.makespan == pytest.approx(6 * q + 3 * c, rel=1e-12)
    t = run.trace
    stall = t.kind == KIND_CODE["stall"]
    assert int(stall.sum()) == 4
    assert np.allclose((t.end_s - t.start_s)[stall], 0.5 * q)
    assert run.summary["bytes_moved"] == pytest.approx(2 * 3 * q * 2.0 ** 30)
    assert run.summary["flops"] == 2 * 2 * q * RATE


def test_unpreempted_tasks_with_memory_match_the_engine():
    # a quantum longer than any task: no preemption; latency once per task, as in the engine
    sliced_run = mem_run("timeslice", 1.0, tasks=3, cores=2, lat_ns=100.0, switch=0.0)
    engine_run = mem_run("dynamic", 1.0, tasks=3, cores=2, lat_ns=100.0)
    assert sliced_run.makespan == pytest.approx(engine_run.makespan, rel=1e-12)
    assert engine_run.makespan == pytest.approx(2 * (1e-7 + 3 * 2.0 ** -4), rel=1e-12)
    # with a switch cost, core 0 pays one switch (task 0 -> task 2)
    assert mem_run("timeslice", 1.0, tasks=3, cores=2, lat_ns=100.0).makespan == \
        pytest.approx(engine_run.makespan + 2.0 ** -10, rel=1e-12)


def test_quantum_must_be_positive():
    with pytest.raises(ScenarioError, match=r"schedule.quantum_s must be > 0, got 0"):
        scenario_with_schedule({"policy": "timeslice", "quantum_s": 0})
    with pytest.raises(ScenarioError, match=r"schedule.context_switch_s must be >= 0"):
        scenario_with_schedule({"policy": "timeslice", "context_switch_s": -1e-6})


def scenario_with_schedule(schedule):
    from parasim.sim import scenario as sm
    return sm.from_dict({"workload": {"kind": "bag", "tasks": 2}, "schedule": schedule})


def test_timeslice_and_io_runs_are_deterministic():
    for sc in (io_scenario("timeslice", cores=2, tasks=5), sliced(tasks=5, cv=0.7,
               flops_per_task=3e8, cores=2)):
        a, b = simulate(sc), simulate(sc)
        assert trace_csv.to_csv_text(a.trace) == trace_csv.to_csv_text(b.trace)
        assert all(np.array_equal(a.extras["concurrency"][k], b.extras["concurrency"][k])
                   for k in a.extras["concurrency"])


def test_io_bag_flops_and_one_job_time():
    run = simulate(io_scenario("dynamic", tasks=1, waits=2, wait_s=0.25))
    assert run.summary["flops"] == 3 * 2.0 ** -4 * RATE
    assert math.isclose(run.makespan, 3 * 2.0 ** -4 + 2 * 0.25)


def test_io_under_static_cyclic_placement_runs_each_pe_queue_in_order():
    # 4 jobs, 2 cores, cyclic: jobs 0, 2 on PE 0 and 1, 3 on PE 1, each keeps its core
    run = simulate(io_scenario("cyclic", tasks=4, cores=2))
    q, waits, wait_s = 2.0 ** -4, 3, 2.0 ** -3
    job = (waits + 1) * q + waits * wait_s
    assert run.makespan == 2 * job
    t = run.trace
    comp = t.kind == KIND_CODE["compute"]
    assert sorted(set(t.task[comp & (t.pe == 0)].tolist())) == [0, 2]


def test_time_slicing_a_workload_with_messages_is_a_one_line_cli_error(capsys):
    assert main(["run", "cluster-pingpong", "--set", "schedule.policy=timeslice",
                 "--set", "workload.repeats=3"]) == 2
    err = capsys.readouterr().err
    assert err == ("error: schedule.policy 'timeslice' cannot run a workload that sends "
                   "messages (this one sends 6): time slicing and I/O waits have no network "
                   "model; use dynamic, block or cyclic\n")


def test_the_message_error_names_schedule_policy():
    sc = scenario("allreduce", {"nodes": 2}, policy="timeslice", bytes=8.0)
    with pytest.raises(ScenarioError) as err:
        simulate(sc)
    assert err.value.path == "schedule.policy"
