"""Linpack on one heterogeneous node: a tiled right-looking LU as a DAG (kind "hpl-node").

The n x n matrix is T x T tiles of nb x nb (T = n / nb). Step k: the panel
factorisation of tile (k, k) (getrf, 2/3 nb^3 FLOPs, on a CPU core: `panel`), the
triangular solves of row k and column k (trsm, nb^3 each), then the trailing update of
every tile (i, j), i, j > k (gemm, 2 nb^3, matrix-shaped: the tensor cores where the
unit has them, on `trailing`). Each task reads the tiles it uses (nb^2 x 8 bytes in
fp64) from the tasks that last wrote them, so a tile moves between host and device
memories when its producer ran elsewhere. FLOPs: sum of the tasks, which is
2/3 n^3 + O(n^2 nb); Rmax counts HPL's (2/3 n^3 + 3/2 n^2) / time, as the list does.
Pivoting, its row swaps and the panel's broadcast are not modelled (one node, no
network); a tile task runs on one unit (a core or one SM), as the engine's tasks do.
`system` names a Top500 system (sim/machine/top500.py) whose per-node Rmax and Rpeak
are reported beside the simulated ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..errors import ScenarioError
from ..machine import top500
from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph
from .hpl import hpl_flops


@dataclass
class Params:
    kind: ClassVar[str] = "hpl-node"
    n: int = param(98304, ge=1, le=10_000_000, help="Matrix order")
    nb: int = param(3072, ge=1, help="Tile size (n must be a multiple)")
    panel: str = param("cpu", help="Units for the panel factorisation (any, cpu, gpu, a group)")
    trailing: str = param("gpu", help="Units for the solves and trailing updates")
    system: str = param("", help="A Top500 system whose per-node Rmax / Rpeak to show")

    def validate(self, path: str) -> None:
        if self.n % self.nb:
            raise ScenarioError(f"{path}.n must be a multiple of {path}.nb ({self.nb}), "
                                f"got {self.n}", f"{path}.n")
        if self.system and self.system not in top500.BY_KEY:
            raise ScenarioError(f"{path}.system must be one of {', '.join(top500.BY_KEY)}, "
                                f"got {self.system!r}", f"{path}.system")

    def tasks_estimate(self) -> int:
        t = self.n // self.nb
        return t * (t + 1) * (2 * t + 1) // 6

    def wheres(self) -> dict[str, str]:
        """Unit choices checked against the machine at load (groups.check_where)."""
        return {"panel": self.panel, "trailing": self.trailing}


def build(p: Params, machine, rng) -> TaskGraph:
    t_count, nb = p.n // p.nb, float(p.nb)
    tile = 8.0 * nb * nb
    b = GraphBuilder("fp64")
    last: dict[tuple[int, int], int] = {}          # the task that last wrote tile (i, j)

    def add(flops, tiles, where, name, matrix=False):
        deps = sorted({last[x] for x in tiles if x in last})
        return b.add(flops, 0.0, deps, where=where, matrix=matrix, name=name,
                     reads=[tile] * len(deps))

    for k in range(t_count):
        last[k, k] = add(2 / 3 * nb ** 3, [(k, k)], p.panel, f"getrf {k}")
        for j in range(k + 1, t_count):
            last[k, j] = add(nb ** 3, [(k, k), (k, j)], p.trailing, f"trsm {k},{j}")
            last[j, k] = add(nb ** 3, [(k, k), (j, k)], p.trailing, f"trsm {j},{k}")
        for i in range(k + 1, t_count):
            for j in range(k + 1, t_count):
                last[i, j] = add(2 * nb ** 3, [(i, k), (k, j), (i, j)], p.trailing,
                                 f"gemm {i},{j} step {k}", matrix=True)
    return b.build()


def summary(p: Params, machine, graph: TaskGraph, makespan: float, schedule=None,
            progress=None, cancel=None) -> dict:
    """Rmax = (2/3 n^3 + 3/2 n^2) / time, Rpeak = the node's fp64 peak (matrix units
    included), their ratio; with `system`, the list's Rmax and Rpeak per node."""
    rmax = hpl_flops(p.n) / makespan if makespan > 0 else 0.0
    rpeak = machine.peak("fp64")
    out = {"hpl_n": p.n, "hpl_flops": hpl_flops(p.n), "hpl_precision": "fp64",
           "rmax_flops_per_s": rmax, "rpeak_flops_per_s": rpeak, "rmax_over_rpeak": rmax / rpeak,
           "hpl_fp64_makespan_s": None, "hpl_mixed_speedup": None}
    if p.system:
        s = top500.get(p.system)
        out.update(list_rmax_per_node_flops_per_s=s.rmax_tflops * 1e12 / s.nodes,
                   list_rpeak_per_node_flops_per_s=s.rpeak_tflops * 1e12 / s.nodes,
                   list_rmax_over_rpeak=s.rmax_tflops / s.rpeak_tflops, list_system=s.name)
    return out
