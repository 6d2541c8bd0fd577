"""Heterogeneous nodes: CPU core groups (`[[machine.cpu]]`) and devices (`[[machine.device]]`).

A node's processing elements (PEs) are its unit groups in order: every CPU group's
cores, then every device's SMs (a device entry with count = 2 is two devices, each
its own group, named name[k]). A plain `[machine]` is one CPU group of `cores` cores. Per PE of a group

    lanes(p)            = simd_bits / bits(p)
    scalar FLOP/s       = f x 2 x fma_units    (CPU core)
                        = f x 2                (SM: scalar, divergent code is one thread,
                                                one lane of one FMA unit per cycle)
    vector FLOP/s (p)   = f x 2 x fma_units x lanes(p)
    matrix FLOP/s (p)   = f x matrix_<p>          (matrix units, e.g. tensor cores; FLOPs
                                                   per cycle per SM; 0 = none: vector rate)
    group peak (p)      = count x max(vector, matrix) FLOP/s

Memory domains: a node's host memory ([machine.memory]) serves its CPU groups; each
device has its own memory (memory_gbs shared by its SMs, one SM may draw all of it,
memory_latency_ns). Links per node: each device reaches the host over its own link
(link_gbs per direction, link_latency_us); devices with peer_link_gbs > 0 reach each
other directly (NVLink-like, behind a switch: a copy shares only the sender's peer port),
otherwise a device-to-device copy is staged through the host (two copies).
A copy of m bytes alone on a link takes latency + m / bandwidth; concurrent copies
share the link max-min fairly (engine/fluid.py). Messages between nodes
(engine/hetero.py) leave from and arrive in a device's memory as its `network` says:
staged (a copy over the host link on each staged side, then the network) or direct
(GPUDirect-like: the network alone). Kernel thread blocks (tasks marked
`block`) become ready launch_latency_us after their dependencies.

Example: an A100-like device, 108 SMs at 1.41 GHz, fma_units = 4, simd_bits = 512:
fp64 vector 108 x 1.41e9 x 2 x 4 x 8 = 9.7 TFLOP/s; matrix_fp64 = 128 -> 19.5 TFLOP/s;
matrix_fp16 = 2048 -> 312 TFLOP/s.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ScenarioError
from ..spec import param
from ..taskgraph import PRECISION_BITS
from .power import PowerSpec

KINDS = ("cpu", "gpu")


@dataclass
class CpuGroupSpec:
    """A group of identical cores in every node (e.g. 4 big cores)."""

    name: str = param("cpu", help="Group name (tasks may name it in `where`)")
    count: int = param(4, ge=1, le=100_000, help="Cores in the group, per node")
    freq_ghz: float = param(2.5, unit="GHz", gt=0, le=100, help="Core clock")
    fma_units: int = param(2, ge=1, le=64, help="FMA units per core")
    simd_bits: int = param(256, ge=64, le=65536, help="SIMD width; lanes = simd_bits / bits")
    power: PowerSpec | None = None

    def validate(self, path: str) -> None:
        _simd(self.simd_bits, path)
        if self.power is not None:
            self.power.voltage(self.freq_ghz, path)


@dataclass
class DeviceSpec:
    """GPU-like devices in every node: SMs with SIMD lanes, optional matrix units, HBM."""

    name: str = param("gpu", help="Device name (tasks may name it in `where`)")
    count: int = param(1, ge=1, le=64, help="Devices of this kind per node")
    sms: int = param(108, ge=1, le=100_000, help="Streaming multiprocessors (PEs) per device")
    freq_ghz: float = param(1.41, unit="GHz", gt=0, le=100, help="Device clock")
    fma_units: int = param(4, ge=1, le=64, help="FMA units per SM")
    simd_bits: int = param(512, ge=64, le=65536, help="Width of each FMA unit")
    matrix_fp64: float = param(0.0, unit="FLOP/cycle", ge=0,
                               help="Matrix-unit fp64 FLOPs per cycle per SM (0: none)")
    matrix_fp32: float = param(0.0, unit="FLOP/cycle", ge=0,
                               help="Matrix-unit fp32 (tf32) FLOPs per cycle per SM")
    matrix_fp16: float = param(0.0, unit="FLOP/cycle", ge=0,
                               help="Matrix-unit fp16 FLOPs per cycle per SM")
    matrix_bf16: float = param(0.0, unit="FLOP/cycle", ge=0,
                               help="Matrix-unit bf16 FLOPs per cycle per SM")
    memory_gbs: float = param(1555.0, unit="GB/s", gt=0, help="Device memory bandwidth")
    memory_gb: float = param(40.0, unit="GB", gt=0, help="Device memory capacity")
    memory_latency_ns: float = param(400.0, unit="ns", ge=0, help="Device memory latency")
    link_gbs: float = param(32.0, unit="GB/s", gt=0,
                            help="Host-device link bandwidth per direction (PCIe-like)")
    link_latency_us: float = param(5.0, unit="µs", ge=0, help="Host-device copy latency")
    peer_link_gbs: float = param(0.0, unit="GB/s", ge=0,
                                 help="Device-device link bandwidth (NVLink-like; 0: copies "
                                      "are staged through the host)")
    peer_link_latency_us: float = param(2.0, unit="µs", ge=0,
                                        help="Device-device copy latency")
    launch_latency_us: float = param(5.0, unit="µs", ge=0, help="Kernel launch latency")
    network: str = param("staged", choices=("staged", "direct"),
                         help="Messages to / from other nodes: staged through host memory "
                              "(copies over the host link) or direct (GPUDirect-like)")
    power: PowerSpec | None = None

    def validate(self, path: str) -> None:
        _simd(self.simd_bits, path)
        if self.power is not None:
            self.power.voltage(self.freq_ghz, path)

    def matrix(self, precision: str) -> float:
        return getattr(self, f"matrix_{precision}")


def _simd(bits: int, path: str) -> None:
    if bits % 64:
        raise ScenarioError(f"{path}.simd_bits must be a multiple of 64, got {bits}",
                            f"{path}.simd_bits")


@dataclass(frozen=True)
class UnitGroup:
    """One group of identical PEs in a node, derived from a spec (rates in FLOP/s)."""

    name: str
    kind: str                 # "cpu" | "gpu"
    first: int                # index of its first PE within the node
    count: int
    freq_hz: float
    fma_units: int
    simd_bits: int
    matrix: tuple             # FLOPs/cycle per precision, PRECISION_BITS order
    domain: int               # -1: host memory; d >= 0: device d of the node
    mem_bandwidth: float      # of its memory domain, bytes/s
    unit_bandwidth: float     # the most one PE draws
    mem_latency: float
    link_bw: float = 0.0      # devices: host link per direction
    link_latency: float = 0.0
    peer_bw: float = 0.0
    peer_latency: float = 0.0
    launch_s: float = 0.0
    power: PowerSpec | None = None
    direct: bool = False      # devices: the network reads / writes device memory directly

    def lanes(self, precision: str) -> int:
        return max(1, self.simd_bits // PRECISION_BITS[precision])

    def scalar_rate(self) -> float:
        return self.freq_hz * 2 * (self.fma_units if self.kind == "cpu" else 1)

    def vector_rate(self, precision: str) -> float:
        return self.freq_hz * 2 * self.fma_units * self.lanes(precision)

    def matrix_rate(self, precision: str) -> float:
        """f x matrix FLOPs/cycle (0 without matrix units for `precision`)."""
        return self.freq_hz * self.matrix[list(PRECISION_BITS).index(precision)]

    def peak(self, precision: str = "fp64") -> float:
        """One PE's peak: the better of its vector and matrix rates."""
        return max(self.vector_rate(precision), self.matrix_rate(precision))


def unit_groups(spec) -> list[UnitGroup]:
    """The node's unit groups of a MachineSpec, in PE order (module docstring)."""
    mem = spec.memory
    host = dict(domain=-1, mem_bandwidth=mem.bandwidth_gbs * 1e9,
                unit_bandwidth=mem.core_bandwidth_gbs * 1e9, mem_latency=mem.latency_ns * 1e-9)
    cpus = spec.cpu or [CpuGroupSpec("cpu", spec.cores, spec.freq_ghz, spec.fma_units,
                                     spec.simd_bits, spec.power)]
    groups, first = [], 0
    for c in cpus:
        groups.append(UnitGroup(c.name, "cpu", first, c.count, c.freq_ghz * 1e9, c.fma_units,
                                c.simd_bits, (0.0,) * len(PRECISION_BITS), power=c.power,
                                **host))
        first += c.count
    d = 0
    for dev in spec.device or []:
        for k in range(dev.count):
            name = dev.name if dev.count == 1 else f"{dev.name}[{k}]"
            groups.append(UnitGroup(
                name, "gpu", first, dev.sms, dev.freq_ghz * 1e9, dev.fma_units, dev.simd_bits,
                tuple(dev.matrix(p) for p in PRECISION_BITS), d, dev.memory_gbs * 1e9,
                dev.memory_gbs * 1e9, dev.memory_latency_ns * 1e-9, dev.link_gbs * 1e9,
                dev.link_latency_us * 1e-6, dev.peer_link_gbs * 1e9,
                dev.peer_link_latency_us * 1e-6, dev.launch_latency_us * 1e-6, dev.power,
                dev.network == "direct"))
            first += dev.sms
            d += 1
    return groups


def check_names(spec, path: str) -> None:
    """Group names must differ from each other and from the kinds cpu/gpu/any."""
    seen = set()
    for key, entries in (("cpu", spec.cpu or []), ("device", spec.device or [])):
        for i, e in enumerate(entries):
            p = f"{path}.{key}[{i}].name"
            if e.name in seen:
                raise ScenarioError(f"{p} must be unique, got {e.name!r} twice", p)
            if e.name == "any" or (e.name in KINDS and e.name != key.replace("device", "gpu")):
                raise ScenarioError(f"{p} must not be a kind name (cpu, gpu, any), got "
                                    f"{e.name!r}", p)
            seen.add(e.name)


def check_where(spec, workload, path: str = "workload") -> None:
    """Each unit choice the workload declares (`wheres()`: field -> any, cpu, gpu or a
    group's name) must name units the machine has; else ScenarioError naming the field
    and its value, e.g. `workload.where = "gpu" needs a device: ...`."""
    wheres = getattr(workload, "wheres", None)
    if wheres is None:
        return
    groups = unit_groups(spec)
    names = [g.name for g in groups] + [g.name.split("[")[0] for g in groups]
    for f, where in wheres().items():
        shown = f'{path}.{f} = "{getattr(workload, f)}"'
        if where == "gpu" and not any(g.kind == "gpu" for g in groups):
            raise ScenarioError(f"{shown} needs a device: the machine has none "
                                "([[machine.device]])", f"{path}.{f}")
        if where not in ("any", *KINDS) and where not in names:
            raise ScenarioError(f"{shown} names no unit group of the machine (any, cpu, gpu "
                                f"or one of: {', '.join(dict.fromkeys(names[len(groups):]))})",
                                f"{path}.{f}")


def unit_names(groups: list[UnitGroup], nodes: int) -> list[str]:
    """A label per PE naming its group and kind: "big (cpu) core 3", "a100 (gpu) SM 7",
    "gpu SM 0" (a group named after its kind);
    with several nodes prefixed "n1 "."""
    one = []
    for g in groups:
        unit = "core" if g.kind == "cpu" else "SM"
        label = g.kind if g.name == g.kind else f"{g.name} ({g.kind})"
        one += [f"{label} {unit} {i}" for i in range(g.count)]
    if nodes == 1:
        return one
    return [f"n{n} {name}" for n in range(nodes) for name in one]


def hetero_extras(machine, copies: dict) -> dict:
    """Run.extras of a heterogeneous run: its copies, row names and the legend's `copy`."""
    return {"copies": copies, "pe_names": unit_names(machine.groups, machine.nodes),
            "kind_names": {"copy": "copy (waiting for inputs from another memory)"}}
