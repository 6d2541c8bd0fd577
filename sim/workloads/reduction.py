"""Tree reduction (sum) of n numbers: `tasks` leaves, then a binary combining tree.

FLOPs: n - 1 additions in all. Leaf i sums its chunk of m_i numbers (m_i - 1 adds,
reading e m_i bytes); each tree node adds two partial sums (1 add, 3 e bytes).
The tree has ceil(log2 tasks) levels, so the critical path grows with log2 of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph
from .common import chunks, element_bytes, precision_param, scale_count, vector_param


@dataclass
class Params:
    kind: ClassVar[str] = "reduction"
    n: int = param(100_000_000, ge=1, help="Numbers to add up")
    tasks: int = param(64, ge=1, help="Leaf tasks (each sums one chunk)")
    precision: str = precision_param()
    vector_fraction: float = vector_param()

    def tasks_estimate(self) -> int:
        return 2 * min(self.tasks, self.n)

    def expected_flops(self) -> float:
        return float(self.n - 1)

    def scaled(self, factor: float) -> Params:
        """Weak scaling: n and the number of leaves grow by `factor` (same leaf size)."""
        return replace(self, n=scale_count(self.n, factor), tasks=scale_count(self.tasks, factor))


def build(p: Params, machine, rng) -> TaskGraph:
    e = element_bytes(p.precision)
    g = GraphBuilder(p.precision, p.vector_fraction)
    level = [g.add(float(m - 1), float(e * m), name=f"leaf {i}")
             for i, m in enumerate(chunks(p.n, min(p.tasks, p.n)).tolist())]
    depth = 0
    while len(level) > 1:
        depth += 1
        nxt = [g.add(1.0, 3.0 * e, deps=(level[i], level[i + 1]), name=f"combine L{depth}")
               for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return g.build()
