"""Each generator's FLOP (and byte) count against its documented formula."""

import numpy as np
import pytest

from parasim.sim.taskgraph import PRECISIONS
from parasim.sim.workloads import module_for
from tests.helpers import machine, params

RNG = np.random.default_rng


def build(kind, **kw):
    p = params(kind, **kw)
    return module_for(kind).build(p, machine(), RNG(1)), p


@pytest.mark.parametrize("n, tile, k_split", [(256, 64, 1), (300, 64, 3), (7, 3, 2), (1, 1, 1)])
def test_matmul_is_2n3(n, tile, k_split):
    g, _ = build("matmul", n=n, tile=tile, k_split=k_split)
    assert g.total_flops == 2 * n ** 3
    assert g.n == (-(-n // tile)) ** 2 * min(k_split, n)


def test_matmul_tile_bytes_by_hand():
    g, _ = build("matmul", n=256, tile=128)     # 4 tiles: A 128x256, B 256x128, C 128x128
    assert g.bytes.tolist() == [8 * (128 * 256 + 256 * 128 + 128 * 128)] * 4


def test_triad_is_2n_flops_and_24n_bytes_in_fp64():
    g, _ = build("triad", n=1001, tasks=10)
    assert g.total_flops == 2002 and g.bytes.sum() == 24 * 1001
    g32, _ = build("triad", n=1000, tasks=10, precision="fp32")
    assert g32.bytes.sum() == 12 * 1000
    assert PRECISIONS[g32.precision[0]] == "fp32"


def test_spmv_is_2_nnz():
    p = params("spmv", rows=5000, nnz_per_row=7.0, tasks=13)
    nnz = module_for("spmv").row_nnz(p, RNG(1)).sum()
    g = module_for("spmv").build(p, machine(), RNG(1))
    assert g.total_flops == 2 * nnz and g.n == 13
    assert g.bytes.sum() == nnz * 20 + 5000 * 12


def test_reduction_is_n_minus_1_adds_with_log_depth():
    g, _ = build("reduction", n=1000, tasks=6)
    assert g.total_flops == 999
    assert g.n == 6 + 5                     # 6 leaves, 5 combines (binary tree)


def test_bag_sums_its_tasks():
    g, _ = build("bag", tasks=10, flops_per_task=3e9)
    assert g.total_flops == 3e10
    g, _ = build("bag", tasks=4000, flops_per_task=1.0, cv=0.5)
    assert g.flops.mean() == pytest.approx(1.0, rel=0.05)
    assert g.flops.std() / g.flops.mean() == pytest.approx(0.5, rel=0.1)


def test_amdahl_has_a_serial_head():
    g, _ = build("amdahl", flops=1000.0, serial_fraction=0.2, tasks=8)
    assert g.flops[0] == 200.0 and g.total_flops == pytest.approx(1000.0)
    assert all(g.deps(i).tolist() == [0] for i in range(1, 9))
