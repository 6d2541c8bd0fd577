"""The API a user program sees: `def main(comm): yield comm.compute(...)`.

`main(comm, **args)` runs once per rank as a generator; every operation is yielded:

    yield comm.compute(flops, bytes=0, precision=, vector_fraction=, name=)
    yield comm.send(dest, nbytes, tag=0)          blocking (see messages.py: when it ends)
    status = yield comm.recv(source=ANY_SOURCE, tag=ANY_TAG)   -> Status(source, tag, nbytes)
    req = comm.isend(dest, nbytes, tag=0)         non-blocking: starts now, returns a request
    req = comm.irecv(source=ANY_SOURCE, tag=ANY_TAG)
    yield req / yield comm.wait(req)              -> its value (a Status for a receive)
    yield comm.waitall([r1, r2])                  -> their values
    i, value = yield comm.waitany([r1, r2])
    yield from comm.bcast(nbytes, root=0, algorithm="binomial")    collectives: yield from
    (barrier, bcast, reduce, allreduce, allgather, alltoall, reduce_scatter, scatter, gather)

Threads (one node's shared memory): a rank owns `comm.threads` PEs (thread k on the
k-th); `yield from comm.parallel_for(n, flops_per_iter, schedule=...)`,
`task = comm.spawn(fn, *args)` (fn(comm, *args) is a generator on another of the
rank's PEs), `result = yield comm.join(task)`, `with (yield comm.critical("name")):`
(a lock: who waits shows a `wait` span), `yield comm.thread_barrier()`.
`comm.rank`, `comm.size`, `comm.now` (seconds), `comm.thread`, `comm.threads`,
`comm.random` (a numpy Generator seeded from the scenario's seed and the rank).
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np

from .collective_ops import Collectives
from .errors import ProgramError
from .ops import ANY_SOURCE, ANY_TAG, COLL, Compute, Request, Thread
from .threads import (
    SCHEDULES,
    Acquire,
    Join,
    ThreadBarrier,
    WaitAny,
    next_chunk,
    prefix_sums,
    static_plan,
)

INF = math.inf


class Comm(Collectives):
    """One thread's view of the program: its rank, the clock and the operations."""

    def __init__(self, ex, rank: int, size: int, index: int, defaults: dict, seed: int):
        self._ex = ex
        self._th: Thread = cast(Thread, None)       # set once its thread is started
        self.rank = rank
        self.size = size
        self.thread = index
        self.threads = ex.threads
        self._defaults = defaults
        self._pe = ex.pe_of(rank, index)
        self._rate = ex.rate(defaults["precision"], defaults["vector_fraction"], pe=self._pe)
        self._seed = seed
        self._lines: dict[int, int] = {}      # its generator's instruction offset -> line

    # -- basics -------------------------------------------------------------------------

    @property
    def random(self):
        """The rank's numpy Generator, seeded from (scenario seed, rank); its threads
        share it."""
        rngs = self._ex.rngs
        rng = rngs.get(self.rank)
        if rng is None:
            rng = rngs[self.rank] = np.random.default_rng([self._seed, self.rank])
        return rng

    @property
    def now(self) -> float:
        """Simulated time in seconds."""
        return self._ex.now_of(self._th)

    def _line(self) -> int:
        """The line the thread's generator is at: frame.f_lineno, cached by the frame's
        instruction offset (f_lineno walks the code's line table at every read)."""
        frame = self._th.gen.gi_frame
        line = self._lines.get(frame.f_lasti)
        if line is None:
            line = self._lines[frame.f_lasti] = frame.f_lineno
        return line

    def _fail(self, what: str) -> ProgramError:
        ex = self._ex
        return ProgramError(f"{ex.label(ex.line_id(self._line()))} (rank {self.rank}): {what}")

    def compute(self, flops: float = 0.0, bytes: float = 0.0, precision: str | None = None,
                vector_fraction: float | None = None, name: str | None = None) -> Compute:
        """Arithmetic (FLOPs) and memory traffic (bytes) on this thread's PE."""
        if not (0.0 <= flops < INF and 0.0 <= bytes < INF):
            raise self._fail(f"compute needs flops and bytes >= 0, got {flops!r}, {bytes!r}")
        if precision is None and vector_fraction is None:
            k, lanes = self._rate
        else:
            d = self._defaults
            try:
                k, lanes = self._ex.rate(precision or d["precision"],
                                         d["vector_fraction"] if vector_fraction is None
                                         else vector_fraction, pe=self._pe)
            except KeyError:
                raise self._fail(f"compute precision must be one of fp64, fp32, fp16, bf16, "
                                 f"got {precision!r}") from None
        line = self._lines.get(self._th.gen.gi_frame.f_lasti)      # self._line(), inline
        if line is None:
            line = self._line()
        return Compute(flops, bytes, flops * k, lanes, line if name is None else (line, name))

    # -- point to point -----------------------------------------------------------------

    def _check_peer(self, peer: int, what: str, any_ok: bool) -> None:
        if not isinstance(peer, int) or not (0 <= peer < self.size or
                                             (any_ok and peer == ANY_SOURCE)):
            raise self._fail(f"{what} must be a rank in 0..{self.size - 1}"
                             f"{' or ANY_SOURCE' if any_ok else ''}, got {peer!r}")

    def isend(self, dest: int, nbytes: float, tag: int = 0) -> Request:
        """Start sending nbytes to rank `dest`; returns the request (yield it to wait)."""
        if not (type(dest) is int and 0 <= dest < self.size):      # the common case at once
            self._check_peer(dest, "dest", False)
        if not (type(tag) is int and tag >= 0):
            self._check_tag(tag)
        if not (nbytes >= 0 and nbytes < INF):      # (isfinite: False for inf and NaN)
            raise self._fail(f"nbytes must be >= 0, got {nbytes!r}")
        th = self._th
        line = self._lines.get(th.gen.gi_frame.f_lasti)      # self._line(), inline
        if line is None:
            line = self._line()
        return self._ex.isend(self.rank, dest, float(nbytes), tag, line, None, None, th)

    send = isend          # blocking: `yield comm.send(...)` waits for the request

    def _check_tag(self, tag) -> None:
        if not (isinstance(tag, int) and tag >= 0) and tag != COLL:
            raise self._fail(f"tag must be an integer >= 0, got {tag!r}")

    def irecv(self, source: int = ANY_SOURCE, tag: int = ANY_TAG) -> Request:
        """Post a receive; returns the request, whose value is a Status."""
        if not (type(source) is int and 0 <= source < self.size):  # the common case at once
            self._check_peer(source, "source", True)
        th = self._th
        line = self._lines.get(th.gen.gi_frame.f_lasti)      # self._line(), inline
        if line is None:
            line = self._line()
        return self._ex.irecv(self.rank, source, tag, line, None, th)

    recv = irecv          # blocking: `status = yield comm.recv(...)`

    @staticmethod
    def wait(req: Request) -> Request:
        return req

    @staticmethod
    def waitall(reqs) -> list:
        return list(reqs)

    @staticmethod
    def waitany(reqs) -> WaitAny:
        return WaitAny(list(reqs))

    # -- threads ------------------------------------------------------------------------

    def spawn(self, fn, *args, **kwargs):
        """Run generator function fn(comm, *args) as a new thread of this rank, on the
        next of its PEs (round robin over threads 1..threads-1, then 0); returns the task."""
        ex = self._ex
        ex.spawned[self.rank] = n = ex.spawned.get(self.rank, 0) + 1
        index = n % ex.threads if ex.threads > 1 else 0
        return self._start(fn, index, args, kwargs)

    def _start(self, fn, index, args=(), kwargs=None):
        ex = self._ex
        child = Comm(ex, self.rank, self.size, index, self._defaults, self._seed)
        gen = fn(child, *args, **(kwargs or {}))
        if not hasattr(gen, "send"):
            raise self._fail(f"spawn needs a generator function (one that yields), "
                             f"got {getattr(fn, '__name__', fn)!r}")
        child._th = th = ex.start(gen, self.rank, index, self._th)
        return th

    @staticmethod
    def join(tasks):
        """Wait for a task (its return value) or a list of tasks (their values)."""
        return Join(tasks)

    def critical(self, name: str = "critical"):
        """`with (yield comm.critical(name)):` holds the rank's lock `name` for the block."""
        return Acquire(name)

    def thread_barrier(self, parties: int | None = None):
        """Wait until `parties` threads of this rank (default: comm.threads) arrive."""
        return ThreadBarrier(parties or self.threads)

    def parallel_for(self, iterations: int, flops_per_iter, bytes_per_iter: float = 0.0,
                     schedule: str = "static", chunk: int = 0, name: str | None = None):
        """A loop split over the rank's threads, then joined. flops_per_iter: a number,
        a sequence (one per iteration) or a function of the iteration. Schedules (as
        OpenMP's): static: contiguous blocks (chunk 0) or chunks dealt round robin;
        dynamic: the next `chunk` (default 1) iterations to whichever thread is free;
        guided: the same with max(ceil(remaining / threads), chunk) iterations.
        Handing out a chunk costs nothing (no scheduling overhead is modelled)."""
        if schedule not in SCHEDULES:
            raise self._fail(f"schedule must be one of {', '.join(SCHEDULES)}, "
                             f"got {schedule!r}")
        if not isinstance(iterations, int) or iterations < 0 or chunk < 0:
            raise self._fail(f"iterations and chunk must be integers >= 0, got "
                             f"{iterations!r}, {chunk!r}")
        line = self._line() if name is None else (self._line(), name)
        T = self.threads
        try:
            prefix = prefix_sums(flops_per_iter, iterations)
        except (TypeError, ValueError) as exc:
            raise self._fail(f"flops_per_iter: {exc}") from None

        def op(comm, a, b):        # at the rate of the worker's core
            k, lanes = comm._rate
            f = prefix[b] - prefix[a] if prefix else (b - a) * flops_per_iter
            return Compute(f, (b - a) * bytes_per_iter, f * k, lanes, line)
        plan = static_plan(iterations, T, chunk) if schedule == "static" else None
        state = [0]

        def worker(comm, t):
            if plan is not None:
                for a, b in plan[t]:
                    yield op(comm, a, b)
                return
            while state[0] < iterations:
                a, b = next_chunk(state[0], iterations, T, schedule, chunk)
                state[0] = b
                yield op(comm, a, b)
        tasks = [self._start(worker, t, (t,)) for t in range(T)]
        yield Join(tasks)
