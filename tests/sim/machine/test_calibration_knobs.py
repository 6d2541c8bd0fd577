"""The knobs calibration sets: machine.dense_efficiency and the intra-node message
latency / bandwidth of [machine.network]."""

import pytest

from parasim.sim import scenario as sm
from parasim.sim.errors import ScenarioError
from parasim.sim.machine.machine import Machine, MachineSpec, MemorySpec
from parasim.sim.machine.network import NetworkSpec
from parasim.sim.simulate import simulate
from tests.helpers import scenario

ONE_NODE = {"nodes": 1, "cores": 2, "freq_ghz": 2.0, "fma_units": 2, "simd_bits": 256,
            "memory": {"bandwidth_gbs": 50.0, "core_bandwidth_gbs": 20.0, "latency_ns": 100.0}}


def test_dense_efficiency_scales_the_vector_rate_only():
    """2 GHz x 2 FMA x 2 x 4 fp64 lanes = 32 GFLOP/s peak; at d = 0.8 a vector task of
    3.2e9 flops takes 3.2e9 / (0.8 x 32e9) = 0.125 s, a scalar one 3.2e9 / 8e9 = 0.4 s."""
    m = Machine(MachineSpec(freq_ghz=2.0, fma_units=2, simd_bits=256, dense_efficiency=0.8))
    assert m.peak("fp64") == pytest.approx(8 * 32e9)             # Rpeak is still the peak
    assert m.compute_time(3.2e9, "fp64", 1.0) == pytest.approx(0.125)
    assert m.compute_time(3.2e9, "fp64", 0.0) == pytest.approx(0.4)


def test_dense_efficiency_slows_a_compute_bound_matmul_by_its_inverse():
    def makespan(d):
        m = dict(ONE_NODE, cores=1, dense_efficiency=d)
        return simulate(scenario("matmul", m, n=256, tile=256), baseline=False).makespan
    assert makespan(0.5) == pytest.approx(2 * makespan(1.0), rel=1e-12)
    # compute-bound: 2 n^3 / 32 GFLOP/s = 1.05 ms; its 1.5 MB take 79 us at 20 GB/s
    assert makespan(1.0) == pytest.approx(2 * 256 ** 3 / 32e9, rel=1e-9)


def test_dense_contention_divides_each_cores_rate_by_1_plus_sigma_n_minus_1():
    """5 cores, sigma 0.25: each core 32 GFLOP/s x 0.8 / (1 + 0.25 x 4) = 12.8 GFLOP/s,
    so 3.2e9 vector flops take 0.25 s; the scalar rate and Rpeak do not change."""
    m = Machine(MachineSpec(cores=5, freq_ghz=2.0, fma_units=2, simd_bits=256,
                            dense_efficiency=0.8, dense_contention=0.25))
    assert m.sustained_rate("fp64") == pytest.approx(12.8e9)
    assert m.compute_time(3.2e9, "fp64", 1.0) == pytest.approx(0.25)
    assert m.compute_time(3.2e9, "fp64", 0.0) == pytest.approx(0.4)
    assert m.peak("fp64") == pytest.approx(5 * 32e9)
    one = Machine(MachineSpec(cores=1, dense_contention=0.25))
    assert one.sustained_rate("fp64") == Machine(MachineSpec(cores=1)).sustained_rate("fp64")


def test_dense_contention_makes_a_compute_bound_speedup_n_over_1_plus_sigma_n_minus_1():
    """4 compute-bound tiles on 4 cores, sigma 0.1: speedup 4 / 1.3 over one core."""
    def makespan(cores, sigma):
        m = dict(ONE_NODE, cores=cores, dense_contention=sigma)
        return simulate(scenario("matmul", m, n=512, tile=256), baseline=False).makespan
    ratio = makespan(1, 0.1) / makespan(4, 0.1)
    assert ratio == pytest.approx(4 / 1.3, rel=0.02)
    assert makespan(4, 0.0) == pytest.approx(makespan(4, 0.1) / 1.3, rel=0.02)


@pytest.mark.parametrize("field, value", [("dense_efficiency", 0), ("dense_efficiency", 1.5),
                                          ("dense_contention", -0.1),
                                          ("dense_contention", 1001)])
def test_dense_efficiency_out_of_range_names_the_field(field, value):
    with pytest.raises(ScenarioError, match=f"machine.{field}"):
        scenario("matmul", dict(ONE_NODE, **{field: value}))


def pingpong(net=None, n=1e6):
    m = dict(ONE_NODE, **({"network": net} if net else {}))
    sc = scenario("pingpong", m, policy="block", bytes=n, repeats=5, peer_node=0)
    return simulate(sc, baseline=False).makespan / 10            # one way


def test_intra_node_messages_default_to_a_memory_copy():
    """Unset: memory latency + 2 n / min(core, node bandwidth) = 100 ns + 2e6 / 20e9."""
    assert pingpong() == pytest.approx(100e-9 + 2e6 / 20e9, rel=1e-9)
    assert pingpong({"latency_us": 7.0}) == pytest.approx(pingpong(), rel=1e-12)


def test_intra_node_latency_and_bandwidth_replace_the_copy():
    """Set: intra_latency + n / intra_bandwidth = 0.5 us + 1e6 / 8e9."""
    t = pingpong({"intra_latency_us": 0.5, "intra_bandwidth_gbs": 8.0})
    assert t == pytest.approx(0.5e-6 + 1e6 / 8e9, rel=1e-9)
    assert pingpong({"intra_latency_us": 0.5}) == pytest.approx(0.5e-6 + 2e6 / 20e9, rel=1e-9)


def test_intra_node_bandwidth_is_capped_by_the_nodes_memory():
    t = pingpong({"intra_latency_us": 0.0, "intra_bandwidth_gbs": 500.0})
    assert t == pytest.approx(1e6 / 50e9, rel=1e-9)


def test_knobs_round_trip_through_toml():
    sc = scenario("pingpong", dict(ONE_NODE, dense_efficiency=0.9,
                                   network={"intra_latency_us": 0.3,
                                            "intra_bandwidth_gbs": 6.5}), peer_node=0)
    back = sm.loads(sm.dumps(sc))
    assert back == sc
    assert back.machine.network == NetworkSpec(intra_latency_us=0.3, intra_bandwidth_gbs=6.5)
    assert back.machine.memory == MemorySpec(50.0, 20.0, 100.0)


def test_cached_intra_node_messages_skip_the_memory():
    """<= 64 KiB: 0.5 us + n / 80 GB/s (above the node's 50 GB/s: no memory traffic);
    larger: 0.5 us + n / 8 GB/s through the memory."""
    net = {"intra_latency_us": 0.5, "intra_bandwidth_gbs": 8.0,
           "intra_cached_bytes": 65536, "intra_cached_bandwidth_gbs": 80.0}
    assert pingpong(net, 65536) == pytest.approx(0.5e-6 + 65536 / 80e9, rel=1e-9)
    assert pingpong(net, 65537) == pytest.approx(0.5e-6 + 65537 / 8e9, rel=1e-9)


def test_cached_bytes_and_bandwidth_go_together():
    with pytest.raises(ScenarioError, match="intra_cached_bytes and intra_cached_bandwidth"):
        scenario("pingpong", dict(ONE_NODE, network={"intra_cached_bytes": 100}),
                 peer_node=0)
