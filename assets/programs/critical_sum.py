"""Summing the threads' partial results: one lock for all, or a tree of partial sums.

Every thread computes its part of a dot product, then adds its partial sum into the
total. critical: each addition (`add_flops`, standing for the update and the cache line
moving between cores) holds the lock, so T additions run one after another: T x add.
tree: threads pair up in log2 T rounds (thread barriers between rounds), only
ceil(log2 T) additions on the longest chain.
"""


def main(comm, n=8_000_000, add_flops=5e6, tree=False):
    T = comm.threads
    part = n // T
    if not tree:
        def worker(c):
            yield c.compute(flops=2 * part, bytes=16 * part, name="my part")
            with (yield c.critical("total")):
                yield c.compute(flops=add_flops, name="add into the total")
        tasks = [comm.spawn(worker) for _ in range(T - 1)]
        yield from worker(comm)
        yield comm.join(tasks)
        return

    def worker(c, t):
        yield c.compute(flops=2 * part, bytes=16 * part, name="my part")
        k = 1
        while k < T:
            yield c.thread_barrier(T)
            if t % (2 * k) == 0 and t + k < T:
                yield c.compute(flops=add_flops, name="add a partner's sum")
            k *= 2
    tasks = [comm.spawn(worker, t) for t in range(1, T)]
    yield from worker(comm, 0)
    yield comm.join(tasks)
