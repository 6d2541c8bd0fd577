"""simulate's registries import each runner and figure on its first call: every entry
must name a function that exists (else a run of that kind would fail only then)."""

from importlib import import_module

import pytest

from parasim.sim.simulate import FIGURES, PARTS, RUNNERS, on_demand

ENTRIES = [*RUNNERS.values(), *PARTS.values(),
           *(f for fig in FIGURES.values() for f in fig if f.__name__ == "call")]


@pytest.mark.parametrize("fn", ENTRIES, ids=lambda f: f.__qualname__)
def test_each_on_demand_entry_names_a_function(fn):
    module, _, name = fn.__qualname__.rpartition(".")
    assert callable(getattr(import_module(f"parasim.sim.{module}"), name))


def test_on_demand_calls_through():
    dumps = on_demand(".units", "clip")
    assert dumps.__qualname__ == "units.clip" and dumps("abc") == "'abc'"
