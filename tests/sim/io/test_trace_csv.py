"""The trace CSV: exact columns, exact round trip, malformed files rejected by line."""

import io

import numpy as np
import pytest

from parasim.sim.errors import TraceFormatError
from parasim.sim.io import trace_csv
from parasim.sim.run import Run
from parasim.sim.simulate import simulate
from parasim.sim.trace import COLUMNS
from tests.helpers import scenario


@pytest.fixture(scope="module")
def run():
    return simulate(scenario("triad", {"cores": 4, "memory": {"bandwidth_gbs": 30.0}},
                             n=100_000, tasks=20), baseline=False)


def test_header_and_columns_are_the_contract(run, tmp_path):
    path = tmp_path / "t.csv"
    run.write_csv(path)
    lines = path.read_text().splitlines()
    assert lines[0] == ",".join(COLUMNS) + ",name"
    assert len(lines) == len(run.trace) + 1
    assert lines[1].split(",")[3] in ("compute", "stall")


def test_csv_loads_back_into_the_same_trace(run, tmp_path):
    path = tmp_path / "t.csv"
    run.write_csv(path)
    back = trace_csv.read_csv(path)
    assert back.equals(run.trace)
    assert Run.from_trace_csv(path).summary["flops"] == run.summary["flops"]


def test_atomic_write_leaves_no_temp_files(run, tmp_path):
    run.write_csv(tmp_path / "t.csv")
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_written_files_get_the_usual_permissions(run, tmp_path):
    import os
    mask = os.umask(0o022)
    try:
        run.write_csv(tmp_path / "t.csv")
    finally:
        os.umask(mask)
    assert (tmp_path / "t.csv").stat().st_mode & 0o777 == 0o644


def test_unwritable_path_raises_and_keeps_nothing_half_written(run, tmp_path):
    with pytest.raises(OSError):
        run.write_csv(tmp_path / "missing-folder" / "t.csv")


GOOD = "0,0,0,compute,0,0.0,1.0,10.0,0.0,-1,-1,4"
HEAD = ",".join(COLUMNS) + "\n"


@pytest.mark.parametrize("body, message", [
    ("", "line 1: empty file"),
    ("pe,node\n", "line 1: header must be"),
    (",".join(COLUMNS) + "\n" + GOOD + "\n0,0,0,compute,0,0.0\n", "line 3: expected 12 fields"),
    (",".join(COLUMNS) + "\n" + GOOD.replace("compute", "nap") + "\n", "line 2: kind must be"),
    (",".join(COLUMNS) + "\n" + GOOD.replace("10.0", "ten") + "\n", "line 2: column flops"),
    (",".join(COLUMNS) + "\n" + GOOD.replace("0.0,1.0", "2.0,1.0") + "\n", "line 2: end_s"),
    (HEAD + GOOD + "\n" + GOOD.replace("0,0,0,", "-1,0,0,") + "\n", "line 3: pe must be in"),
    (HEAD + GOOD.replace("0.0,1.0", "nan,1.0") + "\n", "line 2: start_s must be a finite"),
    (HEAD + GOOD.replace("0.0,1.0", "0.0,inf") + "\n", "line 2: end_s must be a finite"),
    (HEAD + GOOD.replace("10.0", "-5.0") + "\n", "line 2: flops must be a finite number >= 0"),
    (HEAD + GOOD.replace("0,0,0,", "999999,0,0,") + "\n", "line 2: pe 999999 is not node"),
    (HEAD + GOOD.replace(",-1,-1,", ",-2,-1,") + "\n", r"line 2: peer must be in \[-1,"),
    (HEAD + GOOD.replace("0,0,0,", "9999999999,0,0,") + "\n", "line 2: pe must be in"),
    (HEAD + GOOD.replace("0,0,0,", "65000001,65000001,0,") + "\n", r"line 2: (pe|node) must be in \[0, 999999\]"),
    (HEAD + GOOD.replace("0,0,0,", "0,0," + "9" * 30 + ",") + "\n", "line 2: column core .*beyond 64 bits"),
    (HEAD + GOOD.replace("0,0,0,", "0,0," + "9" * 140_000 + ",") + "\n", "line 2: field larger than field limit"),
    # cores per node from the first row with node > 0: (9 - 1) / 2 = 4; then pe 5 of
    # node 1 core 0 should be 4
    (HEAD + "9,2,1" + GOOD[5:] + "\n" + "5,1,0" + GOOD[5:] + "\n",
     r"line 3: pe 5 is not node x cores \+ core = 1 x 4 \+ 0"),
])
def test_malformed_csv_is_rejected_with_its_line(body, message):
    with pytest.raises(TraceFormatError, match=message):
        trace_csv.parse_csv(io.StringIO(body))


def test_parse_of_a_hand_written_row():
    t = trace_csv.parse_csv(io.StringIO(",".join(COLUMNS) + "\n" + GOOD + "\n"))
    assert len(t) == 1 and t.lanes_active.dtype == np.int16 and t.flops[0] == 10.0


@pytest.mark.parametrize("name", ["concurrency-vs-parallelism-io", "cluster-pingpong"])
def test_loaded_csv_has_the_concurrency_keys_and_series_but_no_power(name, tmp_path):
    from parasim.sim import scenario as sm
    from parasim.sim.report import format_summary
    sc = sm.load(name, ["machine.power.link_w=1.0"])
    run = simulate(sc, baseline=False)
    path = tmp_path / "t.csv"
    run.write_csv(path)
    back = Run.from_trace_csv(path)
    for key in ("avg_concurrency", "max_concurrency", "avg_parallelism", "max_parallelism"):
        assert back.summary[key] == pytest.approx(run.summary[key], rel=1e-12), key
    for key, series in run.extras["concurrency"].items():
        assert np.array_equal(back.extras["concurrency"][key], series), key
    assert "energy_j" in run.summary and "energy_j" not in back.summary
    assert "power" not in back.extras
    assert "Concurrency" in format_summary(back.summary)
    back.summary_json()


def test_loaded_csv_concurrency_by_hand():
    # PE 0: task 0 computes [0, 1), waits on I/O [1, 2), computes [2, 3);
    # PE 1: task 1 computes [0.5, 1.5): concurrency 2 on [0.5, 1.5) and parallelism 2
    # on [0.5, 1): avg concurrency (1 x 0.5 + 2 x 1 + 1 x 1.5) / 3 = 4 / 3,
    # avg parallelism (0.5 + 2 x 0.5 + 0.5 + 1) / 3 = 1
    rows = ["0,0,0,compute,0,0.0,1.0,1.0,0.0,-1,-1,1", "1,0,1,compute,1,0.5,1.5,1.0,0.0,-1,-1,1",
            "0,0,0,wait,0,1.0,2.0,0.0,0.0,-1,-1,0", "0,0,0,compute,0,2.0,3.0,1.0,0.0,-1,-1,1"]
    trace = trace_csv.parse_csv(io.StringIO(",".join(COLUMNS) + "\n" + "\n".join(rows) + "\n"))
    s = Run.from_trace(trace).summary
    assert s["avg_concurrency"] == pytest.approx(4 / 3) and s["max_concurrency"] == 2
    assert s["avg_parallelism"] == pytest.approx(1.0) and s["max_parallelism"] == 2


def test_cores_per_node_come_from_pe_node_and_core_not_the_highest_core():
    # 2 nodes x 8 cores, only cores 0..1 busy: PEs 0, 1, 8, 9; from_trace must keep all
    rows = [f"{pe},{pe // 8},{pe % 8}" + GOOD[5:] for pe in (0, 1, 8, 9)]
    trace = trace_csv.parse_csv(io.StringIO(HEAD + "\n".join(rows) + "\n"))
    back = Run.from_trace(trace)
    assert (back.nodes, back.cores) == (2, 8)
    assert back.summary["flops"] == 40.0
