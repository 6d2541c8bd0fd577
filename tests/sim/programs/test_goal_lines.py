"""The line reader of GOAL files (goal._parse_lines) gives _Parser's Schedule or none."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parasim.sim.programs import goal
from parasim.sim.programs.errors import ProgramError
from tests.sim.programs.goal_helpers import DATA

WORDS = ["send", "recv", "calc", "to", "from", "tag", "requires", "irequires", "rank",
         "num_ranks", "cpu", "nic", "l1", "l2", "x"]


def statement(draw, ranks: int, n: int, labels: list[str]) -> str:
    """Line n of a rank's body (`labels` defined above it; a new one is added): mostly
    valid, one in eight anything."""
    odd = draw(st.integers(0, 7)) == 0
    kind = draw(st.sampled_from(["send", "recv", "calc", "dep"] +
                                (["junk", "comment"] if odd else [])))
    label = draw(st.sampled_from([f"l{n}: ", f"l{n}:"] + (["", "l1: ", "x : "] if odd else [])))
    peer = draw(st.integers(-2, ranks) if odd else st.integers(0, ranks - 1))
    tag = draw(st.sampled_from(["", " tag 0", " tag 3"] + ([" tag -1", " tag -2"] if odd else [])))
    if kind in ("send", "recv", "calc") and label.strip():
        labels.append(label.strip(" :"))
    if kind == "send":
        return f"{label}send {draw(st.integers(0, 99))}b to {peer}{tag}"
    if kind == "recv":
        return f"{label}recv {draw(st.integers(0, 99))}b  from {peer}{tag}"
    if kind == "calc":
        extra = draw(st.sampled_from(["", " tag 2"] + ([" cpu 0", " nic 1"] if odd else [])))
        return f"{label}calc {draw(st.integers(0, 500))}{extra}"
    if kind == "dep" and labels:
        how = draw(st.sampled_from(["requires", "irequires"]))
        a, b = (draw(st.sampled_from(labels + (["l9"] if odd else []))) for _ in "ab")
        return f"{a} {how} {b}" + draw(st.sampled_from(["", " // why"]))
    if kind == "dep":
        return f"calc {n}"
    if kind == "comment":
        return draw(st.sampled_from(["// note", "/* a */", "/* open", "close */", ""]))
    return " ".join(draw(st.lists(st.sampled_from(WORDS + ["{", "}", ":", "5", "8b"]),
                                  max_size=4)))


@st.composite
def schedules(draw) -> str:
    ranks = draw(st.integers(1, 4))
    out = [draw(st.sampled_from(["", "// head", "\n"])), f"num_ranks {ranks}"]
    order = draw(st.permutations(range(ranks)))
    for r in order[:draw(st.integers(0, ranks))] + draw(st.sampled_from([[]] * 6 + [[0], [ranks]])):
        out.append(draw(st.sampled_from([f"rank {r} {{", f"rank {r}{{", f"  rank {r} {{ "])))
        labels: list[str] = []
        out += [statement(draw, ranks, n, labels) for n in range(draw(st.integers(0, 8)))]
        out.append(draw(st.sampled_from(["}", "} // end"] * 4 + ["}}", ""])))
    return "\n".join(out) + draw(st.sampled_from(["", "\n", "\r\n"]))


def parsed(text: str):
    """_Parser's Schedule, or the error message."""
    try:
        return goal._Parser(text, "t.goal").parse()
    except ProgramError as exc:
        return str(exc)


@given(schedules())
def test_the_line_reader_agrees_with_the_parser_or_declines(text):
    fast = goal._parse_lines(text, "t.goal")
    if fast is not None:
        assert fast == parsed(text)


def test_schedgen_layout_is_read_by_lines_with_labels_deps_and_lines():
    text = (DATA / "dissemination_16.goal").read_text()
    fast = goal._parse_lines(text, "d.goal")
    assert fast is not None and fast == goal._Parser(text, "d.goal").parse()
    s1 = fast.ranks[0][2]                 # rank 0's third op: s1: send 1b to 2 tag 1
    assert (s1.kind, s1.size, s1.peer, s1.tag, s1.requires) == ("send", 1, 2, 1, [1])
    assert s1.line == 9


def test_other_layouts_fall_back_to_the_parser():
    one_line = "num_ranks 2 rank 0 { l1: calc 5 } rank 1 { }"
    assert goal._parse_lines(one_line, "x") is None
    assert goal.parse(one_line, "x").ranks[0][0].size == 5
