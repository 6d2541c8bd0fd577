"""The summary as a printed table, every number with its unit and FLOP convention."""

from __future__ import annotations

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
        ("Speedup", "n/a" if s.get("speedup") is None else f"{s['speedup']:.3f} x"),
        ("Parallel efficiency", percent(s.get("parallel_efficiency"))),
        ("Karp-Flatt serial fraction", "n/a" if s.get("karp_flatt") is None
         else f"{s['karp_flatt']:.4f}"),
        ("Critical path", seconds(s.get("critical_path_s"))),
        ("PEs", f"{s['pes']}"),
        ("Tasks / spans", f"{s.get('tasks', 0):,} / {s.get('spans', 0):,}"),
        ("Memory traffic", si(s["bytes_moved"], "B")),
        ("Roofline", "n/a" if s.get("roofline_bound") is None else
         f"{s['arithmetic_intensity']:.3g} FLOP/B vs ridge {s['ridge_point']:.3g} FLOP/B: "
         f"{s['roofline_bound']}-bound"),
        ("Time: compute / stall / comm / idle",
         " / ".join(percent(s.get(f"{k}_fraction")) for k in ("compute", "stall", "comm", "idle"))),
    ]
    if s.get("rmax_flops_per_s") is not None:
        rows += [("Linpack Rmax (HPL count)", si(s["rmax_flops_per_s"] * k, f"{unit}/s")),
                 ("Linpack Rpeak (fp64)", si(s["rpeak_flops_per_s"] * k, f"{unit}/s")),
                 ("Rmax / Rpeak", percent(s["rmax_over_rpeak"]))]
    if s.get("hpl_mixed_speedup") is not None:
        rows.append(("Mixed-precision speedup over fp64 HPL", f"{s['hpl_mixed_speedup']:.2f} x"))
    if s.get("offload_speedup") is not None:
        rows += [("Offload: copy in / kernel / copy out", " / ".join(
                     seconds(s[k]) for k in ("copy_in_s", "kernel_s", "copy_out_s"))),
                 ("Host-only time", seconds(s["host_only_s"])),
                 ("Offload speedup over the host", f"{s['offload_speedup']:.2f} x"),
                 ("Offload pays off above", "never" if s.get("crossover_n") is None
                  else f"n = {s['crossover_n']:,.0f} elements")]
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
    if "messages" in s:
        rows.append(("Messages / bytes sent", f"{s['messages']:,} / {si(s['bytes_sent'], 'B')}"))
    if "busiest_link_utilisation" in s:
        rows.append(("Busiest link", f"{percent(s['busiest_link_utilisation'])} busy "
                                     f"({s['busiest_link']})"))
    return rows


def format_summary(s: Mapping, title: str = "", convention: str = "flops") -> str:
    rows = summary_rows(s, convention)
    width = max(len(label) for label, _ in rows)
    lines = [title] if title else []
    lines.append(f"Work counted in {work_unit(convention)[2]}")
    lines += [f"  {label:<{width}}  {value}" for label, value in rows]
    return "\n".join(lines)
