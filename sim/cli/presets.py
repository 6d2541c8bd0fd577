"""The `presets` verb: each built-in scenario's name and description, one a line
(a preset that fails validation shows `(invalid: reason)` instead)."""

from __future__ import annotations

from .. import scenario as scenario_mod
from ..errors import ScenarioError


def add_parser(sub) -> None:
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
