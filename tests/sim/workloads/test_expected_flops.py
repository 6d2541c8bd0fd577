"""Every workload that states its FLOP count (Params.expected_flops) builds exactly that."""

import numpy as np
import pytest

from parasim.sim.machine.machine import Machine, MachineSpec
from parasim.sim.workloads import REGISTRY

# per kind: the defaults and an awkward size (ragged tiles, odd counts, a low precision)
CASES = {
    "matmul": [{}, {"n": 300, "tile": 64}],
    "triad": [{}, {"n": 12345, "tasks": 7}],
    "reduction": [{}, {"n": 1001}],
    "amdahl": [{}, {"serial_fraction": 0.37, "tasks": 13}],
    "io-bag": [{}, {"tasks": 3, "io_waits": 2}],
    "summa": [{}, {"n": 1000}],
    "nbody": [{}, {"bodies": 999, "steps": 3}],
    "fft": [{}, {"n": 2 ** 12}],
    "simd-loop": [{}],
    "hpl": [{}, {"n": 300, "nb": 32}, {"n": 300, "nb": 32, "precision": "fp16"},
            {"n": 257, "nb": 64, "precision": "fp32", "refine_steps": 5}],
    "offload": [{}, {"n": 1001, "blocks": 7}],
}
KINDS = sorted(k for k, mod in REGISTRY.items() if hasattr(mod.Params, "expected_flops"))


def test_every_kind_with_expected_flops_has_cases():
    assert sorted(CASES) == KINDS


@pytest.mark.parametrize("kind,kw", [(k, kw) for k in KINDS for kw in CASES.get(k, [])])
def test_graph_does_the_expected_flops(kind, kw):
    mod = REGISTRY[kind]
    p = mod.Params(**kw)
    graph = mod.build(p, Machine(MachineSpec(nodes=2, cores=4, simd_bits=512)),
                      np.random.default_rng(1))
    assert graph.total_flops == pytest.approx(p.expected_flops(), rel=1e-12)


def test_hpl_refinement_by_hand():
    # n = 300, 3 steps below fp64: each 2 n^2 (residual) + 2 n^2 - n (solve) = 359,700
    base = REGISTRY["hpl"].Params(n=300)
    low = REGISTRY["hpl"].Params(n=300, precision="fp16")
    assert low.expected_flops() - base.expected_flops() == 3 * 359_700
