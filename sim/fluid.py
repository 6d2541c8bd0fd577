"""Fluid bandwidth sharing: flows over shared resources with max-min fair rates.

A flow moves `amount` bytes across a set of resources (a node's memory, network
links), never faster than its own `cap`. Whenever a flow starts or ends, all rates
are recomputed by progressive filling (max-min fairness, as SimGrid does): raise every
unfixed flow's rate together until a resource is full or a flow reaches its cap, fix
those flows, repeat. On one resource of capacity B with k flows capped at c this
gives each flow min(c, B/k), with the spare share of capped flows handed to the rest.

Only one SimPy timeout is pending per FluidModel: the next completion. A start or end
re-plans it; stale timeouts are recognised by a generation counter and ignored.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import simpy


class _Flow:
    __slots__ = ("amount", "remaining", "rate", "resources", "cap", "done")

    def __init__(self, amount, resources, cap, done):
        self.amount = amount
        self.remaining = amount
        self.rate = 0.0
        self.resources = resources
        self.cap = cap
        self.done = done


class FluidModel:
    """Resources with capacities (bytes/s) shared max-min fairly by the flows on them."""

    def __init__(self, env: simpy.Environment, capacities: Sequence[float]):
        self.env = env
        self.capacity = list(capacities)
        self.flows: list[_Flow] = []
        self._last = env.now
        self._generation = 0
        self.busy_bytes = [0.0] * len(self.capacity)   # bytes carried per resource

    def start(self, amount: float, resources: Sequence[int], cap: float,
              done: Callable[[float], None]) -> None:
        """Start moving `amount` bytes; call `done(now)` when the last byte arrives."""
        self._advance()
        self.flows.append(_Flow(float(amount), tuple(resources), cap, done))
        self._replan()

    def rates(self) -> list[float]:
        """Current rate of each active flow, in start order (for tests and probes)."""
        return [f.rate for f in self.flows]

    # -- internals ---------------------------------------------------------------------

    def _advance(self) -> None:
        now = self.env.now
        dt = now - self._last
        if dt > 0:
            busy = self.busy_bytes
            for f in self.flows:
                moved = f.rate * dt
                f.remaining -= moved
                for r in f.resources:
                    busy[r] += moved
        self._last = now

    def _share(self) -> None:
        """Progressive filling over all active flows."""
        flows = self.flows
        if len(flows) == 1:
            f = flows[0]
            f.rate = min([f.cap] + [self.capacity[r] for r in f.resources])
            return
        left: dict[int, float] = {}
        count: dict[int, int] = {}
        for f in flows:
            for r in f.resources:
                left[r] = self.capacity[r]
                count[r] = count.get(r, 0) + 1
        unfixed = list(flows)
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
            fixed_ids = {id(f) for f in fixed}
            unfixed = [f for f in unfixed if id(f) not in fixed_ids]

    def _replan(self) -> None:
        self._generation += 1
        if not self.flows:
            return
        self._share()
        delay = min(f.remaining / f.rate for f in self.flows)
        gen = self._generation
        ev = self.env.timeout(max(delay, 0.0))
        ev.callbacks.append(lambda _ev: self._wake(gen))

    def _wake(self, gen: int) -> None:
        if gen != self._generation:
            return
        self._advance()
        finished = [f for f in self.flows if f.remaining <= 1e-9 * f.amount + 1e-12]
        if finished:
            self.flows = [f for f in self.flows if f.remaining > 1e-9 * f.amount + 1e-12]
        self._replan()
        now = self.env.now
        for f in finished:
            f.done(now)
