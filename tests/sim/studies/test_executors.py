"""Serial, process-pool and Dask executors give identical sweeps, in grid order."""

import pytest

from parasim.sim.errors import Cancelled, ScenarioError
from parasim.sim.studies.backends import PoolExecutor, SerialExecutor, make_executor
from parasim.sim.studies.sweep import run_sweep
from tests.helpers import scenario

GRID = {"machine.cores": [4, 1, 2], "schedule.policy": ["dynamic", "cyclic"]}


def small():
    return scenario("bag", machine_kw={"cores": 2}, tasks=24, flops_per_task=1e6,
                    bytes_per_task=1e5, cv=0.5)


@pytest.fixture(scope="module")
def serial_records():
    return run_sweep(small(), GRID, executor=SerialExecutor()).records()


def test_process_pool_gives_identical_rows_in_grid_order(serial_records):
    with PoolExecutor(2) as ex:
        records = run_sweep(small(), GRID, executor=ex).records()
    assert records == serial_records
    assert [r["machine.cores"] for r in records] == [4, 4, 1, 1, 2, 2]


def test_dask_local_cluster_gives_identical_rows(serial_records):
    pytest.importorskip("distributed", reason="dask[distributed] is not installed "
                                              "(pip install 'parasim[dask]')")
    from parasim.sim.studies.backends import DaskExecutor
    with DaskExecutor("local", workers=2) as ex:
        records = run_sweep(small(), GRID, executor=ex).records()
    assert records == serial_records


def test_pool_cancel_raises():
    with PoolExecutor(2) as ex, pytest.raises(Cancelled):
        run_sweep(small(), GRID, executor=ex, cancel=lambda: True)


def test_make_executor_choices():
    assert isinstance(make_executor(1), SerialExecutor)
    with make_executor(2) as ex:
        assert isinstance(ex, PoolExecutor) and ex.workers == 2
    with pytest.raises(ScenarioError, match="--workers must be >= 1, got 0"):
        make_executor(0)
