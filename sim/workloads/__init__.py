"""Workload generators, one module per motif, looked up by `kind`.

Each module defines `Params` (a dataclass with a `kind` class attribute and a
`tasks_estimate()` method) and `build(params, machine, rng) -> TaskGraph`, and
documents its FLOP count formula in its docstring.
"""

from __future__ import annotations

from importlib import import_module

_MODULES = ("matmul", "triad", "spmv", "reduction", "bag", "amdahl", "iobag", "cnn",
            "stencil", "summa", "montecarlo", "nbody", "fft", "pingpong", "allreduce", "bcast",
            "custom", "simd_loop", "hpl", "offload", "barrier", "allgather", "alltoall",
            "reduce_scatter", "scatter", "gather")

REGISTRY = {}
for _name in _MODULES:
    _mod = import_module(f".{_name}", __name__)
    REGISTRY[_mod.Params.kind] = _mod

KINDS = tuple(REGISTRY)


def module_for(kind: str):
    return REGISTRY[kind]
