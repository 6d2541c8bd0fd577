"""2-D Jacobi sweeps with halo exchange, the grid decomposed into blocks over the ranks.

The ranks form a near-square px x py grid; rank (x, y) = y px + x owns a bx x by block
of the global Nx x Ny grid (strong scaling: Nx = Ny = n; weak scaling: each rank gets
n x n, so Nx = n px, Ny = n py). Per point and sweep: 4 flops (3 adds and 1 multiply,
u' = (N + S + E + W) / 4) and 2 e bytes of memory traffic (read u, write u'; the
neighbours come from cache). FLOPs: 4 Nx Ny iterations.

Each sweep on a rank is two tasks: the interior (needs no halo), then the border ring,
which first receives the four neighbours' halos (edge length x e bytes each, none
across the outer boundary) and then sends its own for the next sweep. With
non-blocking sends (the default, MPI_Isend) the halos fly while the next interior is
computed; with blocking ones the PE waits for each send. Communication per sweep
grows like the block edge and computation like its area, so strong scaling (smaller
blocks) raises the communication share while weak scaling keeps a sweep's time flat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph
from .common import chunks, element_bytes, precision_param, vector_param
from .spmd import near_square, rank_pes, ranks_param


@dataclass
class Params:
    kind: ClassVar[str] = "stencil"
    n: int = param(4096, ge=3, help="Grid side: global (strong scaling) or per rank (weak)")
    iterations: int = param(10, ge=1, le=100_000, help="Jacobi sweeps")
    scaling: str = param("strong", choices=("strong", "weak"),
                         help="strong: n x n grid split over the ranks; weak: n x n per rank")
    blocking: bool = param(False, help="Blocking halo sends (else non-blocking: overlap)")
    ranks: int = ranks_param()
    precision: str = precision_param()
    vector_fraction: float = vector_param()

    def tasks_estimate(self) -> int:
        return 2 * self.iterations * max(self.ranks, 1) + max(self.ranks, 1)


def grid(p: Params, ranks: int) -> tuple[int, int, int, int]:
    """(px, py, Nx, Ny): rank grid and global grid."""
    px, py = near_square(ranks)
    if p.scaling == "weak":
        return px, py, p.n * px, p.n * py
    return px, py, p.n, p.n


def build(p: Params, machine, rng) -> TaskGraph:
    pes = rank_pes(p.ranks, machine)
    px, py, nx, ny = grid(p, len(pes))
    e = element_bytes(p.precision)
    bx, by = chunks(nx, px).tolist(), chunks(ny, py).tolist()
    g = GraphBuilder(p.precision, p.vector_fraction)
    ranks = [(x, y) for y in range(py) for x in range(px)]
    nbrs = []
    for x, y in ranks:
        near = [(x + dx, y + dy, by[y] if dx else bx[x]) for dx, dy in
                ((-1, 0), (1, 0), (0, -1), (0, 1))]
        nbrs.append([(yy * px + xx, edge * e) for xx, yy, edge in near
                     if 0 <= xx < px and 0 <= yy < py])
    prev = [g.add(0.0, owner=pes[r], name="halo setup") for r in range(len(ranks))]
    for it in range(p.iterations):
        inner = []
        for r, (x, y) in enumerate(ranks):
            core = max(bx[x] - 2, 0) * max(by[y] - 2, 0)
            inner.append(g.add(4.0 * core, 2.0 * e * core, deps=(prev[r],), owner=pes[r],
                               name=f"interior {it}"))
        cur = []
        for r, (x, y) in enumerate(ranks):
            ring = bx[x] * by[y] - max(bx[x] - 2, 0) * max(by[y] - 2, 0)
            t = g.add(4.0 * ring, 2.0 * e * ring, deps=(inner[r],), owner=pes[r],
                      name=f"border {it}")
            cur.append(t)
            for q, nbytes in nbrs[r]:
                g.message(prev[q], t, nbytes, p.blocking)
        prev = cur
    return g.build()
