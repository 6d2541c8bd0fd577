"""Max-min fair sharing against cases worked out by hand."""

import pytest
import simpy

from parasim.sim.engine.fluid import FluidModel


def finish_times(capacities, flows):
    """flows: (start_s, amount, resources, cap) -> completion time of each."""
    env = simpy.Environment()
    fm = FluidModel(env, capacities)
    done = {}
    for i, (start, amount, res, cap) in enumerate(flows):
        def go(_e, i=i, amount=amount, res=res, cap=cap):
            fm.start(amount, res, cap, lambda t, i=i: done.__setitem__(i, t))
        env.timeout(start).callbacks.append(go)
    env.run()
    return [done[i] for i in range(len(flows))]


def test_one_flow_runs_at_min_of_cap_and_capacity():
    assert finish_times([10.0], [(0, 20.0, (0,), 4.0)]) == [5.0]
    assert finish_times([10.0], [(0, 20.0, (0,), 100.0)]) == [2.0]


def test_capped_flow_leaves_its_spare_share_to_the_others():
    """B = 10, caps 2, inf, inf: rates 2, 4, 4 (not 10/3 each)."""
    env = simpy.Environment()
    fm = FluidModel(env, [10.0])
    for cap in (2.0, float("inf"), float("inf")):
        fm.start(100.0, (0,), cap, lambda t: None)
    assert fm.rates() == pytest.approx([2.0, 4.0, 4.0])


def test_rates_are_reshared_when_a_flow_ends():
    """Two flows share 10/s; the 10-byte one ends at t=2, the 30-byte one then runs at 10/s.

    30 - 2 * 5 = 20 bytes left at t = 2, done at t = 4.
    """
    assert finish_times([10.0], [(0, 10.0, (0,), 1e9), (0, 30.0, (0,), 1e9)]) == \
        pytest.approx([2.0, 4.0])


def test_max_min_over_two_links_differs_from_naive_even_split():
    """Links L0 (cap 10) and L1 (cap 4). Flow a uses L0 only; flow b uses L0 and L1.

    Naive per-link split: L0 gives each 5, so a gets 5. Max-min: b is held to 4 by L1,
    so a gets the rest of L0: 6.
    """
    env = simpy.Environment()
    fm = FluidModel(env, [10.0, 4.0])
    fm.start(100.0, (0,), float("inf"), lambda t: None)
    fm.start(100.0, (0, 1), float("inf"), lambda t: None)
    assert fm.rates() == pytest.approx([6.0, 4.0])


def test_bytes_carried_per_resource_are_counted():
    env = simpy.Environment()
    fm = FluidModel(env, [10.0, 10.0])
    fm.start(30.0, (0, 1), 1e9, lambda t: None)
    fm.start(10.0, (1,), 1e9, lambda t: None)
    env.run()
    assert fm.busy_bytes == pytest.approx([30.0, 40.0])
