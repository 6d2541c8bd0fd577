"""What every run reports beyond the metrics, simulated or reopened from a CSV:
concurrency and parallelism over time (analysis/concurrency.py), the roofline's points
(and its ceilings, given the machine: analysis/roofline.py) and, with [machine.power],
power over time (analysis/power.py)."""

from __future__ import annotations

from typing import Any

from ..machine.machine import Machine, MachineSpec
from ..machine.network import LogGOPS
from ..machine.power import link_count
from ..trace import Trace
from . import roofline
from .concurrency import concurrency_series, concurrency_summary
from .nic import nic_from_trace
from .power import power_series, power_summary, unit_power


def observe(spec: MachineSpec | None, machine: Machine | None, trace: Trace,
            makespan: float, summary: dict, extents=None, nic=None,
            nic_in_trace: bool = True) -> dict[str, Any]:
    """Concurrency/parallelism, (with [machine.power]) power over time and (with LogGOPS)
    the NICs' busy time: adds their summary keys to `summary` and returns the series for
    Run.extras (`extents`: concurrency_series's, for a program's threads; `nic`: the
    NIC rows a program recorded, else, if `nic_in_trace`, those the trace's send spans
    give: analysis/nic.py)."""
    extras: dict[str, Any] = {"concurrency": concurrency_series(trace, makespan, extents)}
    if nic is None and nic_in_trace and spec is not None and machine is not None and not machine.hetero:
        nic = nic_from_trace(trace, LogGOPS.of(spec.network), machine.cores)
    if nic is not None:
        extras["nic"] = nic
    summary.update(concurrency_summary(extras["concurrency"], makespan))
    if machine is not None and machine.hetero and spec is not None and (
            spec.power is not None or any(g.power for g in machine.groups)):
        links = link_count(spec.network, machine.nodes)
        pw = spec.power
        extras["power"], keys = unit_power(machine, trace, pw.uncore_w if pw else 0.0,
                                           pw.link_w * links if pw else 0.0, makespan)
        summary.update(keys)
    elif spec is not None and spec.power is not None and machine is not None:
        links = link_count(spec.network, machine.nodes)
        args = (spec.power, spec.freq_ghz, machine.nodes, machine.cores, links, makespan)
        extras["power"] = power_series(trace, *args)
        summary.update(power_summary(trace, extras["power"], *args))
    extras["roofline"] = roofline.plot_data(machine, trace)
    return extras
