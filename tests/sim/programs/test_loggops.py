"""LogGOPS message costs (LogGOPSim's definitions), through small programs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parasim.sim.trace import KIND_CODE
from tests.sim.programs.helpers import ONE_MESSAGE as ONE
from tests.sim.programs.helpers import run_program

US = 1e-6


def net(**kw):
    base = {"latency_us": 10.0, "bandwidth_gbs": 1.0}     # L = 10 us, G = 1 ns/B
    base.update(kw)
    return base




def test_one_message_costs_o_L_sG_o(tmp_path):
    run = run_program(tmp_path, ONE, args={"n": 1001}, network=net(overhead_us=1.0,
                                                                   rendezvous_bytes=1e6))
    # o + L + (s-1) G + o = 1 + 10 + 1 + 1 us
    assert run.makespan == pytest.approx(13 * US, rel=1e-12)
    t = run.trace
    sends = (t.kind == KIND_CODE["send"]) & (t.pe == 0)
    assert (t.end_s - t.start_s)[sends].max() == pytest.approx(1 * US)   # o on the row
    recv_overhead = (t.kind == KIND_CODE["recv"]) & (t.pe == 1) & (t.bytes == 0)
    assert (t.end_s - t.start_s)[recv_overhead].tolist() == pytest.approx([1 * US])


def test_per_byte_overhead_when_larger_than_G(tmp_path):
    run = run_program(tmp_path, ONE, args={"n": 1001},
                      network=net(overhead_us=1.0, overhead_per_byte_ns=2.0,
                                  rendezvous_bytes=1e6))
    # receiver busy o + max((s-1) O, (s-1) G) from the first byte (at o + L = 11 us)
    assert run.makespan == pytest.approx((11 + 1 + 2) * US, rel=1e-12)
    t = run.trace
    sends = (t.kind == KIND_CODE["send"]) & (t.pe == 0)
    assert (t.end_s - t.start_s)[sends].max() == pytest.approx(3 * US)  # o + (s-1) O


BURST = """
def main(comm):
    if comm.rank == 0:
        yield comm.waitall([comm.isend(1, 1) for _ in range(3)])
    else:
        yield comm.waitall([comm.irecv(0) for _ in range(3)])
"""


@pytest.mark.parametrize("o, g, end", [
    (1.0, 3.0, 18.0),    # the NIC gap rules: sends at 0, 3, 6; last in at 17, taken 18
    (3.0, 1.0, 22.0),    # the CPU overhead rules: sends at 0, 3, 6; arrivals 13, 16, 19,
                         # each taken in 3 us: 22
])
def test_back_to_back_sends_serialise_on_g_or_o(tmp_path, o, g, end):
    run = run_program(tmp_path, BURST, network=net(overhead_us=o, gap_us=g,
                                                   rendezvous_bytes=1e6))
    assert run.makespan == pytest.approx(end * US, rel=1e-12)


def test_rendezvous_adds_a_round_trip(tmp_path):
    eager = run_program(tmp_path, ONE, args={"n": 1001},
                        network=net(overhead_us=1.0, rendezvous_bytes=1001))
    rdv = run_program(tmp_path, ONE, args={"n": 1002},
                      network=net(overhead_us=1.0, rendezvous_bytes=1001))
    assert eager.makespan == pytest.approx(13 * US, rel=1e-12)
    assert rdv.makespan == pytest.approx((13 + 20) * US + 1e-9, rel=1e-12)   # + 2 L


def test_rendezvous_waits_for_the_receive(tmp_path):
    src = """
    def main(comm):
        if comm.rank == 0:
            yield comm.send(1, 5000)
        else:
            yield comm.compute(1e9)
            yield comm.recv(0)
    """
    run = run_program(tmp_path, src, network=net(rendezvous_bytes=100))
    t = run.trace
    compute_end = float(t.end_s[t.kind == KIND_CODE["compute"]].max())
    # posted at compute_end; the answer's trip L, the data L + (s-1) G
    assert run.makespan == pytest.approx(compute_end + 20 * US + 4999e-9, rel=1e-12)


def test_eager_send_returns_after_its_overhead(tmp_path):
    src = """
    def main(comm):
        if comm.rank == 0:
            yield comm.send(1, 1)
            yield comm.compute(0.0)
            assert comm.now == 2e-6, comm.now
        else:
            yield comm.recv(0)
    """
    run_program(tmp_path, src, network=net(overhead_us=2.0, rendezvous_bytes=10))


def test_no_loggops_settings_is_hockney(tmp_path):
    run = run_program(tmp_path, ONE, args={"n": 1001}, network=net())
    assert run.makespan == pytest.approx(10 * US + 1001e-9, rel=1e-12)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(o=st.floats(0.0, 5.0), L=st.floats(0.1, 20.0), gbs=st.floats(0.1, 50.0),
       s=st.integers(1, 10**6), per_byte=st.floats(0.0, 1.0))
def test_one_message_formula_holds_for_any_parameters(tmp_path, o, L, gbs, s, per_byte):
    """Received at o + L + (s-1) G + o + max((s-1)(O - G), 0) after the send starts."""
    run = run_program(tmp_path, ONE, args={"n": s},
                      network={"latency_us": L, "bandwidth_gbs": gbs, "overhead_us": o,
                               "overhead_per_byte_ns": per_byte, "rendezvous_bytes": 2e6})
    G = 1 / (gbs * 1e9)
    expected = 2 * o * US + L * US + (s - 1) * G + max((s - 1) * (per_byte * 1e-9 - G), 0.0)
    assert run.makespan == pytest.approx(expected, rel=1e-9, abs=1e-15)


def test_rendezvous_threshold_is_refused_for_built_in_workloads_with_the_reason():
    from parasim.sim import scenario
    with pytest.raises(scenario.ScenarioError,
                       match=r"machine.network.rendezvous_bytes applies to program and goal "
                             r"workloads only: workload.kind 'bcast' sends blocking"):
        scenario.from_dict({"machine": {"nodes": 2, "network": {"rendezvous_bytes": 1000}},
                            "workload": {"kind": "bcast", "bytes": 1e6}})


EARLY = """
def main(comm):
    if comm.rank == 0:
        yield comm.send(1, 1001)
    elif comm.rank == 2:
        yield comm.compute(4e6)
        yield comm.send(1, 1)
    else:
        yield comm.recv(2)          # posted first: rank 0's message arrives unexpected
        yield comm.recv(0)
"""


def test_receive_overhead_is_charged_when_the_message_arrives(tmp_path):
    """LogGOPSim: rank 1's CPU is busy o + max((s-1) O, (s-1) G) from the first byte's
    arrival o + L = 12 us, though its receive is not posted yet: until 12 + 2 + 1 = 15
    us (the recv span starts at the last byte, 13 us)."""
    run = run_program(tmp_path, EARLY, nodes=3, network=net(overhead_us=2.0))
    t = run.trace
    early = (t.kind == KIND_CODE["recv"]) & (t.peer == 0) & (t.end_s > t.start_s)
    assert t.start_s[early] == pytest.approx([13 * US], rel=1e-12)
    assert t.end_s[early] == pytest.approx([15 * US], rel=1e-12)


def test_the_executor_reads_every_loggops_cost_as_given():
    """ops.Costs (slots, read per message) holds LogGOPS.of's fields, same names and
    values, for the defaults (Hockney) and a LogGOPS network."""
    from parasim.sim.machine.network import LogGOPS, NetworkSpec
    from parasim.sim.programs.ops import Costs
    for spec in (None, NetworkSpec(overhead_us=1.5, gap_us=0.5, overhead_per_byte_ns=0.2,
                                   rendezvous_bytes=4096)):
        cost = LogGOPS.of(spec)
        c = Costs(cost)
        assert tuple(getattr(c, f) for f in LogGOPS._fields) == tuple(cost)
    c = Costs(LogGOPS.of(NetworkSpec(overhead_us=1.5, gap_us=0.5, rendezvous_bytes=4096)))
    assert (c.o, c.g, c.S, c.no_threshold, c.first_byte) == (1.5e-6, 0.5e-6, 4096, False, 1.0)
