"""The `presets` verb: each built-in scenario's name and description, one a line.

Listing reads each file's `description` and nothing else, so it starts fast (no numpy,
no SimPy); `--check` also validates each preset as `run` would, and shows
`(invalid: reason)` for one that fails."""

from __future__ import annotations

from ..assets import asset_dir, preset_names
from ..errors import ScenarioError
from ..spec import parse_toml, read_text


def add_parser(sub) -> None:
    p = sub.add_parser("presets", help="list the built-in scenarios")
    p.add_argument("--check", action="store_true",
                   help="also validate each preset as `run` would (slower)")
    p.set_defaults(func=cmd_presets)


def describe(name: str, check: bool) -> str:
    """A preset's description; `(invalid: reason)` if it cannot be read (or, with
    `check`, does not validate)."""
    try:
        if check:
            from .. import scenario as scenario_mod
            return scenario_mod.load(name).description
        text = read_text(asset_dir("scenarios").joinpath(f"{name}.toml"))
        return str(parse_toml(text).get("description", ""))
    except (ScenarioError, OSError, ValueError) as exc:
        return f"(invalid: {exc})"


def cmd_presets(args) -> int:
    names = preset_names()
    width = max((len(n) for n in names), default=0)
    for name in names:
        print(f"{name:<{width}}  {describe(name, args.check)}")
    return 0
