"""Scenario files: round trips, overrides, and every kind of validation error."""

import pytest

from parasim.sim import scenario as sm
from parasim.sim.errors import ScenarioError

BASE = """
name = "x"
[machine]
cores = 4
[machine.memory]
bandwidth_gbs = 50
[workload]
kind = "triad"
n = 1000
"""


@pytest.mark.parametrize("name", sm.preset_names())
def test_every_preset_round_trips(name, tmp_path):
    sc = sm.load(name)
    path = tmp_path / "s.toml"
    sm.save(sc, path)
    assert sm.load(str(path)) == sc
    assert sc.description and sc.explain


def test_defaults_fill_missing_fields():
    sc = sm.loads(BASE)
    assert sc.machine.cores == 4 and sc.machine.memory.bandwidth_gbs == 50.0
    assert sc.machine.memory.latency_ns == 80.0 and sc.schedule.policy == "dynamic"
    assert sc.workload.kind == "triad" and sc.workload.tasks == 256


def test_overrides_are_parsed_as_toml_values():
    sc = sm.loads(BASE, ["machine.cores=8", "workload.n=100000000", 'schedule.policy="block"',
                         "schedule.policy=cyclic", "machine.freq_ghz=3"])
    assert sc.machine.cores == 8 and sc.workload.n == 100_000_000
    assert sc.schedule.policy == "cyclic" and sc.machine.freq_ghz == 3.0


@pytest.mark.parametrize("override, message", [
    ("machine.memory.bandwidth_gbs=0", "machine.memory.bandwidth_gbs must be > 0, got 0"),
    ("machine.cores=0", "machine.cores must be >= 1, got 0"),
    ("machine.cores=2.5", "machine.cores must be an integer, got 2.5"),
    ("machine.cores=\"four\"", "machine.cores must be an integer, got 'four'"),
    ("machine.freq_ghz=true", "machine.freq_ghz must be a number, got true"),
    ("machine.colour=1", "machine.colour is not a known setting"),
    ("machine.memory=3", "machine.memory must be a table, got 3"),
    ("schedule.policy=fastest", "schedule.policy must be one of 'dynamic'"),
    ("workload.kind=teleport", "workload.kind must be one of"),
    ("workload.vector_fraction=1.5", "workload.vector_fraction must be <= 1, got 1.5"),
    ("machine.simd_bits=100", "machine.simd_bits must be a multiple of 64, got 100"),
    ("workload.n=1.5", "workload.n must be an integer, got 1.5"),
])
def test_validation_errors_name_the_path_and_value(override, message):
    with pytest.raises(ScenarioError) as err:
        sm.loads(BASE, [override])
    assert message in str(err.value)


def test_absurd_task_counts_are_refused_with_a_suggestion():
    with pytest.raises(ScenarioError, match="fewer, larger tasks"):
        sm.loads(BASE, ["workload.n=1000000000", "workload.tasks=1000000000"])


def test_absurd_machines_are_refused_with_a_suggestion():
    with pytest.raises(ScenarioError, match="slice"):
        sm.loads(BASE, ["machine.nodes=158976", "machine.cores=48"])


def test_bad_toml_and_bad_set_syntax_and_unknown_preset():
    with pytest.raises(ScenarioError, match="not valid TOML"):
        sm.loads("name = ")
    with pytest.raises(ScenarioError, match="key=value"):
        sm.loads(BASE, ["machine.cores"])
    with pytest.raises(ScenarioError, match="no preset or file named"):
        sm.load("no-such-preset")
    with pytest.raises(ScenarioError, match="workload.kind is required"):
        sm.loads("[workload]\nn = 3")
    with pytest.raises(ScenarioError, match="is not a table"):
        sm.loads(BASE, ["name.x=1"])


@pytest.mark.parametrize("preset, override, message", [
    ("big-little", "workload.where=little", None),
    ("big-little", "workload.where=gpu", 'workload.where = "gpu" needs a device'),
    ("big-little", "workload.where=tiny", 'workload.where = "tiny" names no unit group '
                                          r'.*one of: big, little\)'),
    ("hetero-dag-gpu-only", "machine.device=[{name='tpu', count=2}]", None),
    ("hetero-dag-gpu-only", "machine.cores=4", None),
    ("summit-node-hpl", "workload.trailing=v100", None),
    ("summit-node-hpl", "workload.panel=p9", r'workload.panel = "p9" names no unit group .*'
                                             r'one of: cpu, v100\)'),
])
def test_a_workload_unit_choice_must_name_units_the_machine_has(preset, override, message):
    if message is None:
        sm.load(preset, [override])
    else:
        with pytest.raises(ScenarioError, match=message):
            sm.load(preset, [override])

