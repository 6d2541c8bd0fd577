"""Power and energy over time, from a finished run's trace and [machine.power]
(the model and its formulas: machine/power.py).

Power is a step function of time that changes only at span boundaries; energy is its
exact integral, E = P_idle x T + P_dyn x (busy core-seconds), and

    avg power = E / T;  flops_per_watt = (FLOPs / T) / 1e9 / avg power  (GFLOP/s per W,
    as the Green500 reports);  EDP = E x T  (energy-delay product, J s).
"""

from __future__ import annotations

import numpy as np

from ..machine.power import PowerSpec
from ..steps import count_steps, integral, level_at
from ..trace import KIND_CODE, Trace

BUSY = tuple(KIND_CODE[k] for k in ("compute", "stall", "switch", "send", "recv"))


def power_series(trace: Trace, spec: PowerSpec, freq_ghz: float, nodes: int, cores: int,
                 links: float, makespan: float) -> dict:
    """{"t_s", "watts"} for the machine and CSR {"node_ptr", "node_t_s", "node_watts"}
    per node (node k: entries node_ptr[k]:node_ptr[k+1]); levels hold on [t_i, t_(i+1))."""
    idle, dyn = spec.core_watts(freq_ghz)
    node_idle = cores * idle + spec.uncore_w
    link = spec.link_w * links
    busy = np.isin(trace.kind, BUSY)
    s, e, nd = trace.start_s[busy], trace.end_s[busy], trace.node[busy]
    _, t, level = count_steps(s, e, horizon=makespan)
    ptr, nt, nlevel = count_steps(s, e, nd, nodes, makespan)
    return {"t_s": t, "watts": nodes * node_idle + link + dyn * level,
            "node_ptr": ptr, "node_t_s": nt, "node_watts": node_idle + dyn * nlevel}


def power_summary(trace: Trace, series: dict, spec: PowerSpec, freq_ghz: float, nodes: int,
                  cores: int, links: float, makespan: float) -> dict:
    """energy_j (the integral of the series), its static/dynamic split, avg and peak
    power, flops_per_watt (GFLOP/s per W) and edp (J s)."""
    idle, dyn = spec.core_watts(freq_ghz)
    busy = np.isin(trace.kind, BUSY)
    busy_s = float(np.sum(trace.end_s[busy] - trace.start_s[busy]))
    static = (nodes * (cores * idle + spec.uncore_w) + spec.link_w * links) * makespan
    energy = integral(series["t_s"], series["watts"])
    avg = energy / makespan if makespan > 0 else 0.0
    flops = float(trace.flops.sum())
    return {
        "energy_j": energy,
        "static_energy_j": static,
        "dynamic_energy_j": dyn * busy_s,
        "avg_power_w": avg,
        "peak_power_w": float(series["watts"].max()),
        "flops_per_watt": flops / makespan / 1e9 / avg if avg > 0 else None,
        "edp": energy * makespan,
        "core_dynamic_w": dyn,
        "voltage_v": spec.voltage(freq_ghz) if spec.model == "cmos" else None,
    }


def unit_power(machine, trace: Trace, uncore_w: float, link_w: float,
               makespan: float) -> tuple[dict, dict]:
    """Heterogeneous machines: each unit group draws by its own power spec (groups
    without one draw nothing), P(t) = nodes x (uncore_w + sum_g count_g x idle_g)
    + link_w + sum_g dyn_g x (busy PEs of g at t). Returns ({"t_s", "watts"}, summary
    keys as power_summary plus `unit_energy_j` per group)."""
    unit = trace.pe % machine.cores
    busy = np.isin(trace.kind, BUSY)
    static = machine.nodes * uncore_w + link_w
    parts, energy_by = [], {}
    for g in machine.groups:
        idle, dyn = g.power.core_watts(g.freq_hz / 1e9) if g.power else (0.0, 0.0)
        static += machine.nodes * g.count * idle
        sel = busy & (unit >= g.first) & (unit < g.first + g.count)
        s, e = trace.start_s[sel], trace.end_s[sel]
        _, t, level = count_steps(s, e, horizon=makespan)
        parts.append((t, dyn * level))
        energy_by[g.name] = machine.nodes * g.count * idle * makespan \
            + dyn * float(np.sum(e - s))
    t_all = np.unique(np.concatenate([t for t, _ in parts] + [np.zeros(1)]))
    watts = static + sum(level_at(t, w, t_all) for t, w in parts)
    series = {"t_s": t_all, "watts": watts}
    energy = integral(t_all, watts)
    avg = energy / makespan if makespan > 0 else 0.0
    flops = float(trace.flops.sum())
    return series, {
        "energy_j": energy, "static_energy_j": static * makespan,
        "dynamic_energy_j": energy - static * makespan, "avg_power_w": avg,
        "peak_power_w": float(watts.max()),
        "flops_per_watt": flops / makespan / 1e9 / avg if avg > 0 else None,
        "edp": energy * makespan, "unit_energy_j": energy_by,
        "core_dynamic_w": None, "voltage_v": None,      # one per group, not one per run
    }
