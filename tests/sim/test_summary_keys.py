"""Every summary key is declared (sim/summary_keys.py), and a producer fills its group."""

import pytest

from parasim.sim import scenario
from parasim.sim.run import Run
from parasim.sim.simulate import simulate
from parasim.sim.summary_keys import GROUPS, SUMMARY_KEYS

OPTIONAL_GROUPS = ("network", "busiest_link", "critical_path", "power", "offload", "hpl",
                   "program", "hetero", "unit_power", "hpl_list", "notes")


def check(summary):
    undeclared = set(summary) - set(SUMMARY_KEYS)
    assert not undeclared, f"undeclared summary keys: {sorted(undeclared)}"
    for name in ("metrics", "concurrency"):
        assert set(GROUPS[name]) <= set(summary), name
    for name in OPTIONAL_GROUPS:                      # all of a group, or none of it
        present = set(GROUPS[name]) & set(summary)
        assert not present or present == set(GROUPS[name]), (name, sorted(present))


@pytest.mark.parametrize("name", ["amdahl", "cluster-pingpong", "power-wall", "gpu-offload",
                                  "hpl-ai", "vgg16-inference", "big-little",
                                  "hetero-dag-heft", "program-halo-overlap",
                                  "goal-dissemination", "program-critical-sum"])
def test_a_preset_fills_exactly_the_declared_groups(name):
    check(simulate(scenario.load(name)).summary)


def test_a_run_reopened_from_its_trace_fills_the_declared_groups():
    check(Run.from_trace(simulate(scenario.load("amdahl")).trace).summary)


def test_every_key_has_a_unit_and_a_meaning():
    assert all(k.meaning for k in SUMMARY_KEYS.values())
    assert len(SUMMARY_KEYS) == sum(len(g) for g in GROUPS.values())   # no key twice


def test_a_node_hpl_run_fills_the_declared_groups():
    sc = scenario.load("summit-node-hpl", ["workload.n=12288", "workload.nb=3072"])
    s = simulate(sc, baseline=False).summary
    check(s)
    assert set(GROUPS["hpl_list"]) <= set(s) and set(GROUPS["hetero"]) <= set(s)
