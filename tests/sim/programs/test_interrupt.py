"""A program stuck in its own Python code is stopped by the cancel callback."""

from __future__ import annotations

import threading
import time

import pytest

from parasim.sim.errors import Cancelled
from parasim.sim.programs import interrupt
from parasim.sim.simulate import simulate
from tests.sim.programs.helpers import program_scenario

SPIN = """
def main(comm):
    yield comm.compute(1e6)
    while True:
        pass
"""

SWALLOW = """
def main(comm):
    while True:
        try:
            while True:
                pass
        except Exception:
            pass
    yield comm.compute(1e6)
"""

AT_LOAD = """
while True:
    pass

def main(comm):
    yield comm.compute(1e6)
"""


@pytest.mark.parametrize("source", [SPIN, SWALLOW, AT_LOAD], ids=["spin", "swallow", "load"])
def test_a_loop_that_never_yields_is_cancelled(tmp_path, source):
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    t0 = time.perf_counter()
    with pytest.raises(Cancelled):
        simulate(program_scenario(tmp_path, source), cancel=stop.is_set)
    assert time.perf_counter() - t0 < 0.2 + interrupt.GRACE_S + 1.0
    assert not any(t.name == "parasim-program-watch" for t in threading.enumerate())


def test_no_interrupt_outlives_the_block():
    """A cancel that comes after the block ended never reaches the code after it."""
    flag = [False]
    with interrupt.interruptible(lambda: flag[0]):
        pass
    flag[0] = True
    end = time.perf_counter() + 2 * interrupt.GRACE_S
    while time.perf_counter() < end:        # pure Python: an interrupt would land here
        pass


def test_an_interrupt_sent_is_cleared_when_the_block_ends(monkeypatch):
    """One exception at most is sent, and whatever is pending is cleared as the block
    ends (here the sending is recorded, not done)."""
    calls = []
    monkeypatch.setattr(interrupt, "_raise_in", lambda tid, exc: calls.append((tid, exc)))
    monkeypatch.setattr(interrupt, "GRACE_S", 0.0)
    with interrupt.interruptible(lambda: True):
        time.sleep(6 * interrupt.POLL_S)
    me = threading.get_ident()
    assert calls == [(me, interrupt.Interrupt), (me, None)]


def test_a_finished_program_is_not_touched(tmp_path):
    run = simulate(program_scenario(tmp_path, "def main(comm):\n    yield comm.compute(1e6)\n"),
                   cancel=lambda: False)
    assert run.makespan > 0
