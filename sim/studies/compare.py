"""The `compare` verb: run several scenarios and print their figures side by side.

    python main.py compare power-wall power-wall-half-clock
    python main.py compare oxen-vs-chickens-oxen oxen-vs-chickens-chickens \\
        --vary workload.serial_fraction=0,0.01,0.1

Each scenario (after the common `--set` overrides) is run once per `--vary` value
(repeat --vary for every combination, as in a sweep); one column per run. Below the
table, for each `--vary` point: which run finished first and which used the least
energy.
"""

from __future__ import annotations

from typing import Any

from .. import scenario as scenario_mod
from ..units import percent, seconds, si

ROWS = (
    ("PEs", "pes", lambda v: f"{v:,}"),
    ("Clock", "freq_ghz", lambda v: si(v * 1e9, "Hz")),
    ("Makespan", "makespan_s", seconds),
    ("Achieved", "flops_per_s", lambda v: si(v, "FLOP/s")),
    ("Speedup vs its own core", "speedup", lambda v: f"{v:.2f} x"),
    ("Parallel efficiency", "parallel_efficiency", percent),
    ("Average power", "avg_power_w", lambda v: si(v, "W")),
    ("Peak power", "peak_power_w", lambda v: si(v, "W")),
    ("Energy", "energy_j", lambda v: si(v, "J")),
    ("Performance per watt", "flops_per_watt", lambda v: si(v * 1e9, "FLOP/s/W")),
    ("Energy-delay product", "edp", lambda v: si(v, "J s")),
    ("Avg concurrency", "avg_concurrency", lambda v: f"{v:.2f}"),
    ("Avg parallelism", "avg_parallelism", lambda v: f"{v:.2f}"),
)


def short_names(names: list[str]) -> list[str]:
    """Drop the dash-separated words all names share at the front, if none becomes empty
    (oxen-vs-chickens-oxen, oxen-vs-chickens-chickens -> oxen, chickens)."""
    words = [n.split("-") for n in names]
    k = 0
    while len(names) > 1 and all(len(w) > k and w[k] == words[0][k] for w in words):
        k += 1
    if any(len(w) == k for w in words):
        k = 0
    return ["-".join(w[k:]) for w in words]


def compare(names: list[str], overrides: list[str], vary: list[str],
            limit_s: float | None = None) -> str:
    """Run every scenario at every --vary point (sweep.parse_vary / sweep.expand: the
    product of the values, validated before anything runs); return the printed table.
    `limit_s`: refuse a comparison the size guard estimates to take longer."""
    from ..simulate import check_runs, simulate
    from .sweep import expand, parse_vary
    grid = parse_vary(vary)
    runs = []                               # per name: its scenario at each point
    for name in names:
        sc = scenario_mod.load(name, list(overrides))
        points, scs, _ = expand(sc, grid) if grid else ([{}], [sc], None)
        runs.append(scs)
    if limit_s is not None:
        check_runs([sc for scs in runs for sc in scs], limit_s, "comparison")
    columns: list[list] = []
    groups: list[list] = []
    for i, point in enumerate(points):
        shown = "".join(f" {k.rsplit('.', 1)[-1]}={_text(v)}" for k, v in point.items())
        group: list[list[Any]] = [[scs[i].name, dict(simulate(scs[i]).summary, freq_ghz=scs[i].machine.freq_ghz)]
                 for scs in runs]
        for col, short in zip(group, short_names([c[0] for c in group])):
            col[0] = short + shown
        columns += group
        groups.append(group)
    rows = [("", [label for label, _ in columns])]
    for title, k, fmt in ROWS:
        if any(s.get(k) is not None for _, s in columns):
            rows.append((title, [fmt(s[k]) if s.get(k) is not None else "n/a"
                                 for _, s in columns]))
    w0 = max(len(r[0]) for r in rows)
    widths = [max(len(r[1][j]) for r in rows) for j in range(len(columns))]
    lines = ["  ".join([f"{title:<{w0}}"] + [f"{c:>{w}}" for c, w in zip(cells, widths)])
             for title, cells in rows]
    for group in groups:
        fastest = min(group, key=lambda c: c[1]["makespan_s"])[0]
        line = f"fastest: {fastest}"
        if all(s.get("energy_j") is not None for _, s in group):
            line += f"; least energy: {min(group, key=lambda c: c[1]['energy_j'])[0]}"
        lines.append(line)
    return "\n".join(lines)


def value_text(value) -> str:
    """A setting's value, short: 1e+06 -> 1e6, 8.0 -> 8, strings as they are."""
    if isinstance(value, float):
        return f"{value:g}".replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 100_000:
        return value_text(float(value))
    return _text(value)


def describe_change(before, after, max_settings: int = 3) -> str:
    """One line saying what changed between two runs and by how much:
    'workload.bytes 1e6 -> 8: makespan 161 ms -> 801 us, 201x faster'. The settings
    that differ (up to max_settings) when both have a scenario of the same name, else
    the scenario names; then makespan, and energy when both report it."""
    sa, sb = before.scenario, after.scenario
    if sa is not None and sb is not None and sa.name == sb.name:
        diff = scenario_mod.changed_settings(sa, sb)
        what = ", ".join(f"{k} {value_text(a)} -> {value_text(b)}"
                         for k, a, b in diff[:max_settings]) or "no setting changed"
        if len(diff) > max_settings:
            what += f" and {len(diff) - max_settings} more"
    else:
        what = f"{sa.name if sa else 'trace'} -> {sb.name if sb else 'trace'}"
    ta, tb = before.summary.get("makespan_s"), after.summary.get("makespan_s")
    line = f"{what}: makespan {seconds(ta)} -> {seconds(tb)}"
    if ta and tb:
        r = ta / tb
        line += (f", {r:.3g}x faster" if r > 1.0005 else
                 f", {1 / r:.3g}x slower" if r < 0.9995 else ", the same")
    ea, eb = before.summary.get("energy_j"), after.summary.get("energy_j")
    if ea is not None and eb is not None:
        line += f"; energy {si(ea, 'J')} -> {si(eb, 'J')}"
    return line


def _text(value) -> str:
    """A varied value as it was typed (TOML booleans in lower case)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


