"""The machine: nodes of cores sharing a memory, and the rates derived from them.

A core has `fma_units` fused multiply-add units, each `simd_bits` wide. One FMA is
two FLOPs (ParaSim counts FLOPs = 2 x MACs), so

    lanes(p)            = simd_bits / bits(p)           (fp64 64, fp32 32, fp16/bf16 16)
    scalar FLOPs/cycle  = 2 x fma_units
    vector FLOPs/cycle  = 2 x fma_units x lanes(p)
    peak FLOP/s         = freq_ghz x 1e9 x vector FLOPs/cycle  (per core)

A task whose vectorisable share is v and whose lanes are used with efficiency e runs
its flops in  flops x ((1 - v) / scalar_rate + v / (vector_rate x d x e))  seconds,
d = `dense_efficiency`, the share of the vector peak the machine's arithmetic sustains
(a dense BLAS kernel reaches 0.8-0.95 of it; 1, the default, is the peak), divided on
a node of n cores by 1 + sigma (n - 1), sigma = `dense_contention` (default 0): dense
work on n cores then runs n / (1 + sigma (n - 1)) times faster than on one, the
contention term of Gunther's universal scalability law (threads of one BLAS call
waiting for each other, a lower all-core clock). It follows the node's core count,
not how many cores are busy at a moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ScenarioError
from ..spec import param
from .accelerator import AcceleratorSpec
from .groups import CpuGroupSpec, DeviceSpec, check_names, unit_groups
from .network import NetworkSpec
from .power import PowerSpec

DENSE_CONTENTION_MAX = 1000.0    # sigma above 1: n cores slower than one (oversubscribed)


@dataclass
class MemorySpec:
    """Per-node memory: `bandwidth_gbs` shared by the node's cores, at most
    `core_bandwidth_gbs` per core, and `latency_ns` added once per task after its last
    byte (the engine streams the bytes first; the task's end is the same either way)."""

    bandwidth_gbs: float = param(100.0, unit="GB/s", gt=0,
                                 help="Memory bandwidth of one node, shared by its cores")
    core_bandwidth_gbs: float = param(20.0, unit="GB/s", gt=0,
                                      help="The most memory bandwidth one core can draw")
    latency_ns: float = param(80.0, unit="ns", ge=0,
                              help="Memory latency paid once per task, added after its last "
                                   "byte arrives")


@dataclass
class MachineSpec:
    """Nodes x cores; every core alike. An SMP or a multicore chip is one node."""

    nodes: int = param(1, ge=1, le=1_000_000, help="Number of nodes (each with its own memory)")
    cores: int = param(8, ge=1, le=100_000, help="Cores per node")
    freq_ghz: float = param(2.5, unit="GHz", gt=0, le=100, help="Core clock frequency")
    fma_units: int = param(2, ge=1, le=64, help="Fused multiply-add units per core")
    simd_bits: int = param(256, ge=64, le=65536,
                           help="SIMD register width; lanes = simd_bits / precision bits")
    dense_efficiency: float = param(1.0, gt=0, le=1,
                                    help="Share of the vector peak that vectorised "
                                         "arithmetic sustains (dense BLAS: 0.8-0.95; "
                                         "1 = peak; `parasim calibrate` measures it)")
    dense_contention: float = param(0.0, ge=0, le=DENSE_CONTENTION_MAX,
                                    help="Loss of dense throughput per extra core of a node: "
                                         "each core sustains dense_efficiency / (1 + this "
                                         "x (cores - 1)); 0 = perfect scaling; `parasim "
                                         "calibrate` fits it from DGEMM on 1..P threads")
    memory: MemorySpec = field(default_factory=MemorySpec)
    network: NetworkSpec | None = None     # between nodes; unset: a crossbar (sim/network.py)
    power: PowerSpec | None = None
    accelerator: AcceleratorSpec | None = None     # GPU-like devices per node (accelerator.py)
    cpu: list[CpuGroupSpec] | None = None    # [[machine.cpu]]: core groups, replacing cores...
    device: list[DeviceSpec] | None = None   # [[machine.device]]: devices run by the engine

    def validate(self, path: str) -> None:
        if self.simd_bits % 64:
            raise ScenarioError(f"{path}.simd_bits must be a multiple of 64, got {self.simd_bits}",
                                f"{path}.simd_bits")
        if self.network is not None:
            self.network.check_nodes(self.nodes, f"{path}.network")
            self.network.check_intra(f"{path}.network")
        if self.power is not None and not self.cpu:
            self.power.voltage(self.freq_ghz, path)
        for key in ("cpu", "device"):
            if getattr(self, key) is not None and not getattr(self, key):
                raise ScenarioError(f"{path}.{key} needs at least one table, got []",
                                    f"{path}.{key}")
        check_names(self, path)


class Machine:
    """Derived, read-only view of a MachineSpec used by the engine and the metrics.

    `cores` is PEs per node: all its units (CPU cores and device SMs, groups.py).
    `hetero` is True when the spec has [[machine.cpu]] or [[machine.device]] tables;
    the rate methods below then describe the first group (per-group rates: `groups`)."""

    def __init__(self, spec: MachineSpec):
        self.spec = spec
        self.nodes = spec.nodes
        self.groups = unit_groups(spec)
        self.hetero = bool(spec.cpu or spec.device)
        self.cores = sum(g.count for g in self.groups)
        self.pes = spec.nodes * self.cores
        self.freq_hz = self.groups[0].freq_hz
        self.mem_bandwidth = spec.memory.bandwidth_gbs * 1e9
        self.core_bandwidth = spec.memory.core_bandwidth_gbs * 1e9
        self.mem_latency = spec.memory.latency_ns * 1e-9
        self.dense_efficiency = spec.dense_efficiency / (
            1.0 + spec.dense_contention * (self.cores - 1))

    def lanes(self, precision: str) -> int:
        """SIMD lanes for a precision: simd_bits / bits, at least 1."""
        return self.groups[0].lanes(precision)

    def scalar_rate(self) -> float:
        """Scalar FLOP/s of one core: f x 2 x fma_units."""
        return self.groups[0].scalar_rate()

    def vector_rate(self, precision: str) -> float:
        """Vector FLOP/s of one core (its peak): f x 2 x fma_units x lanes."""
        return self.scalar_rate() * self.lanes(precision)

    def sustained_rate(self, precision: str) -> float:
        """Vector FLOP/s one core sustains: vector_rate x dense_efficiency / (1 + sigma
        (cores - 1))."""
        return self.vector_rate(precision) * self.dense_efficiency

    def core_peak(self, precision: str = "fp64") -> float:
        return self.vector_rate(precision)

    def peak(self, precision: str = "fp64") -> float:
        """Machine peak FLOP/s (Rpeak): every PE at its peak (nodes x sum of group peaks)."""
        if not self.hetero:
            return self.pes * self.vector_rate(precision)
        return self.nodes * sum(g.count * g.peak(precision) for g in self.groups)

    def group_of(self, pe: int):
        """The UnitGroup of PE `pe`."""
        u = pe % self.cores
        for g in self.groups:
            if u < g.first + g.count:
                return g
        raise IndexError(pe)

    def compute_time(self, flops: float, precision: str, vector_fraction: float,
                     lane_efficiency: float = 1.0) -> float:
        """flops x ((1 - v) / scalar_rate + v / (sustained_rate x e))."""
        v = vector_fraction
        return flops * ((1.0 - v) / self.scalar_rate()
                        + v / (self.sustained_rate(precision) * lane_efficiency))

    def node_of(self, pe: int) -> int:
        return pe // self.cores


def node_peak(spec, precision: str = "fp64") -> float:
    """Peak FLOP/s of one node of a MachineSpec: its units plus its accelerators."""
    m = Machine(spec)
    host = sum(g.count * g.peak(precision) for g in m.groups)
    acc = spec.accelerator
    return host + (acc.count * acc.peak(precision) if acc is not None else 0.0)


def system_peak(spec, precision: str = "fp64") -> float:
    """Rpeak of the whole machine: nodes x node peak."""
    return spec.nodes * node_peak(spec, precision)


def device_machine(acc: AcceleratorSpec) -> Machine:
    """The device as a one-node Machine whose cores are the SMs (HBM per SM
    unlimited up to the device's bandwidth)."""
    return Machine(MachineSpec(
        nodes=1, cores=acc.sms, freq_ghz=acc.freq_ghz, fma_units=acc.fma_units,
        simd_bits=acc.simd_bits,
        memory=MemorySpec(acc.memory_gbs, acc.memory_gbs, acc.memory_latency_ns)))
