"""Where the Machine view draws everything, in world units (numpy only, no Qt).

A node is a box holding its cores as a grid of unit cells (with a strip of SIMD lane
cells under each core on small machines) and a memory gauge along its bottom. Nodes sit
on their network's topology: a circle around the switch (crossbar), a circle (ring),
rows on a shared line (bus), the X x Y grid (mesh2d, torus2d: wrap links leave one
edge and enter the opposite one), a row under its switch levels (fattree). An offload
run is the host node (its core 0 drives the device) beside the device's box of SMs,
joined by the host link (host -> device above, device -> host below). Every directed link is a polyline offset to its side of the
connection, clipped to the boxes, so both directions and moving packets stay visible.
"""

from __future__ import annotations

import math

import numpy as np

GAP = 0.15            # between cells
MARGIN = 0.35         # inside a node box
GAUGE = 0.6           # memory gauge height
LANE_STRIP = 0.35     # SIMD lanes under a core
LANES_MAX_PES = 128   # lanes drawn only on machines up to this size
SPACING = 1.7         # node pitch over its box's larger side


class Geometry:
    """cells (pes, 4) x, y, w, h per PE; node_box / gauge (nodes, 4); grid (nodes, 4)
    x, y, cols, rows of each node's cell grid; switches (k, 4); links: per directed
    link a list of segments (x0, y0, x1, y1); bounds (x0, y0, x1, y1)."""

    def __init__(self, run, traffic, lanes: int = 0, node_heat: bool = False):
        self.nodes, self.cores = run.nodes, run.cores
        self.lanes = lanes if run.pes <= LANES_MAX_PES and lanes > 1 else 0
        self.switches = np.zeros((0, 4))
        self.links: list[list[tuple[float, float, float, float]]] = []
        acc = traffic.device
        if node_heat:
            self._node_grid(traffic.net)
        elif acc is not None:
            self._offload(run, acc)
        else:
            self.cols = max(1, math.ceil(math.sqrt(self.cores)))
            w, h = self._box_size(self.cores, self.cols)
            centres = self._place(traffic.net, w, h)
            boxes = np.column_stack([centres - [w / 2, h / 2], np.full(self.nodes, w),
                                     np.full(self.nodes, h)])
            self._fill(boxes, self.cores, self.cols)
            if traffic.net is not None:
                self._network(traffic.net, centres, w, h)
        self._bounds()

    # -- boxes and cells ---------------------------------------------------------------

    def _node_grid(self, net) -> None:
        """Too many nodes for boxes: one unit square per node on the topology's grid
        (X x Y for a mesh or torus, else near-square), no cells, gauges or links."""
        cols = net.shape[0] if net is not None and hasattr(net, "shape") \
            else max(1, math.ceil(math.sqrt(self.nodes)))
        k = np.arange(self.nodes)
        self.node_box = np.column_stack([k % cols, k // cols, np.ones(self.nodes),
                                         np.ones(self.nodes)]).astype(float)
        self.grid = np.array([[0.0, 0.0, cols, math.ceil(self.nodes / cols)]])
        self.cells = self.gauge = np.zeros((0, 4))
        self.links = [[] for _ in (net.capacity if net is not None else ())]

    def _pitch(self) -> tuple[float, float]:
        return 1 + GAP, 1 + GAP + (LANE_STRIP if self.lanes else 0.0)

    def _box_size(self, cores: int, cols: int) -> tuple[float, float]:
        px, py = self._pitch()
        rows = math.ceil(cores / cols)
        return cols * px - GAP + 2 * MARGIN, rows * py - GAP + 2 * MARGIN + GAUGE + GAP

    def _fill(self, boxes: np.ndarray, cores: int, cols: int) -> None:
        """Cells of `cores` per box, row-major from the top left; gauges at the bottom."""
        px, py = self._pitch()
        k = np.arange(cores)
        cx, cy = MARGIN + (k % cols) * px, MARGIN + (k // cols) * py
        self.node_box = boxes
        self.cells = np.column_stack([
            (boxes[:, 0:1] + cx).ravel(), (boxes[:, 1:2] + cy).ravel(),
            np.ones(len(boxes) * cores), np.ones(len(boxes) * cores)])
        rows = math.ceil(cores / cols)
        self.grid = np.column_stack([boxes[:, 0] + MARGIN, boxes[:, 1] + MARGIN,
                                     np.full(len(boxes), cols), np.full(len(boxes), rows)])
        self.gauge = np.column_stack([boxes[:, 0] + MARGIN,
                                      boxes[:, 1] + boxes[:, 3] - MARGIN - GAUGE,
                                      boxes[:, 2] - 2 * MARGIN, np.full(len(boxes), GAUGE)])

    def _offload(self, run, acc) -> None:
        """Host node (PEs 0..cores-1) and the device box (the SMs: the PEs after)."""
        host_cores = run.scenario.machine.cores
        hc = max(1, math.ceil(math.sqrt(host_cores)))
        sms = run.pes - host_cores
        dc = max(1, math.ceil(math.sqrt(sms)))
        hw, hh = self._box_size(host_cores, hc)
        dw, dh = self._box_size(sms, dc)
        gap = max(hw, dw) * 0.8
        host = np.array([[0.0, (dh - hh) / 2 if dh > hh else 0.0, hw, hh]])
        dev = np.array([[hw + gap, 0.0, dw, dh]])
        self._fill(dev, sms, dc)
        dev_cells, dev_grid, dev_gauge = self.cells, self.grid, self.gauge
        self._fill(host, host_cores, hc)
        self.cells = np.vstack([self.cells, dev_cells])
        self.node_box = np.vstack([host, dev])
        self.grid = np.vstack([self.grid, dev_grid])
        self.gauge = np.vstack([self.gauge, dev_gauge])
        ya = host[0, 1] + hh / 2
        x0, x1 = hw, hw + gap
        self.links = [[(x0, ya - 0.4, x1, ya - 0.4)], [(x1, ya + 0.4, x0, ya + 0.4)]]

    # -- topologies --------------------------------------------------------------------

    def _place(self, net, w: float, h: float) -> np.ndarray:
        """Node centres for the topology."""
        n, pitch = self.nodes, max(w, h) * SPACING
        topo = net.topology if net is not None else "none"
        if topo in ("ring", "crossbar") and n > 1:
            r = max(pitch * n / (2 * math.pi), pitch)
            a = -math.pi / 2 + 2 * math.pi * np.arange(n) / n
            return np.column_stack([r * np.cos(a), r * np.sin(a)])
        if topo in ("mesh2d", "torus2d"):
            cols, _ = net.shape
        elif topo == "fattree":
            cols = n
        else:
            cols = max(1, math.ceil(math.sqrt(n)))
        k = np.arange(n)
        return np.column_stack([(k % cols) * pitch, (k // cols) * pitch])

    def _network(self, net, c: np.ndarray, w: float, h: float) -> None:
        topo = net.topology
        nlinks = len(net.capacity)
        self.links = [[] for _ in range(nlinks)]
        off = 0.3
        if topo in ("ring", "mesh2d", "torus2d"):
            pitch = max(w, h) * SPACING
            for i, name in enumerate(net.names):
                a, b = (int(v) for v in name.split(" -> "))
                p, q = c[a], c[b]
                if topo == "torus2d" and np.abs(q - p).max() > pitch * 1.5:
                    d = np.sign(p - q) * (np.abs(q - p) > pitch * 1.5) * pitch * 0.5
                    self.links[i] = [self._clip(p, p + d, w, h, off, out=True),
                                     self._clip(q - d, q, w, h, off, into=True)]
                else:
                    self.links[i] = [self._clip(p, q, w, h, off)]
        elif topo == "crossbar":
            sw = max(w, h) * 0.6
            self.switches = np.array([[-sw / 2, -sw / 2, sw, sw]])
            for i in range(self.nodes):
                self.links[net.up[i]] = [self._clip(c[i], np.zeros(2), w, h, off, sw=sw)]
                self.links[net.down[i]] = [self._clip(np.zeros(2), c[i], sw, sw, off,
                                                      dst=(w, h))]
        elif topo == "bus":
            y = c[:, 1] + h / 2 + 0.4 * h
            segs = [(float(c[:, 0].min()), float(v), float(c[:, 0].max()), float(v))
                    for v in np.unique(y)]
            x0 = float(c[:, 0].min()) - w * 0.6
            segs.append((x0, float(y.min()), x0, float(y.max())))
            segs += [(x0, float(v), float(c[:, 0].min()), float(v)) for v in np.unique(y)]
            segs += [(float(p[0]), float(p[1] + h / 2), float(p[0]), float(yy))
                     for p, yy in zip(c, y)]
            self.links[0] = segs
        elif topo == "fattree":
            self._fattree(net, c, w, h, off)

    def _fattree(self, net, c, w, h, off) -> None:
        """Links named "L<level>.<subtree> up|down" (sim/machine/network.py)."""
        k = net.spec.fattree_k
        named = [name.split() for name in net.names]
        where = [tuple(int(v) for v in lvl[1:].split(".")) for lvl, _ in named]
        levels = max(lv for lv, _ in where) + 1
        width = self.nodes * max(w, h) * SPACING
        pitch_y = max(max(w, h) * 1.5, width / (1.5 * levels))     # not a flat strip
        sw = max(w, h) * 0.5
        centre = {(0, s): c[s] for s in range(self.nodes)}
        boxes = []
        for lv in range(1, levels + 1):
            for j in range(-(-self.nodes // k ** lv)):
                lo, hi = j * k ** lv, min((j + 1) * k ** lv, self.nodes)
                p = np.array([c[lo:hi, 0].mean(), c[0, 1] - lv * pitch_y])
                centre[(lv, j)] = p
                boxes.append([p[0] - sw / 2, p[1] - sw / 2, sw, sw])
        self.switches = np.array(boxes)
        for i, ((lv, s), (_, way)) in enumerate(zip(where, named)):
            p, q = centre[(lv, s)], centre[(lv + 1, s // k)]
            bw, bh = (w, h) if lv == 0 else (sw, sw)
            self.links[i] = [self._clip(p, q, bw, bh, off, sw=sw) if way == "up"
                             else self._clip(q, p, sw, sw, off, dst=(bw, bh))]

    @staticmethod
    def _clip(p, q, w, h, off, sw=None, out=False, into=False, dst=None):
        """Segment p -> q shifted `off` to its right, cut at the boxes around p and q
        (node boxes w x h; a switch of side sw at the far end; `dst` the far box)."""
        px, py, qx, qy = float(p[0]), float(p[1]), float(q[0]), float(q[1])
        dx, dy = qx - px, qy - py
        n = math.hypot(dx, dy) or 1.0
        ux, uy = dx / n, dy / n
        rx, ry = -uy * off, ux * off

        def cut(hw, hh):
            return min(hw / abs(ux) if abs(ux) > 1e-12 else math.inf,
                       hh / abs(uy) if abs(uy) > 1e-12 else math.inf)
        a = 0.0 if into else cut(w / 2, h / 2)
        fw, fh = dst if dst is not None else ((sw, sw) if sw else (w, h))
        b = max(n if out else n - cut(fw / 2, fh / 2), a)
        return (px + ux * a + rx, py + uy * a + ry, px + ux * b + rx, py + uy * b + ry)

    def _bounds(self) -> None:
        boxes = [self.node_box, self.switches.reshape(-1, 4)]
        xs = [b[:, 0] for b in boxes] + [b[:, 0] + b[:, 2] for b in boxes]
        ys = [b[:, 1] for b in boxes] + [b[:, 1] + b[:, 3] for b in boxes]
        segs = np.array([s for lk in self.links for s in lk]).reshape(-1, 4)
        xs += [segs[:, 0], segs[:, 2]]
        ys += [segs[:, 1], segs[:, 3]]
        x, y = np.concatenate(xs), np.concatenate(ys)
        pad = 0.5
        self.bounds = (float(x.min()) - pad, float(y.min()) - pad,
                       float(x.max()) + pad, float(y.max()) + pad)

    # -- queries -----------------------------------------------------------------------

    def points_on(self, links: np.ndarray, along: np.ndarray) -> np.ndarray:
        """(k, 2) points `along` (0..1) of each link's polyline."""
        if not hasattr(self, "_one"):
            self._one = np.array([len(s) == 1 for s in self.links], bool)
            self._seg0 = np.array([s[0] if s else (0.0,) * 4 for s in self.links],
                                  float).reshape(-1, 4)
        out = np.empty((len(links), 2))
        one = self._one[links] if len(links) else np.zeros(0, bool)
        s, a = self._seg0[links[one]], along[one][:, None]
        out[one] = s[:, :2] + a * (s[:, 2:] - s[:, :2])
        for i in np.flatnonzero(~one):
            out[i] = self.point_on(int(links[i]), float(along[i]))
        return out

    def point_on(self, link: int, along: float) -> tuple[float, float]:
        """The point `along` (0..1) of a link's polyline, by length."""
        segs = np.asarray(self.links[link], float)
        lens = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1])
        target = along * lens.sum()
        i = min(int(np.searchsorted(np.cumsum(lens), target, "right")), len(segs) - 1)
        f = (target - lens[:i].sum()) / lens[i] if lens[i] > 0 else 0.0
        x0, y0, x1, y1 = segs[i]
        return float(x0 + f * (x1 - x0)), float(y0 + f * (y1 - y0))

    def cell_at(self, x: float, y: float) -> int:
        """The PE whose cell (with its lane strip) holds (x, y), else -1."""
        c = self.cells
        extra = LANE_STRIP + GAP if self.lanes else 0.0
        hit = np.flatnonzero((x >= c[:, 0]) & (x <= c[:, 0] + c[:, 2]) & (y >= c[:, 1])
                             & (y <= c[:, 1] + c[:, 3] + extra))
        return int(hit[0]) if len(hit) else -1

    def box_at(self, boxes: np.ndarray, x: float, y: float) -> int:
        hit = np.flatnonzero((x >= boxes[:, 0]) & (x <= boxes[:, 0] + boxes[:, 2])
                             & (y >= boxes[:, 1]) & (y <= boxes[:, 1] + boxes[:, 3]))
        return int(hit[0]) if len(hit) else -1

    def link_at(self, x: float, y: float, tol: float) -> int:
        """The directed link passing within `tol` of (x, y), else -1."""
        best, which = tol, -1
        for i, segs in enumerate(self.links):
            for x0, y0, x1, y1 in segs:
                dx, dy = x1 - x0, y1 - y0
                L2 = dx * dx + dy * dy
                f = min(max(((x - x0) * dx + (y - y0) * dy) / L2, 0.0), 1.0) if L2 else 0.0
                d = math.hypot(x - x0 - f * dx, y - y0 - f * dy)
                if d < best:
                    best, which = d, i
        return which
