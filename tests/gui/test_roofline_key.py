"""The roofline's key sits under the plot, never over it, at every screen size; the
memory wall's whole-run star stays in view beside the per-task points."""

import numpy as np
import pytest
from PySide6.QtCore import QRect

SIZES = ((1024, 768), (1280, 720), (1600, 1000))


def rect_in(win, w) -> QRect:
    return QRect(w.mapTo(win, w.rect().topLeft()), w.size())


@pytest.mark.parametrize("presentation", [False, True])
def test_roofline_key_is_beside_the_plot_not_on_it(ran, qtbot, presentation):
    tab = ran.metrics.plots[3]
    ran.metrics.setCurrentWidget(tab)
    if presentation:                        # text at 175 %, the metrics brought back
        ran.presenter.toggle()
        ran.metrics_dock.show()
    for size in SIZES:
        ran.resize(*size)
        qtbot.wait(30)
        assert tab.item.legend is None or not tab.item.legend.isVisible()
        key, plot = rect_in(ran, tab.key), rect_in(ran, tab.plot)
        assert tab.key.isVisibleTo(ran) and not key.intersects(plot), size
        assert tab.key.height() >= tab.key.heightForWidth(tab.key.width()), size  # not cut
        text = tab.key.text()
        for name in ("all 16 cores: peak 640 GFLOP/s", "ridge 16 FLOP/B",
                     "one core: peak 40 GFLOP/s", "ridge 4 FLOP/B", "the whole run"):
            assert name.replace(" ", "&nbsp;").replace("/", "/&#8288;") in text
        (x0, x1), (y0, y1) = tab.item.getViewBox().viewRange()
        for curve in (tab.run_point, tab.item.listDataItems()[2]):      # star, tasks
            x, y = curve.getData()
            assert np.all((x0 < x) & (x < x1) & (y0 < y) & (y < y1)), size
