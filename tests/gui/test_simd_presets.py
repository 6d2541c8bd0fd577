"""The SIMD, HPL, Top500 and offload presets run in the window without an error dialog."""

import pytest


@pytest.mark.parametrize("name", ["simd-lanes", "mixed-precision", "hpl", "hpl-ai",
                                  "top500-fugaku-hpl", "gpu-offload"])
def test_preset_runs_in_the_window(window, qtbot, name):
    from parasim.sim import scenario
    window.set_scenario(scenario.load(name))
    with qtbot.waitSignal(window.state.run_changed, timeout=60000):
        assert window.start_run()
    qtbot.waitUntil(lambda: window.worker is None, timeout=60000)
    assert window.state.run is not None
    assert not [d for d in window.dialogs if d[0] == "critical"], window.dialogs
    window.timeline.repaint()
