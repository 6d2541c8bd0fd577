"""Bugs seen in the classroom (issue 18), each pinned down where a test can see it."""

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetrics

from tests.trace_factory import SMALL, make_run


def test_the_veil_covers_every_row_after_a_node_expands(window):
    run = make_run(SMALL + [(2, "compute", 3, 0.0, 4.0, 1.0), (3, "compute", 4, 0.0, 4.0, 1.0)],
                   nodes=2, cores=2)
    window.state.set_run(run)
    tl = window.timeline
    tl.collapse_all(True)
    window.state.set_time(1.5)
    tl.toggle_node(0)                            # a double-click on a collapsed node
    tl.toggle_node(1)
    assert tl.rows.n_rows == 4
    assert tl.veil.rect().height() == tl.rows.n_rows + 1 and tl.veil.rect().left() == 1.5


def test_a_recv_is_drawn_beside_a_simultaneous_send(window):
    spans = [(0, "send", -1, 0.0, 1.0, 0.0, 8.0, 1, 1), (0, "recv", -1, 0.0, 1.0, 0.0, 8.0, 1, 2),
             (1, "send", -1, 0.0, 1.0, 0.0, 8.0, 0, 2), (1, "recv", -1, 0.0, 1.0, 0.0, 8.0, 0, 1)]
    window.state.set_run(make_run(spans, cores=2))
    bars = window.timeline.bars
    send, recv = bars["send"].opts, bars["recv"].opts
    for pe in range(2):                          # same PE, same time: top and bottom halves
        assert recv["y0"][pe] == pytest.approx(send["y0"][pe] + send["height"][pe])
    assert window.timeline.arrows.opts["pen"].width() >= 2


def test_span_names_are_whole_or_absent():
    from parasim.gui.labels import fits
    m = QFontMetrics(QFont())
    text = "fp64 8 lanes v=90%"
    wide = QRectF(0, 0, m.horizontalAdvance(text) + 4, m.height() + 2)
    assert fits(m, wide, text)
    assert not fits(m, QRectF(0, 0, m.horizontalAdvance("fp6"), m.height() + 2), text)


def test_counters_do_not_call_a_communicating_pe_active_parallelism(window):
    spans = [(0, "send", -1, 0.0, 1.0, 0.0, 8.0, 1, 1), (1, "recv", -1, 0.0, 1.0, 0.0, 8.0, 0, 1)]
    window.state.set_run(make_run(spans, cores=2))
    text = window.player.counter_text(0.5)
    assert "busy PEs (computing or communicating): 2 / 2" in text
    assert "parallelism (PEs running a task): 0" in text


def test_presets_menu_lists_oxen_before_chickens():
    from parasim.gui.presets_menu import grouped_presets
    names = [sc.name for sc in grouped_presets()["Amdahl & scaling"]]
    assert names.index("oxen-vs-chickens-oxen") < names.index("oxen-vs-chickens-chickens")


def test_simd_lanes_lesson_says_how_its_variants_are_laid_out():
    from parasim.sim.scenario import load
    sc = load("simd-lanes")
    assert "side by side" not in sc.description + sc.explain
    assert "one after another" in sc.description


def test_power_and_utilisation_start_at_zero(window, qtbot):
    window.load_scenario("power-wall", run=True)
    qtbot.waitUntil(lambda: window.worker is None and window.state.run is not None,
                    timeout=20000)
    m = window.metrics
    for tab in (m.plots[1], m.plots[2]):
        m.setCurrentWidget(tab)
        (x0, _), (y0, _) = tab.item.getViewBox().viewRange()
        assert (y0 if tab is m.plots[1] else x0) <= 0
