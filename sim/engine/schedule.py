"""Schedules: which processing element runs which task, and in what order.

- "dynamic": list scheduling from one FIFO ready queue; an idle PE (lowest number
  first) takes the task that became ready first (shared memory).
- "critical-path": the same, but the ready task with the longest path to the end of
  the graph goes first (HLFET list scheduling).
- "block" / "cyclic": static owner-computes placement. Tasks without an owner are
  dealt to PEs in contiguous blocks (task k of m goes to PE k*P // m) or round robin
  (k mod P); each PE runs its ready tasks in program (index) order.
- "heft": HEFT (heft.py; run by the heterogeneous engine, hetero.py): each task on
  the PE giving it the earliest finish time, copies included, in upward-rank order.
- "timeslice": round robin with a quantum and a context-switch cost (see timeslice.py).

Tasks that name an owner always run on it, whatever the policy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..spec import param

POLICIES = ("dynamic", "critical-path", "block", "cyclic", "timeslice", "heft")
STATIC_POLICIES = ("block", "cyclic")


@dataclass
class ScheduleSpec:
    policy: str = param("dynamic", choices=POLICIES,
                        help="dynamic / critical-path: shared ready queue; "
                             "block / cyclic: static owner-computes placement; "
                             "timeslice: round robin with a quantum; "
                             "heft: earliest finish time on heterogeneous units")
    quantum_s: float = param(0.001, unit="s", gt=0,
                             help="timeslice: the longest a task runs before the next one")
    context_switch_s: float = param(5e-6, unit="s", ge=0,
                                    help="timeslice: cost of switching a core to another task")


def place(owner: np.ndarray, pes: int, policy: str) -> np.ndarray:
    """Owners after static placement: unowned tasks dealt by block or cyclic."""
    owner = owner.copy()
    free = np.flatnonzero(owner < 0)
    m = len(free)
    if policy == "block":
        owner[free] = (np.arange(m, dtype=np.int64) * pes // max(m, 1)).astype(np.int32)
    elif policy == "cyclic":
        owner[free] = (np.arange(m) % pes).astype(np.int32)
    return owner
