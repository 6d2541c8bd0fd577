"""count_steps against the straightforward sweep it replaces (per-time deltas summed)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.steps import count_steps


def sweep(start, end, group, groups, horizon):
    """Each group's breakpoints (0, every start and end, horizon) and the number of its
    intervals [start, end) covering [t_i, t_(i+1)), by counting."""
    ptr, times, levels = [0], [], []
    for k in range(groups):
        mine = group == k
        ts = sorted({0.0, float(horizon), *start[mine].tolist(), *end[mine].tolist()})
        times += ts
        levels += [int(np.sum((start[mine] <= x) & (end[mine] > x))) for x in ts]
        ptr.append(len(times))
    return np.array(ptr), np.array(times), np.array(levels)


@settings(max_examples=80)
@given(st.lists(st.tuples(st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0]),
                          st.sampled_from([0.0, 0.5, 1.0, 2.5]), st.integers(0, 2)),
                max_size=12),
       st.integers(1, 3))
def test_count_steps_equals_a_sweep(rows, groups):
    start = np.array([r[0] for r in rows])
    end = start + np.array([r[1] for r in rows])
    group = np.array([r[2] % groups for r in rows], np.int64)
    horizon = float(end.max()) if len(rows) else 1.0
    got = count_steps(start, end, group if groups > 1 else None, groups, horizon)
    want = sweep(start, end, group, groups, horizon)
    for a, b in zip(got, want):
        assert np.array_equal(a, b)
