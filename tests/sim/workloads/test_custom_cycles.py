"""Cycles in custom workloads are reported as the chain of entries that forms them."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.errors import ScenarioError
from parasim.sim.workloads.custom import MessageSpec, Params, TaskSpec


@settings(max_examples=30, deadline=None)
@given(k=st.integers(2, 6), as_message=st.lists(st.booleans(), min_size=6, max_size=6),
       tail=st.integers(0, 3))
def test_the_reported_entries_chain_into_the_cycle(k, as_message, tail):
    # tasks t0..t(k-1) in a ring t(i) -> t(i+1 mod k), each edge a dep or a message;
    # `tail` extra tasks hang off the ring (stuck, but not on the cycle)
    tasks = [TaskSpec(f"t{i}") for i in range(k)] + [TaskSpec(f"x{j}", deps=[f"t{j % k}"])
                                                     for j in range(tail)]
    messages = []
    for i in range(k):
        a, b = f"t{i}", f"t{(i + 1) % k}"
        if as_message[i]:
            messages.append(MessageSpec(a, b))
        else:
            tasks[(i + 1) % k].deps.append(a)
    with pytest.raises(ScenarioError) as e:
        Params(tasks=tasks, messages=messages).order()
    pairs = re.findall(r"'(\w+)' -> '(\w+)'", str(e.value))
    assert len(pairs) == k
    assert all(pairs[j][1] == pairs[(j + 1) % k][0] for j in range(k))
    assert str(e.value).startswith(e.value.path + ": ")
    listed = str(e.value).split("cycle: ", 1)[1]
    assert listed.count("workload.messages[") == sum(as_message[:k])
