"""The package data, parasim/assets/<kind> (scenarios, models, programs), read through
importlib.resources so a wheel install finds it too. Light on purpose: listing the
presets imports nothing else."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def asset_dir(kind: str) -> Traversable:
    """The folder parasim/assets/<kind>."""
    return files("parasim.assets").joinpath(kind)


def preset_names() -> list[str]:
    """The built-in scenarios' names (their file names without .toml), sorted."""
    return sorted(p.name[:-5] for p in asset_dir("scenarios").iterdir()
                  if p.name.endswith(".toml"))
