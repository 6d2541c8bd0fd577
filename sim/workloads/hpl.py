"""High-Performance Linpack: blocked right-looking LU with partial pivoting on a P x Q grid.

The n x n matrix is cut into nb x nb blocks dealt block-cyclically: block (I, J) lives
on process (I mod P, J mod Q), and processes map to PEs by `process_pes`. Step k of the
N = ceil(n / nb) steps (b = the width of block column k, w = the columns right of it,
m' = the rows below it):

- panel factorisation: the processes of column k mod Q factorise their rows of the
  m x b panel (exact count over its columns j: (m-j-1) divisions + 2 (m-j-1)(b-j-1));
- the panel is broadcast along each process row; the U block row (pivot swaps and a
  unit-triangular solve, b (b-1) w FLOPs) is computed on row k mod P once every panel
  piece is done (the pivots come from all of them), then broadcast down each column;
- trailing update: every process multiplies its L piece by its U piece, 2 m'_loc w_loc b.

These add up to the exact LU count 2/3 n^3 - 1/2 n^2 - n/6. The solve (forward and back
substitution, 2 n^2 - n) is a chain of N tasks on the diagonal processes. HPL itself
reports Rmax = (2/3 n^3 + 3/2 n^2) / time whatever was executed (HPL_pdtest.c: LU
2/3 n^3 - 1/2 n^2 plus solve 2 n^2), and so does `summary` here.

Mixed precision (HPL-AI / HPL-MxP): with `precision` below fp64 the factorisation and
the triangular solves run in that precision, then `refine_steps` iterations of
iterative refinement each compute the residual r = b - A x in fp64 (2 n^2, one task per
process) and solve for a correction with the low-precision factors (2 n^2). The list
reports the same (2/3 n^3 + 3/2 n^2) / time, and `summary` gives the speedup over the
same run in fp64 (Fugaku, Nov 2020: 2.0 EFLOP/s mixed vs 442 PFLOP/s HPL, 4.5x).

Inter-node data (panel and U broadcasts, the solve chain) are messages, one per
destination node (as HPL with one process per node and threads inside it would send);
a zero-FLOP relay task receives it and the node's tasks that need it depend on it.
Within a node memory is shared: a consumer just reads what it needs (in its bytes).
With `lookahead` (HPL's DEPTH = 1) the processes holding the next panel update its
block column first and factorise it before the rest of their update, so the panel
leaves the critical path. Not modelled: the pivot search's per-column latency,
broadcast trees (each node gets its own copy from the source).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..errors import ScenarioError
from ..spec import param
from ..taskgraph import PRECISIONS, GraphBuilder, TaskGraph
from .common import element_bytes, lane_param, precision_param, vector_param


@dataclass
class Params:
    kind: ClassVar[str] = "hpl"
    n: int = param(4096, ge=1, help="Matrix order n")
    nb: int = param(128, ge=1, help="Block size nb (HPL's NB)")
    p: int = param(2, ge=1, help="Process grid rows P")
    q: int = param(4, ge=1, help="Process grid columns Q (HPL advises P <= Q)")
    precision: str = precision_param()
    lookahead: bool = param(True, help="Factorise the next panel while the trailing "
                                       "update goes on (HPL's DEPTH 1)")
    refine_steps: int = param(3, ge=0, le=100,
                              help="Iterative-refinement steps in fp64 when precision is "
                                   "below fp64 (HPL-AI)")
    vector_fraction: float = vector_param()
    lane_efficiency: float = lane_param()

    def tasks_estimate(self) -> int:
        steps = -(-self.n // self.nb)
        per_step = 2 * self.p + self.q + self.p * self.q      # + relay tasks between nodes
        refine = self.refine_steps * (self.p * self.q + steps) if self.precision != "fp64" else 0
        return steps * per_step + steps + refine

    def expected_flops(self) -> float:
        """LU + solve; below fp64 also each refinement step's residual (2 n^2) and solve."""
        refine = self.refine_steps * (2.0 * self.n ** 2 + solve_flops(self.n))
        return lu_flops(self.n) + solve_flops(self.n) + (refine if self.precision != "fp64" else 0)


def hpl_flops(n: int) -> float:
    """The operation count HPL reports: 2/3 n^3 + 3/2 n^2."""
    return 2.0 / 3.0 * n ** 3 + 1.5 * n ** 2


def lu_flops(n: int) -> float:
    """Exact FLOPs of LU without blocking: 2/3 n^3 - 1/2 n^2 - n/6."""
    return 2.0 / 3.0 * n ** 3 - 0.5 * n ** 2 - n / 6.0


def solve_flops(n: int) -> float:
    """Forward (unit lower) and back substitution: n (n - 1) + n^2."""
    return 2.0 * n * n - n


def panel_flops(m: int, b: int) -> float:
    """LU of an m x b panel: sum over columns j of (m-j-1) + 2 (m-j-1)(b-j-1)."""
    j = np.arange(b, dtype=np.float64)
    r = m - j - 1
    return float(np.sum(r + 2 * r * (b - j - 1)))


def _local(sizes: np.ndarray, first: int, parts: int) -> np.ndarray:
    """Rows (or columns) of blocks first.. each grid row (column) holds."""
    idx = np.arange(first, len(sizes))
    return np.bincount(idx % parts, weights=sizes[first:], minlength=parts).astype(np.int64)


def process_pes(P: int, Q: int, nodes: int, cores: int) -> np.ndarray:
    """PE of each process (P x Q array). On one node: row-major, r Q + c. On several, in
    node blocks: the nodes form a Pn x Qn grid and each holds a (P/Pn) x (Q/Qn) block
    of processes, so a row or column broadcast reaches as few nodes as possible (Pn
    divides P and nodes, Qn = nodes / Pn divides Q; the squarest such grid of nodes;
    row-major when there is none)."""
    r, c = np.meshgrid(np.arange(P), np.arange(Q), indexing="ij")
    fits = [pn for pn in range(1, nodes + 1) if nodes % pn == 0 and P % pn == 0
            and Q % (nodes // pn) == 0 and (P // pn) * (Q * pn // nodes) <= cores]
    if nodes == 1 or not fits:
        return r * Q + c
    pn = min(fits, key=lambda x: abs(np.log(x * x / nodes)))
    bp, bq = P // pn, Q * pn // nodes                # processes per node: bp x bq
    return ((r // bp) * (nodes // pn) + c // bq) * cores + (r % bp) * bq + c % bq


def build(p: Params, machine, rng) -> TaskGraph:  # noqa: C901 (to split: panel, trsm, update, solve)
    P, Q = p.p, p.q
    if P * Q > machine.pes:
        raise ScenarioError(f"workload.p x workload.q = {P * Q} processes but the machine "
                            f"has {machine.pes} PEs (nodes x cores)", "workload.q")
    e = element_bytes(p.precision)
    n, nb = p.n, p.nb
    N = -(-n // nb)
    sizes = np.full(N, nb, np.int64)
    sizes[-1] = n - (N - 1) * nb
    g = GraphBuilder(p.precision, p.vector_fraction, p.lane_efficiency)
    pe_of = process_pes(P, Q, machine.nodes, machine.cores)
    node = pe_of // machine.cores

    relays: dict[tuple[int, int, float], int] = {}

    def add(flops, nbytes, deps, r, c, name, sends=()):
        """A task on process (r, c) after `deps`; `sends` = ((task, bytes), ...) is the
        data it needs from other processes: from another node it arrives as one message
        per node, received by a zero-FLOP relay task that the node's tasks depend on."""
        pe, deps = int(pe_of[r, c]), [d for d in deps if d >= 0]
        for src, nbytes_msg in sends:
            key = (src, int(node[r, c]), float(nbytes_msg))
            if g.owner[src] // machine.cores != node[r, c] and key not in relays:
                relays[key] = g.add(0.0, 0.0, deps=(src,), owner=pe,
                                    name=f"recv {g.names[src]}")
                g.message(src, relays[key], float(nbytes_msg))
            if key in relays:
                deps.append(relays[key])
        return g.add(float(flops), float(nbytes), deps=sorted(set(deps)), owner=pe, name=name)

    last = np.full((P, Q), -1, np.int64)

    def factor_panel(k: int) -> dict[int, int]:
        """Panel k's tasks (one per process row holding rows of it) on column k mod Q."""
        b, kq = int(sizes[k]), k % Q
        prow = _local(sizes, k, P)
        m = int(prow.sum())
        pf = panel_flops(m, b)
        panel = {}
        for r in range(P):
            if prow[r]:
                panel[r] = add(pf * prow[r] / m, 2 * e * prow[r] * b, [last[r, kq]], r, kq,
                               f"panel k{k} r{r}")
                last[r, kq] = panel[r]
        return panel

    def update(k, r, c, w, panel, trsm, part=""):
        b, mr = int(sizes[k]), int(rows_k[r])
        last[r, c] = add(2.0 * mr * w * b, e * (mr * b + b * w + 2 * mr * w),
                         [panel[r], trsm[c], last[r, c]], r, c, f"update{part} k{k} r{r} c{c}",
                         sends=[(panel[r], e * mr * b), (trsm[c], e * b * cols_k[c])])

    panel = factor_panel(0)
    for k in range(N):
        b, kp = int(sizes[k]), k % P
        rows_k = _local(sizes, k + 1, P)      # trailing rows per process row
        cols_k = _local(sizes, k + 1, Q)      # trailing columns per process column
        trsm = {}
        for c in range(Q):
            if cols_k[c]:
                w = int(cols_k[c])
                trsm[c] = add(b * (b - 1) * w, e * (b * b + 2 * b * w),
                              [*panel.values(), last[kp, c]], kp, c, f"U k{k} c{c}",
                              sends=[(t, e * (b * b if r == kp else b * w / P))
                                     for r, t in panel.items()])
                last[kp, c] = trsm[c]
        nq = (k + 1) % Q                      # the column holding the next panel
        ahead = p.lookahead and k + 1 < N
        for c in range(Q):
            if not cols_k[c]:
                continue
            if ahead and c == nq:
                # look-ahead: update the next panel's block column first, factorise it,
                # then update the rest while the other columns still work on step k
                for r in range(P):
                    if rows_k[r]:
                        update(k, r, c, int(sizes[k + 1]), panel, trsm, " next")
                nxt = factor_panel(k + 1)
                for r in range(P):
                    if rows_k[r] and cols_k[c] > sizes[k + 1]:
                        update(k, r, c, int(cols_k[c] - sizes[k + 1]), panel, trsm, " rest")
            else:
                for r in range(P):
                    if rows_k[r]:
                        update(k, r, c, int(cols_k[c]), panel, trsm)
        if k + 1 < N:
            panel = nxt if ahead else factor_panel(k + 1)
    tail = _solve(add, sizes, P, Q, e, list(last.ravel()), "solve")
    low = list(range(len(g.flops)))        # factorisation and first solve
    if p.precision != "fp64":
        for s in range(p.refine_steps):
            rows_all, cols_all = _local(sizes, 0, P), _local(sizes, 0, Q)
            resid = [add(2.0 * rows_all[r] * cols_all[c], 8.0 * rows_all[r] * cols_all[c],
                         [tail], r, c, f"residual it{s} r{r} c{c}",
                         sends=[(tail, 8.0 * cols_all[c])])
                     for r in range(P) for c in range(Q)]
            first = len(g.flops)
            tail = _solve(add, sizes, P, Q, e, resid, f"correction it{s}")
            low += list(range(first, len(g.flops)))
    graph = g.build()
    prec = np.full(graph.n, PRECISIONS.index("fp64"), np.int8)
    prec[low] = PRECISIONS.index(p.precision)
    return dataclasses.replace(graph, precision=prec)


def _solve(add, sizes, P, Q, e, after, label) -> int:
    """Forward and back substitution as a chain over the diagonal blocks; returns its end."""
    n, N = int(sizes.sum()), len(sizes)
    prev, deps = -1, after
    for k in range(N):
        share = solve_flops(n) * sizes[k] / n
        prev = add(share, e * n * sizes[k], deps, k % P, k % Q, f"{label} k{k}",
                   sends=[(prev, e * sizes[k])] if prev >= 0 else
                   [(t, e * sizes[k]) for t in after if t >= 0])
        deps = [prev]
    return prev


