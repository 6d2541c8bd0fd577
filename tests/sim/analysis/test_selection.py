"""Statistics over a time range x rows, by hand."""

import numpy as np
import pytest

from parasim.sim.analysis.selection import Selection
from tests.trace_factory import make_trace

# two spans half inside [1, 2): PE0 compute [0,2) 4 FLOP 8 B, PE1 compute [1,3) 6 FLOP;
# PE0 sends a message at 1.5; PE1 waits [0, 1)
SPANS = [(0, "compute", 0, 0.0, 2.0, 4.0, 8.0), (1, "wait", -1, 0.0, 1.0, 0.0),
         (1, "compute", 1, 1.0, 3.0, 6.0, 0.0), (0, "send", 0, 1.5, 1.5, 0.0, 16.0, 1, 0)]


def test_two_spans_half_inside():
    power = (np.array([0.0, 1.0, 3.0]), np.array([10.0, 20.0, 5.0]))
    st = Selection(make_trace(SPANS), power).stats(1.0, 2.0)
    assert st["time_s"]["compute"] == pytest.approx(2.0)
    assert st["time_s"]["wait"] == 0.0
    assert st["flops"] == pytest.approx(2.0 + 3.0)
    assert st["bytes"] == pytest.approx(4.0 + 16.0)       # half of 8 B, the whole message
    assert st["messages"] == 1
    assert st["avg_parallelism"] == pytest.approx(2.0)
    assert st["avg_concurrency"] == pytest.approx(2.0)
    assert st["energy_j"] == pytest.approx(20.0) and st["avg_power_w"] == pytest.approx(20.0)


def test_rows_restrict_the_region():
    st = Selection(make_trace(SPANS)).stats(0.5, 2.0, pes=[1])
    assert st["pes"] == 1
    assert st["time_s"] == pytest.approx({"compute": 1.0, "stall": 0.0, "send": 0.0,
                                          "recv": 0.0, "wait": 0.5, "switch": 0.0})
    assert st["flops"] == pytest.approx(3.0) and st["messages"] == 0
    assert st["avg_parallelism"] == pytest.approx(1.0 / 1.5)
    assert st["energy_j"] is None


def test_the_whole_run_adds_up():
    st = Selection(make_trace(SPANS)).stats(0.0, 3.0)
    assert st["flops"] == pytest.approx(10.0) and st["bytes"] == pytest.approx(24.0)
    assert sum(st["time_s"].values()) == pytest.approx(2.0 + 1.0 + 2.0)
