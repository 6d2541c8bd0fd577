"""The fluid model's incremental recomputation (the started or ended flow's component;
one pass for a one-resource model) against a plain global max-min recomputed at every
event, on random flow sets that start at random times and end when their bytes are in."""

import math

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.engine.fluid import FluidModel
from tests.sim.engine.test_network_invariants import reference_rates


def reference_finish(caps, flows):
    """Completion time of each flow (start, amount, resources, cap): every rate
    recomputed globally (reference_rates) whenever a flow starts or ends."""
    t, left, done = 0.0, {}, {}
    pending = sorted(range(len(flows)), key=lambda i: (flows[i][0], i))
    while pending or left:
        active = sorted(left)
        rates = reference_rates(caps, [flows[i][2:] for i in active]) if active else []
        nxt = flows[pending[0]][0] if pending else math.inf
        for i, r in zip(active, rates):
            nxt = min(nxt, t + left[i] / r)
        for i, r in zip(active, rates):
            left[i] -= r * (nxt - t)
        t = nxt
        for i in active:
            if left[i] <= 1e-9 * flows[i][1]:
                done[i] = t
                del left[i]
        while pending and flows[pending[0]][0] <= t:
            i = pending.pop(0)
            left[i] = flows[i][1]
    return [done[i] for i in range(len(flows))]


def model_run(caps, flows):
    """Run the flows on a FluidModel; check its rates against the global max-min after
    every start and end; return the completion times."""
    env = simpy.Environment()
    fm = FluidModel(env, caps)
    done, live = {}, {}

    def check():
        order = sorted(live)                     # start order = flow index order here
        expect = reference_rates(caps, [flows[i][2:] for i in order]) if order else []
        assert np.allclose(fm.rates(), expect, rtol=1e-9)

    def ended(i, t):
        done[i] = t
        del live[i]
        if len(fm.rates()) == len(live):             # the last of those ending now
            check()

    def go(_e, i):
        _start, amount, res, cap = flows[i]
        live[i] = True
        fm.start(amount, res, cap, lambda t, i=i: ended(i, t))
        check()

    for i, f in enumerate(flows):
        env.timeout(f[0]).callbacks.append(lambda e, i=i: go(e, i))
    env.run()
    return [done[i] for i in range(len(flows))]


def flow_sets(resources: int):
    caps = st.lists(st.sampled_from([2.0, 5.0, 10.0, 7.3]), min_size=resources,
                    max_size=resources)
    flow = st.tuples(st.sampled_from([0.0, 0.0, 0.5, 1.0, 2.5, 4.0]),
                     st.sampled_from([1.0, 3.0, 10.0, 27.5]),
                     st.lists(st.integers(0, resources - 1), min_size=1, max_size=3,
                              unique=True).map(tuple),
                     st.sampled_from([1.5, 4.0, math.inf]))
    return st.tuples(caps, st.lists(flow, min_size=1, max_size=12).map(
        lambda fs: sorted(fs, key=lambda f: f[0])))


@settings(max_examples=60, deadline=None)
@given(flow_sets(1))
def test_one_resource_model_equals_global_max_min(case):
    caps, flows = case
    assert model_run(caps, flows) == pytest.approx(reference_finish(caps, flows), rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(flow_sets(5))
def test_component_recomputation_equals_global_max_min_over_time(case):
    caps, flows = case
    assert model_run(caps, flows) == pytest.approx(reference_finish(caps, flows), rel=1e-9)
