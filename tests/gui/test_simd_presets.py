"""The SIMD, HPL, Top500, offload and heterogeneous presets run in the window without
an error dialog (the scenario form takes their [[machine.device]] tables)."""

import pytest


@pytest.mark.parametrize("name", ["simd-lanes", "mixed-precision", "hpl", "hpl-ai",
                                  "top500-fugaku-hpl", "gpu-offload", "big-little",
                                  "hetero-dag-heft", "gpu-vgg16"])
def test_preset_runs_in_the_window(window, qtbot, name):
    from parasim.sim import scenario
    window.set_scenario(scenario.load(name))
    with qtbot.waitSignal(window.state.run_changed, timeout=60000):
        assert window.start_run()
    qtbot.waitUntil(lambda: window.worker is None, timeout=60000)
    assert window.state.run is not None
    assert not [d for d in window.dialogs if d[0] == "critical"], window.dialogs
    window.timeline.repaint()


def test_a_device_field_is_edited_in_place(window):
    from parasim.sim import scenario
    window.set_scenario(scenario.load("gpu-vgg16"))
    ed = window.form.editors["machine.device[0].sms"]
    ed.widget.setText("0")
    assert "machine.device[0].sms must be >= 1, got 0" in (ed.message or "")
    ed.widget.setText("54")
    assert ed.message is None and window.form.scenario.machine.device[0].sms == 54
