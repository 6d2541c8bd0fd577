"""Broadcast written by hand: a binomial tree, or the root sending to each rank in turn.

Binomial: rank v (relative to the root) receives from v - highbit(v), then sends to
v + 2^k for every k from bitlength(v) on: ceil(log2 P) rounds of alpha + n / beta.
Linear: the root sends P - 1 times: (P - 1) (alpha + n / beta).
"""


def main(comm, n=1_000_000, tree=True, root=0):
    P = comm.size
    v = (comm.rank - root) % P                  # my rank relative to the root
    if comm.rank == root:
        yield comm.compute(flops=1e7, name="prepare the data")
    if not tree:
        if v == 0:
            for w in range(1, P):
                yield comm.send((w + root) % P, n)
        else:
            yield comm.recv(root)
        return
    if v:
        parent = v - (1 << (v.bit_length() - 1))
        yield comm.recv((parent + root) % P)
    k = v.bit_length()
    while v + (1 << k) < P:                    # forward to my children, nearest last
        yield comm.send((v + (1 << k) + root) % P, n)
        k += 1
