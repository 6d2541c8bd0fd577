"""Ping-pong: rank 0 sends n bytes to rank 1, which sends them back, `repeats` times.

With LogGOPS costs a round trip takes 2 (o + L + (n-1) G + o): the CPU overhead o is
paid by the sender and by the receiver of every message, whatever its size.
"""


def main(comm, n=8, repeats=10):
    for _ in range(repeats):
        if comm.rank == 0:
            yield comm.send(1, n)
            yield comm.recv(1)
        elif comm.rank == 1:
            status = yield comm.recv(0)
            yield comm.send(0, status.nbytes)
