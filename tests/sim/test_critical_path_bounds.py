"""The critical path is a lower bound that counts every part of a task's time: I/O waits,
and for an offload the copies over the link around the kernel."""

import pytest

from parasim.sim import scenario as scenario_mod
from parasim.sim.simulate import simulate


def test_critical_path_counts_io_waits():
    # each job: 1e9 FLOP at 2.5 GHz x 2 FMA x 2 x 4 lanes = 40 GFLOP/s -> 25 ms of compute,
    # plus 4 I/O waits of 20 ms: 105 ms, and on 8 cores the 8 jobs overlap completely
    run = simulate(scenario_mod.load("concurrency-vs-parallelism-io", ["machine.cores=8"]))
    assert run.summary["critical_path_s"] == pytest.approx(0.105, rel=1e-9)
    assert run.summary["critical_path_s"] <= run.summary["makespan_s"] * (1 + 1e-9)


def test_offload_critical_path_chains_the_copies():
    # copy in / out: 10 us + 1e6 x 8 B / 16 GB/s = 510 us each; kernel: 80 blocks of
    # 12,500 elements x 2000 FLOP = 2.5e7 FLOP on an SM at 1.5 GHz x 4 FMA x 2 x 8 lanes
    # = 96 GFLOP/s -> 260.4 us. Total 1.2804 ms (= the makespan: nothing else runs).
    run = simulate(scenario_mod.load("gpu-offload"))
    hand = 2 * 510e-6 + 2.5e7 / 96e9
    assert run.summary["critical_path_s"] == pytest.approx(hand, rel=1e-6)
    assert run.summary["makespan_s"] == pytest.approx(hand, rel=1e-6)
