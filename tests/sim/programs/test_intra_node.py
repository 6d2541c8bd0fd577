"""Messages between two cores of one node (a program's): through the node's memory, or
all latency when cached (routes.intra_node's costs), against hand values."""

from __future__ import annotations

import pytest

from parasim.sim.machine.machine import Machine
from tests.sim.programs.helpers import ONE_MESSAGE as ONE
from tests.sim.programs.helpers import program_scenario, run_program

NET = {"latency_us": 10.0, "bandwidth_gbs": 1.0, "intra_latency_us": 0.5}


def test_a_cached_message_is_all_latency(tmp_path):
    net = dict(NET, intra_cached_bytes=4096, intra_cached_bandwidth_gbs=50.0)
    run = run_program(tmp_path, ONE, nodes=1, cores=2, ranks=2, args={"n": 1000}, network=net)
    assert run.makespan == pytest.approx(0.5e-6 + 1000 / 50e9, rel=1e-12)   # 0.52 us


def test_a_larger_message_flows_through_memory(tmp_path):
    net = dict(NET, intra_cached_bytes=4096, intra_cached_bandwidth_gbs=50.0,
               intra_bandwidth_gbs=20.0)
    sc = program_scenario(tmp_path, ONE, nodes=1, cores=2, ranks=2, args={"n": 8000}, network=net)
    rate = min(20e9, Machine(sc.machine).mem_bandwidth)      # one copy, capped at 20 GB/s
    run = run_program(tmp_path, ONE, nodes=1, cores=2, ranks=2, args={"n": 8000}, network=net)
    assert run.makespan == pytest.approx(0.5e-6 + 8000 / rate, rel=1e-12)


def test_messages_leaving_together_share_the_memory(tmp_path):
    src = """
    def main(comm, n):
        if comm.rank < 2:
            yield comm.send(comm.rank + 2, n)
        else:
            yield comm.recv(comm.rank - 2)
    """
    net = dict(NET, intra_bandwidth_gbs=1000.0)     # the memory is the bottleneck
    sc = program_scenario(tmp_path, src, nodes=1, cores=4, ranks=4, args={"n": 1e6}, network=net)
    bw = Machine(sc.machine).mem_bandwidth
    assert bw < 500e9
    run = run_program(tmp_path, src, nodes=1, cores=4, ranks=4, args={"n": 1e6}, network=net)
    assert run.makespan == pytest.approx(0.5e-6 + 2e6 / bw, rel=1e-12)  # each gets bw / 2
