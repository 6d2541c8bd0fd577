"""Communication building blocks: add point-to-point and collective patterns to a graph.

Every helper takes a GraphBuilder `g`, the participants' PEs `pes` (rank i runs on
pes[i]), `after` (per rank, the task its part must follow, or None) and returns the
last task of each rank, so programs chain collectives like MPI calls. Sends are
blocking unless `blocking=False` (see transport.py). Reductions add n / elem numbers
per step (`elem` bytes each, 1 flop per add, from cache: no memory traffic).

Costs below are for a contention-free network where a message of n bytes takes
alpha + n / beta (latency, link bandwidth), P ranks, gamma = time of one reduction
step's adds, L = ceil(log2 P):

    p2p                    alpha + n / beta
    barrier (dissemination)    L alpha                  (zero-byte messages)
    bcast (binomial tree)      L (alpha + n / beta)
    bcast (linear: root sends to each in turn)   (P - 1) (alpha + n / beta)
    reduce (binomial tree)     L (alpha + n / beta + gamma)   (P a power of two; else less)
    allreduce ring             2 (P - 1) (alpha + n / (P beta)) + (P - 1) gamma / P
    allreduce tree             reduce + bcast = 2 L (alpha + n / beta) + L gamma
    allreduce recursive doubling  log2 P (alpha + n / beta + gamma) for P a power of 2;
                               otherwise folding the extra ranks in and out costs at least
                               2 (alpha + n / beta) + gamma more
    allgather ring             (P - 1) (alpha + n / beta)        (n: one rank's block)
    alltoall pairwise exchange (P - 1) (alpha + n / beta)        (n: one block per pair)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..taskgraph import GraphBuilder

ALLREDUCE = ("ring", "tree", "recursive-doubling")


def _after(after: Sequence[int | None] | None, P: int) -> list[tuple[int, ...]]:
    if after is None:
        return [()] * P
    return [() if a is None else (a,) for a in after]


def p2p(g: GraphBuilder, src_pe: int, dst_pe: int, nbytes: float, after_src: int | None = None,
        after_dst: int | None = None, blocking: bool = True, name: str = "p2p") -> tuple[int, int]:
    """A send task on src_pe and a recv task on dst_pe joined by one message."""
    s = g.add(0.0, deps=() if after_src is None else (after_src,), owner=src_pe,
              name=f"{name} send")
    r = g.add(0.0, deps=() if after_dst is None else (after_dst,), owner=dst_pe,
              name=f"{name} recv")
    g.message(s, r, nbytes, blocking)
    return s, r


def barrier(g, pes, after=None, blocking=True) -> list[int]:
    """Dissemination barrier: in round r rank i signals rank i + 2^r (mod P)."""
    P, dep = len(pes), _after(after, len(pes))
    rounds = (P - 1).bit_length()
    prev = [g.add(0.0, deps=dep[i], owner=pes[i], name="barrier r0") for i in range(P)]
    for r in range(rounds):
        cur = [g.add(0.0, deps=(prev[i],), owner=pes[i], name=f"barrier r{r + 1}")
               for i in range(P)]
        for i in range(P):
            g.message(prev[i], cur[(i + (1 << r)) % P], 0.0, blocking)
        prev = cur
    return prev


BCAST = ("binomial", "linear")


def bcast(g, pes, nbytes, after=None, root=0, blocking=True,
          algorithm="binomial") -> list[int]:
    """Binomial tree: relative rank v receives from v - highbit(v), then sends to
    v + 2^k for each round k after that, one after another (messages leave a task in
    the order they were added: here by increasing child, i.e. by round).
    `algorithm="linear"`: the root sends to every other rank in turn."""
    P, dep = len(pes), _after(after, len(pes))
    task = [0] * P
    for v in range(P):
        i = (v + root) % P
        task[i] = g.add(0.0, deps=dep[i], owner=pes[i], name="bcast")
        if v:
            parent = root if algorithm == "linear" else \
                (v - (1 << (v.bit_length() - 1)) + root) % P
            g.message(task[parent], task[i], nbytes, blocking)
    return task


def reduce(g, pes, nbytes, after=None, root=0, elem=8, blocking=True) -> list[int]:
    """Binomial tree towards the root: relative rank v adds the partial result of each
    child v + 2^k (k below v's lowest set bit), one round at a time, then sends its
    own to its parent v - lowbit(v)."""
    P, dep = len(pes), _after(after, len(pes))
    last = [0] * P
    for v in range(P - 1, -1, -1):              # children before parents (index order)
        i = (v + root) % P
        t = g.add(0.0, deps=dep[i], owner=pes[i], name="reduce")
        k = 0
        while (v == 0 or k < (v & -v).bit_length() - 1) and v + (1 << k) < P:
            t2 = g.add(nbytes / elem, deps=(t,), owner=pes[i], name=f"reduce add r{k}")
            g.message(last[(v + (1 << k) + root) % P], t2, nbytes, blocking)
            t, k = t2, k + 1
        last[i] = t
    return last


def allreduce(g, pes, nbytes, algorithm="ring", after=None, elem=8, blocking=True) -> list[int]:
    """Allreduce of n bytes on every rank by `algorithm` (one of ALLREDUCE)."""
    if algorithm == "tree":
        red = reduce(g, pes, nbytes, after, 0, elem, blocking)
        return bcast(g, pes, nbytes, red, 0, blocking)
    if algorithm == "recursive-doubling":
        return _recursive_doubling(g, pes, nbytes, after, elem, blocking)
    return _ring_allreduce(g, pes, nbytes, after, elem, blocking)


def _ring_allreduce(g, pes, nbytes, after, elem, blocking) -> list[int]:
    return list(ring_allreduce_steps(g, pes, nbytes, after, elem, blocking))[-1]


def ring_allreduce_steps(g, pes, nbytes, after=None, elem=8,
                         blocking=True) -> Iterator[list[int]]:
    """Reduce-scatter then allgather around the ring, chunks of n / P: step s sends a
    chunk to rank i + 1; steps 1..P-1 add the received chunk. A generator: each step's
    tasks (one per rank) are added when it is advanced and it yields them, so a caller
    can add other tasks between the steps (a collective overlapped with computation)."""
    P, dep = len(pes), _after(after, len(pes))
    chunk = nbytes / P
    prev = [g.add(0.0, deps=dep[i], owner=pes[i], name="allreduce ring s0") for i in range(P)]
    yield prev
    for s in range(1, 2 * P - 1):
        flops = chunk / elem if s < P else 0.0
        cur = [g.add(flops, deps=(prev[i],), owner=pes[i], name=f"allreduce ring s{s}")
               for i in range(P)]
        for i in range(P):
            g.message(prev[i], cur[(i + 1) % P], chunk, blocking)
        prev = cur
        yield prev


def _recursive_doubling(g, pes, nbytes, after, elem, blocking) -> list[int]:
    """Round k: rank r swaps its whole vector with r XOR 2^k and adds. With P not a
    power of two, ranks p2.. first hand their vector to rank r - p2 and get the result
    back at the end (p2: the largest power of two <= P)."""
    P, dep = len(pes), _after(after, len(pes))
    p2 = 1 << (P.bit_length() - 1)
    extra = [g.add(0.0, deps=dep[r], owner=pes[r], name="allreduce rd fold")
             for r in range(p2, P)]
    prev = []
    for r in range(p2):
        prev.append(g.add(nbytes / elem if r < P - p2 else 0.0, deps=dep[r], owner=pes[r],
                          name="allreduce rd r0"))
        if r < P - p2:
            g.message(extra[r], prev[r], nbytes, blocking)
    for k in range(p2.bit_length() - 1):
        cur = [g.add(nbytes / elem, deps=(prev[r],), owner=pes[r], name=f"allreduce rd r{k + 1}")
               for r in range(p2)]
        for r in range(p2):
            g.message(prev[r], cur[r ^ (1 << k)], nbytes, blocking)
        prev = cur
    for r in range(p2, P):
        t = g.add(0.0, deps=(extra[r - p2],), owner=pes[r], name="allreduce rd unfold")
        g.message(prev[r - p2], t, nbytes, blocking)
        prev.append(t)
    return prev


def allgather(g, pes, nbytes, after=None, blocking=True) -> list[int]:
    """Ring: in step s rank i passes the block it got last step (its own first) to i + 1."""
    return _shifts(g, pes, nbytes, after, blocking, "allgather s", lambda s: 1)


def alltoall(g, pes, nbytes, after=None, blocking=True) -> list[int]:
    """Pairwise exchange: in round k (1..P-1) rank i sends its block for i + k and
    receives the one from i - k, so every rank sends and receives once per round."""
    return _shifts(g, pes, nbytes, after, blocking, "alltoall r", lambda k: k)


def _shifts(g, pes, nbytes, after, blocking, name, shift) -> list[int]:
    """P - 1 rounds (tasks named `name` + round); in round k rank i sends nbytes to
    rank (i + shift(k)) mod P."""
    P, dep = len(pes), _after(after, len(pes))
    prev = [g.add(0.0, deps=dep[i], owner=pes[i], name=f"{name}0") for i in range(P)]
    for k in range(1, P):
        cur = [g.add(0.0, deps=(prev[i],), owner=pes[i], name=f"{name}{k}") for i in range(P)]
        for i in range(P):
            g.message(prev[i], cur[(i + shift(k)) % P], nbytes, blocking)
        prev = cur
    return prev
