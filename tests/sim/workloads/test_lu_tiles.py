"""The tiled LU of hpl-node: its FLOPs by hand, its Rpeak against the list per node."""

import pytest

from parasim.sim import scenario
from parasim.sim.machine import top500
from parasim.sim.machine.machine import Machine
from parasim.sim.simulate import simulate
from parasim.sim.workloads import lu_tiles


def test_two_by_two_tiles_by_hand():
    """T = 2: getrf, 2 trsm, 1 gemm, getrf: (2/3 + 1 + 1 + 2 + 2/3) nb^3 = 2/3 (2 nb)^3."""
    sc = scenario.load("summit-node-hpl", ["workload.n=200", "workload.nb=100"])
    g = lu_tiles.build(sc.workload, Machine(sc.machine), None)
    assert g.n == 5 and g.flops.sum() == pytest.approx(2 / 3 * 200 ** 3)
    assert g.matrix.tolist() == [False, False, False, True, False]
    assert g.dep_bytes.tolist() == [8 * 100 * 100] * len(g.dep_idx)


@pytest.mark.parametrize("name,key", [("summit-node-hpl", "summit"),
                                      ("selene-node-hpl", "selene")])
def test_node_rpeak_matches_the_list_per_node(name, key):
    s = top500.get(key)
    m = Machine(scenario.load(name).machine)
    assert m.peak("fp64") == pytest.approx(s.rpeak_tflops * 1e12 / s.nodes, rel=0.01)


def test_small_summit_run_reports_rmax_beside_the_list():
    sc = scenario.load("summit-node-hpl", ["workload.n=12288", "workload.nb=3072"])
    s = simulate(sc, baseline=False).summary
    assert 0 < s["rmax_flops_per_s"] < s["rpeak_flops_per_s"]
    assert s["rmax_flops_per_s"] == pytest.approx((2 / 3 * 12288 ** 3 + 1.5 * 12288 ** 2)
                                                  / s["makespan_s"])
    assert s["list_rmax_over_rpeak"] == pytest.approx(148_600 / 200_794.9)
    assert s["copies"] > 0
