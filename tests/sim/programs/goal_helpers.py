"""Running a GOAL schedule in a test."""

from __future__ import annotations

from pathlib import Path

from parasim.sim import scenario
from parasim.sim.simulate import simulate

DATA = Path(__file__).parent / "data"
LOGGOPSIM_DEFAULTS = {"latency_us": 2.5, "overhead_us": 1.5, "gap_us": 1.0,
                      "bandwidth_gbs": 1 / 6, "rendezvous_bytes": 65535}   # G = 6 ns/B


def goal_run(path, nodes=16, network=None):
    return simulate(scenario.from_dict({
        "machine": {"nodes": nodes, "cores": 1,
                    "network": network if network is not None else LOGGOPSIM_DEFAULTS},
        "workload": {"kind": "goal", "file": str(path)}}))
