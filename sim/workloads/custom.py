"""The user's own message-passing program: explicit tasks and messages.

    [[workload.tasks]]     name, pe, flops, bytes, deps (names of earlier-finishing tasks)
    [[workload.messages]]  src, dst (task names), bytes, blocking

PE p is core p % cores of node p // cores. A message leaves when its src task's
arithmetic ends and its dst task cannot start before it arrives (transport.py). Each
PE runs its tasks in the order given by the dependencies and messages (file order
where they leave a choice). FLOPs: the sum of the tasks' flops.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import ClassVar

from ..errors import ScenarioError
from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph
from .common import precision_param, vector_param


@dataclass
class TaskSpec:
    name: str = param(help="Unique task name")
    pe: int = param(0, ge=0, help="PE that runs the task (core pe % cores of node pe // cores)")
    flops: float = param(0.0, ge=0, unit="FLOP", help="Arithmetic")
    bytes: float = param(0.0, ge=0, unit="B", help="Memory traffic")
    deps: list[str] = param(default_factory=list, help="Tasks that must end first")


@dataclass
class MessageSpec:
    src: str = param(help="Sending task (the message leaves when it ends)")
    dst: str = param(help="Receiving task (cannot start before the message arrives)")
    bytes: float = param(0.0, ge=0, unit="B", help="Message size")
    blocking: bool = param(True, help="Blocking send: the sender waits until delivery")


@dataclass
class Params:
    kind: ClassVar[str] = "custom"
    no_weak_rule: ClassVar[str] = ("its tasks and messages are listed one by one: write the "
                                   "larger program as its own scenario")
    tasks: list[TaskSpec] = param(default_factory=list, help="[[workload.tasks]] entries")
    messages: list[MessageSpec] = param(default_factory=list,
                                        help="[[workload.messages]] entries")
    precision: str = precision_param()
    vector_fraction: float = vector_param()

    def tasks_estimate(self) -> int:
        return len(self.tasks)

    def validate(self, path: str) -> None:
        self.order()

    def order(self) -> list[int]:
        """Task entries in a topological order (file order among the free ones);
        ScenarioError naming the entry for unknown names, duplicates and cycles."""
        index: dict[str, int] = {}
        for i, t in enumerate(self.tasks):
            if t.name in index:
                raise ScenarioError(f"workload.tasks[{i}].name {t.name!r} is used twice",
                                    f"workload.tasks[{i}].name")
            index[t.name] = i
        n = len(self.tasks)

        def task(name: str, where: str) -> int:
            if name not in index:
                raise ScenarioError(f"{where} names an unknown task {name!r}", where)
            return index[name]
        edges = [(task(d, f"workload.tasks[{i}].deps"), i, f"workload.tasks[{i}].deps")
                 for i, t in enumerate(self.tasks) for d in t.deps]
        edges += [(task(m.src, f"workload.messages[{k}].src"),
                   task(m.dst, f"workload.messages[{k}].dst"), f"workload.messages[{k}]")
                  for k, m in enumerate(self.messages)]
        succ: list[list[int]] = [[] for _ in range(n)]
        indeg = [0] * n
        for a, b, where in edges:
            if a == b:
                raise ScenarioError(f"{where}: task {self.tasks[a].name!r} cannot wait for "
                                    f"itself", where)
            succ[a].append(b)
            indeg[b] += 1
        free = [i for i in range(n) if indeg[i] == 0]
        heapq.heapify(free)
        out = []
        while free:
            i = heapq.heappop(free)
            out.append(i)
            for j in succ[i]:
                indeg[j] -= 1
                if indeg[j] == 0:
                    heapq.heappush(free, j)
        if len(out) < n:
            self._cycle(edges, [i for i in range(n) if indeg[i] > 0])
        return out

    def _cycle(self, edges: list, stuck: list[int]) -> None:
        """ScenarioError naming the entries (deps or messages) of one cycle among the
        `stuck` tasks: each has a stuck predecessor, so walking back must loop."""
        back: dict = {}
        for a, b, where in edges:
            if a in stuck and b in stuck:
                back.setdefault(b, (a, where))
        seen: list[int] = []
        i = stuck[0]
        while i not in seen:
            seen.append(i)
            i = back[i][0]
        loop = seen[seen.index(i):][::-1]
        parts = [f"{back[b][1]} ({self.tasks[back[b][0]].name!r} -> {self.tasks[b].name!r})"
                 for b in loop]
        where = back[loop[0]][1]
        raise ScenarioError(f"{where}: the dependencies and messages form a cycle: "
                            f"{', '.join(parts)}", where)


def build(p: Params, machine, rng) -> TaskGraph:
    for i, t in enumerate(p.tasks):
        if t.pe >= machine.pes:
            raise ScenarioError(f"workload.tasks[{i}].pe must be < the machine's {machine.pes} "
                                f"PEs, got {t.pe}", f"workload.tasks[{i}].pe")
    order = p.order()
    at = {p.tasks[i].name: k for k, i in enumerate(order)}
    g = GraphBuilder(p.precision, p.vector_fraction)
    for i in order:
        t = p.tasks[i]
        g.add(t.flops, t.bytes, deps=sorted({at[d] for d in t.deps}), owner=t.pe, name=t.name)
    for m in p.messages:
        g.message(at[m.src], at[m.dst], m.bytes, m.blocking)
    return g.build()
