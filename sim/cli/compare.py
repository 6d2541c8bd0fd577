"""`parasim compare`: several runs side by side (studies/compare.py builds the table)."""

from __future__ import annotations

from .. import size_guard
from ..studies.compare import compare


def add_parser(sub) -> None:
    p = sub.add_parser("compare", help="run several scenarios and print them side by side")
    p.add_argument("scenarios", nargs="+", help="preset names or scenario TOML files")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a field in every scenario (value parsed as TOML)")
    p.add_argument("--vary", action="append", default=[], metavar="KEY=V1,V2,...",
                   help="run every scenario once per value of this field (repeatable: "
                        "every combination)")
    size_guard.add_yes_option(p)
    p.set_defaults(func=cmd_compare)


def cmd_compare(args) -> int:
    print(compare(args.scenarios, args.overrides, args.vary, size_guard.limit_for(args)))
    return 0
