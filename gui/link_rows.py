"""The timeline's rows below the nodes (RowLayout.links): each copy between memories
(Run.extras["copies"], from sim/engine/hetero.py) as a bar on its link's row, then each
message's NIC busy time (Run.extras["nic"], sim/analysis/nic.py) on its NIC's row."""

from __future__ import annotations

import numpy as np

from .rows import RowLayout


def link_bars(run, rows: RowLayout, height: float) -> dict:
    """x0, width, y0, height of one bar per copy (empty without link rows)."""
    copies = run.extras.get("copies") if run is not None else None
    if not rows.links or not copies:
        return {"x0": [], "width": [], "y0": [], "height": []}
    s, e = np.asarray(copies["start_s"]), np.asarray(copies["end_s"])
    y = rows.link_first_row + np.asarray(copies["link"], np.float64) - height / 2
    return {"x0": s, "width": e - s, "y0": y, "height": np.full(len(s), height)}


def nic_bars(run, rows: RowLayout, height: float) -> dict:
    """x0, width, y0, height of one bar per message on its NIC's row (after the links)."""
    nic = run.extras.get("nic") if run is not None else None
    if not rows.links or not nic:
        return {"x0": [], "width": [], "y0": [], "height": []}
    copies = run.extras.get("copies")
    first = rows.link_first_row + (len(copies["link_names"]) if copies else 0)
    s, e = np.asarray(nic["start_s"]), np.asarray(nic["end_s"])
    y = first + np.asarray(nic["row"], np.float64) - height / 2
    return {"x0": s, "width": e - s, "y0": y, "height": np.full(len(s), height)}

