"""Same-time runs (events.py): task ends for one time scheduled back to back share one
event on the calendar, and every run is exactly what one event per task end gives."""

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.engine.engine import Engine
from parasim.sim.machine.network import TOPOLOGIES
from parasim.sim.taskgraph import GraphBuilder
from tests.helpers import machine
from tests.netutil import cluster


class OneEventPerEnd(Engine):
    """The engine with same-time runs off: no wake-up ever follows on the last one."""

    run_eid = property(lambda self: -2, lambda self, value: None)


def queued(env) -> int:
    """Events waiting on a CalendarEnvironment (its time lists and SimPy's heap)."""
    return sum(map(len, env.buckets.values())) - env.head + len(env._queue)


def test_equal_tasks_on_idle_pes_end_in_one_event():
    g = GraphBuilder()
    for _ in range(3):
        g.add(2e6)                          # equal tasks: all end at the same time
    e = Engine(machine(cores=3), g.build(), "dynamic")
    e._initial_ready()
    e.kick = [0, 1, 2]
    e._dispatch()
    assert queued(e.env) == 1           # PE 0's wake stands for all three
    assert e.wake[0].more == [1, 2]
    one = OneEventPerEnd(machine(cores=3), g.build(), "dynamic")
    one._initial_ready()
    one.kick = [0, 1, 2]
    one._dispatch()
    assert queued(one.env) == 3


def test_an_event_scheduled_between_two_ends_splits_the_run():
    g = GraphBuilder()
    g.add(2e6)
    g.add(2e6)
    e = Engine(machine(cores=2), g.build(), "dynamic")
    e._initial_ready()
    e._start_next(0)
    e.env.timeout(1.0)                      # its event id comes between the two ends
    e._start_next(1)
    assert queued(e.env) == 3 and e.wake[0].more == []


def same(a, b) -> bool:
    return all(np.array_equal(getattr(a, f.name), getattr(b, f.name))
               for f in dataclasses.fields(a))


@st.composite
def tied_graphs(draw):
    """Graphs whose tasks take one of few durations, so many end at the same time."""
    pes = draw(st.integers(1, 6))
    n = draw(st.integers(1, 30))
    g = GraphBuilder()
    for i in range(n):
        deps = draw(st.lists(st.integers(0, i - 1), max_size=3, unique=True)) if i else []
        g.add(draw(st.sampled_from([0.0, 1e6, 1e6, 2e6])),
              draw(st.sampled_from([0.0, 0.0, 0.0, 1e5])), deps=sorted(deps),
              owner=draw(st.integers(-1, pes - 1)))
    return g, pes


@settings(max_examples=60)
@given(tied_graphs(), st.sampled_from(["dynamic", "critical-path", "block", "cyclic"]),
       st.integers(1, 3))
def test_runs_equal_one_event_per_task_end(graph_pes, policy, cores):
    g, pes = graph_pes
    m = machine(nodes=-(-pes // cores), cores=cores, lat_ns=50.0)
    a, b = Engine(m, g.build(), policy).run(), OneEventPerEnd(m, g.build(), policy).run()
    assert a[0] == b[0] and same(a[1], b[1])


@settings(max_examples=40)
@given(tied_graphs(), st.sampled_from(TOPOLOGIES), st.data())
def test_message_runs_equal_one_event_per_task_end(graph_pes, topology, data):
    g, pes = graph_pes
    n = len(g.build().flops)
    for _ in range(data.draw(st.integers(0, 12))):
        if n < 2:
            break
        s = data.draw(st.integers(0, n - 2))
        g.message(s, data.draw(st.integers(s + 1, n - 1)),
                  data.draw(st.sampled_from([0.0, 1e3, 1e3, 2e6])), data.draw(st.booleans()))
    cores = data.draw(st.integers(1, 2))
    m = cluster(max(2, -(-pes // cores)), cores, topology)
    policy = data.draw(st.sampled_from(["dynamic", "block", "cyclic"]))
    a, b = Engine(m, g.build(), policy).run(), OneEventPerEnd(m, g.build(), policy).run()
    assert a[0] == b[0] and same(a[1], b[1])
