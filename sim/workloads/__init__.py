"""Workload generators, one module per motif, registered by `kind` (see base.py for
what a workload module provides). Generators build graphs; they never run anything.
"""

from __future__ import annotations

from . import (
    allgather,
    allreduce,
    alltoall,
    amdahl,
    bag,
    barrier,
    bcast,
    cnn,
    custom,
    fft,
    gather,
    goal,
    hetero_dag,
    hpl,
    iobag,
    lu_tiles,
    matmul,
    montecarlo,
    nbody,
    offload,
    pingpong,
    program,
    reduce_scatter,
    reduction,
    scatter,
    simd_loop,
    spmv,
    stencil,
    summa,
    transformer,
    triad,
)
from .base import Workload

_MODULES: tuple[Workload, ...] = (
    matmul, triad, spmv, reduction, bag, amdahl, iobag, cnn, stencil, summa, montecarlo,
    nbody, fft, pingpong, allreduce, bcast, custom, simd_loop, hpl, offload, barrier,
    allgather, alltoall, reduce_scatter, scatter, gather, hetero_dag, lu_tiles, transformer,
    program, goal)

REGISTRY: dict[str, Workload] = {m.Params.kind: m for m in _MODULES}
KINDS = tuple(REGISTRY)


def module_for(kind: str) -> Workload:
    return REGISTRY[kind]
