"""Split a sequence of layer costs into contiguous pipeline stages of near-equal cost.

`partition(weights, stages)` returns the stage boundaries [0, b1, ..., L]: stage s holds
layers b_s .. b_{s+1} - 1. It makes exactly min(stages, L) non-empty stages and its
largest stage sum (the bottleneck) is the smallest any contiguous split into that many
stages can reach (the linear partition problem): the bottleneck is found by bisection
on integers, each step a greedy check "how many stages if none may exceed B?".
"""

from __future__ import annotations

from collections.abc import Sequence


def _stages_needed(weights: Sequence[int], bound: int) -> int:
    """Stages a greedy left-to-right packing needs when no stage may exceed `bound`."""
    count, acc = 1, 0
    for w in weights:
        if acc + w > bound:
            count, acc = count + 1, 0
        acc += w
    return count


def bottleneck(weights: Sequence[int], stages: int) -> int:
    """The smallest possible largest stage sum over contiguous splits into `stages` parts."""
    lo, hi = max(weights), sum(weights)
    while lo < hi:
        mid = (lo + hi) // 2
        if _stages_needed(weights, mid) <= stages:
            hi = mid
        else:
            lo = mid + 1
    return lo


def partition(weights: Sequence[int], stages: int) -> list[int]:
    """Boundaries of exactly min(stages, len(weights)) contiguous non-empty stages whose
    largest sum is `bottleneck(weights, stages)`. Weights are non-negative integers."""
    n = len(weights)
    if n == 0 or stages < 1:
        raise ValueError(f"need at least one layer and one stage, got {n} and {stages}")
    s = min(stages, n)
    bound = bottleneck(weights, s)
    bounds, acc = [0], 0
    for i, w in enumerate(weights):
        later = s - len(bounds)                  # stages still to open after the current one
        must_cut = n - i <= later                # layers i.. are just enough for them
        if i > bounds[-1] and (acc + w > bound or must_cut):
            bounds.append(i)
            acc = 0
        acc += w
    bounds.append(n)
    return bounds
