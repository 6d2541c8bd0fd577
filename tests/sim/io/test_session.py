import math

import numpy as np
import pytest

from parasim.sim.errors import TraceFormatError
from parasim.sim.io import session
from parasim.sim.run import Run
from parasim.sim.scenario import load
from parasim.sim.simulate import simulate


def same_summary(a, b):
    assert set(a) == set(b)
    for k, v in a.items():
        if isinstance(v, float) and not math.isfinite(v):
            assert b[k] is None, k                  # JSON: inf and NaN as null
        else:
            assert b[k] == pytest.approx(v) if isinstance(v, float) else b[k] == v, k


@pytest.mark.parametrize("name", ["power-wall", "cluster-pingpong"])
def test_a_session_round_trips(tmp_path, name):
    run = simulate(load(name))
    view = {"time_s": 0.001, "centre_tab": "Timeline", "metrics_tab": "power"}
    marks = [{"t_s": 0.001, "caption": "here"}]
    path = tmp_path / f"s{session.SUFFIX}"
    session.write(path, run.to_session(source="x.csv", bookmarks=marks, view=view))
    s = session.read(path)
    back = Run.from_session(s)
    assert back.scenario == run.scenario
    assert back.trace.equals(run.trace)
    assert (back.nodes, back.cores, back.task_names) == (run.nodes, run.cores, run.task_names)
    same_summary(dict(run.summary), dict(back.summary))
    assert s.bookmarks == marks and s.view == view and s.source == "x.csv"
    assert s.lesson == {"name": run.scenario.name, "explain": run.scenario.explain}
    if "power" in run.extras:
        for k in ("t_s", "watts"):
            assert np.array_equal(back.extras["power"][k], np.asarray(run.extras["power"][k]))
    assert np.array_equal(back.extras["concurrency"]["t_s"],
                          np.asarray(run.extras["concurrency"]["t_s"]))


def test_a_trace_only_run_has_no_scenario_in_its_session(tmp_path):
    csv = tmp_path / "t.csv"
    simulate(load("amdahl"), baseline=False).write_csv(csv)
    run = Run.from_trace_csv(csv)
    data = session.dumps(run.to_session(source=str(csv)))
    (tmp_path / "t.parasim").write_bytes(data)
    back = Run.from_session(session.read(tmp_path / "t.parasim"))
    assert back.scenario is None and back.trace.equals(run.trace)


def test_bad_session_files_say_what_is_wrong(tmp_path):
    bad = tmp_path / "bad.parasim"
    bad.write_text("pe,node\n")
    with pytest.raises(TraceFormatError, match="not a zip file"):
        session.read(bad)
    import zipfile
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("trace.csv", "")
    with pytest.raises(TraceFormatError, match="no session.json, summary.json"):
        session.read(bad)
