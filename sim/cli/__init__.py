"""Headless verbs: `run`, `presets` (and those later modules register).

Errors in user input print one line to stderr and exit with status 2, no traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from .. import scenario as scenario_mod
from .. import size_guard
from ..analysis.layers import per_layer
from ..errors import Cancelled, ScenarioError, SimulationTooLarge, TraceFormatError
from ..io.files import check_writable
from ..io.summary_json import to_jsonable
from ..report import format_summary
from ..units import one_line
from . import calibrate as calibrate_verb
from . import compare as compare_verb
from . import flops as nn_cli
from .flops import format_layers
from .machines import add_parser as add_machines
from .sweep import add_parser as add_sweep

USER_ERRORS = (ScenarioError, TraceFormatError, SimulationTooLarge, OSError, Cancelled)


def _add_run(sub) -> None:
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
    if args.json:                               # stdout: the JSON document only
        doc = dict(run.summary)
        if args.layers:
            doc["layers"] = [dataclasses.asdict(r) for r in per_layer(run)]
        print(json.dumps(to_jsonable(doc), indent=2, sort_keys=True))
        return 0
    print(format_summary(run.summary, run_title(sc, args.overrides),
                         sc.options.flop_convention))
    if args.layers:
        print(format_layers(per_layer(run), sc.options.flop_convention))
    return 0


def run_title(sc, overrides: list[str]) -> str:
    """`name: description`; after --set overrides the description may no longer hold,
    so the title lists them instead: `name (modified: key=value, ...)`."""
    if overrides:
        return f"{sc.name} (modified: {', '.join(o.strip() for o in overrides)})"
    return f"{sc.name}: {sc.description}" if sc.description else sc.name


def _add_presets(sub) -> None:
    p = sub.add_parser("presets", help="list the built-in scenarios")
    p.set_defaults(func=cmd_presets)


def cmd_presets(args) -> int:
    names = scenario_mod.preset_names()
    width = max((len(n) for n in names), default=0)
    for name in names:
        try:
            desc = scenario_mod.load(name).description
        except ScenarioError as exc:
            desc = f"(invalid: {exc})"
        print(f"{name:<{width}}  {desc}")
    return 0


APP_USAGE = """the desktop app (python main.py without a verb):
  python main.py                          open the app on the default preset, already run
  python main.py --scenario NAME_OR_TOML  open a preset or a scenario file
  python main.py view trace.csv           open a saved trace
  python main.py --program prog.py [--scenario X]   a program on X's machine, re-run on save
  python main.py --scenario X --screenshot out.png   render the window after the run, exit"""

REGISTRARS = [_add_run, _add_presets, nn_cli.add_parser, compare_verb.add_parser,
              add_sweep, add_machines, calibrate_verb.add_parser]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parasim", description="ParaSim: simulate parallel computers and watch them run.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=APP_USAGE)
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for register in REGISTRARS:
        register(sub)
    return parser


def verb_names() -> tuple[str, ...]:
    """The headless verbs (main.py sends anything else to the desktop app)."""
    sub = argparse.ArgumentParser().add_subparsers()
    for register in REGISTRARS:
        register(sub)
    return tuple(sub.choices)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except USER_ERRORS as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: out of memory: make the run smaller (fewer tasks, nodes or points)",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
