"""Per-task state intervals (gui/panels/tasks.py task_states), checked on hand-made traces."""

import numpy as np

from parasim.sim.analysis.task_states import task_count, task_states
from tests.trace_factory import SMALL, make_run, make_trace


def rows(iv):
    return sorted(zip(iv["task"].tolist(), iv["start_s"].tolist(), iv["end_s"].tolist()))


def test_one_core_two_tasks_with_io():
    # one core: t0 runs [0,1), switch to t1 [1,1.5), t1 runs [1.5,3), t0 runs [3,4);
    # t1 is blocked on I/O [3,5) and runs again [6,7) (ready [5,6) while nothing runs it)
    trace = make_trace([(0, "compute", 0, 0.0, 1.0, 1.0), (0, "switch", 1, 1.0, 1.5, 0.0),
                        (0, "compute", 1, 1.5, 3.0, 1.0), (0, "compute", 0, 3.0, 4.0, 1.0),
                        (0, "compute", 1, 6.0, 7.0, 1.0)], cores=1)
    io = {"task": np.array([1], np.int32), "start_s": np.array([3.0]), "end_s": np.array([5.0])}
    st = task_states(trace, io)
    assert rows(st["running"]) == [(0, 0.0, 1.0), (0, 3.0, 4.0), (1, 1.0, 1.5),
                                   (1, 1.5, 3.0), (1, 6.0, 7.0)]
    assert rows(st["blocked on I/O"]) == [(1, 3.0, 5.0)]
    # t0 waits [1,3) for the core; t1 waits [5,6) after its I/O
    assert rows(st["waiting"]) == [(0, 1.0, 3.0), (1, 5.0, 6.0)]


def test_overlapping_spans_leave_no_gap_and_no_io_means_no_io_bars():
    # t0: compute [0,4) with a stall [1,2) inside it, then [5,6): one gap [4,5)
    trace = make_trace([(0, "compute", 0, 0.0, 4.0, 1.0), (1, "stall", 0, 1.0, 2.0, 0.0),
                        (0, "compute", 0, 5.0, 6.0, 1.0), (1, "wait", -1, 2.0, 3.0, 0.0)])
    st = task_states(trace)
    assert rows(st["waiting"]) == [(0, 4.0, 5.0)]
    assert len(st["blocked on I/O"]["task"]) == 0
    assert rows(task_states(make_trace(SMALL))["waiting"]) == []


def test_task_count_uses_names_trace_and_io():
    assert task_count(make_run(SMALL)) == 3
    assert task_count(make_run(SMALL, names=tuple(f"n{i}" for i in range(5)))) == 5
