"""Fluid bandwidth sharing: flows over shared resources with max-min fair rates.

A flow moves `amount` bytes across a set of resources (a node's memory, network
links), never faster than its own `cap`. Whenever a flow starts or ends, rates are
recomputed by progressive filling (max-min fairness, as SimGrid does): raise every
unfixed flow's rate together until a resource is full or a flow reaches its cap, fix
those flows, repeat. On one resource of capacity B with k flows capped at c this
gives each flow min(c, B/k), with the spare share of capped flows handed to the rest.

Only the connected component of the flow that started or ended is recomputed (flows
linked through shared resources): the max-min allocation of one component does not
depend on flows elsewhere, so the result equals a global recomputation. Progress is
lazy: a flow's remaining bytes are brought up to date only when its component is
recomputed, and projected completion times sit in a heap. Only one SimPy timeout is
live per FluidModel (the next completion); stale ones are recognised by a generation
counter. A model of one resource (a node's memory) is one component: it refills all
its flows in one pass and finds the next completion by a scan, with no heap; the
arithmetic is the same, so are the results.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence

import simpy
from simpy.events import Timeout


class _Flow:
    __slots__ = ("amount", "remaining", "rate", "resources", "cap", "done", "t", "finish",
                 "seq", "alive")

    def __init__(self, amount, resources, cap, done, now, seq):
        self.amount = amount
        self.remaining = amount
        self.rate = 0.0
        self.resources = resources
        self.cap = cap
        self.done = done
        self.t = now               # time at which `remaining` was last brought up to date
        self.finish = math.inf     # projected completion time at the current rate
        self.seq = seq
        self.alive = True


class FluidModel:
    """Resources with capacities (bytes/s) shared max-min fairly by the flows on them."""

    def __init__(self, env: simpy.Environment, capacities: Sequence[float]):
        self.env = env
        self.capacity = list(capacities)
        self.users: list[dict[int, _Flow]] = [{} for _ in self.capacity]
        self.active: dict[int, _Flow] = {}      # start order
        self._heap: list[tuple[float, int, _Flow]] = []
        self._seq = 0
        self._carried = [0.0] * len(self.capacity)
        self._timer_at = math.inf
        self._generation = 0
        self._one = len(self.capacity) == 1       # one resource: one component
        self._caps: dict[float, int] = {}         # one resource: flows per cap

    def start(self, amount: float, resources: Sequence[int], cap: float,
              done: Callable[[float], object]) -> None:
        """Start moving `amount` bytes; call `done(now)` when the last byte arrives."""
        f = _Flow(float(amount), tuple(resources), cap, done, self.env.now, self._seq)
        self._seq += 1
        self.active[f.seq] = f
        users = self.users
        alone = True
        for r in f.resources:
            if users[r]:
                alone = False
            users[r][f.seq] = f
        if self._one:
            self._caps[cap] = self._caps.get(cap, 0) + 1
            self._refill_one()
        elif alone:                                # nobody to share with: no filling needed
            rate = cap
            for r in f.resources:
                if self.capacity[r] < rate:
                    rate = self.capacity[r]
            f.rate = rate
            f.finish = f.t + f.remaining / f.rate
            heapq.heappush(self._heap, (f.finish, f.seq, f))
        else:
            self._reshare(self._component(f.resources))
        self._schedule()

    def rates(self) -> list[float]:
        """Current rate of each active flow, in start order (for tests and probes)."""
        return [f.rate for f in self.active.values()]

    @property
    def busy_bytes(self) -> list[float]:
        """Bytes carried so far by each resource."""
        now = self.env.now
        out = list(self._carried)
        for f in self.active.values():
            moved = f.amount - (f.remaining - f.rate * (now - f.t))
            for r in f.resources:
                out[r] += moved
        return out

    # -- internals ---------------------------------------------------------------------

    def _component(self, resources) -> list[_Flow]:
        """Active flows connected to `resources` through shared resources."""
        users = self.users
        if len(resources) == 1:                    # one resource whose flows use it alone
            (r,) = resources
            flows = list(users[r].values())
            if all(len(f.resources) == 1 for f in flows):
                return flows
        seen_r = set(resources)
        stack = list(seen_r)
        found: dict[int, _Flow] = {}
        while stack:
            for f in users[stack.pop()].values():
                if f.seq not in found:
                    found[f.seq] = f
                    for r in f.resources:
                        if r not in seen_r:
                            seen_r.add(r)
                            stack.append(r)
        return list(found.values())

    def _reshare(self, flows: list[_Flow]) -> None:
        """Bring `flows` up to date, refill their rates, re-project their completions."""
        now = self.env.now
        res = flows[0].resources
        if len(res) == 1 and all(f.resources == res for f in flows):
            c = flows[0].cap
            self._fill_one(flows, self.capacity[res[0]], now, any(f.cap != c for f in flows))
        else:
            for f in flows:
                f.remaining -= f.rate * (now - f.t)
                f.t = now
            self._fill(flows)
        heap = self._heap
        for f in flows:
            finish = now + f.remaining / f.rate if f.remaining > 0 else now
            if finish != f.finish:
                f.finish = finish
                heapq.heappush(heap, (finish, f.seq, f))

    @staticmethod
    def _fill_one(flows: list[_Flow], room: float, now: float, by_cap: bool) -> None:
        """Bring `flows` up to date and fill one resource of capacity `room` among them,
        in their order (by increasing cap first if `by_cap`; stable): each gets
        min(its cap, what is left / flows left), so a capped flow's spare share goes to
        the rest."""
        k = len(flows)
        for f in sorted(flows, key=lambda f: f.cap) if by_cap else flows:
            f.remaining -= f.rate * (now - f.t)
            f.t = now
            share = room / k
            f.rate = f.cap if f.cap <= share else share
            room -= f.rate
            k -= 1

    def _fill(self, flows: list[_Flow]) -> None:
        """Progressive filling over `flows` (a closed component)."""
        capacity = self.capacity
        left: dict[int, float] = {}
        count: dict[int, int] = {}
        for f in flows:
            for r in f.resources:
                left[r] = capacity[r]
                count[r] = count.get(r, 0) + 1
        unfixed = flows
        while unfixed:
            share = min((left[r] / c for r, c in count.items() if c), default=math.inf)
            low_cap = min(f.cap for f in unfixed)
            if low_cap <= share:
                fixed = [f for f in unfixed if f.cap <= low_cap]
                level = low_cap
            else:
                full = {r for r, c in count.items() if c and left[r] / c <= share}
                fixed = [f for f in unfixed if not full.isdisjoint(f.resources)]
                level = share
            for f in fixed:
                f.rate = level
                for r in f.resources:
                    left[r] -= level
                    count[r] -= 1
            fixed_ids = {f.seq for f in fixed}
            unfixed = [f for f in unfixed if f.seq not in fixed_ids]

    def _refill_one(self) -> None:
        """_reshare of every flow of a one-resource model, with no heap."""
        now = self.env.now
        flows = list(self.users[0].values())
        self._fill_one(flows, self.capacity[0], now, len(self._caps) > 1)
        for f in flows:
            f.finish = now + f.remaining / f.rate if f.remaining > 0 else now

    def _schedule(self) -> None:
        """Make the one live timeout fire at the earliest projected completion."""
        if self._one:
            flows = self.users[0]
            at = min(f.finish for f in flows.values()) if flows else math.inf
        else:
            heap = self._heap
            while heap and (not heap[0][2].alive or heap[0][2].finish != heap[0][0]):
                heapq.heappop(heap)
            at = heap[0][0] if heap else math.inf
        if at == math.inf:
            self._timer_at = math.inf
            self._generation += 1
            return
        if at != self._timer_at:
            self._timer_at = at
            self._generation += 1
            Timeout(self.env, max(at - self.env.now, 0.0),
                    self._generation).callbacks.append(self._wake)

    def _wake(self, ev) -> None:
        if ev.value != self._generation:
            return
        self._timer_at = math.inf
        now = self.env.now
        limit = now + 1e-12 * now + 1e-15
        finished = []
        if self._one:                              # in (finish, start) order, as the heap
            finished = sorted((f for f in self.users[0].values() if f.finish <= limit),
                              key=lambda f: (f.finish, f.seq))
            for f in finished:
                f.alive = False
                self._caps[f.cap] -= 1
                if not self._caps[f.cap]:
                    del self._caps[f.cap]
        heap = self._heap
        while heap and heap[0][0] <= limit:
            fin, _, f = heapq.heappop(heap)
            if f.alive and f.finish == fin:
                f.alive = False
                finished.append(f)
        touched = set()
        users, carried = self.users, self._carried
        for f in finished:
            del self.active[f.seq]
            for r in f.resources:
                del users[r][f.seq]
                carried[r] += f.amount
                touched.add(r)
        if self._one:
            if self.users[0]:
                self._refill_one()
        elif touched:
            rest = self._component(touched)
            if rest:
                self._reshare(rest)
        self._schedule()
        for f in finished:
            f.done(now)
