"""Direct N-body: every body feels every other, positions shared by allgather each step.

Each rank owns a block of the n bodies. A step is: compute the forces on its bodies
from all n (20 flops per interaction, a common count for a softened gravitational
pair force: distance, 1/r^3 and the accumulation; n (n - 1) interactions in all),
reading the n positions and masses (32 bytes each); then a ring allgather of the new
positions (24 bytes per body, the block of n / ranks bodies per rank) so every rank
has them for the next step. FLOPs: 20 n (n - 1) steps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph
from .collectives import allgather
from .common import chunks, precision_param, scale_count, vector_param
from .spmd import rank_pes, ranks_param, scaled_ranks

FLOPS_PER_INTERACTION = 20


@dataclass
class Params:
    kind: ClassVar[str] = "nbody"
    bodies: int = param(16384, ge=2, help="Number of bodies n")
    steps: int = param(10, ge=1, le=100_000, help="Time steps")
    ranks: int = ranks_param()
    precision: str = precision_param()
    vector_fraction: float = vector_param()

    def tasks_estimate(self) -> int:
        r = max(self.ranks, 1)
        return self.steps * r * (r + 1)

    def expected_flops(self) -> float:
        return FLOPS_PER_INTERACTION * self.bodies * (self.bodies - 1) * self.steps

    def scaled(self, factor: float) -> Params:
        """Weak scaling: the work 20 n (n - 1) per step grows by `factor` (work per PE
        constant), so the bodies by sqrt(factor) (rounded); a set rank count grows by
        `factor`."""
        return replace(self, bodies=max(2, scale_count(self.bodies, factor ** 0.5)),
                       ranks=scaled_ranks(self.ranks, factor))


def build(p: Params, machine, rng) -> TaskGraph:
    pes = rank_pes(p.ranks, machine)
    own = chunks(p.bodies, len(pes)).tolist()
    g = GraphBuilder(p.precision, p.vector_fraction)
    last: list[int | None] = [None] * len(pes)
    for s in range(p.steps):
        forces = [g.add(float(FLOPS_PER_INTERACTION * m * (p.bodies - 1)), 32.0 * p.bodies,
                        deps=() if last[r] is None else (last[r],), owner=pes[r],
                        name=f"forces {s}")
                  for r, m in enumerate(own)]
        last = list(allgather(g, pes, 24.0 * p.bodies / len(pes), after=forces))
    return g.build()
