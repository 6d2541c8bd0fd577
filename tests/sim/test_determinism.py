"""Same scenario, same seed -> byte-identical trace; another seed -> another trace."""

from parasim.sim.io import trace_csv
from parasim.sim.simulate import simulate
from tests.helpers import scenario


def csv_of(sc):
    return trace_csv.to_csv_text(simulate(sc, baseline=False).trace)


def test_same_seed_gives_identical_csv_bytes():
    for sc in (scenario("spmv", {"cores": 4}, rows=20000, tasks=37, seed=7),
               scenario("bag", {"cores": 3}, tasks=200, cv=0.8, bytes_per_task=1e6, seed=3),
               scenario("matmul", {"cores": 5}, policy="critical-path", n=300, tile=64,
                        k_split=3)):
        assert csv_of(sc) == csv_of(sc)


def test_seed_changes_a_random_workload():
    a = scenario("bag", {"cores": 3}, tasks=50, cv=0.8, seed=1)
    b = scenario("bag", {"cores": 3}, tasks=50, cv=0.8, seed=2)
    assert csv_of(a) != csv_of(b)
