"""The user's own program: a Python file whose `main(comm, **args)` runs once per rank.

`ranks` ranks (0: one per node), each owning machine PEs // ranks consecutive PEs
for its threads (parallel_for, spawn). The program runs in sim/programs/ (through
runners/program.py), not as a task graph: it may branch on what it observes. FLOPs:
the sum of the FLOPs its operations compute.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import ClassVar

from ..errors import ScenarioError
from ..spec import param
from .common import precision_param, vector_param


def find(file: str, path: str) -> Path:
    """The file as given, else the example of that name in the package's
    assets/programs/ (read through importlib.resources: a wheel install finds it too)."""
    p = Path(file)
    if p.is_file():
        return p
    example = files("parasim.assets").joinpath("programs").joinpath(file)
    if file and example.is_file():
        return Path(str(example))
    raise ScenarioError(f"{path} {file!r} does not exist (nor is it an example in "
                        f"assets/programs/)", path)


@dataclass
class Params:
    kind: ClassVar[str] = "program"
    graphless: ClassVar[bool] = True        # no task graph: no one-core baseline
    no_weak_rule: ClassVar[str] = "a program scales itself: vary workload.args or ranks"
    file: str = param("", help="Python file defining main(comm, **args)")
    ranks: int = param(0, ge=0, le=1_000_000, help="Ranks (0: one per node); each owns "
                                                   "PEs / ranks PEs for its threads")
    args: dict = param(default_factory=dict, help="Keyword arguments passed to main")
    precision: str = precision_param()
    vector_fraction: float = vector_param()

    def tasks_estimate(self) -> int:
        return 1             # unknown until it runs: the executor stops runaway programs

    def validate(self, path: str) -> None:
        find(self.file, f"{path}.file")


def build(p: Params, machine, rng):
    raise ScenarioError("a program runs through its runner (runners/program.py)", "workload")
