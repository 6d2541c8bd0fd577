"""A GPU-like accelerator attached to each node: `[machine.accelerator]`.

The device is `sms` streaming multiprocessors, each like a core with `fma_units` FMA
units `simd_bits` wide at `freq_ghz`, sharing `memory_gbs` of high-bandwidth memory.
So its rates follow machine.py with cores = sms:

    device peak(p) = sms x freq x 2 x fma_units x simd_bits / bits(p)

It reaches its host through a PCIe- or NVLink-like link: a transfer of m bytes alone
on it takes  link_latency + m / link_bandwidth  (Hockney), and concurrent transfers
in one direction share the bandwidth (the fluid model). A node's peak is its cores'
plus its `count` devices':  node peak = cores x core peak + count x device peak.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ScenarioError
from ..spec import param
from ..taskgraph import PRECISION_BITS


@dataclass
class AcceleratorSpec:
    count: int = param(1, ge=1, le=64, help="Devices per node")
    sms: int = param(80, ge=1, le=100_000, help="Streaming multiprocessors (cores) per device")
    freq_ghz: float = param(1.5, unit="GHz", gt=0, le=100, help="Device clock")
    fma_units: int = param(4, ge=1, le=64, help="FMA units per SM")
    simd_bits: int = param(512, ge=64, le=65536,
                           help="Width of each FMA unit; lanes = simd_bits / precision bits")
    memory_gbs: float = param(900.0, unit="GB/s", gt=0,
                              help="Device memory bandwidth (HBM), shared by its SMs")
    memory_latency_ns: float = param(400.0, unit="ns", ge=0, help="Device memory latency")
    link_gbs: float = param(16.0, unit="GB/s", gt=0,
                            help="Host-device link bandwidth per direction (PCIe-like)")
    link_latency_us: float = param(10.0, unit="µs", ge=0,
                                   help="Host-device transfer latency (incl. launch)")

    def validate(self, path: str) -> None:
        if self.simd_bits % 64:
            raise ScenarioError(f"{path}.simd_bits must be a multiple of 64, got "
                                f"{self.simd_bits}", f"{path}.simd_bits")

    def peak(self, precision: str = "fp64") -> float:
        """One device's peak FLOP/s: sms x freq x 2 x fma_units x lanes
        (lanes = simd_bits / precision bits)."""
        return self.sms * self.freq_ghz * 1e9 * 2 * self.fma_units * (
            max(1, self.simd_bits // PRECISION_BITS[precision]))


