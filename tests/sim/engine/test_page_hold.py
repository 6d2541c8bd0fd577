"""numpy's huge-page madvise is off while simulate() runs a task graph and as before
afterwards, whatever the exit (page_hold.py)."""

import numpy as np
import pytest

from parasim.sim import scenario as sm
from parasim.sim.engine import page_hold
from parasim.sim.errors import Cancelled
from parasim.sim.simulate import simulate

pytestmark = pytest.mark.skipif(page_hold._switch is None, reason="numpy has no switch")


def current() -> bool:
    """numpy's setting now (reading it means setting it, so it is set back)."""
    assert page_hold._switch is not None
    was = page_hold._switch(True)
    page_hold._switch(was)
    return was


@pytest.fixture(params=[True, False], ids=["huge-on", "huge-off"])
def setting(request):
    """Runs start with numpy's huge pages on, or off; restored after the test."""
    assert page_hold._switch is not None
    before = page_hold._switch(request.param)
    yield request.param
    page_hold._switch(before)


def test_off_during_a_run_and_restored_after(setting):
    seen: list[bool] = []
    run = simulate(sm.load("amdahl"), progress=lambda f: seen.append(current()))
    assert seen and not any(seen)
    assert current() == setting
    assert np.all(np.diff(run.trace.start_s) >= 0)          # the run itself went on


def stop(fraction: float) -> None:
    raise Cancelled("cancelled by the test")


def test_restored_after_cancel(setting):
    with pytest.raises(Cancelled):
        simulate(sm.load("amdahl"), progress=stop)
    assert current() == setting


def test_nested_blocks_restore_once_the_last_ends(setting):
    with page_hold.small_pages():
        with page_hold.small_pages():
            assert current() is False
        assert current() is False
    assert current() == setting


def test_restored_after_an_exception(setting):
    with pytest.raises(ValueError), page_hold.small_pages():
        raise ValueError("boom")
    assert current() == setting
