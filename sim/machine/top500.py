"""Eight systems of the TOP500 list of November 2020, each as one node's spec + node count.

Published figures are the list's (top500.org/lists/top500/2020/11/): Rmax and Rpeak in
TFLOP/s, total cores (CPU cores plus GPU SMs, as the list counts them), power in kW
(None where the list gives none). Rpeak "computed" is nodes x node peak from the spec
(machine.node_peak) with the clock the list's Rpeak uses, stated per system in
`clock` (base, boost, or implied by the list where no published clock fits):

- Fugaku, Frontera, Sunway TaihuLight: nominal clocks; the spec reproduces the list.
  TaihuLight's SW26010 is 4 management cores (MPE, 16 FLOPs/cycle) that act as the host
  and 4 clusters of 64 compute cores (CPE, 8 FLOPs/cycle) modelled as 4 accelerators
  reached through the memory controller (the "link" is DMA at the core group's DDR3 rate).
- V100 systems (80 SMs, 64 fp64 FLOPs/cycle/SM): Summit and Sierra at 1.38 GHz
  (7.07 TFLOP/s, the figure NVIDIA quotes for the PCIe V100 at its boost clock; Summit's
  "7 TF per GPU"), HPC5 at the 1.23 GHz base clock. NVIDIA's SXM2 boost clock (1.53 GHz,
  7.8 TFLOP/s) would put Summit 10 % above the list.
- A100 systems (108 SMs, fp64 tensor cores 128 FLOPs/cycle/SM, i.e. 19.5 TFLOP/s at the
  1.41 GHz boost clock): the list's Rpeak implies 1.24 GHz (Selene) and 1.33 GHz
  (JUWELS Booster), between NVIDIA's base and boost clocks; the list does not state the
  clock, so these two match by construction (their `clock` says so).
  A100 fp16 tensor cores do 16x fp64; the lanes model of [machine.accelerator] gives
  4x (the [[machine.device]] tables of the node presets have matrix_fp16).
Sources: the list's system pages (processor, clock, cores, Rmax, Rpeak, power);
vendor datasheets for FLOPs per cycle (A64FX, POWER9, Xeon Cascade Lake, EPYC Rome,
NVIDIA V100 and A100 whitepapers), as recalled, not re-fetched for this table.

Per-core memory limits are estimates (the list does not publish them). An event
simulator follows each core, so the full systems (millions of cores) are beyond it:
simulate a slice of a few nodes (machine.nodes) instead.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .. import spec
from ..errors import ScenarioError
from ..units import clip
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
    clock: str = ""           # the clock the Rpeak uses: base, boost or list-implied

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


SYSTEMS = tuple(sorted((
    System("fugaku", "Fugaku", 1, "RIKEN Center for Computational Science, Japan",
           "Fujitsu A64FX 48C 2.2 GHz (2 x 512-bit SVE FMA: 32 fp64 FLOPs/cycle)",
           "Tofu interconnect D", 158_976,
           MachineSpec(nodes=1, cores=48, freq_ghz=2.2, fma_units=2, simd_bits=512,
                       memory=MemorySpec(1024.0, 40.0, 120.0)),
           442_010.0, 537_212.0, 7_630_848, 29_899.0,
           "HBM2 1024 GB/s per node; the spec reproduces the list's Rpeak",
           "2.2 GHz nominal"),
    System("summit", "Summit", 2, "Oak Ridge National Laboratory, USA",
           "2 x IBM POWER9 22C 3.07 GHz + 6 x NVIDIA V100 (80 SMs)",
           "Dual-rail Mellanox EDR InfiniBand", 4_608,
           MachineSpec(nodes=1, cores=44, freq_ghz=3.07, fma_units=2, simd_bits=128,
                       memory=MemorySpec(340.0, 20.0, 90.0),
                       accelerator=AcceleratorSpec(count=6, sms=80, freq_ghz=1.38,
                                                   fma_units=4, simd_bits=512,
                                                   memory_gbs=900.0, link_gbs=50.0,
                                                   link_latency_us=5.0)),
           148_600.0, 200_794.9, 2_414_592, 10_096.0,
           "V100 at 1.38 GHz (7.07 TFLOP/s fp64 each), CPUs at 3.07 GHz",
           "V100 1.38 GHz (NVIDIA's 7 TF figure; SXM2 boost 1.53 GHz would be +10 %)"),
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
           "CPE clusters as 4 accelerators on the core groups' DDR3; Rpeak exact",
           "1.45 GHz nominal"),
    System("selene", "Selene", 5, "NVIDIA Corporation, USA",
           "2 x AMD EPYC 7742 64C 2.25 GHz + 8 x NVIDIA A100 (108 SMs)",
           "Mellanox HDR InfiniBand", 560,
           MachineSpec(nodes=1, cores=128, freq_ghz=2.25, fma_units=2, simd_bits=256,
                       memory=MemorySpec(409.6, 20.0, 90.0),
                       accelerator=AcceleratorSpec(count=8, sms=108, freq_ghz=1.2374,
                                                   fma_units=4, simd_bits=1024,
                                                   memory_gbs=1555.0, link_gbs=32.0,
                                                   link_latency_us=5.0)),
           63_460.0, 79_215.0, 555_520, 2_646.0,
           "A100 FP64 tensor cores (128 FLOPs/cycle/SM) at the list-implied clock",
           "A100 1.237 GHz, implied by the list's Rpeak (boost 1.41 GHz would be +13.5 %)"),
    System("frontera", "Frontera", 9, "Texas Advanced Computing Center, USA",
           "2 x Intel Xeon Platinum 8280 28C 2.7 GHz (AVX-512, 2 FMA)",
           "Mellanox InfiniBand HDR", 8_008,
           MachineSpec(nodes=1, cores=56, freq_ghz=2.7, fma_units=2, simd_bits=512,
                       memory=MemorySpec(281.6, 15.0, 90.0)),
           23_516.4, 38_745.9, 448_448, None,
           "DDR4-2933, 12 channels per node; the spec reproduces the list's Rpeak",
           "2.7 GHz base"),
    System("sierra", "Sierra", 3, "Lawrence Livermore National Laboratory, USA",
           "2 x IBM POWER9 22C 3.1 GHz + 4 x NVIDIA V100 (80 SMs)",
           "Dual-rail Mellanox EDR InfiniBand", 4_320,
           MachineSpec(nodes=1, cores=44, freq_ghz=3.1, fma_units=2, simd_bits=128,
                       memory=MemorySpec(340.0, 20.0, 90.0),
                       accelerator=AcceleratorSpec(count=4, sms=80, freq_ghz=1.38,
                                                   fma_units=4, simd_bits=512,
                                                   memory_gbs=900.0, link_gbs=75.0,
                                                   link_latency_us=5.0)),
           94_640.0, 125_712.0, 1_572_480, 7_438.0,
           "Summit's node with 4 GPUs; NVLink 2.0 to the CPUs",
           "V100 1.38 GHz as Summit, CPUs 3.1 GHz"),
    System("juwels-booster", "JUWELS Booster Module", 7, "Forschungszentrum Jülich, Germany",
           "2 x AMD EPYC 7402 24C 2.8 GHz + 4 x NVIDIA A100 (108 SMs)",
           "Mellanox HDR InfiniBand", 936,
           MachineSpec(nodes=1, cores=48, freq_ghz=2.8, fma_units=2, simd_bits=256,
                       memory=MemorySpec(409.6, 20.0, 90.0),
                       accelerator=AcceleratorSpec(count=4, sms=108, freq_ghz=1.3327,
                                                   fma_units=4, simd_bits=1024,
                                                   memory_gbs=1555.0, link_gbs=32.0,
                                                   link_latency_us=5.0)),
           44_120.0, 70_980.0, 449_280, 1_764.0,
           "A100 FP64 tensor cores at the list-implied clock",
           "A100 1.333 GHz, implied by the list's Rpeak (boost 1.41 GHz would be +5.7 %)"),
    System("hpc5", "HPC5", 8, "Eni S.p.A., Italy",
           "2 x Intel Xeon Gold 6252 24C 2.1 GHz + 4 x NVIDIA V100 (80 SMs)",
           "Mellanox HDR InfiniBand", 1_820,
           MachineSpec(nodes=1, cores=48, freq_ghz=2.1, fma_units=2, simd_bits=512,
                       memory=MemorySpec(281.6, 15.0, 90.0),
                       accelerator=AcceleratorSpec(count=4, sms=80, freq_ghz=1.23,
                                                   fma_units=4, simd_bits=512,
                                                   memory_gbs=900.0, link_gbs=16.0,
                                                   link_latency_us=10.0)),
           35_450.0, 51_720.8, 669_760, 2_252.0,
           "V100 at the 1.23 GHz base clock, CPUs at 2.1 GHz (AVX-512, 2 FMA)",
           "V100 1.23 GHz base"),
), key=lambda s: s.rank))

BY_KEY = {s.key: s for s in SYSTEMS}


def get(key: str) -> System:
    """A system by key (fugaku, summit, sierra, sunway-taihulight, selene,
    juwels-booster, hpc5, frontera)."""
    if key not in BY_KEY:
        raise ScenarioError(f"no Top500 machine named {clip(key)} (known: {', '.join(BY_KEY)})")
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
            "note": s.note, "clock": s.clock, "source": LIST,
        })
    return rows


def expand_preset(machine: dict) -> dict:
    """`[machine] preset = "fugaku"` -> that system's node fields (nodes = 1), with the
    table's own keys applied on top (e.g. `nodes = 16` for a slice)."""
    data = dict(machine)
    key = data.pop("preset")
    if not isinstance(key, str) or key not in BY_KEY:
        raise ScenarioError(f"machine.preset must be one of {', '.join(BY_KEY)}, "
                            f"got {clip(key)}", "machine.preset")
    base = spec.to_dict(BY_KEY[key].spec(nodes=1))
    for name, value in data.items():
        if isinstance(value, dict) and isinstance(base.get(name), dict):
            base[name] = {**base[name], **value}
        else:
            base[name] = value
    return base
