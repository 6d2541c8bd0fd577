"""The recorder's compact rows (per-task columns, message rows) give the same trace as
the general `span` and `task_log` records (engine/recorder.py)."""

import numpy as np

from parasim.sim.engine.recorder import TraceRecorder
from parasim.sim.trace import COLUMNS, KIND_CODE

SEND, RECV, WAIT = KIND_CODE["send"], KIND_CODE["recv"], KIND_CODE["wait"]
# two messages: 0 from task 0 on PE 0 to task 2 on PE 1, 1 from task 1 on PE 1 to task 3 on PE 0
SRC_PE, DST_PE = np.array([0, 1]), np.array([1, 0])
SRC, DST, NBYTES = np.array([0, 1]), np.array([2, 3]), np.array([100.0, 250.0])
TASK = dict(flops=np.array([2.0, 3.0, 4.0, 5.0]), nbytes=np.zeros(4),
            lanes=np.array([1, 2, 3, 4], np.int16), ctime=np.array([1.0, 1.0, 1.0, 1.0]))


def finish(rec):
    return rec.finish(2, TASK["flops"], TASK["nbytes"], TASK["lanes"], TASK["ctime"])


def test_message_rows_equal_full_spans_in_record_order():
    """Zero-length spans tie on (start, pe, end): their order is the order recorded."""
    full, compact = TraceRecorder(), TraceRecorder()
    compact.messages(SRC_PE, DST_PE, SRC, DST, NBYTES)
    full.span(0, WAIT, -1, 0.0, 1.0)
    compact.span(0, WAIT, -1, 0.0, 1.0)
    full.span(0, SEND, 0, 1.0, 1.0, 0.0, 100.0, 1, 0)
    compact.msg_span(0, 1.0, 1.0)
    full.span(0, RECV, 3, 1.0, 1.0, 0.0, 250.0, 1, 1)
    compact.msg_span(-1 - 1, 1.0, 1.0)
    full.span(1, SEND, 1, 1.0, 1.0, 0.0, 250.0, 0, 1)
    compact.msg_span(1, 1.0, 1.0)
    full.span(0, WAIT, -1, 1.0, 1.0)
    compact.span(0, WAIT, -1, 1.0, 1.0)
    full.span(1, RECV, 2, 1.0, 3.0, 0.0, 100.0, 0, 0)
    compact.msg_span(-1 - 0, 1.0, 3.0)
    assert len(full) == len(compact) == 6
    a, b = finish(full), finish(compact)
    for c in COLUMNS:
        assert a[c].dtype == b[c].dtype, c
        assert np.array_equal(a[c], b[c]), c
    # by (start, pe, end); the three on PE 0 at 1.0 tie: as recorded
    assert b.kind.tolist() == [WAIT, SEND, RECV, WAIT, SEND, RECV]


def test_preallocated_task_rows_equal_the_task_log():
    full, compact = TraceRecorder(), TraceRecorder(tasks=4)
    for pe, t, s, e in [(1, 2, 0.0, 1.0), (0, 0, 0.0, 1.5), (0, 3, 1.5, 2.5), (1, 1, 1.0, 2.0)]:
        full.task_log.extend((pe, t, s, e))
        compact.done.append(t)
        compact.task_pe[t], compact.task_start[t], compact.task_end[t] = pe, s, e
    a, b = finish(full), finish(compact)
    assert len(a) == len(b) == 5                 # four compute spans, one stall (task 0)
    assert len(full) == len(compact) == 8        # at most two spans a task
    for c in COLUMNS:
        assert np.array_equal(a[c], b[c]), c
