"""Adds the Machine tab and its companions to the main window in one call, so the
window's own code stays small: the tab (after Tasks), the selection statistics under
the timeline, the critical-path and chosen-PE overlays on the timeline, and the metric
plots' link to the timeline's zoom and playhead."""

from __future__ import annotations

from ..plot_sync import PlotSync
from .critical_overlay import CriticalPathOverlay
from .link_highlight import LinkHighlight
from .pe_highlight import PEHighlight
from .selection_panel import SelectionPanel
from .view import MachineView


def install(w) -> None:
    """Build the views on MainWindow `w` (needs its state, timeline, player, tabs, tasks
    and metrics; sets w.machine, w.selection, w.critical, w.pe_highlight,
    w.link_highlight, w.plot_sync)."""
    w.machine = MachineView(w.state, w.player)
    w.tabs.insertTab(w.tabs.indexOf(w.tasks) + 1, w.machine, "Machine")
    w.selection = SelectionPanel(w.state, w.timeline)
    lay = w.timeline_page.layout()
    lay.insertWidget(lay.indexOf(w.player), w.selection)
    w.critical = CriticalPathOverlay(w.state, w.timeline)
    w.pe_highlight = PEHighlight(w.state, w.timeline)
    w.link_highlight = LinkHighlight(
        w.state, w.timeline, lambda m=w.machine: m.model.traffic if m.model else None)
    w.plot_sync = PlotSync(w.state, w.timeline, w.metrics)
    w.selection.region.connect(w.machine.set_region)


def shutdown(w) -> None:
    """Wait for the views' threads (the window is closing)."""
    w.machine.shutdown()
    w.selection.shutdown()
