"""Ping-pong: two ranks bounce one message back and forth (the latency/bandwidth probe).

Rank A (PE 0) sends `bytes` to rank B (core 0 of node `peer_node`; with peer_node 0,
core 1 of node 0) and B sends them back, `repeats` times. Alone on the network each
round trip takes 2 (alpha + n / beta) (Hockney), so T / (2 repeats) measures alpha at
small n and n / beta at large n. No arithmetic: FLOPs 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..errors import ScenarioError
from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph


@dataclass
class Params:
    kind: ClassVar[str] = "pingpong"
    bytes: float = param(1e6, ge=0, unit="B", help="Message size n")
    repeats: int = param(10, ge=1, le=1_000_000, help="Round trips")
    peer_node: int = param(1, ge=0, help="Node of the second rank (0: another core of node 0)")

    def tasks_estimate(self) -> int:
        return 2 * self.repeats + 1

    def scaled(self, factor: float) -> Params:
        """Weak scaling: two ranks whatever the machine, so the PEs added take no part;
        the data moved grows instead: `factor` times the bytes (the time then grows
        like alpha + factor n / beta: a ping-pong never scales)."""
        return replace(self, bytes=self.bytes * factor)


def build(p: Params, machine, rng) -> TaskGraph:
    if p.peer_node >= machine.nodes:
        raise ScenarioError(f"workload.peer_node must be < machine.nodes ({machine.nodes}), "
                            f"got {p.peer_node}", "workload.peer_node")
    if p.peer_node == 0 and machine.cores < 2:
        raise ScenarioError("workload.peer_node = 0 needs machine.cores >= 2",
                            "workload.peer_node")
    a, b = 0, p.peer_node * machine.cores if p.peer_node else 1
    g = GraphBuilder()
    ping = g.add(0.0, owner=a, name="ping 0")
    for r in range(p.repeats):
        pong = g.add(0.0, owner=b, name=f"pong {r}")
        g.message(ping, pong, p.bytes, blocking=True)
        ping = g.add(0.0, owner=a, name=f"ping {r + 1}")
        g.message(pong, ping, p.bytes, blocking=True)
    return g.build()
