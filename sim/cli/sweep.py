"""The `sweep` verb: run a scenario over a grid, print a table and the fitted laws.

    sweep SCENARIO --vary machine.cores=1,2,4,8,16 [--vary KEY=V1,V2,...] [--set K=V]
          [--mode strong|weak] [--workers N] [--dask ADDRESS|local] [--csv FILE] [--json]
    sweep --measured VALIDATION.csv [--json]     predicted vs measured, nothing run

A progress bar goes to stderr when it is a terminal. `--csv` writes one row per run
(varied settings, scale, every summary key), atomically.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from typing import Any

from .. import scenario as scenario_mod
from .. import size_guard
from ..analysis.fits import quality_text, relative_rms
from ..errors import ScenarioError
from ..io.files import check_writable
from ..io.summary_json import to_jsonable
from ..studies.backends import make_executor
from ..studies.sweep import MODES, PE_KEYS, SweepResult, parse_vary, run_sweep
from ..units import percent, seconds, si

BAR = 30


def add_parser(sub) -> None:
    p = sub.add_parser("sweep", help="run a scenario over a grid of settings; fit Amdahl, "
                                     "Gustafson and Karp-Flatt")
    p.add_argument("scenario", nargs="?",
                   help="preset name or path to a scenario TOML file")
    p.add_argument("--vary", action="append", default=[], metavar="KEY=V1,V2,...",
                   help="a setting by its dotted path and the values it takes (repeatable; "
                        "the grid is every combination)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a scenario field before sweeping")
    p.add_argument("--mode", choices=MODES, default="strong",
                   help="strong: fixed problem; weak: the problem grows with the PE count")
    p.add_argument("--workers", type=int, metavar="N",
                   help="worker processes (default: every CPU; 1 runs in this process)")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="run on a Dask scheduler at ADDRESS, or 'local' for a LocalCluster")
    p.add_argument("--csv", metavar="FILE", help="write one row per run here")
    p.add_argument("--json", action="store_true", help="print rows and fits as JSON")
    p.add_argument("--measured", metavar="CSV",
                   help="run nothing: print predicted against measured (table and error "
                        "chart) from the CSV of `parasim validate --csv`")
    size_guard.add_yes_option(p)
    p.set_defaults(func=cmd_sweep)


def _bar(done: int, total: int) -> None:
    filled = BAR * done // max(total, 1)
    end = "\n" if done == total else ""
    print(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} runs", end=end,
          file=sys.stderr, flush=True)


def cmd_sweep(args) -> int:
    if (args.scenario is None) == (args.measured is None):
        raise ScenarioError("sweep needs a scenario or --measured CSV (one of them)")
    if args.measured is not None:
        return print_measured(args.measured, args.json)
    grid = parse_vary(args.vary)
    sc = scenario_mod.load(args.scenario, args.overrides)
    if args.csv is not None:
        check_writable(args.csv)
    progress = _bar if sys.stderr.isatty() else None
    with make_executor(args.workers, args.dask) as ex:
        result = run_sweep(sc, grid, args.mode, ex, progress,
                           limit_s=size_guard.limit_for(args))
    if args.csv is not None:
        result.write_csv(args.csv)
    if args.json:
        print(json.dumps(to_jsonable(as_json(result)), indent=2))
    else:
        print(format_sweep(result, f"{sc.name}: {args.mode} scaling"))
    return 0


def print_measured(path: str, as_json_rows: bool) -> int:
    """A validation CSV's cases: the table and the error chart, or JSON rows."""
    from ..studies import validate
    cases = validate.read_csv(path)
    if as_json_rows:
        print(json.dumps([{"kernel": c.group, "case": c.label, "predicted_s": c.predicted_s,
                           "measured_s": c.measured_s, "rel_error": c.error,
                           "within_target": c.within_target} for c in cases], indent=2))
    else:
        print(validate.format_table(cases) + "\n\n" + validate.format_chart(cases))
    return 0


def _value(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _num(v, fmt: str) -> str:
    """`v` formatted, "n/a" for None or NaN; never "-0.0000" (rounded to 0, then + 0.0)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if math.isfinite(v):
        v = round(float(v), 12) + 0.0
    return format(v, fmt)


def format_table(result: SweepResult) -> str:
    varied = list(result.keys) + (["scale"] if result.mode == "weak" else [])
    cols: list[tuple[str, str, Callable[[Any], str]]] = [(k, k, _value) for k in varied]
    if not any(k in PE_KEYS for k in result.keys):
        cols.append(("PEs", "pes", str))
    cols += [("makespan", "makespan_s", seconds), ("T1", "serial_time_s", seconds),
             ("speedup", "speedup", lambda v: _num(v, ".4g")),       # tiny ones too
             ("efficiency", "parallel_efficiency", percent),
             ("of peak", "fraction_of_peak", percent),
             ("achieved", "flops_per_s", lambda v: si(v, "FLOP/s"))]
    if any(r.get("energy_j") is not None for r in result.rows):
        cols.append(("energy", "energy_j", lambda v: si(v, "J")))
    cells = [[head for head, _, _ in cols]]
    cells += [[fmt(row.get(key)) for _, key, fmt in cols] for row in result.rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(cols))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in cells)


def format_fits(result: SweepResult) -> str:
    if not result.series:
        return "No fits: vary machine.cores or machine.nodes to study scaling."
    lines = []
    for s in result.series:
        label = ", ".join(f"{k}={_value(v)}" for k, v in s.label.items())
        head = f"[{label}] " if label else ""
        if s.fit is None:
            lines.append(f"{head}no fit: needs a point with more than one PE")
            continue
        if s.fit.law == "amdahl":
            lines.append(f"{head}Amdahl fit (strong scaling): serial fraction s = "
                         f"{_num(s.fit.serial_fraction, '.4f')}, speedup limit 1/s = "
                         f"{'none' if math.isinf(s.fit.limit) else _num(s.fit.limit, '.2f')}"
                         f", rms error {s.fit.rms_error:.3g}"
                         + quality_text(s.fit, relative_rms(s.fit, s.pes, s.speedup)))
        else:
            top = int(s.pes.argmax())
            lines.append(f"{head}Gustafson fit (weak scaling): serial fraction s = "
                         f"{_num(s.fit.serial_fraction, '.4f')}; scaled speedup at P = "
                         f"{s.pes[top]:g}: "
                         f"{_num(s.speedup[top], '.3f')} measured, "
                         f"{float(s.fit.predict(s.pes[top])):.3f} fitted")
        if s.fit.law == "gustafson":
            lines.append(f"{head}Karp-Flatt: not defined for weak scaling (it assumes a "
                         f"fixed problem)")
            continue
        kf = ", ".join(f"{p:g}: {_num(e, '.4f')}" for p, e in zip(s.pes, s.karp_flatt) if p > 1)
        lines.append(f"{head}Karp-Flatt e by P: {kf}")
    return "\n".join(lines)


def format_sweep(result: SweepResult, title: str = "") -> str:
    parts = [title] if title else []
    parts += [format_table(result), "", format_fits(result)]
    return "\n".join(parts)


def as_json(result: SweepResult) -> dict:
    return {
        "mode": result.mode,
        "varied": list(result.keys),
        "rows": result.records(),
        "fits": [{"series": dict(s.label), "pes": s.pes.tolist(),
                  "speedup": s.speedup.tolist(), "karp_flatt": s.karp_flatt.tolist(),
                  "law": s.fit.law if s.fit else None,
                  "serial_fraction": s.fit.serial_fraction if s.fit else None,
                  "rms_error": s.fit.rms_error if s.fit else None}
                 for s in result.series],
    }
