"""A GOAL schedule (LogGOPSim's text format): per rank, sends, receives and local
computations with their dependencies (sim/programs/goal.py reads it, runners/program.py
runs it). `calc N` keeps the rank's CPU busy N nanoseconds (no FLOPs: FLOPs 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..errors import ScenarioError
from ..spec import param
from .program import find


@dataclass
class Params:
    kind: ClassVar[str] = "goal"
    graphless: ClassVar[bool] = True
    no_weak_rule: ClassVar[str] = "a schedule lists every operation: generate a larger one"
    file: str = param("", help="GOAL schedule (text format: num_ranks, rank r { ... })")

    def tasks_estimate(self) -> int:
        return 1

    def validate(self, path: str) -> None:
        find(self.file, f"{path}.file")


def build(p: Params, machine, rng):
    raise ScenarioError("a GOAL schedule runs through its runner (runners/program.py)",
                        "workload")
