"""A workload as a DAG of tasks, stored column-wise in numpy arrays.

Task i has `flops`, `bytes` (memory traffic), a precision, a `vector_fraction`, a
`lane_efficiency` and an optional `owner` PE (-1: any PE). Its predecessors are
`dep_idx[dep_ptr[i]:dep_ptr[i+1]]`, and every predecessor has a smaller index, so
index order is a topological order. Messages carry `msg_bytes` from the end of task
`msg_src` to the start of a later task `msg_dst`; `msg_blocking` marks blocking sends
(empty: none are; see transport.py). Optional I/O waits: task i runs its
compute in `io_count[i] + 1` equal bursts separated by `io_count[i]` waits of
`io_wait_s[i]` seconds (see timeslice.py); None means no I/O.

Heterogeneous machines (engine/hetero.py), all optional (None: any unit, vector work,
no data to move): `where[i]` says where task i may run (WHERE_ANY, WHERE_CPU,
WHERE_GPU, or k >= 0: the unit group named `where_groups[k]`); `matrix[i]` marks
matrix-shaped work (matmul, conv: it may use matrix units); `block[i]` marks a GPU
kernel's thread block (ready a launch latency after its dependencies); `dep_bytes`,
parallel to `dep_idx`, gives the bytes task i reads from that predecessor's output,
which the engine copies to i's memory domain first if it lives elsewhere.
"""

from __future__ import annotations

import dataclasses
from array import array
from dataclasses import dataclass, field

import numpy as np

PRECISION_BITS = {"fp64": 64, "fp32": 32, "fp16": 16, "bf16": 16}
PRECISIONS = tuple(PRECISION_BITS)
WHERE_ANY, WHERE_CPU, WHERE_GPU = -1, -2, -3
WHERE_CODES = {"any": WHERE_ANY, "cpu": WHERE_CPU, "gpu": WHERE_GPU}


def _packed(code: str, values: np.ndarray) -> array:
    """`values` as a packed array.array of type `code` ("q": int64, "d": float64)."""
    return array(code, np.ascontiguousarray(values, np.int64 if code == "q" else np.float64)
                 .tobytes())


@dataclass(frozen=True)
class TaskGraph:
    flops: np.ndarray
    bytes: np.ndarray
    precision: np.ndarray          # int8 index into PRECISIONS
    vector_fraction: np.ndarray
    lane_efficiency: np.ndarray
    owner: np.ndarray              # int32, -1 = any PE
    dep_ptr: np.ndarray            # int64, n + 1
    dep_idx: np.ndarray            # int32
    names: tuple[str, ...] | None = None
    msg_src: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    msg_dst: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    msg_bytes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    msg_blocking: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    io_count: np.ndarray | None = None     # int32 I/O waits per task
    io_wait_s: np.ndarray | None = None    # float64 seconds per wait
    where: np.ndarray | None = None        # int16 (module docstring)
    where_groups: tuple[str, ...] = ()
    matrix: np.ndarray | None = None       # bool
    block: np.ndarray | None = None        # bool
    dep_bytes: np.ndarray | None = None    # float64, parallel to dep_idx

    @property
    def hetero(self) -> bool:
        """True when any heterogeneous column is set."""
        return any(c is not None for c in (self.where, self.matrix, self.block,
                                           self.dep_bytes))

    @property
    def n(self) -> int:
        return len(self.flops)

    @property
    def total_flops(self) -> float:
        return float(self.flops.sum())

    def deps(self, i: int) -> np.ndarray:
        return self.dep_idx[self.dep_ptr[i]:self.dep_ptr[i + 1]]

    def successors(self) -> tuple[np.ndarray, np.ndarray]:
        """CSR of successors (succ_ptr, succ_idx), each list in increasing order."""
        n = self.n
        counts = np.diff(self.dep_ptr)
        child = np.repeat(np.arange(n, dtype=np.int32), counts)
        order = np.lexsort((child, self.dep_idx))
        succ_idx = child[order].astype(np.int32)
        succ_ptr = np.zeros(n + 1, np.int64)
        np.cumsum(np.bincount(self.dep_idx, minlength=n), out=succ_ptr[1:])
        return succ_ptr, succ_idx

    def longest_path(self, durations, msg_s=None) -> float:
        """Length of the critical path, the makespan with unlimited PEs and no contention:
        the largest finish(t) = durations[t] + max(0, finish(d) for each dependency d,
        finish(src) + msg_s[m] for each message m into t (only given msg_s, seconds
        per message)). The one definition: analysis/metrics and the transport use it."""
        n = self.n
        if n == 0:
            return 0.0
        durs = np.asarray(durations, np.float64)
        inward = np.diff(self.dep_ptr) > 0           # tasks with a dependency or a message in
        in_ptr, in_src, in_s = array("q"), array("q"), array("d")
        if msg_s is not None and len(self.msg_src):
            by_dst = np.argsort(self.msg_dst, kind="stable")
            counts = np.bincount(self.msg_dst, minlength=n)
            inward |= counts > 0
            in_ptr = _packed("q", np.r_[0, np.cumsum(counts)])
            in_src = _packed("q", self.msg_src[by_dst])
            in_s = _packed("d", np.asarray(msg_s, np.float64)[by_dst])
        # the others finish at their duration: only these need the loop (a bag of
        # independent tasks needs none); the columns it reads are packed arrays, which
        # take a quarter of the memory of lists of Python numbers
        finish = (0.0 + durs).tolist()
        dur = _packed("d", durs)
        ptr, idx = _packed("q", self.dep_ptr), _packed("q", self.dep_idx)
        for t in np.flatnonzero(inward).tolist():
            start = 0.0
            for d in idx[ptr[t]:ptr[t + 1]]:
                if finish[d] > start:
                    start = finish[d]
            if in_ptr:
                for k in range(in_ptr[t], in_ptr[t + 1]):
                    f = finish[in_src[k]] + in_s[k]
                    if f > start:
                        start = f
            finish[t] = start + dur[t]
        return max(finish)

    def bottom_levels(self, durations: np.ndarray) -> np.ndarray:
        """Longest path from each task to an exit, its own duration included."""
        succ_ptr, succ_idx = self.successors()
        level = durations.astype(np.float64).copy()
        for i in range(self.n - 1, -1, -1):
            a, b = succ_ptr[i], succ_ptr[i + 1]
            if b > a:
                level[i] += level[succ_idx[a:b]].max()
        return level

    def check(self) -> None:
        """Raise ValueError if the arrays disagree or a dependency points forward."""
        n = self.n
        for name in ("bytes", "precision", "vector_fraction", "lane_efficiency", "owner"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"task graph column {name} has the wrong length")
        if len(self.dep_ptr) != n + 1 or self.dep_ptr[-1] != len(self.dep_idx):
            raise ValueError("task graph dependency pointers are inconsistent")
        child = np.repeat(np.arange(n), np.diff(self.dep_ptr))
        if np.any(self.dep_idx >= child) or np.any(self.dep_idx < 0):
            raise ValueError("task graph dependencies must point to earlier tasks")
        if np.any(self.flops < 0) or np.any(self.bytes < 0):
            raise ValueError("task flops and bytes must be >= 0")
        src, dst = self.msg_src, self.msg_dst
        if len(dst) != len(src) or len(self.msg_bytes) != len(src) \
                or len(self.msg_blocking) not in (0, len(src)):
            raise ValueError("task graph message columns have different lengths")
        if len(src) and (src.min() < 0 or dst.max() >= n or np.any(src >= dst)):
            raise ValueError("a message must go from a task to a later task of the graph")
        if np.any(self.msg_bytes < 0):
            raise ValueError("message bytes must be >= 0")
        for name in ("where", "matrix", "block"):
            col = getattr(self, name)
            if col is not None and len(col) != n:
                raise ValueError(f"task graph column {name} has the wrong length")
        if self.dep_bytes is not None and len(self.dep_bytes) != len(self.dep_idx):
            raise ValueError("task graph column dep_bytes has the wrong length")


class GraphBuilder:
    """Append tasks one at a time; `build()` returns the TaskGraph."""

    def __init__(self, precision: str = "fp64", vector_fraction: float = 1.0,
                 lane_efficiency: float = 1.0):
        self._prec = PRECISIONS.index(precision)
        self._vf = vector_fraction
        self._le = lane_efficiency
        self.flops: list[float] = []
        self.bytes: list[float] = []
        self.owner: list[int] = []
        self.dep_ptr: list[int] = [0]
        self.dep_idx: list[int] = []
        self.names: list[str] = []
        self.msgs: list[tuple[int, int, float, bool]] = []
        self.where: list[int] = []
        self.groups: list[str] = []
        self.matrix: list[bool] = []
        self.block: list[bool] = []
        self.dep_bytes: list[float] = []
        self.hetero = False

    def add(self, flops: float, nbytes: float = 0.0, deps=(), owner: int = -1,
            name: str = "", where: str = "any", matrix: bool = False, block: bool = False,
            reads=None) -> int:
        """Add a task after its `deps` (earlier task indices); return its index.
        Heterogeneous: `where` (any | cpu | gpu | a unit group's name), `matrix`,
        `block`, `reads` (bytes read from each dep's output, same order as `deps`)."""
        i = len(self.flops)
        deps = list(deps)
        self.flops.append(flops)
        self.bytes.append(nbytes)
        self.owner.append(owner)
        self.dep_idx.extend(deps)
        self.dep_ptr.append(len(self.dep_idx))
        self.names.append(name)
        code = WHERE_CODES.get(where)
        if code is None:
            if where not in self.groups:
                self.groups.append(where)
            code = self.groups.index(where)
        self.where.append(code)
        self.matrix.append(matrix)
        self.block.append(block)
        reads = [0.0] * len(deps) if reads is None else list(reads)
        if len(reads) != len(deps):
            raise ValueError("reads must give one byte count per dependency")
        self.dep_bytes.extend(reads)
        self.hetero |= code != WHERE_ANY or matrix or block or any(reads)
        return i

    def message(self, src: int, dst: int, nbytes: float, blocking: bool = False) -> None:
        """Send `nbytes` from the end of task `src` to the start of task `dst` (> src)."""
        self.msgs.append((src, dst, nbytes, blocking))

    def build(self) -> TaskGraph:
        n = len(self.flops)
        src, dst, nb, blk = zip(*self.msgs) if self.msgs else ((), (), (), ())
        g = TaskGraph(
            flops=np.asarray(self.flops, np.float64),
            bytes=np.asarray(self.bytes, np.float64),
            precision=np.full(n, self._prec, np.int8),
            vector_fraction=np.full(n, self._vf, np.float64),
            lane_efficiency=np.full(n, self._le, np.float64),
            owner=np.asarray(self.owner, np.int32),
            dep_ptr=np.asarray(self.dep_ptr, np.int64),
            dep_idx=np.asarray(self.dep_idx, np.int32),
            names=tuple(self.names) if any(self.names) else None,
            msg_src=np.asarray(src, np.int32),
            msg_dst=np.asarray(dst, np.int32),
            msg_bytes=np.asarray(nb, np.float64),
            msg_blocking=np.asarray(blk, bool),
        )
        if self.hetero:
            g = dataclasses.replace(
                g, where=np.asarray(self.where, np.int16), where_groups=tuple(self.groups),
                matrix=np.asarray(self.matrix, bool), block=np.asarray(self.block, bool),
                dep_bytes=np.asarray(self.dep_bytes, np.float64))
        g.check()
        return g


def independent(flops: np.ndarray, nbytes: np.ndarray, precision: str = "fp64",
                vector_fraction: float = 1.0, lane_efficiency: float = 1.0) -> TaskGraph:
    """A graph of independent tasks built straight from arrays (fast for millions)."""
    n = len(flops)
    g = TaskGraph(
        flops=np.asarray(flops, np.float64),
        bytes=np.asarray(nbytes, np.float64),
        precision=np.full(n, PRECISIONS.index(precision), np.int8),
        vector_fraction=np.full(n, vector_fraction, np.float64),
        lane_efficiency=np.full(n, lane_efficiency, np.float64),
        owner=np.full(n, -1, np.int32),
        dep_ptr=np.zeros(n + 1, np.int64),
        dep_idx=np.zeros(0, np.int32),
    )
    g.check()
    return g


def restrict(graph: TaskGraph, where: str) -> TaskGraph:
    """The graph with every task allowed only `where` (any, cpu, gpu or a group name)."""
    code = WHERE_CODES.get(where, 0)
    return dataclasses.replace(graph, where=np.full(graph.n, code, np.int16),
                               where_groups=() if where in WHERE_CODES else (where,))


TAG = " @ "


def tagged(layer: str, tag: str) -> str:
    """Task name for one piece of a layer: 'conv1_1 @ pe3'."""
    return f"{layer}{TAG}{tag}"


def layer_of(task_name: str) -> str:
    """The layer a task belongs to: its name without the last ' @ tag'."""
    return task_name.rsplit(TAG, 1)[0]


def is_layered(graph: TaskGraph) -> bool:
    """True when the graph's tasks are named `layer @ tag` (a neural network's layers)."""
    names = graph.names
    return names is not None and len(names) > 0 and TAG in names[0]
