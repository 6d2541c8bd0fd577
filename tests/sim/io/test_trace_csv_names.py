"""The trace CSV's name column: task names written last, older CSVs still load."""

from __future__ import annotations

import io

from parasim.sim.io import trace_csv
from parasim.sim.trace import COLUMNS
from tests.sim.programs.helpers import run_program


def test_program_spans_are_named_by_file_and_line(tmp_path):
    src = """
    def main(comm):
        yield comm.compute(1e6, name='setup, "quoted"')
        yield comm.send(1 - comm.rank, 8)
        yield comm.recv(1 - comm.rank)
    """
    run = run_program(tmp_path, src)
    text = trace_csv.to_csv_text(run.trace, run.task_names)
    rows = list(__import__("csv").reader(io.StringIO(text)))
    assert rows[0][-1] == "name"
    by_kind = {(r[3], r[-1]) for r in rows[1:]}
    assert ("compute", 'prog.py:3 setup, "quoted"') in by_kind
    assert ("send", "prog.py:4") in by_kind and ("recv", "prog.py:5") in by_kind
    assert trace_csv.parse_csv(io.StringIO(text)).equals(run.trace)


def test_a_csv_without_the_name_column_still_loads(tmp_path):
    run = run_program(tmp_path, "def main(comm):\n    yield comm.compute(1e6)\n")
    text = trace_csv.to_csv_text(run.trace)
    old = "\n".join(",".join(line.split(",")[:len(COLUMNS)]) for line in text.splitlines())
    assert old.splitlines()[0] == ",".join(COLUMNS)
    assert trace_csv.parse_csv(io.StringIO(old + "\n")).equals(run.trace)


def test_spans_without_a_task_have_an_empty_name(tmp_path):
    run = run_program(tmp_path, "def main(comm):\n    yield comm.compute(1e6)\n")
    text = trace_csv.to_csv_text(run.trace, None)
    assert all(line.endswith(",") for line in text.splitlines()[1:])
