"""Allreduce around a ring, written by hand, next to the library's (`mine = false`).

Reduce-scatter: P - 1 steps; in step s each rank sends one chunk of n / P bytes to its
right neighbour and adds the chunk it received from its left (n / P / 8 additions).
Allgather: P - 1 more steps passing the finished chunks on. Every rank sends
2 (P - 1) n / P bytes, whatever P: the ring is bandwidth-optimal.
T = 2 (P - 1) (alpha + n / (P beta)) + (P - 1) gamma / P.
"""


def main(comm, n=8_000_000, mine=True, steps=1):
    P = comm.size
    right, left = (comm.rank + 1) % P, (comm.rank - 1) % P
    chunk = n / P
    for _ in range(steps):
        yield comm.compute(flops=2e8, name="local gradient")
        if not mine:
            yield from comm.allreduce(n, algorithm="ring")
            continue
        for s in range(2 * (P - 1)):
            yield comm.send(right, chunk)
            yield comm.recv(left)
            if s < P - 1:
                yield comm.compute(flops=chunk / 8, name="add the chunk")
