"""What-if scenarios: the same run on an idealised machine (Dimemas-style sensitivity).

    ideal network   zero latency and hop latency, links of IDEAL_GBS (unlimited for
                    any message a lesson sends)
    ideal memory    zero memory latency, node and per-core bandwidth IDEAL_GBS (host
                    and accelerator memory)
    2x clock        the cores' (and an accelerator's) clock doubled

Each is a Scenario -> Scenario transform; run both and compare the makespans:

    gain = base makespan / what-if makespan     (how many times faster; inf when the
                                                 what-if run takes no time, 1 when
                                                 neither run does)
"""

from __future__ import annotations

import dataclasses

from ..machine.network import NetworkSpec
from ..scenario import Scenario

IDEAL_GBS = 1e12          # 1 EB/s: a 1 GB message takes 1 ns


def ideal_network(sc: Scenario) -> Scenario:
    net = sc.machine.network or NetworkSpec()
    net = dataclasses.replace(net, latency_us=0.0, hop_latency_us=0.0,
                              bandwidth_gbs=IDEAL_GBS)
    return sc.replace(machine=dataclasses.replace(sc.machine, network=net))


def ideal_memory(sc: Scenario) -> Scenario:
    mem = dataclasses.replace(sc.machine.memory, bandwidth_gbs=IDEAL_GBS,
                              core_bandwidth_gbs=IDEAL_GBS, latency_ns=0.0)
    acc = sc.machine.accelerator
    if acc is not None:
        acc = dataclasses.replace(acc, memory_gbs=IDEAL_GBS, memory_latency_ns=0.0)
    return sc.replace(machine=dataclasses.replace(sc.machine, memory=mem, accelerator=acc))


def double_clock(sc: Scenario) -> Scenario:
    acc = sc.machine.accelerator
    if acc is not None:
        acc = dataclasses.replace(acc, freq_ghz=2 * acc.freq_ghz)
    return sc.replace(machine=dataclasses.replace(sc.machine, freq_ghz=2 * sc.machine.freq_ghz,
                                                  accelerator=acc))


def gain(base_s: float, whatif_s: float) -> float:
    """How many times faster the what-if run finishes (module docstring)."""
    if whatif_s > 0:
        return base_s / whatif_s
    return float("inf") if base_s > 0 else 1.0


WHATIFS = {"ideal network": ideal_network, "ideal memory": ideal_memory,
           "2x clock": double_clock}
