"""The summary as a printed table, every number with its unit and FLOP convention.

Convention: the summary mapping (and its JSON) always counts FLOPs (1 multiply-add = 2
FLOPs, key `flop_convention`); only this table converts to the display convention
(MACs halve every work figure, rates, intensities and ridge points alike). Figures that
mean nothing for a run print as n/a: speedup is shown whenever it is known, with
significant digits; on one PE a gain above 1 is labelled a concurrency gain (only
overlapping I/O can beat T1 there) and the efficiency is n/a. `warnings` (an optional list of one-line
strings in the summary, e.g. PEs an HPL grid leaves idle) lead the table as Warning rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .units import percent, seconds, si

CONVENTIONS = {
    "flops": ("FLOP", 1.0, "FLOPs (1 multiply-add = 2 FLOPs)"),
    "macs": ("MAC", 0.5, "MACs (1 multiply-add = 1 MAC)"),
}


def work_unit(convention: str) -> tuple[str, float, str]:
    """(unit, factor from FLOPs, label) for a display convention."""
    return CONVENTIONS[convention]


def summary_rows(s: Mapping, convention: str = "flops") -> list[tuple[str, str]]:
    """(label, value) pairs in display order; keys a run lacks are skipped."""
    unit, k, _ = work_unit(convention)
    rows = [
        ("Work", si(s["flops"] * k, unit)),
        ("Makespan", seconds(s["makespan_s"])),
        ("Achieved", si(s["flops_per_s"] * k, f"{unit}/s")),
        ("Peak (Rpeak)", si(s["peak_flops_per_s"] * k, f"{unit}/s")
         if s.get("peak_flops_per_s") else "n/a"),
        ("Fraction of peak", percent(s.get("fraction_of_peak"))),
        ("One-core time (T1)", seconds(s.get("serial_time_s"))),
        ("Speedup", "n/a" if s.get("speedup") is None else f"{s['speedup']:.4g} x"
         + (" (concurrency gain: 1 PE)" if s["pes"] == 1 and s["speedup"] > 1 + 1e-9 else "")),
        ("Parallel efficiency", "n/a" if s["pes"] == 1 else percent(s.get("parallel_efficiency"))),
        ("Karp-Flatt serial fraction", "n/a" if s.get("karp_flatt") is None
         else f"{s['karp_flatt']:.4g}"),
        ("Critical path", seconds(s.get("critical_path_s"))
         + (f" (as run: mostly {s['critical_path_dominant']})"
            if s.get("critical_path_dominant") else "")),
        ("PEs", f"{s['pes']}"),
        ("Tasks / spans", f"{s.get('tasks', 0):,} / {s.get('spans', 0):,}"),
        ("Memory traffic", si(s["bytes_moved"], "B")),
        ("Roofline", roofline_text(s, unit, k)),
        ("Time computing", percent(s.get("compute_fraction"))),
        ("Time stalled on memory", percent(s.get("stall_fraction"))),
        ("Time communicating", percent(s.get("comm_fraction"))),
    ]
    if s.get("switch_fraction"):
        rows.append(("Time switching context", percent(s["switch_fraction"])))
    rows.append(("Time idle", percent(s.get("idle_fraction"))))
    if s["flops"] == 0:
        rows.insert(1, ("Note", "no tasks: nothing ran" if s.get("tasks") == 0
                        else "communication-only workload (no FLOPs)"))
    rows[:0] = [("Warning", w) for w in s.get("warnings", ())]
    if s.get("rmax_flops_per_s") is not None:
        rows += [("Linpack Rmax (HPL count)", si(s["rmax_flops_per_s"] * k, f"{unit}/s")),
                 ("Linpack Rpeak (fp64)", si(s["rpeak_flops_per_s"] * k, f"{unit}/s")),
                 ("Rmax / Rpeak" if s.get("hpl_precision", "fp64") == "fp64"
                  else "HPL-MxP Rmax / fp64 Rpeak", percent(s["rmax_over_rpeak"]))]
    if s.get("list_system") is not None:
        rows.append((f"{s['list_system']} on the list, per node",
                     f"Rmax {si(s['list_rmax_per_node_flops_per_s'] * k, f'{unit}/s')}, Rpeak "
                     f"{si(s['list_rpeak_per_node_flops_per_s'] * k, f'{unit}/s')}, "
                     f"Rmax / Rpeak {percent(s['list_rmax_over_rpeak'])}"))
    if s.get("hpl_mixed_speedup") is not None:
        rows.append(("Mixed-precision speedup over fp64 HPL", f"{s['hpl_mixed_speedup']:.2f} x"))
    if s.get("offload_speedup") is not None:
        rows += [("Offload: copy in / kernel / copy out", " / ".join(
                     seconds(s[k]) for k in ("copy_in_s", "kernel_s", "copy_out_s"))),
                 ("Host-only time", seconds(s["host_only_s"])),
                 ("Offload speedup over the host", f"{s['offload_speedup']:.2f} x"),
                 ("Offload pays off above", "never" if s.get("crossover_n") is None
                  else f"n = {s['crossover_n']:,.0f} elements")]
    if s.get("tokens_per_s") is not None:
        rows += [("Tokens", f"{s['tokens']:,}"),
                 ("Tokens per second", f"{s['tokens_per_s']:.4g} /s")]
    extra = [("Energy", "energy_j", "J"), ("Average power", "avg_power_w", "W"),
             ("Peak power", "peak_power_w", "W")]
    rows += [(label, si(s[key], u)) for label, key, u in extra if s.get(key) is not None]
    if s.get("energy_j") is not None:
        rows += [("Energy: static / dynamic", f"{si(s['static_energy_j'], 'J')} / "
                                              f"{si(s['dynamic_energy_j'], 'J')}"),
                 ("Performance per watt", "n/a" if s["flops_per_watt"] is None
                  else si(s["flops_per_watt"] * 1e9 * k, f"{unit}/s/W")),
                 ("Energy-delay product", si(s["edp"], "J s"))]
    if s.get("avg_concurrency") is not None:
        rows += [(f"{w.capitalize()}: average / max", f"{s[f'avg_{w}']:.2f} / {s[f'max_{w}']}")
                 for w in ("concurrency", "parallelism")]
    for name, u in (s.get("units") or {}).items():
        energy = (s.get("unit_energy_j") or {}).get(name)
        rows.append((f"Units {name} ({u['kind']}, {u['pes']} PEs)",
                     f"{percent(u['utilisation'])} busy, {si(u['flops'] * k, unit)}"
                     + (f", {si(energy, 'J')}" if energy is not None else "")))
    if "copied_bytes" in s:
        rows.append(("Copies between memories", f"{s['copies']:,} copies, "
                                                f"{si(s['copied_bytes'], 'B')}; PEs waiting "
                                                f"{percent(s['copy_fraction'])} of the time"))
    if "messages" in s:
        rows.append(("Messages / bytes sent", f"{s['messages']:,} / {si(s['bytes_sent'], 'B')}"))
    if "busiest_link_utilisation" in s:
        rows.append(("Busiest link", f"{percent(s['busiest_link_utilisation'])} busy "
                                     f"({s['busiest_link']})"))
    return rows


def key_figures(s: Mapping, convention: str = "flops") -> list[tuple[str, str]]:
    """The few numbers a lesson is about, for a banner: makespan, speedup (when known),
    achieved rate (when there is work) and average power (with a power model)."""
    unit, k, _ = work_unit(convention)
    out = [("MAKESPAN", seconds(s["makespan_s"]))]
    if s.get("speedup") is not None:
        out.append(("SPEEDUP", f"{s['speedup']:.3g}x"))
    if s.get("flops"):
        out.append(("ACHIEVED", si(s["flops_per_s"] * k, f"{unit}/s")))
    if s.get("avg_power_w") is not None:
        out.append(("AVG POWER", si(s["avg_power_w"], "W")))
    return out


def roofline_text(s: Mapping, unit: str, k: float) -> str:
    """'I unit/B vs ridge I* unit/B: X-bound'; an infinite I is '∞ (no memory traffic)'."""
    if s.get("roofline_bound") is None:
        return "n/a"
    ai = s["arithmetic_intensity"]
    ai_text = "∞ (no memory traffic)" if math.isinf(ai) else f"{ai * k:.3g} {unit}/B"
    return f"{ai_text} vs ridge {s['ridge_point'] * k:.3g} {unit}/B: {s['roofline_bound']}-bound"


def format_summary(s: Mapping, title: str = "", convention: str = "flops") -> str:
    rows = summary_rows(s, convention)
    width = max(len(label) for label, _ in rows)
    lines = [title] if title else []
    lines.append(f"Work counted in {work_unit(convention)[2]}")
    lines += [f"  {label:<{width}}  {value}" for label, value in rows]
    return "\n".join(lines)
