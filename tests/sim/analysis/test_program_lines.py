"""Which line each rank of a program is at, at a given time."""

from parasim.sim.analysis.program_lines import ProgramLines, line_of, ranges
from tests.sim.programs.helpers import run_program

SRC = """
def main(comm):
    if comm.rank == 0:
        yield comm.compute(4e8)
        yield comm.send(1, 8)
    else:
        yield comm.recv(0)
        yield comm.compute(4e8, name="after")
"""


def test_each_rank_is_at_the_line_of_its_current_span(tmp_path):
    run = run_program(tmp_path, SRC)
    p = run.extras["program"]
    assert p["ranks"] == 2 and p["threads"] == 1 and "def main" in p["source"]
    lines = ProgramLines(run.trace, run.task_names, p["ranks"], p["threads"])
    t = run.trace
    compute_end = float(t.end_s[(t.pe == 0) & (t.kind == 0)].max())
    assert lines.at(compute_end / 2) == {4: [0], 7: [1]}      # computing / waiting in recv
    assert lines.at(run.makespan * 0.99) == {8: [1]}            # rank 0 has finished
    assert lines.at(run.makespan * 2) == {}


def test_names_and_ranges():
    assert line_of("prog.py:14") == 14 and line_of("prog.py:3 after") == 3
    assert line_of("conv1 @ pe3") == 0
    assert ranges([0, 1, 2, 5, 7, 8]) == "r0-2, r5, r7-8" and ranges([]) == ""
