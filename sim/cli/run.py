"""The `run` verb: simulate a scenario (or a program on a machine) and print its summary."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from .. import scenario as scenario_mod
from .. import size_guard
from ..errors import ScenarioError
from ..io.files import check_writable
from ..report import format_summary


def add_parser(sub) -> None:
    p = sub.add_parser("run", help="simulate a scenario and print its summary")
    p.add_argument("scenario", help="preset name, path to a scenario TOML file, or a "
                                    "program (.py) or GOAL schedule (.goal) with --machine")
    p.add_argument("--machine", metavar="PRESET_OR_TOML",
                   help="for a .py or .goal file: the preset or scenario whose machine runs it")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a scenario field by its dotted path (value parsed as TOML)")
    p.add_argument("--csv", metavar="FILE", help="write the trace CSV here")
    p.add_argument("--summary", metavar="FILE", help="write the summary JSON here")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--save-scenario", metavar="FILE", help="write the resolved scenario TOML")
    p.add_argument("--layers", action="store_true",
                   help="also print FLOPs and busy time per layer (cnn workloads)")
    size_guard.add_yes_option(p)
    p.set_defaults(func=cmd_run)


def _percent(fraction: float) -> None:
    """A run's progress on a terminal's stderr (Ctrl-C stops it)."""
    end = "\n" if fraction >= 1 else ""
    print(f"\rsimulating... {100 * fraction:5.1f} %", end=end, file=sys.stderr, flush=True)


def cmd_run(args) -> int:
    from ..io.summary_json import to_jsonable
    from ..simulate import simulate
    if Path(args.scenario).suffix in scenario_mod.PROGRAM_SUFFIXES:
        sc = scenario_mod.for_file(args.scenario, args.machine, args.overrides)
    elif args.machine:
        raise ScenarioError("--machine applies to a program (.py) or a GOAL schedule (.goal)")
    else:
        sc = scenario_mod.load(args.scenario, args.overrides)
    for path in (args.csv, args.summary, args.save_scenario):
        if path is not None:
            check_writable(path)
    progress = _percent if sys.stderr.isatty() else None
    run = simulate(sc, progress, limit_s=size_guard.limit_for(args))
    if args.csv is not None:
        run.write_csv(args.csv)
    if args.summary is not None:
        run.write_summary(args.summary)
    if args.save_scenario is not None:
        scenario_mod.save(sc, args.save_scenario)
    layers = None
    if args.layers:                             # the nn cost model, imported only when asked
        from ..analysis.layers import per_layer
        layers = per_layer(run)
    if args.json:                               # stdout: the JSON document only
        doc = dict(run.summary)
        if layers is not None:
            doc["layers"] = [dataclasses.asdict(r) for r in layers]
        print(json.dumps(to_jsonable(doc), indent=2, sort_keys=True))
        return 0
    print(format_summary(run.summary, run_title(sc, args.overrides),
                         sc.options.flop_convention))
    if layers is not None:
        from .flops import format_layers
        print(format_layers(layers, sc.options.flop_convention))
    return 0


def run_title(sc, overrides: list[str]) -> str:
    """`name: description`; after --set overrides the description may no longer hold,
    so the title lists them instead: `name (modified: key=value, ...)`."""
    if overrides:
        return f"{sc.name} (modified: {', '.join(o.strip() for o in overrides)})"
    return f"{sc.name}: {sc.description}" if sc.description else sc.name
