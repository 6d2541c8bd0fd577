"""The schedules of the collectives: who sends how many bytes to whom in each step.

A schedule is a list of Step (rank numbers 0..P-1, no graph, no PEs); the graph
builders of collectives.py and the programs API (programs/api.py) both play them, so
an algorithm is written once. Costs, MPICH's choice and the graph side: collectives.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


class Step(NamedTuple):
    """One step of a schedule: each (src, dst, bytes) of `sends` is a message between
    ranks; with `add`, a receiver adds what it got (received bytes / elem flops)."""
    name: str
    sends: list[tuple[int, int, float]]
    add: bool = False


def _round(ranks, peer, sizes, name, add=False) -> Step:
    """Member j of `ranks` (rank numbers) sends sizes[j] bytes to member peer(j)."""
    return Step(name, [(ranks[j], ranks[peer(j)], sizes[j]) for j in range(len(ranks))], add)


def barrier_steps(P: int) -> list[Step]:
    """Dissemination: in round r rank i signals rank i + 2^r (mod P). L alpha."""
    return [_round(range(P), lambda i, r=r: (i + (1 << r)) % P, [0.0] * P, f"barrier r{r + 1}")
            for r in range((P - 1).bit_length())]


def bcast_allgather(algorithm: str) -> str:
    """The allgather of a scatter-ring / scatter-doubling bcast."""
    return "ring" if algorithm == "scatter-ring" else "recursive-doubling"


def scatter_children(v: int, P: int) -> list[tuple[int, int]]:
    """(child, blocks) that relative rank v hands on in the binomial scatter, largest
    subtree first: v + m for m = lowbit(v) / 2 .. 1 gets min(m, P - v - m) blocks
    (the root's m starts at the power of two >= P, halved). Gather takes them reversed."""
    m = (v & -v if v else 1 << max(P - 1, 0).bit_length()) >> 1
    out = []
    while m:
        if v + m < P:
            out.append((v + m, min(m, P - v - m)))
        m >>= 1
    return out


def allreduce_steps(P: int, nbytes: float, algorithm: str) -> list[Step]:
    """The schedule of a ring, recursive-doubling or rabenseifner allreduce."""
    if algorithm == "ring":
        return _ring_allreduce(P, nbytes)
    core = _doubling_allreduce if algorithm == "recursive-doubling" else _rabenseifner
    return _folded(P, nbytes, nbytes, "allreduce", lambda ranks: core(ranks, nbytes))


def _ring_allreduce(P: int, nbytes: float) -> list[Step]:
    """Reduce-scatter then allgather around the ring, chunks of n / P: step s sends a
    chunk to rank i + 1; steps 1..P-1 add the received chunk."""
    return [_round(range(P), lambda i: (i + 1) % P, [nbytes / P] * P, f"allreduce ring s{s}",
                   add=s < P) for s in range(1, 2 * P - 1)]


def _folded(P: int, nbytes: float, back: float, name: str,
            core: Callable[[list[int]], list[Step]]) -> list[Step]:
    """MPICH's way with P not a power of two: with r = P - p', even rank 2i < 2r sends
    its n bytes to 2i + 1, which adds them; the p' ranks left (new rank j: 2j + 1 for
    j < r, else j + r) run `core`; then 2i + 1 sends `back` bytes to 2i.
    Fold + unfold: 2 alpha + (n + back) beta + n gamma."""
    r = P - (1 << (P.bit_length() - 1))
    ranks = [2 * j + 1 if j < r else j + r for j in range(P - r)]
    return ([Step(f"{name} fold", [(2 * i, 2 * i + 1, nbytes)], True) for i in range(r)]
            + core(ranks)
            + [Step(f"{name} unfold", [(2 * i + 1, 2 * i, back)]) for i in range(r)])


def _doubling_allreduce(ranks, nbytes) -> list[Step]:
    """Round k: member j swaps its whole vector with j XOR 2^k and adds.
    lg p' (alpha + n beta + n gamma)."""
    p2 = len(ranks)
    return [_round(ranks, lambda j, k=k: j ^ (1 << k), [nbytes] * p2, f"allreduce rd r{k + 1}",
                   add=True) for k in range(p2.bit_length() - 1)]


def _rabenseifner(ranks, nbytes) -> list[Step]:
    """Reduce-scatter by recursive halving, then allgather by recursive doubling, over
    p' equal parts. 2 lg p' alpha + 2 (p'-1)/p' n beta + (p'-1)/p' n gamma."""
    parts = [nbytes / len(ranks)] * len(ranks)
    return (_halving(ranks, parts, "allreduce rsag")
            + _doubling_allgather(ranks, parts, "allreduce rsag"))


def _halving(ranks, parts, name) -> list[Step]:
    """Recursive halving over members 0..p'-1 (p' a power of two), member j ending with
    the sum of part j: with mask m = p'/2 .. 1, j swaps with j XOR m, sending the parts
    of the half of its current range that the partner keeps and adding what it gets.
    Equal parts of s bytes: lg p' alpha + (p' - 1) s (beta + gamma)."""
    p2 = len(ranks)
    lo, hi = [0] * p2, [p2] * p2
    steps = []
    m = p2 >> 1
    while m:
        sizes = []
        for j in range(p2):
            mid = lo[j] + m
            keep = (lo[j], mid) if not j & m else (mid, hi[j])
            give = (mid, hi[j]) if not j & m else (lo[j], mid)
            sizes.append(sum(parts[give[0]:give[1]]))
            lo[j], hi[j] = keep
        steps.append(_round(ranks, lambda j, m=m: j ^ m, sizes, f"{name} halve {m}", add=True))
        m >>= 1
    return steps


def _doubling_allgather(ranks, parts, name) -> list[Step]:
    """Recursive doubling over members 0..p'-1 holding parts[j]: with mask m = 1, 2, ..,
    j swaps everything it has (the parts of its aligned group of m) with j XOR m.
    Equal parts of s bytes: lg p' alpha + (p' - 1) s beta."""
    p2 = len(ranks)
    steps = []
    m = 1
    while m < p2:
        sizes = [sum(parts[j & ~(m - 1):(j & ~(m - 1)) + m]) for j in range(p2)]
        steps.append(_round(ranks, lambda j, m=m: j ^ m, sizes, f"{name} double {m}"))
        m <<= 1
    return steps


def reduce_scatter_steps(P: int, nbytes: float, algorithm: str) -> list[Step]:
    """pairwise: in round k (1..P-1) rank i sends its block for i + k and adds the one
    from i - k. recursive-halving: _halving over the ranks; with P not a power of two,
    MPICH's fold first (2i < 2 (P - p') sends n to 2i + 1, which adds), the p' ranks
    left own 1 or 2 blocks (new rank j < P - p': 2), and 2i + 1 sends 2i its b at the end."""
    b = nbytes / P
    if algorithm == "pairwise":
        return [_round(range(P), lambda i, k=k: (i + k) % P, [b] * P, f"reduce-scatter r{k}",
                       add=True) for k in range(1, P)]
    r = P - (1 << (P.bit_length() - 1))
    return _folded(P, nbytes, b, "reduce-scatter", lambda ranks: _halving(
        ranks, [2 * b if j < r else b for j in range(P - r)], "reduce-scatter"))


def allgather_steps(P: int, nbytes: float, algorithm: str) -> list[Step]:
    """ring: in step s rank i passes the block it got last step (its own first) to i + 1.
    recursive-doubling: _doubling_allgather (P a power of two).
    bruck: in step k rank i sends the min(2^k, P - 2^k) blocks it has to i - 2^k."""
    if algorithm == "recursive-doubling":
        return _doubling_allgather(range(P), [nbytes] * P, "allgather")
    if algorithm == "bruck":
        return [_round(range(P), lambda i, d=1 << k: (i - d) % P,
                       [min(1 << k, P - (1 << k)) * nbytes] * P, f"allgather bruck {k}")
                for k in range((P - 1).bit_length())]
    return [_round(range(P), lambda i: (i + 1) % P, [nbytes] * P, f"allgather s{s}")
            for s in range(1, P)]


def alltoall_steps(P: int, nbytes: float, algorithm: str) -> list[Step]:
    """pairwise: in round k (1..P-1) rank i sends its block for i + k and receives the
    one from i - k. bruck: in step k rank i sends to i + 2^k the c_k blocks whose
    index has bit k set (the local rotations before and after are not modelled)."""
    if algorithm == "bruck":
        return [_round(range(P), lambda i, k=k: (i + (1 << k)) % P,
                       [sum(1 for j in range(P) if j >> k & 1) * nbytes] * P,
                       f"alltoall bruck {k}") for k in range((P - 1).bit_length())]
    return [_round(range(P), lambda i, k=k: (i + k) % P, [nbytes] * P, f"alltoall r{k}")
            for k in range(1, P)]
