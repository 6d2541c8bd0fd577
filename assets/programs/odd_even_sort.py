"""Odd-even transposition sort of n keys over P ranks (n / P keys each).

Each rank sorts its block (n/P log2(n/P) comparisons), then P phases: in even phases
ranks (0,1), (2,3), ... swap blocks, in odd phases (1,2), (3,4), ...; each keeps the
smaller or larger half of the merge (n/P comparisons). Compute grows like n/P log n/P,
communication like P blocks of n/P keys: P phases are why it scales badly.
"""
import math


def main(comm, n=4_000_000, key_bytes=8):
    P, r = comm.size, comm.rank
    m = n // P
    yield comm.compute(flops=m * math.log2(max(m, 2)), name="sort my block")
    for phase in range(P):
        partner = r + 1 if (r + phase) % 2 == 0 else r - 1
        if 0 <= partner < P:
            req = comm.isend(partner, m * key_bytes)
            yield comm.recv(partner)
            yield req
            yield comm.compute(flops=m, name="merge, keep my half")
