"""Threads of one rank: parallel_for's schedules and what join, critical, the thread
barrier and waitany yield (each `begin(ex, th)` -> (done now, value))."""

from __future__ import annotations

from collections import deque

SCHEDULES = ("static", "dynamic", "guided")


def prefix_sums(flops_per_iter, iterations: int) -> list[float] | None:
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
