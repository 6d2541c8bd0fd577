"""Row layout of the timeline: one row per PE, grouped by node; a collapsed node is one row.

Rows run top to bottom in node order. `row_of_pe[pe]` is the first row a PE's spans are
drawn on and `rows_per_pe[pe]` how many rows it has: `lanes` when its SIMD lanes are
shown (a compute span then covers as many lane rows as it has lanes active), else 1.
`pes_in_row[r]` lists the PEs drawn on row r (several when the node is collapsed);
`pe_collapsed[pe]` whether its node is collapsed (its row then shows occupancy).
`names` (optional, one per PE) label the rows of expanded nodes instead of "core i".
`links` (optional labels) add one row each below the nodes, for the copies over a link
(heterogeneous runs) or a NIC's busy time (LogGOPS); no PE is drawn there (`pes_in_row` empty, `node_of_row` -1).
Pure numpy, no Qt.
"""

from __future__ import annotations

import bisect

import numpy as np

MAX_LABELLED_ROWS = 48     # more rows: label nodes only
MAX_NODE_LABELS = 24       # ... and at most about this many of them
COLLAPSE_ABOVE_PES = 512   # bigger runs open with every node collapsed


class RowLayout:
    def __init__(self, nodes: int, cores: int, collapsed: frozenset[int] = frozenset(),
                 lanes: int = 1, names: list[str] | None = None, links: tuple = ()):
        self.nodes, self.cores, self.lanes = nodes, cores, max(1, lanes)
        self.names = names
        self.links = tuple(links)
        self.collapsed = frozenset(n for n in collapsed if 0 <= n < nodes)
        row_of_pe = np.empty(nodes * cores, np.int32)
        rows_per_pe = np.ones(nodes * cores, np.int32)
        pe_collapsed = np.zeros(nodes * cores, bool)
        lanes = self.lanes
        self.node_first_row: list[int] = []
        self.pes_in_row: list[np.ndarray] = []
        r = 0
        for node in range(nodes):
            self.node_first_row.append(r)
            pes = np.arange(node * cores, (node + 1) * cores)
            if node in self.collapsed:
                row_of_pe[pes] = r
                pe_collapsed[pes] = True
                self.pes_in_row.append(pes)
                r += 1
            else:
                row_of_pe[pes] = np.arange(r, r + cores * lanes, lanes)
                rows_per_pe[pes] = lanes
                self.pes_in_row.extend(np.repeat(pes, lanes)[:, None])
                r += cores * lanes
        self.row_of_pe = row_of_pe
        self.rows_per_pe = rows_per_pe
        self.pe_collapsed = pe_collapsed
        self.link_first_row = r
        self.pes_in_row.extend(np.zeros(0, np.int64) for _ in self.links)
        self.n_rows = r + len(self.links)

    def node_of_row(self, row: int) -> int:
        if row >= self.link_first_row:
            return -1
        return int(np.searchsorted(self.node_first_row, row, "right") - 1)

    def _with(self, **kw) -> RowLayout:
        args = dict(collapsed=self.collapsed, lanes=self.lanes, names=self.names,
                    links=self.links)
        args.update(kw)
        return RowLayout(self.nodes, self.cores, **args)

    def toggled(self, node: int) -> RowLayout:
        """The same layout with `node` collapsed or expanded."""
        return self._with(collapsed=self.collapsed ^ {node})

    def all_collapsed(self, collapse: bool) -> RowLayout:
        return self._with(collapsed=frozenset(range(self.nodes)) if collapse else frozenset())

    def with_lanes(self, lanes: int) -> RowLayout:
        return self._with(lanes=lanes)

    def with_names(self, names: list[str] | None) -> RowLayout:
        return self._with(names=names)

    def with_links(self, links) -> RowLayout:
        return self._with(links=tuple(links))

    def ticks(self) -> list[tuple[float, str]]:
        """Axis labels: every row when few, else the first row of each node (one node:
        every k-th core, about MAX_NODE_LABELS of them)."""
        out = []
        many = self.n_rows > MAX_LABELLED_ROWS
        step = max(1, -(-self.nodes // MAX_NODE_LABELS))
        for node in range(self.nodes):
            first = self.node_first_row[node]
            if node in self.collapsed:
                if not many or node % step == 0:
                    out.append((first, f"node {node} ({self.cores} PEs) ▸"))
            elif self.names is not None:
                out += self._named_ticks(node, many)
            elif many and self.nodes == 1:      # one big node: every k-th core
                k = -(-self.cores // MAX_NODE_LABELS)
                out += [(float(self.row_of_pe[c]), f"core {c}") for c in range(0, self.cores, k)]
            elif many:
                if node % step == 0:
                    out.append((first, f"node {node}"))
            else:
                prefix = f"n{node} " if self.nodes > 1 else ""
                suffix = f" (lanes 0-{self.lanes - 1})" if self.lanes > 1 else ""
                out += [(first + c * self.lanes, f"{prefix}core {c}{suffix}")
                        for c in range(self.cores)]
        out += [(float(self.link_first_row + i), name) for i, name in enumerate(self.links)]
        return out

    def _named_ticks(self, node: int, many: bool) -> list[tuple[float, str]]:
        """Rows of an expanded node labelled with PE names: all of them when few, else
        the first of each group of names ("GPU SM 0", "GPU SM 1", ... are one group,
        their number stripped) and every `step`-th in a group."""
        step = -(-self.cores // MAX_NODE_LABELS) if many else 1
        out, group, first, last = [], None, 0, -step
        for pe in range(node * self.cores, (node + 1) * self.cores):
            key = _group(self.names[pe])
            if key != group:
                group, first = key, pe
            if (pe - first) % step == 0 and pe - last >= step:
                out.append((float(self.row_of_pe[pe]), self.names[pe]))
                last = pe
        return out

    def separators(self) -> list[float]:
        """y positions of the lines between nodes (and above the link rows)."""
        links = {self.link_first_row} if self.links else set()
        if self.lanes > 1:                      # between PEs too when lanes are shown
            firsts = sorted(set(self.row_of_pe.tolist()) | set(self.node_first_row) | links)
            return [r - 0.5 for r in firsts[1:]]
        firsts = set(self.node_first_row[1:]) | links
        if self.names is not None:              # and between groups of named PEs
            firsts |= {int(self.row_of_pe[pe]) for pe in range(1, len(self.names))
                       if _group(self.names[pe]) != _group(self.names[pe - 1])
                       and not self.pe_collapsed[pe]}
        return [r - 0.5 for r in sorted(firsts)]

    def lane_lines(self) -> list[float]:
        """y positions of the lines between the lane rows of expanded PEs."""
        firsts = self.row_of_pe[self.rows_per_pe > 1]
        return [float(f + k) - 0.5 for f in firsts.tolist() for k in range(1, self.lanes)]


def thin_ticks(ticks: list[tuple[float, str]], gap: float) -> list[tuple[float, str]]:
    """The labels kept so that no two are nearer than `gap` rows (the label height in
    rows at the current zoom): the first label of each group (its text without the
    number differs from the one before: a node, a kind of PE, a link) is placed first,
    then the others, each kept only if no kept label is nearer than `gap`."""
    if gap <= 1.0:
        return ticks
    firsts = [i for i, (_, t) in enumerate(ticks)
              if i == 0 or _group(t) != _group(ticks[i - 1][1])]
    rest = sorted(set(range(len(ticks))) - set(firsts))
    kept_y: list[float] = []
    keep = []
    for i in firsts + rest:
        y = ticks[i][0]
        j = bisect.bisect_left(kept_y, y)
        if (j < len(kept_y) and kept_y[j] - y < gap) or (j > 0 and y - kept_y[j - 1] < gap):
            continue
        kept_y.insert(j, y)
        keep.append(i)
    return [ticks[i] for i in sorted(keep)]


def _group(name: str) -> str:
    """A PE name without its number: "GPU SM 7" -> "GPU SM"."""
    return name.rstrip("0123456789 ")
