"""What every run reports beyond the metrics, simulated or reopened from a CSV:
concurrency and parallelism over time (analysis/concurrency.py), the roofline's points
(and its ceilings, given the machine: analysis/roofline.py) and, with [machine.power],
power over time (analysis/power.py)."""

from __future__ import annotations

from typing import Any

from ..machine.machine import Machine, MachineSpec
from ..machine.power import link_count
from ..trace import Trace
from . import roofline
from .concurrency import concurrency_series, concurrency_summary
from .power import power_series, power_summary, unit_power


def observe(spec: MachineSpec | None, machine: Machine | None, trace: Trace,
            makespan: float, summary: dict, extents=None) -> dict[str, Any]:
    """Concurrency/parallelism and (with [machine.power]) power over time: adds their
    summary keys to `summary` and returns the time series for Run.extras (`extents`:
    concurrency_series's, for a program's threads)."""
    extras = {"concurrency": concurrency_series(trace, makespan, extents)}
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
