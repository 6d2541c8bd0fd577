"""Programs and GOAL schedules on heterogeneous machines: ranks on the CPU cores of the
core groups (never on a device's SMs), each computing at its own group's rate."""

from __future__ import annotations

import pytest

from parasim.sim import scenario
from parasim.sim.simulate import simulate
from parasim.sim.trace import KIND_CODE

COMPUTE = """
def main(comm):
    yield comm.compute(3e9, vector_fraction=0.0)       # scalar: f x 2 x fma_units
    yield comm.compute(4.8e9, vector_fraction=1.0)      # vector: x lanes (fp64)
"""


def test_big_little_ranks_compute_at_their_groups_rates(tmp_path):
    """big-little: 4 big cores (3 GHz, 2 FMA, 256 bit: scalar 12, fp64 vector 48 GFLOP/s)
    then 4 little (1.8 GHz, 1 FMA, 128 bit: 3.6 and 7.2 GFLOP/s). Ranks 0-3 on big cores:
    3e9 / 12e9 + 4.8e9 / 48e9 = 0.35 s; ranks 4-7 on little: 3e9 / 3.6e9 + 4.8e9 / 7.2e9
    = 1.5 s."""
    path = tmp_path / "p.py"
    path.write_text(COMPUTE)
    sc = scenario.apply_overrides(scenario.to_dict(scenario.for_file(str(path), "big-little")),
                                  ["workload.ranks=8"])
    run = simulate(scenario.from_dict(sc))
    t = run.trace
    comp = t.kind == KIND_CODE["compute"]
    ends = {int(pe): float(t.end_s[comp & (t.pe == pe)].max()) for pe in range(8)}
    assert [ends[pe] for pe in range(4)] == pytest.approx([0.35] * 4, rel=1e-12)
    assert [ends[pe] for pe in range(4, 8)] == pytest.approx([1.5] * 4, rel=1e-12)
    assert run.extras["pe_names"][4] == "little (cpu) core 0"


def _device_machine(tmp_path, source, ranks=0):
    path = tmp_path / "p.py"
    path.write_text(source)
    return scenario.from_dict({
        "machine": {"nodes": 2, "network": {"latency_us": 1.0, "bandwidth_gbs": 10.0},
                    "cpu": [{"name": "host", "count": 4}],
                    "device": [{"name": "gpu", "sms": 8}]},
        "workload": {"kind": "program", "file": str(path), "ranks": ranks}})


PING = """
def main(comm):
    if comm.rank == 0:
        yield comm.send(1, 1e6)
    elif comm.rank == 1:
        yield comm.recv(0)
    yield from comm.parallel_for(8, 1e6)
"""


def test_ranks_use_the_cpu_cores_not_the_sms(tmp_path):
    """2 nodes of 4 host cores + 8 SMs: one rank per node owns the 4 host cores (PEs
    0-3 and 12-15); the message costs alpha + n / beta as on a plain machine."""
    run = simulate(_device_machine(tmp_path, PING))
    assert run.summary["threads_per_rank"] == 4
    t = run.trace
    assert set(t.pe.tolist()) <= {0, 1, 2, 3, 12, 13, 14, 15}
    recv = (t.kind == KIND_CODE["recv"]) & (t.pe == 12)
    assert float(t.end_s[recv].max()) == pytest.approx(1e-6 + 1e6 / 10e9, rel=1e-12)


def test_more_ranks_than_cpu_cores_are_refused(tmp_path):
    with pytest.raises(scenario.ScenarioError, match=r"workload.ranks \(9\) must be at most "
                                                     r"the machine's 8 CPU cores"):
        simulate(_device_machine(tmp_path, PING, ranks=9))


def test_goal_schedule_on_a_heterogeneous_machine(tmp_path):
    path = tmp_path / "s.goal"
    path.write_text("num_ranks 2\nrank 0 {\nsend 8b to 1 tag 0\n}\n"
                    "rank 1 {\nrecv 8b from 0 tag 0\n}\n")
    sc = scenario.from_dict({
        "machine": {"nodes": 2, "network": {"latency_us": 1.0, "bandwidth_gbs": 8.0},
                    "cpu": [{"name": "host", "count": 2}], "device": [{"sms": 4}]},
        "workload": {"kind": "goal", "file": str(path)}})
    run = simulate(sc)
    assert run.makespan == pytest.approx(1e-6 + 8 / 8e9, rel=1e-12)
    assert set(run.trace.pe.tolist()) <= {0, 6}
