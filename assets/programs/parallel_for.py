"""A parallel for over an imbalanced loop on one node's threads.

Iteration i costs (i + 1) x flops (a triangular loop, as in LU or a pair list), so the
last block of a static schedule holds the most work: threads finishing early wait. A
dynamic schedule hands out `chunk` iterations to whichever thread is free; guided
starts with large chunks (remaining / threads) and shrinks them.
"""


def main(comm, n=2000, flops=1e6, schedule="static", chunk=0):
    yield from comm.parallel_for(n, lambda i: (i + 1) * flops, schedule=schedule,
                                 chunk=chunk, name=f"{schedule} loop")
