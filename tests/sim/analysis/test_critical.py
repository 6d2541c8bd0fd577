"""The critical path as run, on hand DAGs, and on simulated runs."""

import numpy as np
import pytest

from parasim.sim.analysis.critical import critical_path
from parasim.sim.simulate import simulate
from tests.helpers import scenario
from tests.trace_factory import make_trace


def test_hand_dag_with_a_gap_and_a_stall():
    """0 on PE0 [0,2); 1 on PE1 [0,1); 2 needs 0 and 1, runs on PE1 [3,4) + stall [4,5):
    the path is 0 -> 2, waiting 1 s between them."""
    tr = make_trace([(0, "compute", 0, 0.0, 2.0, 1.0), (1, "compute", 1, 0.0, 1.0, 1.0),
                     (1, "compute", 2, 3.0, 4.0, 1.0), (1, "stall", 2, 4.0, 5.0, 0.0)])
    cp = critical_path(tr, 3, np.array([0, 0, 0, 2]), np.array([0, 1]), [], [])
    assert list(cp["tasks"]) == [0, 2] and list(cp["messages"]) == []
    assert cp["time_s"] == pytest.approx({"compute": 3.0, "memory": 1.0, "network": 0.0,
                                          "waiting": 1.0})
    assert cp["length_s"] == 5.0 and cp["dominant"] == "compute"


def test_hand_dag_through_a_message():
    """0 on PE0 computes [0,1) and sends message 0 at 1; it arrives at 4; task 1 on PE1
    waits in recv [0,4), computes [4,5): compute 2 s, network 3 s."""
    tr = make_trace([(0, "compute", 0, 0.0, 1.0, 1.0), (0, "send", 0, 1.0, 1.0, 0.0, 8.0, 1, 0),
                     (1, "recv", 1, 0.0, 4.0, 0.0, 8.0, 0, 0), (1, "compute", 1, 4.0, 5.0, 1.0)])
    cp = critical_path(tr, 2, np.zeros(3, np.int64), np.zeros(0, np.int64), [0], [1],
                       np.array([1.0]), np.array([4.0]))
    assert list(cp["tasks"]) == [0, 1] and list(cp["messages"]) == [0]
    assert cp["time_s"] == pytest.approx({"compute": 2.0, "memory": 0.0, "network": 3.0,
                                          "waiting": 0.0})
    assert cp["dominant"] == "network"


@pytest.mark.parametrize("kind, kw, machine", [
    ("pingpong", {"bytes": 1e5, "repeats": 3}, {"nodes": 2, "cores": 1}),
    ("triad", {"n": 1 << 16, "tasks": 16}, {"nodes": 1, "cores": 8}),
])
def test_a_simulated_path_adds_up_to_the_makespan(kind, kw, machine):
    run = simulate(scenario(kind, machine_kw=machine, **kw), baseline=False)
    cp = run.extras["critical_path"]
    assert cp["length_s"] == pytest.approx(run.makespan)
    assert sum(cp["time_s"].values()) == pytest.approx(run.makespan)
    assert run.summary["critical_path_dominant"] == cp["dominant"]
    if kind == "pingpong":
        # no arithmetic: every second on the path is a message flying
        assert cp["time_s"]["network"] == pytest.approx(run.makespan)
        assert cp["dominant"] == "network" and len(cp["messages"]) >= 5


def test_a_task_that_waited_for_its_core_follows_the_core():
    """Independent tasks 0 [0,2) (1 s compute, 1 s stall) and 1 [2,3) on one PE: the
    second waited for the core, so the path is 0 -> 1: 1 s compute, 2 s memory."""
    tr = make_trace([(0, "compute", 0, 0.0, 1.0, 1.0, 8.0), (0, "stall", 0, 1.0, 2.0, 0.0),
                     (0, "stall", 1, 2.0, 3.0, 0.0, 8.0)])
    cp = critical_path(tr, 2, np.zeros(3, np.int64), np.zeros(0, np.int64), [], [])
    assert list(cp["tasks"]) == [0, 1]
    assert cp["time_s"] == pytest.approx({"compute": 1.0, "memory": 2.0, "network": 0.0,
                                          "waiting": 0.0})
    assert cp["dominant"] == "memory"


def test_a_receive_overhead_charged_before_the_task_began_does_not_loop():
    """LogGOPS receive overhead charged at the message's arrival (engine/arrivals.py)
    puts a receive-only task's one span before its dependencies finished. The path must
    still be a chain back in time (it looped forever and ate the memory): each task on
    it begins no earlier than the one before it finished or its message arrived, and the
    time adds up to the makespan. A 2-node HPL with LogGOPSim's o and g."""
    from parasim.sim.scenario import apply_overrides, from_dict, load, to_dict
    sc = from_dict(apply_overrides(to_dict(load("top500-fugaku-slice")), [
        "machine.nodes=2", "machine.cores=2", "workload.n=2048", "workload.nb=256",
        "workload.p=2", "workload.q=2", "machine.network.overhead_us=1.5",
        "machine.network.gap_us=0.7"]))
    run = simulate(sc, baseline=False)
    cp = run.extras["critical_path"]
    assert len(set(cp["tasks"].tolist())) == len(cp["tasks"]) > 10
    assert sum(cp["time_s"].values()) == pytest.approx(run.makespan)
    assert cp["time_s"]["waiting"] < 0.05 * run.makespan     # HPL: compute-bound
    assert cp["dominant"] == "compute"


def test_a_task_that_did_nothing_begins_when_its_dependencies_end():
    """Task 1 has no span (a join); 2 follows it. 0 [0,1) compute, 2 [1,3) compute on
    the same PE: the path is 0 -> 1 -> 2, 3 s of compute, nothing waiting."""
    tr = make_trace([(0, "compute", 0, 0.0, 1.0, 1.0, 8.0),
                     (0, "compute", 2, 1.0, 3.0, 2.0, 8.0)])
    dep_ptr = np.array([0, 0, 1, 2], np.int64)
    cp = critical_path(tr, 3, dep_ptr, np.array([0, 1], np.int64), [], [])
    assert list(cp["tasks"]) == [0, 1, 2]
    assert cp["time_s"] == pytest.approx({"compute": 3.0, "memory": 0.0, "network": 0.0,
                                          "waiting": 0.0})
