"""What a workload is: a module with a `Params` dataclass and a `build` function.

    Params            dataclass of the [workload] table; class attribute `kind`;
                      `tasks_estimate()` (the size guard's task count)
    build(p, machine, rng) -> TaskGraph    builds the graph; never runs anything
    Params.scaled(factor) -> Params        optional weak-scaling rule (WeakScalable):
                      the problem grown with the PEs (factor = P / P0)

Every module documents its FLOP count formula in its docstring (and a test checks it).
Modules are registered explicitly in workloads/__init__.py.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from ..taskgraph import TaskGraph


class WorkloadParams(Protocol):
    kind: ClassVar[str]

    def tasks_estimate(self) -> int: ...


class WeakScalable(Protocol):
    """Params with a weak-scaling rule."""

    def scaled(self, factor: float) -> Any: ...


def has_weak_rule(params: object) -> bool:
    """Whether `params` is WeakScalable (checked on its class each time, not cached)."""
    return callable(getattr(type(params), "scaled", None))


class Workload(Protocol):
    """A workload module (a module satisfies a Protocol of its attributes)."""

    @property
    def Params(self) -> type[WorkloadParams]: ...  # noqa: N802 (the module's class)

    def build(self, p: Any, machine: Any, rng: Any, /) -> TaskGraph: ...
