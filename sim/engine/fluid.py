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
recomputed, and projected completion times sit in a heap of times, each listing its
flows (flows that end together cost one heap entry). Only one SimPy timeout is
live per FluidModel (the next completion); stale ones are recognised by a generation
counter. A model of one resource (a node's memory) is one component: it refills all
its flows in one pass and finds the next completion by a scan, with no heap; the
arithmetic is the same, so are the results. `start_after` starts a flow after a delay
(a message's latency); starts for one time scheduled back to back share one event.
"""

from __future__ import annotations

import heapq
import math
import operator
from array import array
from collections.abc import Callable, Sequence

import simpy

from . import events

_start_order = operator.attrgetter("seq")
_end_order = operator.attrgetter("finish", "seq")


class Flow:
    """`amount` bytes over `resources` (a tuple) at most `cap` B/s; at the end its model
    calls done(key), or done(now) when key is None. A finished flow's `finish` is NaN
    (its stale entries never match it)."""

    __slots__ = ("amount", "remaining", "rate", "resources", "cap", "done", "key", "t",
                 "finish", "seq")
    t: float                            # when `remaining` was last brought up to date
    seq: int                            # start order
    rate: float
    finish: float                       # projected completion time at that rate

    def __init__(self, amount: float, resources: tuple, cap: float, done: Callable,
                 key=None):
        self.amount = self.remaining = amount
        self.resources = resources
        self.cap = cap
        self.done = done
        self.key = key                  # t, seq, rate and finish: set at the start


class _Tick:
    """The model's timer event (value: its generation); SimPy's step may process it."""

    __slots__ = ("callbacks", "value")
    _ok = True

    def __init__(self, callbacks: list, value: int):
        self.callbacks = callbacks
        self.value = value


class _Starts:
    """Flows to start at `time`, scheduled back to back: one event (see start_after)."""

    __slots__ = ("callbacks", "flows", "time", "last")
    _ok = True

    def __init__(self, callbacks: list, time: float, f: Flow):
        self.callbacks = callbacks
        self.time = time
        self.flows = [f]
        self.last = -1                  # an event id: the next start's follows on it


class FluidModel:
    """Resources with capacities (bytes/s) shared max-min fairly by the flows on them."""

    def __init__(self, env: simpy.Environment, capacities: Sequence[float]):
        self.env = env
        self.capacity = list(capacities)
        # each resource's flows by start number (a one-resource model keeps them in _live)
        self.users: list[dict[int, Flow]] = [{} for _ in self.capacity]
        self._times: list[float] = []            # heap of projected completion times
        self._due_at: dict[float, list[Flow]] = {}  # each of those times: its flows
        self._seq = 0
        self._carried = array("d", bytes(8 * len(self.capacity)))   # bytes by resource
        self._timer_at = math.inf
        self._generation = 0
        self._one = len(self.capacity) == 1       # one resource: one component
        self._live: list[Flow] = []               # one resource: its flows, in start order
        self._starts: _Starts | None = None       # start_after's open run
        self._run_starts = [self._start_all]
        self._ticks = [self._wake]

    def start(self, amount: float, resources: Sequence[int], cap: float,
              done: Callable[[float], object]) -> None:
        """Start moving `amount` bytes; call `done(now)` when the last byte arrives."""
        self._begin(Flow(float(amount), tuple(resources), cap, done))

    def start_after(self, delay: float, f: Flow) -> None:
        """Start flow f `delay` seconds from now, as the event events.at(env, delay, f)
        would. Starts for one time scheduled back to back (no other event scheduled
        between them: their event ids follow on) share one event, which starts them in
        order when it fires: nothing else could come between them (the executors
        schedule no URGENT events), so the order of everything is the same."""
        env = self.env
        time = env._now + delay
        run = self._starts
        if run is not None and run.time == time:
            eid = next(env._eid)
            if eid == run.last + 1:
                run.flows.append(f)
                run.last = eid
                return
        run = self._starts = _Starts(self._run_starts, time, f)
        events.at(env, delay, run)
        run.last = next(env._eid)                 # the next start's id follows on this

    def _start_all(self, run: _Starts) -> None:
        if self._starts is run:
            self._starts = None
        for f in run.flows:
            self._begin(f)

    def _begin(self, f: Flow) -> None:
        """Start flow f now. Alone on its resources it runs at min(cap, capacities) and
        only moves the timer earlier (whenever no call is under way, the earliest time
        listed has a live flow and is the timer's), else its component is refilled."""
        now = f.t = self.env._now
        seq = f.seq = self._seq
        self._seq = seq + 1
        if self._one:
            f.rate = 0.0
            self._live.append(f)
            self._refill_one()
            self._schedule()
            return
        users = self.users
        alone = True
        for r in f.resources:
            u = users[r]
            if u:
                alone = False
            u[seq] = f
        if not alone:
            f.rate, f.finish = 0.0, math.inf
            self._reshare(self._component(f.resources))
            self._schedule()
            return
        rate, capacity = f.cap, self.capacity
        for r in f.resources:
            if capacity[r] < rate:
                rate = capacity[r]
        f.rate = rate
        f.finish = finish = now + f.remaining / rate
        due = self._due_at.get(finish)
        if due is None:
            self._due_at[finish] = [f]
            heapq.heappush(self._times, finish)
        else:
            due.append(f)
        if finish < self._timer_at:
            self._set_timer(finish, now)

    def _flows(self) -> list[Flow]:
        """The active flows in start order."""
        if self._one:
            return list(self._live)
        live: dict[int, Flow] = {}
        for u in self.users:
            live.update(u)
        return [live[s] for s in sorted(live)]

    def rates(self) -> list[float]:
        """Current rate of each active flow, in start order (for tests and probes)."""
        return [f.rate for f in self._flows()]

    @property
    def busy_bytes(self) -> list[float]:
        """Bytes carried so far by each resource."""
        now = self.env.now
        out = list(self._carried)
        for f in self._flows():
            moved = f.amount - (f.remaining - f.rate * (now - f.t))
            for r in f.resources:
                out[r] += moved
        return out

    # -- internals ---------------------------------------------------------------------

    def _component(self, resources) -> list[Flow]:
        """Active flows connected to `resources` through shared resources."""
        users = self.users
        if len(resources) == 1:                    # one resource whose flows use it alone
            (r,) = resources
            flows = list(users[r].values())
            if all(len(f.resources) == 1 for f in flows):
                return flows
        seen_r = set(resources)
        stack = list(seen_r)
        found: dict[int, Flow] = {}
        while stack:
            for f in users[stack.pop()].values():
                if f.seq not in found:
                    found[f.seq] = f
                    for r in f.resources:
                        if r not in seen_r:
                            seen_r.add(r)
                            stack.append(r)
        return list(found.values())

    def _reshare(self, flows: list[Flow]) -> None:
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
        times, due_at = self._times, self._due_at
        for f in flows:
            finish = now + f.remaining / f.rate if f.remaining > 0 else now
            if finish != f.finish:
                f.finish = finish
                due = due_at.get(finish)
                if due is None:
                    due_at[finish] = [f]
                    heapq.heappush(times, finish)
                else:
                    due.append(f)

    @staticmethod
    def _fill_one(flows: list[Flow], room: float, now: float, by_cap: bool) -> None:
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

    def _fill(self, flows: list[Flow]) -> None:
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
        flows = self._live
        cap = flows[0].cap
        by_cap = len(flows) > 1 and any(f.cap != cap for f in flows)
        self._fill_one(flows, self.capacity[0], now, by_cap)
        for f in flows:
            f.finish = now + f.remaining / f.rate if f.remaining > 0 else now

    def _schedule(self) -> None:
        """Make the one live timeout fire at the earliest projected completion."""
        if self._one:
            flows = self._live
            at = min(f.finish for f in flows) if flows else math.inf
        else:
            times, due_at = self._times, self._due_at
            while times and all(f.finish != times[0] for f in due_at[times[0]]):
                del due_at[heapq.heappop(times)]      # no flow ends then any more
            at = times[0] if times else math.inf
        if at == math.inf:
            self._timer_at = math.inf
            self._generation += 1
        elif at != self._timer_at:
            self._set_timer(at, self.env._now)

    def _set_timer(self, at: float, now: float) -> None:
        """The one live timer: fire at `at` (earlier timers go stale)."""
        self._timer_at = at
        self._generation += 1
        events.at(self.env, max(at - now, 0.0), _Tick(self._ticks, self._generation))

    def _due_one(self, limit: float) -> list[Flow]:
        """A one-resource model's flows due by `limit`, in (finish, start) order, taken
        off its live flows."""
        live = self._live
        finished = [f for f in live if f.finish <= limit]
        if len(finished) == len(live):
            self._live = []
        else:
            self._live = [f for f in live if f.finish > limit]
        if len(finished) > 1:
            finished.sort(key=_end_order)
        return finished

    def _due(self, limit: float) -> list[Flow]:
        """The flows due by `limit`, in (finish, start) order, marked ended."""
        times, due_at, finished = self._times, self._due_at, []
        while times and times[0] <= limit:
            at = heapq.heappop(times)
            flows = due_at.pop(at)
            flows.sort(key=_start_order)
            for f in flows:
                if f.finish == at:                 # not moved since
                    f.finish = math.nan
                    finished.append(f)
        return finished

    def _end(self, finished: list[Flow]) -> None:
        """Take `finished` off their resources (counting their bytes) and refill the
        rest of their components."""
        touched = set()                            # resources that may still have flows
        users, carried = self.users, self._carried
        for f in finished:
            seq, amount = f.seq, f.amount
            for r in f.resources:
                u = users[r]
                del u[seq]
                carried[r] += amount
                if u:
                    touched.add(r)
        if touched:
            rest = self._component(touched)
            if rest:
                self._reshare(rest)

    def _wake(self, ev) -> None:
        """The timer: end the flows due now (within 1e-12 relative), in (finish, start)
        order, refill the rest of their components, re-arm, then call their `done`s."""
        if ev.value != self._generation:
            return
        self._timer_at = math.inf
        now = self.env._now
        limit = now + 1e-12 * now + 1e-15
        if self._one:
            finished = self._due_one(limit)
            carried = self._carried
            for f in finished:
                carried[0] += f.amount
            if finished and self._live:
                self._refill_one()
        else:
            finished = self._due(limit)
            self._end(finished)
        self._schedule()
        for f in finished:
            if f.key is None:
                f.done(now)
            else:
                f.done(f.key)
