"""Predicted vs measured from a `parasim validate --csv` file, drawn in the Sweep tab's
two plots: predicted against measured time (log-log, with y = x and the targets' band)
and the relative error per case against the measured time, per kernel."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ...sim.studies.validate import TARGETS, Case, format_table

COLORS = {"DGEMM": "#1f77b4", "triad": "#d62728", "ping-pong": "#2ca02c",
          "TCP ping-pong": "#9467bd"}


def plot_validation(time_plot: pg.PlotWidget, error_plot: pg.PlotWidget,
                    cases: list[Case]) -> str:
    """Draw the cases; return the summary line (cases within target)."""
    for plot in (time_plot, error_plot):
        plot.clear()
        plot.setEnabled(True)
        plot.getAxis("bottom").setTicks(None)
        for side in ("bottom", "left"):             # log axes: plain seconds, no x0.001
            plot.getAxis(side).enableAutoSIPrefix(False)
    time_plot.setTitle("Predicted against measured")
    time_plot.setLabel("left", "predicted (log s)")
    time_plot.setLabel("bottom", "measured (log s)")
    time_plot.setLogMode(x=True, y=True)
    error_plot.setTitle("Relative error")
    error_plot.setLabel("left", "error", units="%")
    error_plot.setLabel("bottom", "measured (log s)")
    error_plot.setLogMode(x=True, y=False)
    if not cases:
        return "The file has no cases."
    measured = np.array([c.measured_s for c in cases])
    span = np.array([measured.min() / 2, measured.max() * 2])
    time_plot.plot(span, span, pen=pg.mkPen("#888", style=Qt.DashLine), name="predicted = measured")
    widest = max(TARGETS.values())
    for f in (1 - widest, 1 + widest):
        time_plot.plot(span, span * f, pen=pg.mkPen("#bbb", style=Qt.DotLine))
    for group in dict.fromkeys(c.group for c in cases):
        mine = [c for c in cases if c.group == group]
        color = COLORS.get(group, "#444")
        x = np.array([c.measured_s for c in mine])
        time_plot.plot(x, [c.predicted_s for c in mine], pen=None, symbol="o",
                       symbolBrush=color, name=group)
        order = np.argsort(x)
        err = np.array([c.error * 100 for c in mine])
        error_plot.plot(x[order], err[order], pen=pg.mkPen(color), symbol="o",
                        symbolBrush=color, name=group)
        for sign in (-1, 1):
            error_plot.addLine(y=sign * TARGETS[group] * 100,
                               pen=pg.mkPen(color, style=Qt.DotLine))
    return format_table(cases).splitlines()[-1]
