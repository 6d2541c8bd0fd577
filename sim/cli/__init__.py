"""Headless verbs: `run`, `presets` and the others in VERBS, each in its own module.

A verb's module (and what it imports: numpy, SimPy, the nn zoo...) is imported only
when that verb runs, so `parasim presets` does not pay for the simulator; `--help` and
an unknown verb build the full parser.

Errors in user input print one line to stderr and exit with status 2, no traceback.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from ..errors import Cancelled, ScenarioError, SimulationTooLarge, TraceFormatError
from ..units import one_line

USER_ERRORS = (ScenarioError, TraceFormatError, SimulationTooLarge, OSError, Cancelled)

# verb -> the module of sim/cli whose add_parser(sub) registers it, in --help order
VERBS = {"run": "run", "presets": "presets", "flops": "flops", "compare": "compare",
         "sweep": "sweep", "machines": "machines", "calibrate": "calibrate",
         "validate": "calibrate"}

APP_USAGE = """the desktop app (python main.py without a verb):
  python main.py                          open the app on the default preset, already run
  python main.py --scenario NAME_OR_TOML  open a preset or a scenario file
  python main.py view trace.csv           open a saved trace
  python main.py --program prog.py [--scenario X]   a program on X's machine, re-run on save
  python main.py --scenario X --screenshot out.png   render the window after the run, exit"""


def build_parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The CLI's parser: with `verb`, only that verb's module is imported and registered
    (its parsing and messages are the same as in the full parser)."""
    parser = argparse.ArgumentParser(
        prog="parasim", description="ParaSim: simulate parallel computers and watch them run.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=APP_USAGE)
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    verbs = [verb] if verb in VERBS else list(VERBS)
    for module in dict.fromkeys(VERBS[v] for v in verbs):
        import_module(f".{module}", __name__).add_parser(sub)
    return parser


def verb_names() -> tuple[str, ...]:
    """The headless verbs (main.py sends anything else to the desktop app)."""
    return tuple(VERBS)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv[0] if argv else None)
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
