"""The real-machine probes, briefly (`pytest -m probe`; CI runs them on their own).

They check that each probe runs and returns plausible figures, not the figures
themselves: those depend on the machine and on whatever else it is running."""

import numpy as np
import pytest

from parasim.sim import scenario as sm
from parasim.sim.cli import main
from parasim.sim.studies import probes

pytestmark = pytest.mark.probe


def test_matmul_and_blas_kernel():
    t = probes.matmul_time(128, 1, repeats=2)
    assert 0 < t < 5 and 2 * 128 ** 3 / t > 1e8            # over 0.1 GFLOP/s
    assert probes.blas_info() == {} or probes.blas_kernel().split()[1] != "?"


@pytest.mark.parametrize("clock", probes.CLOCKS)
def test_stream_workers_each_report_a_time(clock):
    times = probes.stream_times("triad", 1 << 16, 2, repeats=2, clock=clock)
    assert len(times) == 2 and all(0 < t < 5 for t in times)


def test_cpu_clock_leaves_out_waiting():
    """A one-thread matmul's CPU time is at most its wall time (+ timer resolution)."""
    wall = probes.matmul_time(256, 1, repeats=3, stat="min")
    cpu = probes.matmul_time(256, 1, repeats=3, stat="min", clock="cpu")
    assert 0 < cpu <= wall * 1.2 + 1e-3


@pytest.mark.parametrize("transport", probes.TRANSPORTS)
def test_pingpong_grows_with_the_size(transport):
    small, big = probes.pingpong_times([8, 8 << 20], transport, reps=[50, 3], stat="min")
    assert 0 < small < big < 5


def test_shm_send_receive_cpu_time_is_part_of_the_one_way_time_and_gaps_grow():
    one_way, pair = probes.shm_pingpong([8, 1 << 20], reps=[50, 5], stat="min")
    assert all(0 < p < 2 * w for p, w in zip(pair, one_way)) and pair[0] < pair[1]
    few, many = probes.send_gap_times([16, 256], repeats=2, stat="min")
    assert 0 < few < many < 5


def test_chase_and_caches():
    assert 0 <= probes.chase_latency(1 << 20, steps=20_000) < 1e-5
    assert all(v > 0 for v in probes.cache_sizes().values())
    facts = probes.cpu_facts()
    assert facts["cores"] >= 1 and facts["simd_bits"] in (128, 256, 512)


def test_calibrate_quick_writes_a_loadable_machine(tmp_path):
    out = tmp_path / "m.toml"
    assert main(["calibrate", "--quick", "--out", str(out)]) == 0
    m = sm.load(str(out)).machine
    assert m.cores == probes.cpu_facts()["cores"] and 0 < m.dense_efficiency <= 1
    assert np.isfinite(m.memory.bandwidth_gbs) and m.network.intra_bandwidth_gbs > 0
    assert m.network.overhead_us > 0 and m.network.gap_us > 0
