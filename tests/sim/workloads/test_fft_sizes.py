"""FFT sizes: n must split into ranks x ranks equal blocks for the transpose."""

import numpy as np
import pytest

from parasim.sim import scenario as sm
from parasim.sim.errors import ScenarioError
from parasim.sim.machine.machine import Machine
from parasim.sim.simulate import build_graph, simulate
from tests.helpers import scenario


def test_a_set_rank_count_is_checked_at_load():
    with pytest.raises(ScenarioError, match="multiple of ranks\\^2 = 16.*got 3") as e:
        sm.load("cluster-fft", ["workload.n=3", "workload.ranks=4"])
    assert e.value.path == "workload.n"


def test_one_rank_per_pe_is_checked_when_the_machine_is_known():
    sc = sm.load("cluster-fft", ["workload.n=3"])          # 16 PEs: needs a multiple of 256
    with pytest.raises(ScenarioError, match="multiple of ranks\\^2 = 256.*got 3"):
        simulate(sc)


def test_blocks_by_hand():
    # n = 64 on 4 ranks: each rank sends 64 / 16 = 4 points = 64 bytes to each other rank
    sc = scenario("fft", {"nodes": 4, "cores": 1}, n=64)
    g = build_graph(sc, Machine(sc.machine))
    assert len(g.msg_bytes) == 4 * 3 and np.all(g.msg_bytes == 64.0)
