"""NIC rows: each message between nodes keeps its sender's NIC busy g + (s-1) G from
when its send starts (LogGOPSim), by hand; none, and the same trace, without LogGOPS."""

from __future__ import annotations

import pytest

from parasim.sim import scenario
from parasim.sim.io.trace_csv import to_csv_text
from parasim.sim.simulate import simulate
from tests.sim.programs.helpers import run_program

US = 1e-6


def bcast(network: dict, nodes: int = 3, cores: int = 1):
    return simulate(scenario.from_dict({
        "machine": {"nodes": nodes, "cores": cores, "network": network},
        "workload": {"kind": "bcast", "bytes": 1001, "algorithm": "linear"}}),
        baseline=False)


def test_built_in_linear_bcast_nic_by_hand():
    """Root sends 1001 B to ranks 1 and 2, blocking: L = 1 us, G = 1 ns/B, o = 0.5 us,
    g = 2 us. Message 0: NIC [0, g + 1000 G = 3 us]; its data leaves at o and is
    delivered at 0.5 + 1 + 1 = 2.5 us, when the blocking send lets the next one go, but
    the NIC is busy until 3 us: message 1's NIC [3, 6] us."""
    run = bcast({"latency_us": 1.0, "bandwidth_gbs": 1.0, "gap_us": 2.0, "overhead_us": 0.5})
    nic = run.extras["nic"]
    assert nic["row_names"] == ["node 0 NIC"]
    assert nic["row"].tolist() == [0, 0] and nic["msg"].tolist() == [0, 1]
    assert nic["start_s"] == pytest.approx([0.0, 3 * US], abs=1e-15)
    assert nic["end_s"] == pytest.approx([3 * US, 6 * US], abs=1e-15)
    assert nic["bytes"].tolist() == [1001.0, 1001.0]


def test_no_nic_rows_with_hockney_costs_and_the_trace_is_unchanged():
    plain = bcast({"latency_us": 1.0, "bandwidth_gbs": 1.0})
    zero = bcast({"latency_us": 1.0, "bandwidth_gbs": 1.0, "gap_us": 0.0,
                  "overhead_us": 0.0, "overhead_per_byte_ns": 0.0})
    assert "nic" not in plain.extras and "nic" not in zero.extras
    assert to_csv_text(plain.trace) == to_csv_text(zero.trace)


def test_messages_within_a_node_use_no_nic():
    run = bcast({"latency_us": 1.0, "bandwidth_gbs": 1.0, "gap_us": 2.0}, nodes=1, cores=3)
    assert "nic" not in run.extras


BURST = """
def main(comm):
    if comm.rank == 0:
        yield comm.waitall([comm.isend(1, 1001, tag=k) for k in range(3)])
    else:
        for k in range(3):
            yield comm.recv(0, tag=k)
"""


@pytest.mark.parametrize("g_us, o_us, starts, busy", [
    (2.0, 0.5, [0.0, 3.0, 6.0], 3.0),       # the NIC's gap g + 1000 G = 3 us paces them
    (0.0, 1.5, [0.0, 1.5, 3.0], 1.0),       # o = 1.5 us > (s-1) G: the CPU paces them
])
def test_program_nic_rows_by_hand(tmp_path, g_us, o_us, starts, busy):
    """Three isends of 1001 B back to back (G = 1 ns/B): each keeps the NIC busy
    g + 1000 G; the next starts when both the CPU (o each) and the NIC are free."""
    run = run_program(tmp_path, BURST, nodes=2,
                      network={"latency_us": 1.0, "bandwidth_gbs": 1.0, "gap_us": g_us,
                               "overhead_us": o_us})
    nic = run.extras["nic"]
    assert nic["row_names"] == ["node 0 NIC"] and nic["row"].tolist() == [0, 0, 0]
    assert nic["start_s"] == pytest.approx([s * US for s in starts], abs=1e-15)
    assert nic["end_s"] - nic["start_s"] == pytest.approx([busy * US] * 3, abs=1e-15)


def test_program_without_loggops_has_no_nic_rows(tmp_path):
    run = run_program(tmp_path, BURST, nodes=2)
    assert "nic" not in run.extras
