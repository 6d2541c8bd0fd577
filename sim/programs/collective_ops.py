# mypy: disable-error-code="misc"
# (the methods are typed `self: Comm`, the class they are part of: mypy checks them as such)
"""The collectives a program calls: `yield from comm.bcast(...)` and the others, by the
library's algorithms (sim/workloads/collectives.py: the same per-step schedules)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..workloads import collectives as lib
from .ops import COLL

if TYPE_CHECKING:
    from .api import Comm


class Collectives:
    """The collectives of Comm (a part of it)."""

    def _rel(self: Comm, root: int) -> int:
        self._check_peer(root, "root", False)
        return (self.rank - root) % self.size

    def barrier(self: Comm):
        """Dissemination: in round r send to rank + 2^r, receive from rank - 2^r."""
        yield from self._steps(lib.barrier_steps(self.size))

    def bcast(self: Comm, nbytes: float, root: int = 0, algorithm: str = "binomial"):
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

    def reduce(self: Comm, nbytes: float, root: int = 0, elem: int = 8, algorithm: str = "binomial"):
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

    def allreduce(self: Comm, nbytes: float, algorithm: str = "ring", elem: int = 8):
        """`ring` (reduce-scatter + allgather in chunks of n / P), `tree` (reduce then
        bcast), `recursive-doubling`, `rabenseifner` or `auto` (MPICH's choice)."""
        algorithm = self._pick("allreduce", algorithm, lib.ALLREDUCE, nbytes, elem)
        if algorithm == "tree":
            yield from self.reduce(nbytes, 0, elem)
            yield from self.bcast(nbytes, 0)
        else:
            yield from self._steps(lib.allreduce_steps(self.size, nbytes, algorithm), elem)

    def reduce_scatter(self: Comm, nbytes: float, elem: int = 8, algorithm: str = "pairwise"):
        """Rank i ends with block i (n / P) of the sum: `pairwise`, `recursive-halving`
        or `auto` (MPICH's choice)."""
        algorithm = self._pick("reduce-scatter", algorithm, lib.REDUCE_SCATTER, nbytes, elem)
        yield from self._steps(lib.reduce_scatter_steps(self.size, nbytes, algorithm), elem)

    def allgather(self: Comm, nbytes: float, algorithm: str = "ring"):
        """Each rank's block of nbytes to all: `ring`, `recursive-doubling`, `bruck` or
        `auto` (MPICH's choice)."""
        algorithm = self._pick("allgather", algorithm, lib.ALLGATHER, nbytes)
        yield from self._steps(lib.allgather_steps(self.size, nbytes, algorithm))

    def alltoall(self: Comm, nbytes: float, algorithm: str = "pairwise"):
        """A block of nbytes from each rank to each: `pairwise`, `bruck` or `auto`."""
        algorithm = self._pick("alltoall", algorithm, lib.ALLTOALL, nbytes)
        yield from self._steps(lib.alltoall_steps(self.size, nbytes, algorithm))

    def scatter(self: Comm, nbytes: float, root: int = 0, algorithm: str = "binomial"):
        """Binomial: receive the subtree's blocks from the parent, hand each child its
        own (largest first)."""
        self._choice(algorithm, ("binomial",))
        P, v = self.size, self._rel(root)
        if v:
            yield self.recv((v - (v & -v) + root) % P, COLL)
        for c, k in lib.scatter_children(v, P):
            yield self.send((c + root) % P, k * nbytes, COLL)

    def gather(self: Comm, nbytes: float, root: int = 0, algorithm: str = "binomial"):
        """Binomial (scatter reversed): receive each child's blocks (smallest first),
        then send the subtree's min(lowbit(v), P - v) blocks to the parent."""
        self._choice(algorithm, ("binomial",))
        P, v = self.size, self._rel(root)
        for c, _ in reversed(lib.scatter_children(v, P)):
            yield self.recv((c + root) % P, COLL)
        if v:
            yield self.send((v - (v & -v) + root) % P, min(v & -v, P - v) * nbytes, COLL)

    def _steps(self: Comm, steps, elem: int = 8, root: int = 0):
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

    def _pick(self: Comm, collective: str, algorithm: str, known, nbytes: float,
              elem: int = 8) -> str:
        self._choice(algorithm, known)
        if algorithm == "auto":
            return lib.auto(collective, nbytes, self.size, elem)
        why = lib.check_algorithm(collective, algorithm, self.size)
        if why:
            raise self._fail(why)
        return algorithm

    def _choice(self: Comm, algorithm: str, known) -> None:
        if algorithm not in known:
            raise self._fail(f"algorithm must be one of {', '.join(known)}, got {algorithm!r}")
