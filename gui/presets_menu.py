"""The Presets menu: one submenu per lesson (the preset's `[view] group`), each entry
tooltipped with the preset's description; filled when first opened."""

from __future__ import annotations

from collections.abc import Callable

from ..sim import scenario as scenario_mod

GROUPS = ("Architectures & memory", "Amdahl & scaling", "Concurrency", "Power",
          "Clusters & networks", "SIMD & GPUs", "Linpack & Top500", "CNN FLOPs", "Transformers",
          "Your own programs")
OTHER = "Other"


def grouped_presets() -> dict[str, list]:
    """{group: [Scenario, ...]} in GROUPS order, then any other group, then OTHER; in
    a group by `[view] order`, then name (oxen before chickens)."""
    grouped: dict[str, list] = {}
    for name in scenario_mod.preset_names():
        sc = scenario_mod.load(name)
        grouped.setdefault(sc.view.group or OTHER, []).append(sc)
    order = [g for g in GROUPS if g in grouped] + \
        sorted(g for g in grouped if g not in GROUPS and g != OTHER) + \
        [OTHER] * (OTHER in grouped)
    return {g: sorted(grouped[g], key=lambda sc: (sc.view.order, sc.name)) for g in order}


def build_presets_menu(menu, pick: Callable[[str], None]) -> None:
    """Fill `menu` with the grouped presets the first time it is about to show (loading
    every preset takes a good part of a second: not at start-up); choosing one calls
    pick(name)."""
    menu.setToolTipsVisible(True)

    def fill() -> None:
        menu.aboutToShow.disconnect(fill)
        fill_presets_menu(menu, pick)
    menu.aboutToShow.connect(fill)


def fill_presets_menu(menu, pick: Callable[[str], None]) -> None:
    """One submenu per group of grouped_presets(), an entry per preset."""
    for group, scenarios in grouped_presets().items():
        sub = menu.addMenu(group.replace("&", "&&"))      # a lone & would mark a shortcut
        sub.setToolTipsVisible(True)
        for sc in scenarios:
            act = sub.addAction(sc.name)
            act.setToolTip(sc.description)
            act.setStatusTip(sc.description)
            act.triggered.connect(lambda *_, n=sc.name: pick(n))
