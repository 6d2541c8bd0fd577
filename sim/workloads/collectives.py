"""Communication building blocks: add point-to-point and collective patterns to a graph.

Every helper takes a GraphBuilder `g`, the participants' PEs `pes` (rank i runs on
pes[i]), `after` (per rank, the task its part must follow, or None) and returns the
last task of each rank, so programs chain collectives like MPI calls. Sends are
blocking unless `blocking=False` (see transport.py). Reductions add the numbers they
receive (`elem` bytes each, 1 flop per add, from cache: no memory traffic).

Costs (Thakur, Rabenseifner & Gropp, "Optimization of Collective Communication
Operations in MPICH", IJHPCA 19(1), 2005) on a contention-free network where a
message of m bytes takes alpha + m beta (latency, seconds per byte), gamma = seconds
per byte of reduction adds, P ranks, L = ceil(log2 P), p' = the largest power of two
<= P, lg = log2. n is the whole vector (bcast, reduce, allreduce, reduce-scatter) and
b = n / P one rank's block; allgather, alltoall, scatter and gather take b (MPI's
per-rank count) as their `nbytes`:

    p2p                          alpha + m beta
    barrier (dissemination)      L alpha                          (zero-byte messages)
    bcast binomial               L (alpha + n beta)
    bcast linear                 (P - 1) (alpha + n beta)
    bcast scatter-ring           (L + P - 1) alpha + 2 (P - 1) b beta        (van de Geijn)
    bcast scatter-doubling       2 lg P alpha + 2 (P - 1) b beta             (P = 2^k)
    reduce binomial              L (alpha + n beta + n gamma)    (P = 2^k; else less)
    allreduce ring               2 (P - 1) alpha + 2 (P - 1) b beta + (P - 1) b gamma
    allreduce tree               reduce + bcast = 2 L (alpha + n beta) + L n gamma
    allreduce recursive-doubling lg p' (alpha + n beta + n gamma) + F
    allreduce rabenseifner       2 lg p' alpha + 2 (p'-1)/p' n beta + (p'-1)/p' n gamma + F
        F = 0 for P = 2^k, else the fold: 2 alpha + 2 n beta + n gamma (MPICH: ranks
        2i < 2 (P - p') send n to 2i + 1, which adds; the result comes back at the end)
    reduce-scatter recursive-halving  lg P alpha + (P - 1) b (beta + gamma)  (P = 2^k;
        otherwise the fold alpha + n (beta + gamma), halving over p' ranks owning 1 or 2
        blocks, and alpha + b beta back: see _halving)
    reduce-scatter pairwise      (P - 1) (alpha + b beta + b gamma)
    allgather ring               (P - 1) (alpha + b beta)
    allgather recursive-doubling lg P alpha + (P - 1) b beta      (P = 2^k)
    allgather bruck              L alpha + (P - 1) b beta
    alltoall pairwise            (P - 1) (alpha + b beta)
    alltoall bruck               sum over k < L of (alpha + c_k b beta), c_k = number of
                                 j in [0, P) with bit k set (P = 2^k: lg P alpha +
                                 (P / 2) lg P b beta); local rotations not modelled
    scatter, gather binomial     L alpha + (P - 1) b beta         (gather: P = 2^k; for
                                 other P children's sends may overlap and share the
                                 root's link, which the paper's one-message-at-a-time
                                 model does not allow, so it can be faster)

`algorithm = "auto"` picks as MPICH 3.x does, from its default thresholds (AUTO_RULES).
The schedules (who sends what to whom in each step) are in collective_schedules.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ..taskgraph import GraphBuilder
from .collective_schedules import (
    Step,
    allgather_steps,
    allreduce_steps,
    alltoall_steps,
    barrier_steps,
    bcast_allgather,
    reduce_scatter_steps,
    scatter_children,
)

BCAST = ("auto", "binomial", "linear", "scatter-ring", "scatter-doubling")
ALLREDUCE = ("auto", "ring", "tree", "recursive-doubling", "rabenseifner")
ALLGATHER = ("auto", "ring", "recursive-doubling", "bruck")
ALLTOALL = ("auto", "pairwise", "bruck")
REDUCE_SCATTER = ("auto", "recursive-halving", "pairwise")
POWER_OF_TWO_ONLY = {"bcast": ("scatter-doubling",), "allgather": ("recursive-doubling",)}

# MPICH 3.x defaults (MPIR_CVAR_*), bytes; n = whole vector, b = one rank's block.
BCAST_SHORT, BCAST_LONG, BCAST_MIN_PROCS = 12288, 524288, 8
ALLREDUCE_SHORT = 2048
ALLGATHER_SHORT, ALLGATHER_LONG = 81920, 524288            # on the total P b
ALLTOALL_SHORT, ALLTOALL_MIN_PROCS = 256, 8                 # on one block b
REDUCE_SCATTER_LONG = 524288                                # on the total n
AUTO_RULES = """\
bcast:          n < 12288 B or P < 8: binomial; n < 512 KiB and P = 2^k: scatter-doubling;
                else scatter-ring
allreduce:      n <= 2048 B or n / elem < p': recursive-doubling; else rabenseifner
allgather:      P b < 512 KiB and P = 2^k: recursive-doubling; P b < 80 KiB: bruck; else ring
alltoall:       b <= 256 B and P >= 8: bruck; else pairwise (MPICH posts all sends at once
                for 256 B < b <= 32 KiB; ParaSim uses pairwise there)
reduce-scatter: n < 512 KiB: recursive-halving; else pairwise"""


def is_power_of_two(P: int) -> bool:
    return P > 0 and P & (P - 1) == 0


def auto(collective: str, nbytes: float, P: int, elem: int = 8) -> str:
    """The algorithm MPICH would use (AUTO_RULES); nbytes as the collective takes it."""
    pof2 = is_power_of_two(P)
    if collective == "bcast":
        if nbytes < BCAST_SHORT or P < BCAST_MIN_PROCS:
            return "binomial"
        return "scatter-doubling" if nbytes < BCAST_LONG and pof2 else "scatter-ring"
    if collective == "allreduce":
        p2 = 1 << (P.bit_length() - 1)
        short = nbytes <= ALLREDUCE_SHORT or nbytes / elem < p2
        return "recursive-doubling" if short else "rabenseifner"
    if collective == "allgather":
        total = P * nbytes
        if total < ALLGATHER_LONG and pof2:
            return "recursive-doubling"
        return "bruck" if total < ALLGATHER_SHORT else "ring"
    if collective == "alltoall":
        return "bruck" if nbytes <= ALLTOALL_SHORT and P >= ALLTOALL_MIN_PROCS else "pairwise"
    if collective == "reduce-scatter":
        return "recursive-halving" if nbytes < REDUCE_SCATTER_LONG else "pairwise"
    raise ValueError(f"no automatic choice for {collective!r}")


def check_algorithm(collective: str, algorithm: str, P: int) -> str | None:
    """Why `algorithm` cannot run on P ranks (it needs a power of two), or None."""
    if algorithm in POWER_OF_TWO_ONLY.get(collective, ()) and not is_power_of_two(P):
        return f"{collective} algorithm {algorithm!r} needs a power-of-two rank count, got {P}"
    return None


def _pick(collective, algorithm, nbytes, P, elem=8) -> str:
    if algorithm == "auto":
        return auto(collective, nbytes, P, elem)
    why = check_algorithm(collective, algorithm, P)
    if why:
        raise ValueError(why)
    return algorithm


def _after(after: Sequence[int | None] | None, P: int) -> list[tuple[int, ...]]:
    if after is None:
        return [()] * P
    return [() if a is None else (a,) for a in after]


def _start(g, pes, after, name) -> list[int]:
    """One zero-work task per rank after `after`: where each rank's part begins."""
    return [g.add(0.0, deps=d, owner=pes[i], name=name)
            for i, d in enumerate(_after(after, len(pes)))]


def run_steps(g, pes, prev, steps: Iterable[Step], elem=8, blocking=True) -> list[int]:
    """Add a schedule to the graph (prev[i]: rank i's last task): in each step every
    receiver gets a new task (by rank) after its last, each message leaving the
    sender's last task."""
    prev = list(prev)
    for st in steps:
        got: dict[int, float] = {}
        for _, d, m in st.sends:
            got[d] = got.get(d, 0.0) + m
        cur = {d: g.add(got[d] / elem if st.add else 0.0, deps=(prev[d],), owner=pes[d],
                        name=st.name) for d in sorted(got)}
        for s, d, m in st.sends:
            g.message(prev[s], cur[d], m, blocking)
        for d, t in cur.items():
            prev[d] = t
    return prev


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
    """Dissemination barrier (barrier_steps)."""
    return run_steps(g, pes, _start(g, pes, after, "barrier r0"), barrier_steps(len(pes)),
                     8, blocking)


def bcast(g, pes, nbytes, after=None, root=0, blocking=True,
          algorithm="binomial") -> list[int]:
    """Broadcast n bytes from `root` by `algorithm` (one of BCAST).

    binomial: relative rank v receives from v - highbit(v), then sends to v + 2^k for
    each round k after that, one after another (by increasing child), L (alpha + n beta).
    linear: the root sends to every other rank in turn, (P - 1) (alpha + n beta).
    scatter-ring / scatter-doubling (van de Geijn): a binomial scatter of b = n / P
    blocks, then a ring / recursive-doubling allgather of them."""
    P = len(pes)
    algorithm = _pick("bcast", algorithm, nbytes, P)
    if algorithm.startswith("scatter-"):
        rot = [pes[(v + root) % P] for v in range(P)]
        first = None if after is None else [after[(v + root) % P] for v in range(P)]
        done = scatter(g, rot, nbytes / P, first, blocking)
        done = allgather(g, rot, nbytes / P, done, blocking, bcast_allgather(algorithm))
        return [done[(i - root) % P] for i in range(P)]
    dep = _after(after, P)
    task = [0] * P
    for v in range(P):
        i = (v + root) % P
        task[i] = g.add(0.0, deps=dep[i], owner=pes[i], name="bcast")
        if v:
            parent = root if algorithm == "linear" else \
                (v - (1 << (v.bit_length() - 1)) + root) % P
            g.message(task[parent], task[i], nbytes, blocking)
    return task


def scatter(g, pes, nbytes, after=None, blocking=True) -> list[int]:
    """Binomial scatter from rank 0 of b = `nbytes` per rank: relative rank v gets the
    blocks of [v, v + lowbit(v)) from v - lowbit(v), then sends each child its subtree's
    blocks (scatter_children). L alpha + (P - 1) b beta."""
    P = len(pes)
    task = _start(g, pes, after, "scatter")
    for v in range(P):
        for c, k in scatter_children(v, P):
            g.message(task[v], task[c], k * nbytes, blocking)
    return task


def gather(g, pes, nbytes, after=None, blocking=True) -> list[int]:
    """Binomial gather to rank 0 of b = `nbytes` per rank (scatter reversed): rank v
    receives from each child (smallest first) its blocks, one receive after another,
    then sends its own subtree's blocks to its parent v - lowbit(v).
    L alpha + (P - 1) b beta for P = 2^k."""
    P = len(pes)
    dep = _after(after, P)
    last = [0] * P
    for v in range(P - 1, -1, -1):                  # children before parents
        t = g.add(0.0, deps=dep[v], owner=pes[v], name="gather")
        for c, k in reversed(scatter_children(v, P)):
            t2 = g.add(0.0, deps=(t,), owner=pes[v],
                       name=f"gather r{(c - v).bit_length() - 1}")
            g.message(last[c], t2, k * nbytes, blocking)
            t = t2
        last[v] = t
    return last


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
    algorithm = _pick("allreduce", algorithm, nbytes, len(pes), elem)
    if algorithm == "tree":
        red = reduce(g, pes, nbytes, after, 0, elem, blocking)
        return bcast(g, pes, nbytes, red, 0, blocking)
    first = "allreduce ring s0" if algorithm == "ring" else "allreduce"
    return run_steps(g, pes, _start(g, pes, after, first),
                     allreduce_steps(len(pes), nbytes, algorithm), elem, blocking)


def ring_allreduce_steps(g, pes, nbytes, after=None, elem=8,
                         blocking=True) -> Iterator[list[int]]:
    """The ring allreduce as a generator: each step's tasks (one per rank) are added
    when it is advanced and it yields them, so a caller can add other tasks between
    the steps (a collective overlapped with computation)."""
    prev = _start(g, pes, after, "allreduce ring s0")
    yield prev
    for st in allreduce_steps(len(pes), nbytes, "ring"):
        prev = run_steps(g, pes, prev, [st], elem, blocking)
        yield prev


def _play(g, pes, after, collective, nbytes, algorithm, steps, elem, blocking) -> list[int]:
    """`collective` by `algorithm` (auto or checked): its schedule
    `steps(P, nbytes, algorithm)` played after `after`."""
    P = len(pes)
    algorithm = _pick(collective, algorithm, nbytes, P, elem)
    return run_steps(g, pes, _start(g, pes, after, collective), steps(P, nbytes, algorithm),
                     elem, blocking)


def reduce_scatter(g, pes, nbytes, algorithm="pairwise", after=None, elem=8,
                   blocking=True) -> list[int]:
    """Reduce-scatter of an n = `nbytes` vector: rank i ends with the sum of block i
    (b = n / P) by `algorithm` (one of REDUCE_SCATTER): reduce_scatter_steps."""
    return _play(g, pes, after, "reduce-scatter", nbytes, algorithm, reduce_scatter_steps,
                 elem, blocking)


def allgather(g, pes, nbytes, after=None, blocking=True, algorithm="ring") -> list[int]:
    """Allgather of b = `nbytes` per rank by `algorithm` (one of ALLGATHER):
    allgather_steps."""
    return _play(g, pes, after, "allgather", nbytes, algorithm, allgather_steps, 8, blocking)


def alltoall(g, pes, nbytes, after=None, blocking=True, algorithm="pairwise") -> list[int]:
    """All-to-all of b = `nbytes` per pair by `algorithm` (one of ALLTOALL):
    alltoall_steps."""
    return _play(g, pes, after, "alltoall", nbytes, algorithm, alltoall_steps, 8, blocking)
