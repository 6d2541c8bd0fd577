import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.gui.analysis import TraceIndex
from parasim.sim.steps import count_steps
from tests.trace_factory import SMALL, make_run


def ix():
    return TraceIndex(make_run(SMALL))


def test_flops_done_prorates_spans_in_progress():
    i = ix()
    assert i.flops_done(0.0) == 0.0
    assert i.flops_done(1.0) == 2.0            # half of t0's 4
    assert i.flops_done(2.0) == 4.0 + 3.0      # t0 done, half of t2's 6
    assert i.flops_done(3.5) == 4.0 + 6.0 + 1.0
    assert i.flops_done(4.0) == 12.0


def test_counters_at_a_time():
    i = ix()
    assert i.parallelism(1.5) == 2 and i.parallelism(2.5) == 2   # a stalled PE counts
    assert i.parallelism(3.5) == 1 and i.parallelism(4.0) == 0
    assert i.concurrency(2.5) == 2 and i.concurrency(3.5) == 1   # t0, t2 then t1
    assert i.active_pes(0.5) == 1 and i.active_pes(2.5) == 2     # the wait does not count
    assert i.power_at(1.0) is None


def test_events_step_exactly():
    i = ix()
    assert i.next_event(0.0) == 1.0 and i.next_event(1.0) == 2.0 and i.next_event(4.0) == 4.0
    assert i.prev_event(2.0) == 1.0 and i.prev_event(2.5) == 2.0 and i.prev_event(0.0) == 0.0


def test_parallelism_series_by_hand():
    t, level = ix().parallelism_series()
    # running spans [0,2) [2,3) [3,4) on PE0, [1,3) on PE1: 1 from 0, 2 from 1, 2 from 2,
    # 1 from 3, 0 from 4 (the series is sim.analysis.concurrency's, on the run)
    assert list(t) == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert list(level) == [1, 2, 2, 1, 0]


def test_power_steps():
    run = make_run(SMALL, power={"t_s": [0.0, 2.0], "watts": [50.0, 80.0]})
    i = TraceIndex(run)
    assert i.power_at(1.9) == 50.0 and i.power_at(2.0) == 80.0


spans = st.lists(st.tuples(st.integers(0, 3), st.floats(0, 10), st.floats(0, 5),
                           st.floats(0, 1e6)), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(spans)
def test_flops_done_is_monotone_and_reaches_the_total(raw):
    rows, free = [], [0.0] * 4
    for k, (pe, gap, dur, fl) in enumerate(raw):      # sequential spans per PE
        s = free[pe] + gap
        rows.append((pe, "compute", k, s, s + dur, fl))
        free[pe] = s + dur
    run = make_run(rows, cores=4)
    i = TraceIndex(run)
    ts = np.linspace(0, i.makespan, 50)
    done = [i.flops_done(t) for t in ts]
    assert all(b >= a - 1e-9 * max(1.0, a) for a, b in zip(done, done[1:]))
    assert np.isclose(i.flops_done(i.makespan), run.trace.flops.sum())
    _, t, level = count_steps(run.trace.start_s, run.trace.end_s, horizon=i.makespan)
    assert level[-1] == 0 and level.min() >= 0


def test_series_carried_by_the_run_are_used():
    from types import MappingProxyType

    from parasim.sim.run import Run
    base = make_run(SMALL)
    series = {"t_s": [0.0, 1.5], "concurrency": [3, 0], "parallelism": [2, 0]}
    run = Run(None, base.trace, base.summary, 1, 2, None,
              MappingProxyType({"concurrency": series}))
    i = TraceIndex(run)
    t, level = i.concurrency_series()
    assert list(t) == [0.0, 1.5] and list(level) == [3, 0]
    assert list(i.parallelism_series()[1]) == [2, 0]
