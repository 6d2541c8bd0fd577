"""Monte Carlo: embarrassingly parallel samples, then one reduce of the results.

Each rank draws its share of `samples` (chunks differing by at most one), at
`flops_per_sample` each, with no communication; then the ranks' partial results
(`result_bytes`) are summed to rank 0 by a binomial tree (collectives.py).
FLOPs: samples x flops_per_sample + (ranks - 1) x result_bytes / 8 (the reduce's adds).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph
from .collectives import reduce
from .common import chunks, precision_param, scale_count, vector_param
from .spmd import rank_pes, ranks_param, scaled_ranks


@dataclass
class Params:
    kind: ClassVar[str] = "montecarlo"
    samples: int = param(1_000_000_000, ge=1, help="Random samples in all")
    flops_per_sample: float = param(50.0, ge=0, unit="FLOP", help="Work per sample")
    result_bytes: float = param(8.0, ge=0, unit="B", help="Size of each rank's partial result")
    ranks: int = ranks_param()
    precision: str = precision_param()
    vector_fraction: float = vector_param()

    def tasks_estimate(self) -> int:
        return 3 * max(self.ranks, 1)

    def scaled(self, factor: float) -> Params:
        """Weak scaling: `factor` times the samples (each rank draws as many); a set rank
        count grows by `factor`."""
        return replace(self, samples=scale_count(self.samples, factor),
                       ranks=scaled_ranks(self.ranks, factor))


def build(p: Params, machine, rng) -> TaskGraph:
    pes = rank_pes(p.ranks, machine)
    g = GraphBuilder(p.precision, p.vector_fraction)
    work = [g.add(float(m) * p.flops_per_sample, owner=pe, name="samples")
            for m, pe in zip(chunks(p.samples, len(pes)).tolist(), pes)]
    reduce(g, pes, p.result_bytes, after=work, elem=8)
    return g.build()
