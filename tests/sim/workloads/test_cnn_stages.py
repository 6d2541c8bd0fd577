"""Pipeline stage partition: contiguous, exactly min(S, L) stages, optimal bottleneck."""

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.workloads.cnn import stage_pes
from parasim.sim.workloads.stages import bottleneck, partition


def brute_force(weights, stages):
    """Smallest largest stage sum over every way to cut into exactly `stages` parts."""
    n = len(weights)
    best = None
    for cuts in combinations(range(1, n), stages - 1):
        b = (0, *cuts, n)
        worst = max(sum(weights[b[i]:b[i + 1]]) for i in range(stages))
        best = worst if best is None else min(best, worst)
    return best


def test_partition_by_hand():
    # 1+2 | 3 | 4 : bottleneck 4 (the largest single layer); 3 stages asked
    assert partition([1, 2, 3, 4], 3) == [0, 2, 3, 4]
    # equal layers, as many stages as layers: one layer each
    assert partition([5] * 4, 4) == [0, 1, 2, 3, 4]
    # more stages than layers: one stage per layer
    assert partition([7, 1], 5) == [0, 1, 2]
    # zero-cost layers still give non-empty stages
    assert partition([0, 0, 0], 2) == [0, 2, 3]


@settings(max_examples=80)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=8), st.integers(1, 9))
def test_partition_is_contiguous_exact_and_optimal(weights, stages):
    b = partition(weights, stages)
    s = min(stages, len(weights))
    assert b[0] == 0 and b[-1] == len(weights) and len(b) == s + 1
    assert all(b[i] < b[i + 1] for i in range(s))            # non-empty, in order
    worst = max(sum(weights[b[i]:b[i + 1]]) for i in range(s))
    assert worst == bottleneck(weights, s) == brute_force(weights, s)


def test_partition_rejects_nothing_to_split():
    with pytest.raises(ValueError):
        partition([], 2)


def test_stage_pes_fill_node_after_node():
    assert stage_pes(4, 1, 8) == [0, 1, 2, 3]
    assert stage_pes(2, 2, 4) == [0, 4]                     # one stage per node, core 0
    assert stage_pes(4, 2, 2) == [0, 1, 2, 3]               # node 0: stages 0, 1; node 1: 2, 3
    assert stage_pes(3, 2, 4) == [0, 1, 4]                  # s * nodes // S = 0, 0, 1
