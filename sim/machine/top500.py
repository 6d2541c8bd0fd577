"""Five systems of the TOP500 list of November 2020, each as one node's spec + node count.

Published figures are the list's (top500.org/lists/top500/2020/11/): Rmax and Rpeak in
TFLOP/s, total cores (CPU cores plus GPU SMs, as the list counts them), power in kW
(None where the list gives none). Rpeak "computed" is nodes x node peak from the spec
(accelerator.node_peak), so the two can be compared. Where they differ, `note` says why:

- Fugaku, Frontera, Sunway TaihuLight: the spec reproduces the list's Rpeak exactly.
  TaihuLight's SW26010 is 4 management cores (MPE, 16 FLOPs/cycle) that act as the host
  and 4 clusters of 64 compute cores (CPE, 8 FLOPs/cycle) modelled as 4 accelerators
  reached through the memory controller (the "link" is DMA at the core group's DDR3 rate).
- Summit and Selene: the GPUs carry ~98 % and ~97 % of the peak, so they are the node's
  accelerators. The spec uses NVIDIA's boost clocks (V100 1.53 GHz: 7.8 TFLOP/s;
  A100 1.41 GHz with FP64 tensor cores: 19.5 TFLOP/s); the list's Rpeak counts lower
  clocks, so the computed Rpeak is 10-14 % higher. A100 fp16 tensor cores do 16x fp64;
  the lanes model gives 4x, so mixed-precision runs understate it.

Per-core memory limits are estimates (the list does not publish them). An event
simulator follows each core, so the full systems (millions of cores) are beyond it:
simulate a slice of a few nodes (machine.nodes) instead.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .. import spec
from ..errors import ScenarioError
from .accelerator import AcceleratorSpec
from .machine import MachineSpec, MemorySpec, system_peak

LIST = "TOP500, November 2020 (top500.org/lists/top500/2020/11/)"


@dataclass(frozen=True)
class System:
    key: str
    name: str
    rank: int                 # on the November 2020 list
    site: str
    processor: str
    interconnect: str
    nodes: int
    node: MachineSpec         # one node (node.nodes == 1)
    rmax_tflops: float        # published
    rpeak_tflops: float       # published
    cores: int                # published
    power_kw: float | None    # published; None when the list gives none
    note: str = ""

    def spec(self, nodes: int | None = None) -> MachineSpec:
        """The node spec with `nodes` nodes (default: the full system)."""
        return dataclasses.replace(self.node, nodes=self.nodes if nodes is None else nodes)

    def node_cores(self) -> int:
        acc = self.node.accelerator
        return self.node.cores + (acc.count * acc.sms if acc is not None else 0)

    def computed_cores(self) -> int:
        return self.nodes * self.node_cores()

    def computed_rpeak(self) -> float:
        """FLOP/s: nodes x node peak (fp64)."""
        return system_peak(self.spec(), "fp64")


SYSTEMS = (
    System("fugaku", "Fugaku", 1, "RIKEN Center for Computational Science, Japan",
           "Fujitsu A64FX 48C 2.2 GHz (2 x 512-bit SVE FMA: 32 fp64 FLOPs/cycle)",
           "Tofu interconnect D", 158_976,
           MachineSpec(nodes=1, cores=48, freq_ghz=2.2, fma_units=2, simd_bits=512,
                       memory=MemorySpec(1024.0, 40.0, 120.0)),
           442_010.0, 537_212.0, 7_630_848, 29_899.0,
           "HBM2 1024 GB/s per node; the spec reproduces the list's Rpeak"),
    System("summit", "Summit", 2, "Oak Ridge National Laboratory, USA",
           "2 x IBM POWER9 22C 3.07 GHz + 6 x NVIDIA V100 (80 SMs)",
           "Dual-rail Mellanox EDR InfiniBand", 4_608,
           MachineSpec(nodes=1, cores=44, freq_ghz=3.07, fma_units=2, simd_bits=128,
                       memory=MemorySpec(340.0, 20.0, 90.0),
                       accelerator=AcceleratorSpec(count=6, sms=80, freq_ghz=1.53,
                                                   fma_units=4, simd_bits=512,
                                                   memory_gbs=900.0, link_gbs=50.0,
                                                   link_latency_us=5.0)),
           148_600.0, 200_794.9, 2_414_592, 10_096.0,
           "GPUs at the 1.53 GHz boost clock; the list's Rpeak counts a lower clock"),
    System("sunway-taihulight", "Sunway TaihuLight", 4,
           "National Supercomputing Center in Wuxi, China",
           "Sunway SW26010 260C 1.45 GHz (4 MPE + 4 x 64 CPE)", "Sunway network", 40_960,
           MachineSpec(nodes=1, cores=4, freq_ghz=1.45, fma_units=2, simd_bits=256,
                       memory=MemorySpec(136.5, 34.1, 100.0),
                       accelerator=AcceleratorSpec(count=4, sms=64, freq_ghz=1.45,
                                                   fma_units=1, simd_bits=256,
                                                   memory_gbs=34.1, memory_latency_ns=100.0,
                                                   link_gbs=34.1, link_latency_us=1.0)),
           93_014.6, 125_435.9, 10_649_600, 15_371.0,
           "CPE clusters as 4 accelerators on the core groups' DDR3; Rpeak exact"),
    System("selene", "Selene", 5, "NVIDIA Corporation, USA",
           "2 x AMD EPYC 7742 64C 2.25 GHz + 8 x NVIDIA A100 (108 SMs)",
           "Mellanox HDR InfiniBand", 560,
           MachineSpec(nodes=1, cores=128, freq_ghz=2.25, fma_units=2, simd_bits=256,
                       memory=MemorySpec(409.6, 20.0, 90.0),
                       accelerator=AcceleratorSpec(count=8, sms=108, freq_ghz=1.41,
                                                   fma_units=4, simd_bits=1024,
                                                   memory_gbs=1555.0, link_gbs=32.0,
                                                   link_latency_us=5.0)),
           63_460.0, 79_215.0, 555_520, 2_646.0,
           "A100 FP64 tensor cores at the 1.41 GHz boost clock; the list counts a lower one"),
    System("frontera", "Frontera", 9, "Texas Advanced Computing Center, USA",
           "2 x Intel Xeon Platinum 8280 28C 2.7 GHz (AVX-512, 2 FMA)",
           "Mellanox InfiniBand HDR", 8_008,
           MachineSpec(nodes=1, cores=56, freq_ghz=2.7, fma_units=2, simd_bits=512,
                       memory=MemorySpec(281.6, 15.0, 90.0)),
           23_516.4, 38_745.9, 448_448, None,
           "DDR4-2933, 12 channels per node; the spec reproduces the list's Rpeak"),
)

BY_KEY = {s.key: s for s in SYSTEMS}


def get(key: str) -> System:
    """A system by key (fugaku, summit, sunway-taihulight, selene, frontera)."""
    if key not in BY_KEY:
        raise ScenarioError(f"no Top500 machine named {key!r} (known: {', '.join(BY_KEY)})")
    return BY_KEY[key]


def table() -> list[dict]:
    """One JSON-ready row per system: computed figures beside the published ones."""
    rows = []
    for s in SYSTEMS:
        rpeak = s.computed_rpeak()
        rows.append({
            "key": s.key, "name": s.name, "rank": s.rank, "site": s.site,
            "processor": s.processor, "interconnect": s.interconnect, "nodes": s.nodes,
            "cores_per_node": s.node_cores(), "cores": s.computed_cores(),
            "rpeak_flops_per_s": rpeak,
            "published_rmax_flops_per_s": s.rmax_tflops * 1e12,
            "published_rpeak_flops_per_s": s.rpeak_tflops * 1e12,
            "published_cores": s.cores,
            "published_power_w": None if s.power_kw is None else s.power_kw * 1e3,
            "rpeak_vs_published": rpeak / (s.rpeak_tflops * 1e12),
            "rmax_over_rpeak_published": s.rmax_tflops / s.rpeak_tflops,
            "note": s.note, "source": LIST,
        })
    return rows


def expand_preset(machine: dict) -> dict:
    """`[machine] preset = "fugaku"` -> that system's node fields (nodes = 1), with the
    table's own keys applied on top (e.g. `nodes = 16` for a slice)."""
    data = dict(machine)
    key = data.pop("preset")
    if key not in BY_KEY:
        raise ScenarioError(f"machine.preset must be one of {', '.join(BY_KEY)}, "
                                 f"got {key!r}", "machine.preset")
    base = spec.to_dict(BY_KEY[key].spec(nodes=1))
    for name, value in data.items():
        if isinstance(value, dict) and isinstance(base.get(name), dict):
            base[name] = {**base[name], **value}
        else:
            base[name] = value
    return base
