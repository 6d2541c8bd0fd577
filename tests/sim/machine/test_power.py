"""Power and energy: C V^2 f by hand, V/f interpolation, the power wall, energy = integral."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim import scenario as sm
from parasim.sim.cli import main
from parasim.sim.errors import ScenarioError
from parasim.sim.io import trace_csv
from parasim.sim.machine.power import PowerSpec, link_count
from parasim.sim.simulate import simulate
from parasim.sim.steps import integral, level_at
from parasim.sim.trace import KIND_CODE
from tests.helpers import scenario


def node_series(series: dict, node: int):
    """(t_s, watts) of one node: entries node_ptr[node]:node_ptr[node + 1] of the CSR."""
    a, b = series["node_ptr"][node], series["node_ptr"][node + 1]
    return series["node_t_s"][a:b], series["node_watts"][a:b]


def test_dynamic_power_is_a_c_v2_f_by_hand():
    p = PowerSpec(vf_curve=[[1.0, 0.8], [3.0, 1.2]], capacitance_nf=1.5, activity=0.8,
                  static_w=0.7)
    # V(2 GHz) = 1.0; P = 0.8 x 1.5e-9 F x 1.0^2 V^2 x 2e9 Hz = 2.4 W
    idle, dyn = p.core_watts(2.0)
    assert idle == 0.7
    assert math.isclose(dyn, 2.4, rel_tol=1e-12)
    # V(2.5 GHz) = 1.1; P = 0.8 x 1.5e-9 x 1.21 x 2.5e9 = 3.63 W
    assert math.isclose(p.core_watts(2.5)[1], 3.63, rel_tol=1e-12)


def test_vf_curve_interpolation_and_single_point():
    p = PowerSpec(vf_curve=[[1.0, 0.8], [3.0, 1.2], [4.0, 1.6]])
    assert math.isclose(p.voltage(2.5), 1.1)
    assert math.isclose(p.voltage(3.5), 1.4)
    assert p.voltage(1.0) == 0.8 and p.voltage(4.0) == 1.6
    assert PowerSpec(vf_curve=[[2.0, 0.9]]).voltage(3.3) == 0.9
    with pytest.raises(ScenarioError, match=r"machine.freq_ghz must lie within "
                                            r"machine.power.vf_curve \(1.0 to 4.0 GHz\), got 5.0"):
        p.voltage(5.0)


def test_datasheet_model_is_linear_in_load():
    p = PowerSpec(model="datasheet", idle_w=10.0, busy_w=25.0)
    assert p.core_watts(99.0) == (10.0, 15.0)


def power_run(power, cores=1, freq=1.0, **work):
    m = {"cores": cores, "freq_ghz": freq, "fma_units": 1, "simd_bits": 64, "power": power}
    return simulate(scenario(work.pop("kind", "bag"), m, **work))


def test_two_cores_at_half_f_and_v_quarter_dynamic_power_same_time():
    curve = [[1.0, 0.5], [2.0, 1.0]]
    power = {"vf_curve": curve, "capacitance_nf": 1.0, "activity": 1.0, "static_w": 0.0,
             "uncore_w": 0.0}
    fast = power_run(power, cores=1, freq=2.0, tasks=4, flops_per_task=1e9)
    slow = power_run(power, cores=2, freq=1.0, tasks=4, flops_per_task=1e9)
    assert slow.makespan == pytest.approx(fast.makespan, rel=0.01)
    p_fast = fast.summary["dynamic_energy_j"] / fast.makespan
    p_slow = slow.summary["dynamic_energy_j"] / slow.makespan
    assert p_slow / p_fast == pytest.approx(0.25, rel=0.01)
    assert slow.summary["avg_power_w"] / fast.summary["avg_power_w"] == pytest.approx(0.25)
    assert fast.summary["voltage_v"] == 1.0 and slow.summary["voltage_v"] == 0.5


def two_phase(power, nodes=1, cores=2):
    # rate 2 GFLOP/s per core: serial 2e9 FLOPs = 1 s on one core, then 2 x 1e9 on two: 0.5 s
    m = {"nodes": nodes, "cores": cores, "freq_ghz": 1.0, "fma_units": 1, "simd_bits": 64,
         "power": power}
    return simulate(scenario("amdahl", m, flops=4e9, serial_fraction=0.5, tasks=2))


def test_energy_is_the_integral_of_power_two_phases_by_hand():
    run = two_phase({"vf_curve": [[1.0, 1.0]], "capacitance_nf": 1.0, "activity": 0.5,
                     "static_w": 1.0, "uncore_w": 2.0})
    s = run.summary
    # idle chip 2 x 1 + 2 = 4 W; a busy core adds 0.5 x 1 nF x 1 V^2 x 1 GHz = 0.5 W
    # phase 1: 1 s at 4.5 W; phase 2: 0.5 s at 5 W -> 4.5 + 2.5 = 7 J
    assert run.makespan == 1.5
    assert s["energy_j"] == pytest.approx(7.0, rel=1e-12)
    assert s["static_energy_j"] == pytest.approx(6.0) and s["dynamic_energy_j"] == 1.0
    assert s["avg_power_w"] == pytest.approx(7.0 / 1.5)
    assert s["peak_power_w"] == 5.0
    assert s["edp"] == pytest.approx(10.5)
    assert s["flops_per_watt"] == pytest.approx(4e9 / 1.5 / 1e9 / (7.0 / 1.5))
    ser = run.extras["power"]
    assert level_at(ser["t_s"], ser["watts"], np.array([0.0, 0.99, 1.0, 1.49])).tolist() == \
        [4.5, 4.5, 5.0, 5.0]
    assert integral(ser["t_s"], ser["watts"]) == pytest.approx(7.0)


def test_datasheet_energy_and_links_per_node_by_hand():
    run = two_phase({"model": "datasheet", "idle_w": 1.0, "busy_w": 4.0, "uncore_w": 0.0},
                    cores=2)
    assert run.summary["energy_j"] == pytest.approx(5.0 * 1.0 + 8.0 * 0.5)   # (1+4), (4+4) W
    # 2 nodes of 1 core, 2 links: idle 2 x (1 + 2) + 2 x 0.5 = 7 W; busy core +0.5 W
    run = two_phase({"vf_curve": [[1.0, 1.0]], "capacitance_nf": 1.0, "activity": 0.5,
                     "static_w": 1.0, "uncore_w": 2.0, "link_w": 0.5}, nodes=2, cores=1)
    assert run.summary["energy_j"] == pytest.approx(7.5 * 1.0 + 8.0 * 0.5)
    ser = run.extras["power"]
    t0, w0 = node_series(ser, 0)
    t1, w1 = node_series(ser, 1)
    at = np.array([0.5, 1.2])
    assert level_at(t0, w0, at).tolist() == [3.5, 3.5]      # node 0 runs the serial part
    assert level_at(t1, w1, at).tolist() == [3.0, 3.5]
    assert integral(t0, w0) + integral(t1, w1) + 1.0 * 1.5 == pytest.approx(11.5)


@pytest.mark.parametrize("power, match", [
    ({"vf_curve": [[2.0, 1.0], [1.0, 0.8]]}, "machine.power.vf_curve frequencies must increase"),
    ({"vf_curve": [[1.0, -0.8]]}, r"machine.power.vf_curve\[0\] must be \[freq_ghz > 0"),
    ({"vf_curve": [[1.0]]}, r"machine.power.vf_curve\[0\] must be"),
    ({"vf_curve": []}, "machine.power.vf_curve needs at least one"),
    ({"vf_curve": [[1.0, 0.8], [2.0, 1.0]]}, "machine.freq_ghz must lie within"),
    ({"activity": 1.5}, "machine.power.activity must be <= 1, got 1.5"),
    ({"capacitance_nf": 0}, "machine.power.capacitance_nf must be > 0, got 0"),
    ({"model": "datasheet", "idle_w": 5.0, "busy_w": 2.0}, "machine.power.busy_w must be >="),
    ({"model": "magic"}, "machine.power.model must be one of"),
])
def test_power_validation_errors_name_the_path(power, match):
    with pytest.raises(ScenarioError, match=match):
        sm.from_dict({"machine": {"freq_ghz": 2.5, "power": power},
                      "workload": {"kind": "bag", "tasks": 2}})


def test_power_spec_round_trips_through_toml():
    sc = sm.load("power-wall")
    again = sm.loads(sm.dumps(sc))
    assert again.machine.power == sc.machine.power


def test_power_wall_presets_same_time_quarter_dynamic_power():
    fast, slow = simulate(sm.load("power-wall")), simulate(sm.load("power-wall-half-clock"))
    assert slow.makespan == pytest.approx(fast.makespan, rel=0.01)
    ratio = (slow.summary["dynamic_energy_j"] / slow.makespan) / \
        (fast.summary["dynamic_energy_j"] / fast.makespan)
    assert ratio == pytest.approx(0.25, rel=0.01)


def test_run_without_power_has_no_power_keys():
    run = simulate(scenario("bag", {"cores": 2}, tasks=4, flops_per_task=1e8))
    assert "energy_j" not in run.summary and "power" not in run.extras


def test_cli_run_prints_power_figures(capsys):
    assert main(["run", "power-wall"]) == 0
    out = capsys.readouterr().out
    for label in ("Energy", "Average power", "Peak power", "Energy: static / dynamic",
                  "Performance per watt", "Energy-delay product", "Concurrency"):
        assert label in out
    assert "15.2 GFLOP/s/W" in out         # 128 GFLOP/s / 8.4 W


def test_cli_power_error_is_one_line_exit_2(capsys):
    assert main(["run", "power-wall", "--set", "machine.freq_ghz=3.0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: machine.freq_ghz must lie within") and err.count("\n") == 1


@settings(max_examples=15)
@given(kind=st.sampled_from(["bag", "amdahl", "io-bag"]), nodes=st.integers(1, 3),
       cores=st.integers(1, 3), policy=st.sampled_from(["dynamic", "timeslice", "cyclic"]),
       model=st.sampled_from(["cmos", "datasheet"]), seed=st.integers(0, 3))
def test_energy_integral_equals_static_plus_dynamic(kind, nodes, cores, policy, model, seed):
    params = {"bag": {"tasks": 7, "flops_per_task": 3e7, "cv": 0.6, "bytes_per_task": 1e7},
              "amdahl": {"flops": 2e8, "tasks": 5, "serial_fraction": 0.3},
              "io-bag": {"tasks": 5, "flops_per_task": 3e7, "io_waits": 2,
                         "io_wait_s": 1e-3}}[kind]
    power = {"model": model, "vf_curve": [[1.0, 0.8], [3.0, 1.2]], "link_w": 0.3}
    m = {"nodes": nodes, "cores": cores, "freq_ghz": 2.0, "power": power}
    run = simulate(scenario(kind, m, policy=policy, seed=seed, **params), baseline=False)
    s, ser = run.summary, run.extras["power"]
    assert s["energy_j"] == pytest.approx(s["static_energy_j"] + s["dynamic_energy_j"],
                                          rel=1e-9)
    assert s["peak_power_w"] >= s["avg_power_w"] * (1 - 1e-12)
    node_e = sum(integral(*node_series(ser, k)) for k in range(nodes))
    links = 0.3 * (nodes if nodes > 1 else 0) * run.makespan
    assert node_e + links == pytest.approx(s["energy_j"], rel=1e-9)
    assert np.all(np.diff(ser["t_s"]) > 0) and ser["t_s"][-1] == run.makespan


def test_oxen_vs_chickens_who_wins_when():
    def both(s):
        return [simulate(sm.load(f"oxen-vs-chickens-{k}",
                                 [f"workload.serial_fraction={s}"])).summary
                for k in ("oxen", "chickens")]
    ox, ch = both(0.0)
    assert ch["makespan_s"] < ox["makespan_s"] and ch["energy_j"] < ox["energy_j"]
    ox, ch = both(0.01)          # the oxen finish first, the chickens use less energy
    assert ox["makespan_s"] < ch["makespan_s"] and ch["energy_j"] < ox["energy_j"]
    ox, ch = both(0.1)
    assert ox["makespan_s"] < ch["makespan_s"] and ox["energy_j"] < ch["energy_j"]


def test_power_series_are_deterministic():
    sc = sm.load("concurrency-vs-parallelism-io", ["machine.cores=2"])
    a, b = simulate(sc), simulate(sc)
    assert trace_csv.to_csv_text(a.trace) == trace_csv.to_csv_text(b.trace)
    for k in a.extras["power"]:
        assert np.array_equal(a.extras["power"][k], b.extras["power"][k])
    assert a.summary_json() == b.summary_json()


@pytest.mark.parametrize("network, nodes, links", [
    ({"topology": "ring"}, 4, 4),
    ({"topology": "torus2d", "mesh_x": 3}, 9, 18),
])
def test_link_power_counts_the_topologys_physical_links_by_hand(network, nodes, links):
    # amdahl: 1 s serial on node 0, then two 0.5 s tasks on nodes 0 and 1 (1 core each)
    power = {"vf_curve": [[1.0, 1.0]], "capacitance_nf": 1.0, "activity": 0.5,
             "static_w": 1.0, "uncore_w": 2.0, "link_w": 0.5}
    m = {"nodes": nodes, "cores": 1, "freq_ghz": 1.0, "fma_units": 1, "simd_bits": 64,
         "power": power, "network": network}
    run = simulate(scenario("amdahl", m, flops=4e9, serial_fraction=0.5, tasks=2))
    static = nodes * (1.0 + 2.0) + 0.5 * links       # ring: 12 + 2 W; torus: 27 + 9 W
    assert run.makespan == 1.5
    assert run.summary["static_energy_j"] == pytest.approx(static * 1.5, rel=1e-12)
    assert run.summary["energy_j"] == pytest.approx((static + 0.5) * 1.0 + (static + 1.0) * 0.5,
                                                    rel=1e-12)
    assert link_count(run.scenario.machine.network, nodes) == links
    assert link_count(run.scenario.machine.network, 1) == 0


def test_send_and_recv_spans_draw_busy_power_but_are_not_parallelism():
    # 3 nodes, pingpong between nodes 0 and 1: each message 1 us + 1e3 B / 1 GB/s = 2 us,
    # 2 round trips = 8 us; one PE in send, the other in recv all the time, node 2 idle.
    power = {"model": "datasheet", "idle_w": 1.0, "busy_w": 3.0, "uncore_w": 0.0}
    m = {"nodes": 3, "cores": 1, "power": power,
         "network": {"latency_us": 1.0, "bandwidth_gbs": 1.0}}
    run = simulate(scenario("pingpong", m, bytes=1e3, repeats=2))
    s = run.summary
    assert run.makespan == pytest.approx(8e-6, rel=1e-12)
    assert s["dynamic_energy_j"] == pytest.approx(2 * 2.0 * 8e-6, rel=1e-12)
    assert s["energy_j"] == pytest.approx((3 * 1.0 + 2 * 2.0) * 8e-6, rel=1e-12)   # 7 W
    assert s["avg_parallelism"] == 0.0 and s["avg_concurrency"] == 2.0


@settings(max_examples=12)
@given(topology=st.sampled_from(["crossbar", "bus", "ring", "mesh2d", "torus2d", "fattree"]),
       nodes=st.integers(2, 6), cores=st.integers(1, 2),
       algorithm=st.sampled_from(["ring", "tree", "recursive-doubling"]))
def test_energy_with_messages_is_static_plus_busy_including_send_recv(topology, nodes, cores,
                                                                      algorithm):
    power = {"model": "datasheet", "idle_w": 1.0, "busy_w": 3.0, "uncore_w": 2.0,
             "link_w": 0.25}
    m = {"nodes": nodes, "cores": cores, "power": power, "network": {"topology": topology}}
    run = simulate(scenario("allreduce", m, bytes=1e5, algorithm=algorithm), baseline=False)
    s, tr, T = run.summary, run.trace, run.makespan
    busy = np.isin(tr.kind, [KIND_CODE[k] for k in ("compute", "stall", "switch", "send",
                                                     "recv")])
    assert np.any(tr.kind[busy] == KIND_CODE["recv"])
    assert s["dynamic_energy_j"] == pytest.approx(2.0 * np.sum(tr.end_s[busy] - tr.start_s[busy]),
                                                  rel=1e-9)
    links = link_count(run.scenario.machine.network, nodes)
    assert s["static_energy_j"] == pytest.approx((nodes * (cores + 2.0) + 0.25 * links) * T,
                                                 rel=1e-9)
    assert s["energy_j"] == pytest.approx(s["static_energy_j"] + s["dynamic_energy_j"], rel=1e-9)
    node_e = sum(integral(*node_series(run.extras["power"], k)) for k in range(nodes))
    assert node_e + 0.25 * links * T == pytest.approx(s["energy_j"], rel=1e-9)
