"""The workload registry: each kind's module, imported on first lookup."""

import subprocess
import sys

import pytest

from parasim.sim.workloads import KINDS, MODULES, REGISTRY, module_for


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_names_the_module_that_declares_it(kind):
    mod = module_for(kind)
    assert mod.Params.kind == kind
    assert mod.__name__.endswith(f".workloads.{MODULES[kind]}")
    assert REGISTRY[kind] is mod


def test_the_registry_is_a_mapping_in_kind_order():
    assert list(REGISTRY) == list(KINDS) and len(REGISTRY) == len(KINDS)
    assert "no-such-kind" not in REGISTRY
    with pytest.raises(KeyError):
        module_for("no-such-kind")


def test_looking_up_a_kind_imports_only_its_module():
    code = ("import sys; from parasim.sim.workloads import module_for; module_for('amdahl'); "
            "print(sorted(m for m in sys.modules if m.startswith('parasim.sim.workloads.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60).stdout
    assert "parasim.sim.workloads.amdahl" in out
    assert "parasim.sim.workloads.transformer" not in out and "workloads.cnn" not in out
