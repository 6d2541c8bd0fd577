"""The heterogeneous engine against hand-computed values (engine/hetero.py)."""

import math

import numpy as np
import pytest

from parasim.sim import spec
from parasim.sim.engine.hetero import HeteroEngine
from parasim.sim.errors import ScenarioError
from parasim.sim.machine.machine import Machine, MachineSpec
from parasim.sim.taskgraph import GraphBuilder
from parasim.sim.trace import KIND_CODE

US = 1e-6


def machine(cpu=None, device=None, **kw) -> Machine:
    data = {"cores": 1, **kw}
    if cpu is not None:
        data["cpu"] = cpu
    if device is not None:
        data["device"] = device
    return Machine(spec.from_dict(MachineSpec, data, "machine"))


DEV = {"name": "gpu", "sms": 1, "freq_ghz": 1.0, "fma_units": 4, "simd_bits": 512,
       "link_gbs": 10.0, "link_latency_us": 5.0, "launch_latency_us": 0.0}


def run(m, g, policy="dynamic"):
    e = HeteroEngine(m, g, policy)
    makespan, trace = e.run()
    return e, makespan, trace


def test_validation_names_the_path():
    with pytest.raises(ScenarioError, match=r"machine.device\[0\].sms must be >= 1, got 0"):
        machine(device=[{**DEV, "sms": 0}])


def test_a_task_for_a_missing_kind_is_refused_with_its_name():
    b = GraphBuilder()
    b.add(1e6, where="gpu", name="kernel1")
    with pytest.raises(ScenarioError, match="kernel1 may run only on 'gpu'"):
        HeteroEngine(machine(cpu=[{"name": "big", "count": 2}]), b.build())


def test_one_copy_alone_takes_latency_plus_bytes_over_bandwidth():
    b = GraphBuilder()
    a = b.add(0.0, where="cpu")
    b.add(0.0, deps=[a], where="gpu", reads=[1e6])
    e, makespan, trace = run(machine(device=[DEV]), b.build())
    assert makespan == pytest.approx(5 * US + 1e6 / 10e9)
    copy = trace.kind == KIND_CODE["copy"]
    assert trace.pe[copy].tolist() == [1] and trace.bytes[copy].tolist() == [1e6]
    assert trace.end_s[copy][0] == pytest.approx(105 * US)


def test_two_concurrent_copies_share_the_link():
    b = GraphBuilder()
    a1, a2 = b.add(0.0, where="cpu"), b.add(0.0, where="cpu")
    b.add(0.0, deps=[a1], where="gpu", reads=[1e6])
    b.add(0.0, deps=[a2], where="gpu", reads=[1e6])
    _, makespan, _ = run(machine(cores=2, device=[{**DEV, "sms": 2}]), b.build())
    assert makespan == pytest.approx(5 * US + 2e6 / 10e9)


def test_a_copied_input_is_reused_by_later_readers_in_that_domain():
    b = GraphBuilder()
    a = b.add(0.0, where="cpu")
    c = b.add(0.0, deps=[a], where="gpu", reads=[1e6])
    b.add(0.0, deps=[a, c], where="gpu", reads=[1e6, 0.0])
    e, makespan, _ = run(machine(device=[DEV]), b.build())
    assert len(e.copies) == 1 and makespan == pytest.approx(105 * US)


def test_kernel_blocks_take_ceil_b_over_s_block_times_plus_launch():
    dev = {**DEV, "sms": 4, "launch_latency_us": 7.0}
    m = machine(device=[dev])
    block = 1e6 / m.groups[1].vector_rate("fp64")
    b = GraphBuilder()
    for _ in range(10):
        b.add(1e6, where="gpu", block=True)
    _, makespan, trace = run(m, b.build())
    assert makespan == pytest.approx(7 * US + math.ceil(10 / 4) * block)


def test_fp16_matmul_uses_matrix_units_other_work_the_vector_lanes():
    m = machine(device=[{**DEV, "matrix_fp16": 2048.0}])
    g = m.groups[1]
    assert g.matrix_rate("fp16") == 2048e9 and g.vector_rate("fp16") == 1e9 * 2 * 4 * 32
    for matrix, rate in ((True, 2048e9), (False, 256e9)):
        b = GraphBuilder(precision="fp16")
        b.add(2.048e9, where="gpu", matrix=matrix)
        assert run(m, b.build())[1] == pytest.approx(2.048e9 / rate)


def test_big_little_two_tasks_time_and_energy_by_hand():
    """Big: 3 GHz x 2 FMA x 8 fp64 lanes x 2 = 96 GFLOP/s, 1 W idle / 5 W busy;
    little: 1.8 GHz x 1 FMA x 2 lanes x 2 = 7.2 GFLOP/s, 0.1 / 0.5 W. Two tasks of
    9.6 GFLOP (dynamic): big 0.1 s, little 1.3333 s. Energy = idle x T for both +
    busy extra: (1 + 0.1) x 4/3 + 4 x 0.1 + 0.4 x 4/3 = 2.4 J."""
    from parasim.sim.analysis.power import unit_power
    ds = lambda i, b: {"model": "datasheet", "idle_w": i, "busy_w": b}  # noqa: E731
    m = machine(cpu=[{"name": "big", "count": 1, "freq_ghz": 3.0, "fma_units": 2,
                      "simd_bits": 512, "power": ds(1.0, 5.0)},
                     {"name": "little", "count": 1, "freq_ghz": 1.8, "fma_units": 1,
                      "simd_bits": 128, "power": ds(0.1, 0.5)}])
    b = GraphBuilder()
    b.add(9.6e9)
    b.add(9.6e9)
    _, makespan, trace = run(m, b.build())
    assert makespan == pytest.approx(9.6e9 / 7.2e9)
    _, keys = unit_power(m, trace, 0.0, 0.0, makespan)
    assert keys["energy_j"] == pytest.approx(1.1 * 4 / 3 + 0.4 + 0.4 * 4 / 3)
    assert keys["unit_energy_j"]["big"] == pytest.approx(4 / 3 + 0.4)


def test_staged_device_to_device_copy_goes_through_the_host():
    m = machine(device=[{**DEV, "count": 2}])
    b = GraphBuilder()
    a = b.add(0.0, where="gpu[0]")
    b.add(0.0, deps=[a], where="gpu[1]", reads=[1e6])
    _, makespan, _ = run(m, b.build())
    assert makespan == pytest.approx(2 * (5 * US + 1e6 / 10e9))


def test_peer_link_copies_directly():
    m = machine(device=[{**DEV, "count": 2, "peer_link_gbs": 50.0,
                         "peer_link_latency_us": 2.0}])
    b = GraphBuilder()
    a = b.add(0.0, where="gpu[0]")
    b.add(0.0, deps=[a], where="gpu[1]", reads=[1e6])
    assert run(m, b.build())[1] == pytest.approx(2 * US + 1e6 / 50e9)


def test_heft_places_gpu_friendly_work_on_the_gpu():
    m = machine(cores=2, device=[{**DEV, "sms": 2, "matrix_fp64": 512.0}])
    b = GraphBuilder()
    src = b.add(1e6, where="cpu")
    for _ in range(4):
        b.add(5e8, deps=[src], matrix=True, reads=[1e5])
    e, makespan, trace = run(m, b.build(), "heft")
    assert all(e.pe_group[e.ran_on[t]] == 1 for t in range(1, 5))
    _, dyn, _ = run(m, b.build(), "dynamic")
    assert makespan < dyn
    assert np.isfinite(makespan)


def test_a_hetero_run_is_deterministic_and_its_csv_round_trips(tmp_path):
    from parasim.sim import scenario
    from parasim.sim.run import Run
    from parasim.sim.simulate import simulate
    sc = scenario.load("hetero-dag-heft", ["workload.tasks=40"])
    a, b = simulate(sc, baseline=False), simulate(sc, baseline=False)
    assert a.trace.equals(b.trace)
    assert (a.trace.kind == KIND_CODE["copy"]).any()
    path = tmp_path / "t.csv"
    a.write_csv(path)
    assert Run.from_trace_csv(path).trace.equals(a.trace)


def test_homogeneous_runs_keep_the_plain_engine():
    from parasim.sim.engine.engine import Engine
    from parasim.sim.engine.schedule import ScheduleSpec
    from parasim.sim.engine.timeslice import make_engine
    b = GraphBuilder()
    b.add(1e6)
    m = machine(cores=2)
    assert type(make_engine(m, b.build(), ScheduleSpec())) is Engine
    assert type(make_engine(m, b.build(), ScheduleSpec("heft"))) is HeteroEngine


def test_a_task_waiting_for_its_copy_is_in_that_state():
    from parasim.sim.analysis.task_states import task_states
    b = GraphBuilder()
    a = b.add(0.0, where="cpu")
    b.add(1e6, deps=[a], where="gpu", reads=[1e6])
    _, makespan, trace = run(machine(device=[DEV]), b.build())
    states = task_states(trace)
    c = states["waiting for a copy"]
    assert c["task"].tolist() == [1] and c["end_s"][0] == pytest.approx(105 * US)
    assert states["running"]["start_s"][-1] == pytest.approx(105 * US)
    assert len(states["waiting"]["task"]) == 0


def test_group_tables_are_validated_by_path():
    with pytest.raises(ScenarioError, match=r"machine.cpu needs at least one table"):
        machine(cpu=[])
    with pytest.raises(ScenarioError, match=r"machine.cpu\[1\].name must be unique"):
        machine(cpu=[{"name": "big"}, {"name": "big"}])
    with pytest.raises(ScenarioError, match=r"machine.device\[0\].simd_bits must be a "
                                            r"multiple of 64, got 100"):
        machine(device=[{**DEV, "simd_bits": 100}])


def test_peaks_per_group_by_hand():
    """A100-like: 108 SMs x 1.41 GHz x 2 x 4 FMA x 8 fp64 lanes = 9.74 TFLOP/s vector,
    x 128 FLOPs/cycle = 19.5 TFLOP/s on the matrix units; plus 2 cores x 2.5 GHz x 16."""
    m = machine(cores=2, device=[{"sms": 108, "freq_ghz": 1.41, "matrix_fp64": 128.0,
                                  "matrix_fp16": 2048.0}])
    gpu = m.groups[1]
    assert gpu.vector_rate("fp64") * 108 == pytest.approx(9.746e12, rel=1e-3)
    assert gpu.peak("fp64") * 108 == pytest.approx(19.49e12, rel=1e-3)
    assert gpu.peak("fp16") * 108 == pytest.approx(311.9e12, rel=1e-3)
    assert m.peak("fp64") == pytest.approx(2 * 2.5e9 * 16 + 108 * 1.41e9 * 128)
    assert m.pes == 110 and m.group_of(2) is gpu and gpu.scalar_rate() == 1.41e9 * 2


def test_dense_efficiency_scales_every_group_like_the_plain_engine():
    b = GraphBuilder()
    b.add(1e9, where="gpu")
    full = run(machine(device=[DEV]), b.build())[1]
    half = run(machine(dense_efficiency=0.5, device=[DEV]), b.build())[1]
    assert full == pytest.approx(1e9 / (1e9 * 2 * 4 * 8)) and half == pytest.approx(2 * full)


def two_nodes(network: str) -> Machine:
    """Two nodes of one core and one 1-SM GPU (PEs 0, 1 | 2, 3); alpha 2 µs, beta 25 GB/s."""
    return machine(device=[{**DEV, "network": network}], nodes=2,
                   network={"latency_us": 2.0, "bandwidth_gbs": 25.0})


@pytest.mark.parametrize("network, src, dst, expected, hops", [
    # D2H (5 µs + 1 MB / 10 GB/s) + alpha + n / beta (2 µs + 40 µs) + H2D
    ("staged", 1, 3, 105 * US + 42 * US + 105 * US, [(0, 0, -1), (1, -1, 0)]),
    ("direct", 1, 3, 42 * US, []),
    ("staged", 1, 2, 105 * US + 42 * US, [(0, 0, -1)]),      # GPU -> the other node's CPU
    ("staged", 2, 1, 42 * US + 105 * US, [(0, -1, 0)]),      # CPU -> the other node's GPU
])
def test_a_gpu_message_across_nodes_is_staged_or_direct(network, src, dst, expected, hops):
    b = GraphBuilder()
    a = b.add(0.0, owner=src)
    c = b.add(0.0, owner=dst)
    b.message(a, c, 1e6, blocking=True)
    e, makespan, trace = run(two_nodes(network), b.build())
    assert makespan == pytest.approx(expected)
    assert [c[:3] for c in e.copies] == hops and all(c[5] == 1e6 for c in e.copies)
    assert e.net.critical_path() == pytest.approx(expected)    # the copies are in it
    recv = trace.kind == KIND_CODE["recv"]
    assert trace.pe[recv].tolist() == [dst] and trace.end_s[recv][0] == pytest.approx(expected)


def test_a_staged_blocking_send_ends_at_network_delivery():
    b = GraphBuilder()
    a = b.add(0.0, owner=1)
    c = b.add(0.0, owner=3)
    b.message(a, c, 1e6, blocking=True)
    _, _, trace = run(two_nodes("staged"), b.build())
    send = trace.kind == KIND_CODE["send"]
    assert trace.start_s[send][0] == 0.0 and trace.end_s[send][0] == pytest.approx(147 * US)


def test_device_network_is_validated():
    with pytest.raises(ScenarioError, match=r"machine.device\[0\].network must be one of "
                                            r"'staged', 'direct', got 'nvlink'"):
        machine(device=[{**DEV, "network": "nvlink"}])
