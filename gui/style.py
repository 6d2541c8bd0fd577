"""Colours and look shared by the views: one colour per span kind, light theme."""

from __future__ import annotations

import pyqtgraph as pg

from ..sim.trace import KINDS

# distinguishable for common colour-vision deficiencies (Okabe-Ito based); stall is red
# because the lessons call memory stalls "the red spans"
KIND_COLORS = {
    "compute": "#009E73",   # bluish green
    "stall": "#D62728",     # red
    "send": "#0072B2",      # blue
    "recv": "#56B4E9",      # sky blue
    "wait": "#BBBBBB",      # grey
    "switch": "#E69F00",    # orange
    "copy": "#F0E442",      # yellow: waiting for a copy between memories
}
assert set(KIND_COLORS) == set(KINDS)
LABEL_COLORS = {k: "#000000" if k in ("recv", "wait", "copy") else "#FFFFFF" for k in KINDS}
IDLE_COLOR = "#EEEEEE"
NIC_COLOR = "#332288"       # indigo: a NIC busy with its gap g + (s-1) G (LogGOPS)
MESSAGE_COLOR = "#000000"   # arrows over blue send / sky-blue recv bars: black stands out
PLAYHEAD_COLOR = "#222222"
CHOSEN_COLOR = "#B8860B"    # the chosen PE or link, in every view


def setup_pyqtgraph() -> None:
    """White background, black text, antialiasing off (fast bars)."""
    pg.setConfigOptions(background="w", foreground="k", antialias=False)


def legend_html(kinds, names: dict | None = None) -> str:
    """A one-line legend: a coloured square and the name per kind (`names` overrides)."""
    names = names or {}
    return "&nbsp;&nbsp;".join(
        f"<span style='color:{KIND_COLORS[k]}; font-size:14pt'>&#9632;</span> "
        f"{names.get(k, k)}" for k in kinds)
