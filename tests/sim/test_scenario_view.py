"""The optional [view] section: validated, round-tripped, omitted when default, and
set on the presets so that every paired preset and default sweep is itself valid."""

import pytest

from parasim.sim import scenario
from parasim.sim.errors import ScenarioError
from parasim.sim.studies.sweep import expand, parse_vary

BASE = '[workload]\nkind = "matmul"\n'


def test_view_is_validated_with_its_path():
    with pytest.raises(ScenarioError) as exc:
        scenario.loads(BASE + '[view]\ntab = "timeline"\n')
    assert exc.value.path == "view.tab" and "'timeline'" in str(exc.value)


def test_view_round_trips_and_is_omitted_when_default():
    plain = scenario.loads(BASE)
    assert "view" not in scenario.to_dict(plain)
    sc = scenario.loads(BASE + '[view]\ntab = "power"\nsweep = "machine.cores=1,2"\n')
    assert sc.view.tab == "power" and sc.view.sweep == "machine.cores=1,2"
    assert scenario.loads(scenario.dumps(sc)) == sc


@pytest.mark.parametrize("name", scenario.preset_names())
def test_preset_views_point_at_valid_things(name):
    sc = scenario.load(name)
    assert sc.view.group, f"{name} has no [view] group"
    if sc.view.compare_with:
        assert scenario.load(sc.view.compare_with).name == sc.view.compare_with
    if sc.view.sweep:
        expand(sc, parse_vary(sc.view.sweep.splitlines()))


def test_lesson_presets_declare_their_view():
    v = {n: scenario.load(n).view for n in scenario.preset_names()}
    assert v["power-wall"].tab == v["power-wall-half-clock"].tab == "power"
    assert v["power-wall"].compare_with == "power-wall-half-clock"
    assert v["power-wall-half-clock"].compare_with == "power-wall"
    assert v["oxen-vs-chickens-oxen"].compare_with == "oxen-vs-chickens-chickens"
    assert v["concurrency-vs-parallelism"].compare_with == "concurrency-vs-parallelism-8-cores"
    assert v["concurrency-vs-parallelism-io"].tab == "concurrency"
    assert v["smp-memory-wall"].sweep == "machine.cores=1,2,4,8,16"
    assert v["hpl"].sweep.startswith("workload.nb=")
    assert v["vgg16-inference"].tab == v["vgg16-pipeline"].tab == "layers"


def test_vgg16_presets_count_macs():
    from parasim.sim.report import summary_rows
    from parasim.sim.simulate import simulate
    for name in ("vgg16-inference", "vgg16-pipeline"):
        assert scenario.load(name).options.flop_convention == "macs"
    run = simulate(scenario.load("vgg16-inference"), baseline=False)
    rows = dict(summary_rows(run.summary, run.scenario.options.flop_convention))
    assert rows["Work"].endswith("GMAC")
    # the lesson's 15.47 GMACs per image (k*k*c*H*W*o summed over VGG16), batch 8
    assert run.summary["flops"] / 2 / 8 == pytest.approx(15.47e9, rel=0.005)
