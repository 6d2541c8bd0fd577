"""GOAL schedules: LogGOPSim's dissemination check, parsing, errors with line numbers."""

from __future__ import annotations

import pytest

from parasim.sim.errors import ScenarioError
from parasim.sim.programs import goal
from parasim.sim.programs.errors import ProgramError
from parasim.sim.trace import KIND_CODE
from tests.sim.programs.goal_helpers import DATA, goal_run


def test_dissemination_16_ends_at_22000_ns_on_every_rank():
    """LogGOPSim's README: its dissemination_16 example ends at 22,000 ns with the
    default parameters: 4 rounds of o + L + o = 5.5 us (1-byte messages)."""
    run = goal_run(DATA / "dissemination_16.goal")
    t = run.trace
    ends = [float(t.end_s[t.pe == pe].max()) for pe in range(16)]
    assert ends == pytest.approx([22_000e-9] * 16, rel=1e-12)


def test_calc_is_nanoseconds_of_cpu_and_requires_orders(tmp_path):
    path = tmp_path / "s.goal"
    path.write_text("""num_ranks 2
rank 0 {
a: calc 1000
b: send 1b to 1 tag 7
b requires a
}
rank 1 {
c: recv 1b from 0 tag 7
d: calc 500
d requires c
}
""")
    run = goal_run(path, nodes=2)
    # 1000 ns, then o + L + o = 5500 ns, then 500 ns
    assert run.makespan == pytest.approx(7000e-9, rel=1e-12)
    assert run.task_names[0].startswith("s.goal:")


def test_irequires_starts_with_the_start(tmp_path):
    path = tmp_path / "s.goal"
    path.write_text("""num_ranks 2
rank 0 {
a: calc 1000
b: send 1b to 1 tag 0
b irequires a
}
rank 1 {
c: recv 1b from -1 tag -1
}
""")
    run = goal_run(path, nodes=2)
    # the send waits for the CPU (busy with the calc until 1000 ns): 1000 + 5500
    assert run.makespan == pytest.approx(6500e-9, rel=1e-12)


@pytest.mark.parametrize("network", [{"latency_us": 1.0, "bandwidth_gbs": 1.0}, None])
def test_an_operation_that_irequires_a_send_starts_when_the_send_starts(tmp_path, network):
    """d irequires send b, which waits for the CPU until calc a ends (1000 ns): d starts
    at 1000 ns, not when b completes. Hockney (a send with no overhead starts inline,
    d then has the CPU at once) and LogGOPSim's defaults (d waits for b's o = 1500 ns)."""
    path = tmp_path / "s.goal"
    path.write_text("""num_ranks 2
rank 0 {
a: calc 1000
b: send 1000b to 1 tag 0
d: calc 500
b irequires a
d irequires b
}
rank 1 {
c: recv 1000b from 0 tag 0
}
""")
    run = goal_run(path, nodes=2, network=network)
    t = run.trace
    calc = t.kind == KIND_CODE["compute"]
    spans = sorted(zip(t.start_s[calc].tolist(), t.end_s[calc].tolist()))
    d_start = 1000e-9 if network is not None else 1000e-9 + 1500e-9
    assert [x for span in spans for x in span] == pytest.approx(
        [0.0, 1000e-9, d_start, d_start + 500e-9], rel=1e-12, abs=1e-18)


def binomial_tree(P: int) -> str:
    """A binomial broadcast in Schedgen's layout: rank v receives from v - highbit(v),
    then sends to v + 2^k for k = bitlength(v), ... (each send requires the receive)."""
    lines = [f"num_ranks {P}", ""]
    for v in range(P):
        lines.append(f"rank {v} {{")
        if v:
            lines.append(f"l0: recv 1b from {v - (1 << (v.bit_length() - 1))} tag 0")
        k, n = v.bit_length(), 1
        while v + (1 << k) < P:
            lines.append(f"l{n}: send 1b to {v + (1 << k)} tag 0")
            if v:
                lines.append(f"l{n} requires l0")
            k, n = k + 1, n + 1
        lines += ["}", ""]
    return "\n".join(lines)


def test_binomial_tree_schedule_by_hand(tmp_path):
    """8 ranks, LogGOPSim's defaults. The root's sends start at 0, 1.5, 3 us (o > g);
    rank 1 has the data at 1.5 + 2.5 + 1.5 = 5.5 us and sends to 3 at 5.5; rank 3 has
    it at 11 and sends to 7, which has it at 16.5 us, the last."""
    text = binomial_tree(8)
    sched = goal.parse(text, "tree.goal")
    assert [len(ops) for ops in sched.ranks] == [3, 3, 2, 2, 1, 1, 1, 1]
    path = tmp_path / "tree.goal"
    path.write_text(text)
    run = goal_run(path, nodes=8)
    assert run.makespan == pytest.approx(16_500e-9, rel=1e-12)
    assert run.summary["messages"] == 7


@pytest.mark.parametrize("text, message", [
    ("rank 0 {\n}\n", "x.goal:1: expected num_ranks, got 'rank'"),
    ("num_ranks 2\nrank 0 {\nl1: send 8 to 1\n}\n", "x.goal:3: expected a size such as 8b"),
    ("num_ranks 2\nrank 0 {\nl1: send 8b to 5\n}\n", "x.goal:3: send peer must be a rank"),
    ("num_ranks 2\nrank 0 {\nl1: calc 5\nl1 requires l9\n}\n",
     "x.goal:4: label l9 is not defined"),
    ("num_ranks 2\nrank 0 {\nl1: calc 5 cpu 1\n}\n", "x.goal:3: cpu 1: one CPU"),
    ("num_ranks 2\nrank 0 {\n/* a\ncomment */\nl1: jump 5\n}\n",
     "x.goal:5: expected send, recv or calc, got 'jump'"),
    ("num_ranks 2\nrank 0 {\nl1: calc 5\n", "x.goal:3: missing '}'"),
    ("num_ranks 2\nrank 3 {\n}\n", "x.goal:2: rank 3 is not below num_ranks 2"),
])
def test_malformed_schedules_name_their_line(text, message):
    with pytest.raises(ProgramError, match=message.replace("(", r"\(")):
        goal.parse(text, "x.goal")


def test_a_schedule_that_never_matches_is_a_deadlock(tmp_path):
    path = tmp_path / "d.goal"
    path.write_text("num_ranks 2\nrank 0 {\nl1: recv 4b from 1 tag 0\n}\nrank 1 {\n}\n")
    with pytest.raises(ProgramError, match=r"deadlock.*rank 0: recv 4b from 1 tag 0 at "
                                           r"d.goal:3 \(never matched\)"):
        goal_run(path, nodes=2)


def test_a_schedule_larger_than_the_machine_is_refused(tmp_path):
    path = tmp_path / "big.goal"
    path.write_text("num_ranks 4\n")
    with pytest.raises(ScenarioError, match=r"the schedule's num_ranks \(4\) must "
                                             r"be at most the machine's 2 PEs"):
        goal_run(path, nodes=2)


def test_the_garbage_collector_is_held_through_a_schedule_and_restored(tmp_path, monkeypatch):
    """run_goal holds the cyclic collector off from the parse to the summary (no user code
    runs) and restores it after a run and after a malformed file."""
    import gc

    seen = []
    real_run = goal.run
    monkeypatch.setattr(goal, "run", lambda ex, s: seen.append(gc.isenabled()) or
                        real_run(ex, s))
    assert gc.isenabled()
    goal_run(DATA / "dissemination_16.goal")
    assert seen == [False] and gc.isenabled()
    bad = tmp_path / "bad.goal"
    bad.write_text("num_ranks 2\nrank 0 {\nl1: jump 5\n}\n")
    with pytest.raises(ScenarioError):
        goal_run(bad)
    assert gc.isenabled()
