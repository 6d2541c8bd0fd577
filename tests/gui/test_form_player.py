"""Form validation marks every invalid field without moving the form; the player's
counters are two fixed lines."""

import pytest

from parasim.sim import scenario


@pytest.fixture
def form(qtbot):
    from parasim.gui.panels.scenario_form import ScenarioForm
    f = ScenarioForm()
    qtbot.addWidget(f)
    f.set_scenario(scenario.load("amdahl"))
    f.resize(400, 900)
    f.show()
    qtbot.waitExposed(f)
    return f


def test_every_invalid_field_is_marked(form):
    cores, bw = form.editors["machine.cores"], form.editors["machine.memory.bandwidth_gbs"]
    freq = form.editors["machine.freq_ghz"]
    cores.widget.setText("0")
    bw.widget.setText("abc")
    assert cores.message and "machine.cores" in cores.message
    assert bw.message and "machine.memory.bandwidth_gbs" in bw.message
    assert freq.message is None and freq.widget.styleSheet() == ""
    assert "2 invalid fields" in form.status.text()
    assert form.scenario is None
    cores.widget.setText("4")
    assert cores.message is None and bw.message is not None
    bw.widget.setText("50")
    assert form.scenario is not None and form.scenario.machine.cores == 4


def test_typing_an_invalid_value_moves_no_field(form):
    ed = form.editors["machine.cores"]
    below = form.editors["machine.freq_ghz"].widget
    y0, h0 = below.mapTo(form, below.rect().topLeft()).y(), form.status.height()
    for text in ("", "-", "-1", "1e", "abc", "8"):
        ed.widget.setText(text)
        form.layout().activate()
        for box in form.groups:
            box.layout().activate()
        assert below.mapTo(form, below.rect().topLeft()).y() == y0, text
        assert form.status.height() == h0


def test_player_counters_are_two_fixed_lines(qtbot):
    from parasim.gui.analysis import TraceIndex
    from parasim.gui.player import Player
    from parasim.gui.state import AppState
    from parasim.sim.simulate import simulate
    state = AppState()
    player = Player(state)
    qtbot.addWidget(player)
    player.resize(500, 120)
    player.show()
    run = simulate(scenario.load("power-wall"), baseline=False)
    state.set_run(run, TraceIndex(run))
    state.set_time(0.1)
    first, second = player.counters.text().split("\n")
    assert "done:" in first and "power:" in first and "concurrency" in second
    assert not player.counters.wordWrap()
    h = player.counters.height()
    player.resize(300, 120)
    state.set_time(0.2)
    assert player.counters.height() == h


def test_a_unit_kind_the_machine_lacks_is_marked_on_its_field(qtbot):
    from parasim.gui.panels.scenario_form import ScenarioForm
    f = ScenarioForm()
    qtbot.addWidget(f)
    f.set_scenario(scenario.load("big-little"))
    where = f.editors["workload.where"]
    where.widget.setText("gpu")
    assert where.message == ('workload.where = "gpu" needs a device: the machine has none '
                             '([[machine.device]])')
    assert f.status.text() == where.message and f.scenario is None
    where.widget.setText("little")
    assert where.message is None and f.scenario is not None


def test_a_custom_workload_keeps_its_task_and_message_tables(qtbot):
    from parasim.gui.panels.scenario_form import ScenarioForm
    f = ScenarioForm()
    qtbot.addWidget(f)
    sc = scenario.load("gpu-halo-staged")
    f.set_scenario(sc)
    assert f.scenario == sc
    f.editors["workload.tasks[1].flops"].widget.setText("8e6")
    assert f.scenario is not None and f.scenario.workload.tasks[1].flops == 8e6
    assert len(f.scenario.workload.messages) == len(sc.workload.messages)
