"""Presentation mode: panels hidden and restored, fonts scaled together, key numbers."""

import pytest


@pytest.fixture
def shown(ran):
    yield ran
    ran.presenter.set_zoom(100)             # the application font is shared by all tests


def test_banner_shows_the_summary_key_numbers(shown):
    s = shown.state.run.summary
    text = shown.banner.text()
    assert "SPEEDUP" in text and f"{s['speedup']:.3g}x" in text and "MAKESPAN" in text


def test_text_size_scales_axes_labels_and_tables_together(shown):
    from parasim.gui.presentation import base_point_size
    base = base_point_size()
    assert shown.presenter.set_zoom(200) == 200
    tick = shown.timeline.item.getAxis("bottom").style["tickFont"]
    assert tick.pointSizeF() == pytest.approx(2 * base)
    assert shown.timeline.labels.font.pointSizeF() == pytest.approx(16)
    assert shown.metrics.summary.table.font().pointSizeF() == pytest.approx(2 * base)
    assert shown.presenter.set_zoom(400) == 250 and shown.presenter.set_zoom(10) == 100


def test_presentation_mode_hides_the_panels_and_brings_them_back(shown):
    assert shown.metrics_dock.isVisible()
    shown.presentation_action.trigger()
    assert shown.presenter.on and shown.presentation_action.isChecked()
    assert not shown.metrics_dock.isVisible() and not shown.left_dock.isVisible()
    assert shown.tabs.currentWidget() is shown.timeline_page and shown.player.isVisible()
    assert shown.presenter.zoom >= 175 and shown.banner.large
    shown.presentation_action.trigger()
    assert shown.metrics_dock.isVisible() and shown.left_dock.isVisible()
    assert shown.presenter.zoom == 100 and not shown.banner.large


def test_plot_titles_scale_and_stay_scaled_after_a_redraw(shown, qtbot):
    m = shown.metrics
    m.setCurrentWidget(m.concurrency)
    shown.presenter.set_zoom(200)
    assert m.concurrency.item.titleLabel.opts["size"] == "20pt"
    m.setCurrentWidget(m.plots[2])                   # drawn now, at 10pt, then rescaled
    qtbot.waitUntil(lambda: m.plots[2].item.titleLabel.opts.get("size") == "20pt",
                    timeout=2000)
