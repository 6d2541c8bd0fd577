"""Odd trace files in the window: an empty trace opens and says so; a trace the view
cannot draw, or a malformed one, is refused with a dialog and the current run kept."""

import os
import re
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings

from parasim.sim.trace import COLUMNS
from tests.strategies import trace_csvs

HEAD = ",".join(COLUMNS) + "\n"


def test_header_only_trace_opens_empty(ran, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text(HEAD)
    assert ran.open_file_now(str(path))
    assert len(ran.state.run.trace) == 0 and "empty" in ran.status.text()
    assert not ran.dialogs


@pytest.mark.parametrize("row, message", [
    ("0,0,0,compute,0,5e-324,1e-323,1,0,-1,-1,1", "makespan 9.88131e-324 s is outside"),
    ("0,0,0,compute,0,0,1e300,1,0,-1,-1,1", r"makespan 1e\+300 s is outside"),
    ("0,0,0,compute,0,0,1,1e308,1e308,-1,-1,1", r"flops = 1e\+308, more than"),
    ("65000001,65000001,0,compute,0,0,1,1,0,-1,-1,1", "line 2: (pe|node) must be in"),
    ("0,0,0,compute,0,0,1,1," + "9" * 140_000 + ",-1,-1,1", "line 2: field larger"),
])
def test_a_trace_the_view_cannot_take_keeps_the_current_run(ran, tmp_path, row, message):
    run = ran.state.run
    path = tmp_path / "odd.csv"
    path.write_text(HEAD + row + "\n")
    assert not ran.open_file_now(str(path))
    kind, text = ran.dialogs[-1]
    assert kind == "critical"
    assert re.search(message, text)
    assert ran.state.run is run and ran.timeline.run is run


def test_extreme_but_drawable_values_draw_every_tab(ran, tmp_path, qtbot):
    from parasim.sim.scenario import VIEW_TABS
    path = tmp_path / "wide.csv"
    path.write_text(HEAD + "0,0,0,compute,0,0,1e-150,1e199,1e-199,-1,-1,1\n"
                    "1,0,1,compute,1,0,1e-199,1e-199,1e199,-1,-1,1\n")
    assert ran.open_file_now(str(path))
    for name in VIEW_TABS:
        ran.metrics.show_tab(name)
        qtbot.wait(1)
    ran.grab()
    assert len(ran.state.run.trace) == 2


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=trace_csvs())
def test_hostile_traces_open_or_keep_the_run(ran, data):
    """Any trace opens, or is refused with a dialog and the current run kept; pytest-qt
    fails the test on an exception in any slot."""
    before = ran.state.run
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "t.csv")
        with open(path, "wb") as fh:
            fh.write(data)
        if ran.open_file_now(path):
            ran.grab()
            assert ran.state.run is not before
        else:
            assert ran.state.run is before and ran.dialogs[-1][0] == "critical"


def test_a_session_the_view_cannot_draw_keeps_the_current_run(ran, tmp_path):
    import io

    from parasim.sim.io import session
    from parasim.sim.io.trace_csv import parse_csv
    from parasim.sim.run import Run
    run = ran.state.run
    odd = Run.from_trace(parse_csv(io.StringIO(HEAD + "0,0,0,compute,0,0,1e300,1,0,-1,-1,1\n")))
    path = tmp_path / "odd.parasim"
    session.write(path, odd.to_session(source="", bookmarks=[], view={}))
    assert not ran.open_file_now(str(path))
    assert ran.dialogs[-1][0] == "critical" and "makespan 1e+300" in ran.dialogs[-1][1]
    assert ran.state.run is run
