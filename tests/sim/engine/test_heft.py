"""HEFT on the 10-task example of Topcuoglu, Hariri, Wu (2002), Fig. 2 / Table 1."""

import numpy as np

from parasim.sim.engine.heft import heft, upward_ranks

COST = np.array([[14, 16, 9], [13, 19, 18], [11, 13, 19], [13, 8, 17], [12, 13, 10],
                 [13, 16, 9], [7, 15, 11], [5, 11, 14], [18, 12, 20], [21, 7, 16]], float)
EDGES = {(1, 2): 18, (1, 3): 12, (1, 4): 9, (1, 5): 11, (1, 6): 14, (2, 8): 19, (2, 9): 16,
         (3, 7): 23, (4, 8): 27, (4, 9): 23, (5, 9): 13, (6, 8): 15, (7, 10): 17,
         (8, 10): 11, (9, 10): 13}


def paper_graph():
    ptr, idx, comm = [0], [], []
    for t in range(1, 11):
        for (a, b), c in sorted(EDGES.items()):
            if b == t:
                idx.append(a - 1)
                comm.append(c)
        ptr.append(len(idx))
    return np.array(ptr), np.array(idx), np.array(comm, float)


def test_upward_ranks_match_the_paper():
    ptr, idx, comm = paper_graph()
    rank = upward_ranks(ptr, idx, COST.mean(axis=1), comm)
    assert np.round(rank, 3).tolist() == [108.0, 77.0, 80.0, 80.0, 69.0, 63.333, 42.667,
                                          35.667, 44.333, 14.667]


def test_heft_schedule_length_is_80():
    ptr, idx, comm = paper_graph()
    proc, start, finish = heft(ptr, idx, COST, COST.mean(axis=1), comm,
                               lambda k, a, b: 0.0 if a == b else comm[k])
    assert finish.max() == 80.0
    # the paper's Fig. 4(a): n1 on P3 [0, 9], n10 on P2 ending at 80
    assert (proc[0], start[0], finish[0]) == (2, 0.0, 9.0)
    assert (proc[9], finish[9]) == (1, 80.0)
