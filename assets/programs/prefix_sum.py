"""Parallel prefix sum of one block per rank: Hillis-Steele or Blelloch.

Hillis-Steele: log2 P rounds; in round k every rank r >= 2^k receives from r - 2^k and
adds: log2 P message latencies, P log2 P messages in all.
Blelloch (work-efficient): an up-sweep (reduce) tree then a down-sweep: 2 log2 P
rounds but only 2 (P - 1) messages; each rank first sums its own block.
"""


def main(comm, n=8_000_000, algorithm="hillis-steele", elem=8):
    P, r = comm.size, comm.rank
    block = n // P
    yield comm.compute(flops=block, name="sum my block")
    if algorithm == "hillis-steele":
        k = 1
        while k < P:
            req = comm.isend(r + k, elem) if r + k < P else None
            if r - k >= 0:
                yield comm.recv(r - k)
                yield comm.compute(flops=1, name="add")
            if req is not None:
                yield req
            k *= 2
    else:                                        # Blelloch: up-sweep then down-sweep
        k = 1
        while k < P:                             # up: r with r % 2k == 2k - 1 adds r - k
            if r % (2 * k) == 2 * k - 1:
                yield comm.recv(r - k)
                yield comm.compute(flops=1, name="up-sweep add")
            elif r % (2 * k) == k - 1 and r + k < P:
                yield comm.send(r + k, elem)
            k *= 2
        k //= 2
        while k >= 1:                            # down: pass the partial sums back
            if r % (2 * k) == 2 * k - 1 and r - k >= 0:
                yield comm.send(r - k, elem)
                yield comm.recv(r - k)
                yield comm.compute(flops=1, name="down-sweep add")
            elif r % (2 * k) == k - 1 and r + k < P:
                yield comm.recv(r + k)
                yield comm.send(r + k, elem)
            k //= 2
    yield comm.compute(flops=block, name="add the offset to my block")
