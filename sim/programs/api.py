"""The API a user program sees: `def main(comm): yield comm.compute(...)`.

`main(comm, **args)` runs once per rank as a generator; every operation is yielded:

    yield comm.compute(flops, bytes=0, precision=, vector_fraction=, name=)
    yield comm.send(dest, nbytes, tag=0)          blocking (see executor.py: when it ends)
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
from collections import deque
from typing import cast

import numpy as np

from ..workloads import collectives as lib
from .errors import ProgramError
from .executor import ANY_SOURCE, ANY_TAG, Compute, Request, Thread

INF = math.inf
COLL = -2                        # the tag of the collectives' messages (never ANY_TAG's)
SCHEDULES = ("static", "dynamic", "guided")


class Comm:
    """One thread's view of the program: its rank, the clock and the operations."""

    def __init__(self, ex, rank: int, size: int, index: int, defaults: dict, seed: int):
        self._ex = ex
        self._th: Thread = cast(Thread, None)       # set once its thread is started
        self.rank = rank
        self.size = size
        self.thread = index
        self.threads = ex.threads
        self._defaults = defaults
        self._rate = ex.rate(defaults["precision"], defaults["vector_fraction"])
        self._seed = seed

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
        return self._th.gen.gi_frame.f_lineno

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
                                         else vector_fraction)
            except KeyError:
                raise self._fail(f"compute precision must be one of fp64, fp32, fp16, bf16, "
                                 f"got {precision!r}") from None
        line = self._th.gen.gi_frame.f_lineno
        return Compute(flops, bytes, flops * k, lanes, line if name is None else (line, name))

    # -- point to point -----------------------------------------------------------------

    def _check_peer(self, peer: int, what: str, any_ok: bool) -> None:
        if not isinstance(peer, int) or not (0 <= peer < self.size or
                                             (any_ok and peer == ANY_SOURCE)):
            raise self._fail(f"{what} must be a rank in 0..{self.size - 1}"
                             f"{' or ANY_SOURCE' if any_ok else ''}, got {peer!r}")

    def isend(self, dest: int, nbytes: float, tag: int = 0) -> Request:
        """Start sending nbytes to rank `dest`; returns the request (yield it to wait)."""
        self._check_peer(dest, "dest", False)
        if not (isinstance(tag, int) and tag >= 0) and tag != COLL:
            raise self._fail(f"tag must be an integer >= 0, got {tag!r}")
        if not (nbytes >= 0 and math.isfinite(nbytes)):
            raise self._fail(f"nbytes must be >= 0, got {nbytes!r}")
        return self._ex.isend(self.rank, dest, float(nbytes), tag, self._line(), thread=self._th)

    send = isend          # blocking: `yield comm.send(...)` waits for the request

    def irecv(self, source: int = ANY_SOURCE, tag: int = ANY_TAG) -> Request:
        """Post a receive; returns the request, whose value is a Status."""
        self._check_peer(source, "source", True)
        return self._ex.irecv(self.rank, source, tag, self._line(), thread=self._th)

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

    # -- collectives (the algorithms of sim/workloads/collectives.py) ---------------------

    def _rel(self, root: int) -> int:
        self._check_peer(root, "root", False)
        return (self.rank - root) % self.size

    def barrier(self):
        """Dissemination: in round r send to rank + 2^r, receive from rank - 2^r."""
        yield from self._steps(lib.barrier_steps(self.size))

    def bcast(self, nbytes: float, root: int = 0, algorithm: str = "binomial"):
        """`binomial` tree, `linear` (the root sends to each rank in turn), van de Geijn's
        `scatter-ring` / `scatter-doubling` (binomial scatter of n / P blocks, then a
        ring / recursive-doubling allgather) or `auto` (MPICH's choice)."""
        algorithm = self._pick("bcast", algorithm, lib.BCAST, nbytes)
        P, v = self.size, self._rel(root)
        if algorithm.startswith("scatter-"):
            yield from self.scatter(nbytes / P, root)
            ag = lib.bcast_allgather(algorithm)
            yield from self._steps(lib.allgather_steps(P, nbytes / P, ag), root=root)
        elif algorithm == "linear":
            if v == 0:
                for w in range(1, P):
                    yield self.send((w + root) % P, nbytes, COLL)
            else:
                yield self.recv(root, COLL)
        else:
            if v:
                yield self.recv((v - (1 << (v.bit_length() - 1)) + root) % P, COLL)
            k = v.bit_length()
            while v + (1 << k) < P:
                yield self.send((v + (1 << k) + root) % P, nbytes, COLL)
                k += 1

    def reduce(self, nbytes: float, root: int = 0, elem: int = 8, algorithm: str = "binomial"):
        """Binomial tree: add each child's partial result (nbytes / elem FLOPs), then send
        it to the parent v - lowbit(v)."""
        self._choice(algorithm, ("binomial",))
        P, v = self.size, self._rel(root)
        k = 0
        while (v == 0 or k < (v & -v).bit_length() - 1) and v + (1 << k) < P:
            yield self.recv((v + (1 << k) + root) % P, COLL)
            yield self.compute(nbytes / elem)
            k += 1
        if v:
            yield self.send((v - (v & -v) + root) % P, nbytes, COLL)

    def allreduce(self, nbytes: float, algorithm: str = "ring", elem: int = 8):
        """`ring` (reduce-scatter + allgather in chunks of n / P), `tree` (reduce then
        bcast), `recursive-doubling`, `rabenseifner` or `auto` (MPICH's choice)."""
        algorithm = self._pick("allreduce", algorithm, lib.ALLREDUCE, nbytes, elem)
        if algorithm == "tree":
            yield from self.reduce(nbytes, 0, elem)
            yield from self.bcast(nbytes, 0)
        else:
            yield from self._steps(lib.allreduce_steps(self.size, nbytes, algorithm), elem)

    def reduce_scatter(self, nbytes: float, elem: int = 8, algorithm: str = "pairwise"):
        """Rank i ends with block i (n / P) of the sum: `pairwise`, `recursive-halving`
        or `auto` (MPICH's choice)."""
        algorithm = self._pick("reduce-scatter", algorithm, lib.REDUCE_SCATTER, nbytes, elem)
        yield from self._steps(lib.reduce_scatter_steps(self.size, nbytes, algorithm), elem)

    def allgather(self, nbytes: float, algorithm: str = "ring"):
        """Each rank's block of nbytes to all: `ring`, `recursive-doubling`, `bruck` or
        `auto` (MPICH's choice)."""
        algorithm = self._pick("allgather", algorithm, lib.ALLGATHER, nbytes)
        yield from self._steps(lib.allgather_steps(self.size, nbytes, algorithm))

    def alltoall(self, nbytes: float, algorithm: str = "pairwise"):
        """A block of nbytes from each rank to each: `pairwise`, `bruck` or `auto`."""
        algorithm = self._pick("alltoall", algorithm, lib.ALLTOALL, nbytes)
        yield from self._steps(lib.alltoall_steps(self.size, nbytes, algorithm))

    def scatter(self, nbytes: float, root: int = 0, algorithm: str = "binomial"):
        """Binomial: receive the subtree's blocks from the parent, hand each child its
        own (largest first)."""
        self._choice(algorithm, ("binomial",))
        P, v = self.size, self._rel(root)
        if v:
            yield self.recv((v - (v & -v) + root) % P, COLL)
        for c, k in lib.scatter_children(v, P):
            yield self.send((c + root) % P, k * nbytes, COLL)

    def gather(self, nbytes: float, root: int = 0, algorithm: str = "binomial"):
        """Binomial (scatter reversed): receive each child's blocks (smallest first),
        then send the subtree's min(lowbit(v), P - v) blocks to the parent."""
        self._choice(algorithm, ("binomial",))
        P, v = self.size, self._rel(root)
        for c, _ in reversed(lib.scatter_children(v, P)):
            yield self.recv((c + root) % P, COLL)
        if v:
            yield self.send((v - (v & -v) + root) % P, min(v & -v, P - v) * nbytes, COLL)

    def _steps(self, steps, elem: int = 8, root: int = 0):
        """This rank's part of a library schedule (collectives.Step) on ranks relative
        to `root`: in each step send what it sends, then receive (and add) what it gets."""
        P = self.size
        me = (self.rank - root) % P
        for st in steps:
            for src, dst, m in st.sends:
                if src == me:
                    yield self.send((dst + root) % P, m, COLL)
            for src, dst, m in st.sends:
                if dst == me:
                    yield self.recv((src + root) % P, COLL)
                    if st.add:
                        yield self.compute(m / elem)

    def _pick(self, collective: str, algorithm: str, known, nbytes: float,
              elem: int = 8) -> str:
        self._choice(algorithm, known)
        if algorithm == "auto":
            return lib.auto(collective, nbytes, self.size, elem)
        why = lib.check_algorithm(collective, algorithm, self.size)
        if why:
            raise self._fail(why)
        return algorithm

    def _choice(self, algorithm: str, known) -> None:
        if algorithm not in known:
            raise self._fail(f"algorithm must be one of {', '.join(known)}, got {algorithm!r}")

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
            prefix = _prefix(flops_per_iter, iterations)
        except (TypeError, ValueError) as exc:
            raise self._fail(f"flops_per_iter: {exc}") from None
        k, lanes = self._ex.rate(self._defaults["precision"], self._defaults["vector_fraction"])

        def op(a, b):
            f = prefix[b] - prefix[a] if prefix else (b - a) * flops_per_iter
            return Compute(f, (b - a) * bytes_per_iter, f * k, lanes, line)
        plan = static_plan(iterations, T, chunk) if schedule == "static" else None
        state = [0]

        def worker(_comm, t):
            if plan is not None:
                for a, b in plan[t]:
                    yield op(a, b)
                return
            while state[0] < iterations:
                a, b = next_chunk(state[0], iterations, T, schedule, chunk)
                state[0] = b
                yield op(a, b)
        tasks = [self._start(worker, t, (t,)) for t in range(T)]
        yield Join(tasks)


def _prefix(flops_per_iter, iterations: int) -> list[float] | None:
    """Running sums of the per-iteration FLOPs (None when they are all one number)."""
    if isinstance(flops_per_iter, (int, float)):
        return None
    cost = ([flops_per_iter(i) for i in range(iterations)] if callable(flops_per_iter)
            else list(flops_per_iter))
    if len(cost) != iterations:
        raise ValueError(f"{len(cost)} values for {iterations} iterations")
    prefix = [0.0]
    for c in cost:
        prefix.append(prefix[-1] + float(c))
    return prefix


def static_plan(iterations: int, threads: int, chunk: int) -> list[list[tuple[int, int]]]:
    """Static schedule: per thread its [a, b) ranges: contiguous blocks differing by at
    most one iteration (chunk 0), else chunks of `chunk` dealt round robin."""
    if chunk:
        return [[(a, min(a + chunk, iterations))
                 for a in range(t * chunk, iterations, threads * chunk)]
                for t in range(threads)]
    base, extra = divmod(iterations, threads)
    plan, a = [], 0
    for t in range(threads):
        b = a + base + (1 if t < extra else 0)
        plan.append([(a, b)] if b > a else [])
        a = b
    return plan


def next_chunk(a: int, iterations: int, threads: int, schedule: str,
               chunk: int) -> tuple[int, int]:
    """Dynamic: the next max(chunk, 1) iterations; guided: max(ceil(left / threads),
    chunk) of them."""
    c = max(chunk, 1)
    if schedule == "guided":
        c = max(-(-(iterations - a) // threads), c)
    return a, min(a + c, iterations)


class WaitAny:
    """`i, value = yield comm.waitany(reqs)`."""

    def __init__(self, reqs):
        self.reqs = reqs

    def begin(self, ex, th):
        return ex.wait_any(th, self.reqs)


class Join:
    def __init__(self, tasks):
        self.many = isinstance(tasks, (list, tuple))
        self.tasks = list(tasks) if self.many else [tasks]

    def begin(self, ex, th):
        left = [t for t in self.tasks if not t.finished]
        if not left:
            return True, self._value()
        state = {"left": len(left)}
        now = ex.env.now
        th.blocked = f"join of {len(left)} task(s)"

        def one_done():
            state["left"] -= 1
            if not state["left"]:
                ex.wait_span(th, now)
                ex.wake_later(th, self._value())
        for t in left:
            t.joiners.append(one_done)
        return False, None

    def _value(self):
        values = [t.result for t in self.tasks]
        return values if self.many else values[0]


class Held:
    """The lock, held: leaving the `with` block releases it."""

    def __init__(self, ex, lock, name, th):
        self.ex, self.lock, self.name, self.th = ex, lock, name, th

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.ex.defer(self.th, self._release)
        return False

    def _release(self):
        lock = self.lock
        if lock["waiting"]:
            th, t = lock["waiting"].popleft()
            self.ex.wait_span(th, t)
            lock["holder"] = th
            self.ex.wake_later(th, Held(self.ex, lock, self.name, th))
        else:
            lock["holder"] = None


class Acquire:
    def __init__(self, name):
        self.name = name

    def begin(self, ex, th):
        lock = ex.locks.setdefault((th.rank, self.name), {"holder": None, "waiting": deque()})
        if lock["holder"] is None:
            lock["holder"] = th
            return True, Held(ex, lock, self.name, th)
        lock["waiting"].append((th, ex.env.now))
        th.blocked = f"critical({self.name!r}), held by thread {lock['holder'].index}"
        return False, None


class ThreadBarrier:
    def __init__(self, parties):
        self.parties = parties

    def begin(self, ex, th):
        arrived = ex.barriers.setdefault(th.rank, [])
        if len(arrived) + 1 < self.parties:
            arrived.append((th, ex.env.now))
            th.blocked = f"thread_barrier({self.parties}) with {len(arrived)} arrived"
            return False, None
        for other, t in arrived:
            ex.wait_span(other, t)
            ex.wake_later(other, None)
        ex.barriers[th.rank] = []
        return True, None
