"""Master-worker on an imbalanced bag of tasks, or the same bag split statically.

The bag: `tasks` tasks whose sizes are drawn from a log-normal of mean `flops` and
coefficient of variation 1.5 (the same sizes on every run). dynamic: rank 0 hands the
next task to whichever worker reports back first (a receive from ANY_SOURCE; the tag
carries the task's number, 0 means stop); static: worker w takes every (P-1)-th task.
"""
import numpy as np

from parasim.sim.programs.api import ANY_SOURCE

STOP = 0


def main(comm, tasks=200, flops=2e9, dynamic=True, seed=3):
    s2 = np.log(1 + 1.5 ** 2)
    sizes = flops * np.random.default_rng(seed).lognormal(-0.5 * s2, np.sqrt(s2), tasks)
    workers = comm.size - 1
    if not dynamic:
        if comm.rank:
            for i in range(comm.rank - 1, tasks, workers):
                yield comm.compute(flops=sizes[i], name="task")
        return
    if comm.rank == 0:
        given = 0
        for w in range(1, comm.size):           # one task to everyone to start
            yield comm.send(w, 8, tag=1 + given)
            given += 1
        for _ in range(tasks):
            done = yield comm.recv(ANY_SOURCE)  # whoever finishes first ...
            if given < tasks:                   # ... gets the next task
                yield comm.send(done.source, 8, tag=1 + given)
                given += 1
            else:
                yield comm.send(done.source, 0, tag=STOP)
        return
    while True:
        order = yield comm.recv(0)
        if order.tag == STOP:
            return
        yield comm.compute(flops=sizes[order.tag - 1], name="task")
        yield comm.send(0, 8)
