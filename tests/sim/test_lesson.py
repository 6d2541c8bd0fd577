import pytest

from parasim.sim import scenario as scenario_mod
from parasim.sim.errors import ScenarioError
from parasim.sim.lesson import Question, check, parse_number

GUIDED = ["smp-memory-wall", "amdahl", "oxen-vs-chickens-oxen", "concurrency-vs-parallelism",
          "power-wall", "cluster-pingpong", "cluster-allreduce"]
BASE = 'name = "t"\n[workload]\nkind = "bag"\n'


@pytest.mark.parametrize("name", GUIDED)
def test_the_guided_presets_have_steps_and_answerable_questions(name):
    from parasim.sim.simulate import simulate
    sc = scenario_mod.load(name)
    assert sc.lesson.step and sc.lesson.question
    run = simulate(sc)
    times = [s.time(run.makespan) for s in sc.lesson.step]
    assert times == sorted(times) and all(0 <= t <= run.makespan for t in times)
    for q in sc.lesson.question:
        assert q.hints
        if q.is_choice:
            assert check(q, q.correct, run.summary).correct
            assert not check(q, (q.correct + 1) % len(q.choices), run.summary).correct
        else:
            want = q.expected(run.summary)
            assert check(q, f"{want:.6g}", run.summary).correct
            assert not check(q, f"{want * 2 + 1:.6g}", run.summary).correct


def test_a_lesson_round_trips_through_toml():
    sc = scenario_mod.load("amdahl")
    assert scenario_mod.loads(scenario_mod.dumps(sc)) == sc


@pytest.mark.parametrize("table, message", [
    ('[[lesson.step]]\ncaption = "x"\n', r"lesson.step\[0\] needs exactly one of t_s"),
    ('[[lesson.step]]\nat = 1.5\ncaption = "x"\n', r"lesson.step\[0\].at must be <= 1"),
    ('[[lesson.step]]\nat = 0.5\n', r"lesson.step\[0\].caption is required"),
    ('[[lesson.question]]\ntext = "q"\n', r"lesson.question\[0\] needs exactly one of answer"),
    ('[[lesson.question]]\ntext = "q"\nchoices = ["a", "b"]\ncorrect = 2\n',
     r"lesson.question\[0\].correct must be the index of one of the 2 choices"),
    ('[[lesson.question]]\ntext = "q"\nanswer = 1\ntolerance = 0\n',
     r"lesson.question\[0\].tolerance must be > 0"),
    ('[[lesson.question]]\ntext = "q"\nanswer = 1\nhint = "typo"\n',
     r"lesson.question\[0\].hint is not a known setting"),
])
def test_bad_lessons_are_refused_with_the_path(table, message):
    with pytest.raises(ScenarioError, match=message):
        scenario_mod.loads(BASE + table)


def test_check_numbers_and_words():
    q = Question(text="q", answer=4.0, tolerance=0.05)
    assert check(q, "4.1x", {}).correct and not check(q, "5", {}).correct
    assert check(q, "5", {}).message == "too high: try again"
    assert "type a number" in check(q, "four", {}).message
    assert parse_number("25 %") == 25 and parse_number("1e-3") == 1e-3
    key = Question(text="q", summary_key="speedup")
    assert "no speedup" in check(key, "1", {"speedup": None}).message
