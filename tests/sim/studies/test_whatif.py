"""What-if transforms: ideal network, ideal memory, twice the clock."""

import pytest

from parasim.sim.simulate import simulate
from parasim.sim.studies.whatif import (
    IDEAL_GBS,
    WHATIFS,
    double_clock,
    gain,
    ideal_memory,
    ideal_network,
)
from tests.helpers import scenario


def test_ideal_network_leaves_a_pingpong_its_compute_only_makespan():
    """A ping-pong computes nothing: with an ideal network only bytes / IDEAL remain."""
    sc = scenario("pingpong", machine_kw={"nodes": 2, "cores": 1,
                                          "network": {"preset": "gigabit-ethernet"}},
                  bytes=1e6, repeats=5)
    assert simulate(sc, baseline=False).makespan > 0.08
    ideal = simulate(ideal_network(sc), baseline=False)
    assert ideal.makespan == pytest.approx(0.0, abs=10 * 1e6 / (IDEAL_GBS * 1e9) * 1.01)


def test_ideal_memory_removes_the_stalls_and_2x_clock_halves_compute():
    sc = scenario("triad", machine_kw={"nodes": 1, "cores": 4}, n=1 << 16, tasks=8)
    run = simulate(ideal_memory(sc), baseline=False)
    assert run.summary["stall_fraction"] == pytest.approx(0.0, abs=1e-9)
    fast = simulate(double_clock(ideal_memory(sc)), baseline=False)
    assert fast.makespan == pytest.approx(run.makespan / 2)
    assert set(WHATIFS) == {"ideal network", "ideal memory", "2x clock"}


def test_gain_is_the_base_makespan_over_the_what_ifs():
    """3 ms instead of 12 ms: 4 x faster; 5 ms instead of 4 ms: 0.8 x (slower)."""
    assert gain(12e-3, 3e-3) == pytest.approx(4.0, rel=1e-15)
    assert gain(4e-3, 5e-3) == pytest.approx(0.8, rel=1e-15)
    assert gain(1e-3, 0.0) == float("inf") and gain(0.0, 0.0) == 1.0
