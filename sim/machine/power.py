"""Power and energy of a run, computed from its trace after the run.

[machine.power], model "cmos" (every core alike, at the machine's clock f):

    V           = vf_curve interpolated at machine.freq_ghz
    busy core   P = static_w + activity x C x V^2 x f        (dynamic: a C V^2 f)
    idle core   P = static_w

model "datasheet" (SimGrid style, linear in load): an idle core draws idle_w, a busy
one busy_w. Both models add uncore_w per node and link_w per network link.

Links: the physical (full-duplex) links of the machine's topology (network.py,
`Network.physical_links`): a ring of n nodes has n, an X x Y torus 2 X Y (fewer when a
side is 2 or 1), a crossbar n (node to switch), a bus 1, a fattree's link of r x the
bandwidth counts r. None on one node. Link power is static: a link's transceivers stay
powered and keep its lanes trained whether or not data flows, so it draws link_w for
the whole run (real links vary little with load; per-byte energy is not modelled).

A core is busy while it computes, stalls on memory (the core is still clocked and
holds its task: real chips draw somewhat less there, ParaSim counts it as busy),
switches context, or sends or receives a message: a blocking MPI send or receive
busy-polls the network (the progress engine spins, the core stays clocked), so `send`
and `recv` spans draw busy power though they do no arithmetic. Waiting (a `wait`
span, e.g. on I/O, or no span) is idle. Busy for power is thus not parallelism
(concurrency.py: PEs computing, i.e. compute and stall only): a core spinning in recv
costs energy but adds nothing to parallelism.

Power is a step function of time that changes only at span boundaries; energy is its
exact integral, E = P_idle x T + P_dyn x (busy core-seconds), and

    avg power = E / T;  flops_per_watt = (FLOPs / T) / 1e9 / avg power  (GFLOP/s per W,
    as the Green500 reports);  EDP = E x T  (energy-delay product, J s).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ScenarioError
from ..spec import param
from .network import NetworkSpec, network_for

MODELS = ("cmos", "datasheet")


@dataclass
class PowerSpec:
    """Per-core power: CMOS (static + a C V^2 f while busy) or a datasheet idle/busy pair."""

    model: str = param("cmos", choices=MODELS,
                       help="cmos: static_w + activity C V^2 f while busy; "
                            "datasheet: idle_w / busy_w per core, linear in load")
    vf_curve: list[list[float]] = param(
        default_factory=lambda: [[1.0, 0.7], [2.0, 0.9], [3.0, 1.1], [4.0, 1.3]],
        unit="[GHz, V]", help="DVFS points [freq_ghz, voltage_v]; V at the machine's clock "
                              "is interpolated (one point: that voltage at any clock)")
    capacitance_nf: float = param(1.0, unit="nF", gt=0,
                                  help="Switched capacitance C of one core")
    activity: float = param(0.8, ge=0, le=1, help="Activity factor a: share of C switched "
                                                  "per cycle while busy")
    static_w: float = param(0.5, unit="W", ge=0, help="Leakage power of one core, busy or idle")
    uncore_w: float = param(5.0, unit="W", ge=0,
                            help="Always-on power of one node (caches, memory controller)")
    link_w: float = param(0.0, unit="W", ge=0, help="Always-on power of one network link")
    idle_w: float = param(1.0, unit="W", ge=0, help="datasheet: power of an idle core")
    busy_w: float = param(5.0, unit="W", ge=0, help="datasheet: power of a busy core")

    def validate(self, path: str) -> None:
        p = f"{path}.vf_curve"
        if not self.vf_curve:
            raise ScenarioError(f"{p} needs at least one [freq_ghz, voltage_v] point, got []", p)
        for i, point in enumerate(self.vf_curve):
            if len(point) != 2 or point[0] <= 0 or point[1] <= 0:
                raise ScenarioError(f"{p}[{i}] must be [freq_ghz > 0, voltage_v > 0], "
                                    f"got {point}", f"{p}[{i}]")
        freqs = [pt[0] for pt in self.vf_curve]
        if any(b <= a for a, b in zip(freqs, freqs[1:])):
            raise ScenarioError(f"{p} frequencies must increase, got {freqs}", p)
        if self.model == "datasheet" and self.busy_w < self.idle_w:
            raise ScenarioError(f"{path}.busy_w must be >= idle_w ({self.idle_w}), "
                                f"got {self.busy_w}", f"{path}.busy_w")

    def voltage(self, freq_ghz: float, path: str = "machine") -> float:
        """V at `freq_ghz`, linear between vf_curve points; outside them an error."""
        f = [pt[0] for pt in self.vf_curve]
        v = [pt[1] for pt in self.vf_curve]
        if len(f) > 1 and not f[0] <= freq_ghz <= f[-1]:
            raise ScenarioError(f"{path}.freq_ghz must lie within {path}.power.vf_curve "
                                f"({f[0]} to {f[-1]} GHz), got {freq_ghz}", f"{path}.freq_ghz")
        return float(np.interp(freq_ghz, f, v))

    def core_watts(self, freq_ghz: float) -> tuple[float, float]:
        """(idle watts, extra watts while busy) of one core at `freq_ghz`."""
        if self.model == "datasheet":
            return self.idle_w, self.busy_w - self.idle_w
        v = self.voltage(freq_ghz)
        return self.static_w, self.activity * self.capacitance_nf * 1e-9 * v * v * freq_ghz * 1e9


def link_count(network: NetworkSpec | None, nodes: int) -> float:
    """Network links counted for link_w: the topology's physical links (0 on one node)."""
    return network_for(network, nodes).physical_links if nodes > 1 else 0.0


