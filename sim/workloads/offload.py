"""Offload a data-parallel kernel to the node's accelerator, or run it on the host.

The kernel processes n independent elements, `flops_per_element` FLOPs each (FLOPs:
n x flops_per_element), reading `bytes_in` and writing `bytes_out` bytes per element.
On the host it is `host_tasks` equal tasks (0: one per core) moving (in + out) bytes per
element through the host memory; `build` makes that graph (the host-only run).
Offloaded (runners/offload.py) to one of the node's devices: copy n x bytes_in over the
link, run the kernel as `blocks` tasks (0: one per SM) on the device's SMs and HBM,
copy n x bytes_out back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..spec import param
from ..taskgraph import TaskGraph, independent
from .common import chunks, lane_param, precision_param, vector_param


@dataclass
class Params:
    kind: ClassVar[str] = "offload"
    n: int = param(1_000_000, ge=1, help="Elements the kernel processes")
    flops_per_element: float = param(2000.0, gt=0, unit="FLOP", help="FLOPs per element")
    bytes_in: float = param(8.0, ge=0, unit="B", help="Input bytes per element (host to device)")
    bytes_out: float = param(8.0, ge=0, unit="B",
                             help="Output bytes per element (device to host)")
    blocks: int = param(0, ge=0, help="Thread blocks (device tasks); 0: one per SM")
    host_tasks: int = param(0, ge=0, help="Tasks of the host-only run; 0: one per core")
    precision: str = precision_param()
    vector_fraction: float = vector_param()
    lane_efficiency: float = lane_param()

    def tasks_estimate(self) -> int:
        return max(self.blocks, self.host_tasks, 1)

    def expected_flops(self) -> float:
        return self.n * self.flops_per_element


def kernel(p: Params, parts: int) -> TaskGraph:
    """The kernel as `parts` independent tasks over the n elements."""
    sizes = chunks(p.n, min(parts, p.n)).astype(float)
    return independent(sizes * p.flops_per_element, sizes * (p.bytes_in + p.bytes_out),
                       p.precision, p.vector_fraction, p.lane_efficiency)


def build(p: Params, machine, rng) -> TaskGraph:
    """The host-only run: the kernel split over the host's cores."""
    return kernel(p, p.host_tasks or machine.pes)
