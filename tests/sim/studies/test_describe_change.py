from types import SimpleNamespace

from parasim.sim.scenario import changed_settings, load
from parasim.sim.studies.compare import describe_change, value_text


def fake_run(sc, **summary):
    return SimpleNamespace(scenario=sc, summary=summary)


def test_changed_settings_ignore_the_lesson_text():
    a = load("cluster-pingpong")
    b = load("cluster-pingpong", ["workload.bytes=8", "explain='other words'"])
    assert [k for k, _, _ in changed_settings(a, b)] == ["workload.bytes"]
    assert changed_settings(a, a) == []


def test_describe_change_names_the_setting_and_the_ratio():
    a = load("cluster-pingpong")
    b = load("cluster-pingpong", ["workload.bytes=8"])
    old = a.workload.bytes
    line = describe_change(fake_run(a, makespan_s=0.161), fake_run(b, makespan_s=801e-6))
    assert line == (f"workload.bytes {value_text(old)} -> 8: makespan 161 ms -> 801 µs, "
                    f"{0.161 / 801e-6:.3g}x faster")


def test_describe_change_between_presets_and_slower_runs():
    a, b = load("oxen-vs-chickens-oxen"), load("oxen-vs-chickens-chickens")
    line = describe_change(fake_run(a, makespan_s=1.0, energy_j=2.0),
                           fake_run(b, makespan_s=4.0, energy_j=3.0))
    assert line.startswith("oxen-vs-chickens-oxen -> oxen-vs-chickens-chickens: ")
    assert "4x slower" in line and "energy 2 J -> 3 J" in line


def test_value_text_is_short():
    assert value_text(1e6) == "1e6" and value_text(1_000_000) == "1e6"
    assert value_text(8.0) == "8" and value_text(True) == "true" and value_text("x") == "x"
