"""Messages on the heterogeneous engine (hetero.py): transport.py's messages, with host
staging for an inter-node message from or to a device without a direct network link
(a copy over the device's host link before the network at the sender, after it at the
receiver)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .placement import copy_time
from .transport import Transport

if TYPE_CHECKING:
    from .hetero import HeteroEngine


class HeteroTransport(Transport):
    """transport.py's messages with host staging for inter-node messages from / to a
    staged device (module docstring): a copy over the device's host link before the
    network (sender) and after it (receiver)."""

    arrive_inline = False                       # _arrive below stages some messages

    def __init__(self, engine: HeteroEngine):
        super().__init__(engine)
        e = engine

        def staged(pe: int, inter: bool, nbytes: float) -> int:
            d = e.pe_domain[pe]
            return d if inter and nbytes > 0 and d >= 0 and not e.dev[d].direct else -1

        inter = [a // self.cores != b // self.cores for a, b in zip(self.src_pe, self.dst_pe)]
        self.out_dev = [staged(p, x, b) for p, x, b in zip(self.src_pe, inter, self.nbytes)]
        self.in_dev = [staged(p, x, b) for p, x, b in zip(self.dst_pe, inter, self.nbytes)]

    def _launch(self, m: int) -> None:
        d = self.out_dev[m]
        if d < 0:
            super()._launch(m)
            return
        t0 = self.env.now

        def staged():                               # in host memory: the network now
            Transport._launch(self, m)
            self.sent_at[m] = t0

        self.e._hop(self.src[m], self.src_pe[m] // self.cores, d, -1, self.nbytes[m], staged)

    def _arrive(self, m: int) -> None:
        d = self.in_dev[m]
        if d < 0:
            super()._arrive(m)
            return
        self.e._hop(self.src[m], self.dst_pe[m] // self.cores, -1, d, self.nbytes[m],
                    lambda: Transport._arrive(self, m))

    def _ideal_times(self) -> list[float]:
        """transport's ideal times plus the staging copies alone (placement.copy_time)."""
        mach, base = self.e.m, super()._ideal_times()
        out = []
        for m, nb in enumerate(self.nbytes):
            to = copy_time(mach, self.out_dev[m], -1, nb) if self.out_dev[m] >= 0 else 0.0
            into = copy_time(mach, -1, self.in_dev[m], nb) if self.in_dev[m] >= 0 else 0.0
            out.append(to + base[m] + into)
        return out

    def task_times(self) -> list[float]:
        """Each task's contention-free duration on its owner's group (group_durations)."""
        e = self.e
        k = np.asarray(e.pe_group)[np.asarray(e.owner)]
        return e.dur[k, np.arange(e.g.n)].tolist()
