"""Workload generators, one module per motif, registered by `kind` (see base.py for
what a workload module provides). Generators build graphs; they never run anything.

MODULES names each kind's module; a module is imported the first time its kind is
looked up (`module_for`, REGISTRY[kind]), so loading a scenario imports only the
generators it uses.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module

from .base import Workload

# kind -> module of sim/workloads, in the order the form and the messages list them
MODULES = {
    "matmul": "matmul", "triad": "triad", "spmv": "spmv", "reduction": "reduction",
    "bag": "bag", "amdahl": "amdahl", "io-bag": "iobag", "cnn": "cnn", "stencil": "stencil",
    "summa": "summa", "montecarlo": "montecarlo", "nbody": "nbody", "fft": "fft",
    "pingpong": "pingpong", "allreduce": "allreduce", "bcast": "bcast", "custom": "custom",
    "simd-loop": "simd_loop", "hpl": "hpl", "offload": "offload", "barrier": "barrier",
    "allgather": "allgather", "alltoall": "alltoall", "reduce-scatter": "reduce_scatter",
    "scatter": "scatter", "gather": "gather", "hetero-dag": "hetero_dag",
    "hpl-node": "lu_tiles", "transformer": "transformer", "program": "program",
    "goal": "goal"}
KINDS = tuple(MODULES)


class _Registry(Mapping[str, Workload]):
    """kind -> workload module, imported on first lookup."""

    def __getitem__(self, kind: str) -> Workload:
        if kind not in MODULES:
            raise KeyError(kind)
        return import_module(f".{MODULES[kind]}", __name__)

    def __iter__(self) -> Iterator[str]:
        return iter(MODULES)

    def __len__(self) -> int:
        return len(MODULES)


REGISTRY: Mapping[str, Workload] = _Registry()


def module_for(kind: str) -> Workload:
    return REGISTRY[kind]
