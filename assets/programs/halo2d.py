"""2-D Jacobi on a px x py grid of ranks: every sweep swaps one edge with each of the
four neighbours (a torus), then updates the block (5 flops a point, 16 bytes moved).

overlap = false: blocking exchanges, then the whole block: T = 4 messages + compute.
overlap = true: post the receives and sends (irecv / isend), update the interior
while they fly, wait, then update the edges: the messages hide behind the interior.
"""
import math


def main(comm, n=2048, sweeps=10, overlap=True):
    P = comm.size
    px = max(d for d in range(1, math.isqrt(P) + 1) if P % d == 0)
    py = P // px
    x, y = comm.rank % px, comm.rank // px
    b = n // px, n // py                        # my block
    edge = {"E": b[1] * 8, "W": b[1] * 8, "N": b[0] * 8, "S": b[0] * 8}
    peer = {"E": y * px + (x + 1) % px, "W": y * px + (x - 1) % px,
            "N": ((y + 1) % py) * px + x, "S": ((y - 1) % py) * px + x}
    back = {"E": "W", "W": "E", "N": "S", "S": "N"}
    points = b[0] * b[1]
    rim = 2 * (b[0] + b[1])
    for _ in range(sweeps):
        if overlap:
            reqs = [comm.irecv(peer[d], tag=ord(back[d])) for d in peer]
            reqs += [comm.isend(peer[d], edge[d], tag=ord(d)) for d in peer]
            yield comm.compute(flops=5 * (points - rim), bytes=16 * (points - rim),
                               name="interior")
            yield comm.waitall(reqs)
            yield comm.compute(flops=5 * rim, bytes=16 * rim, name="edges")
        else:
            for d in peer:                      # even ranks send first: no deadlock
                yield comm.send(peer[d], edge[d], tag=ord(d))
                yield comm.recv(peer[back[d]], tag=ord(d))
            yield comm.compute(flops=5 * points, bytes=16 * points, name="whole block")
