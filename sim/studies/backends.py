"""Where a sweep's runs execute: in this process, a local process pool, or a Dask cluster.

Every executor has the same contract: `map(fn, items, done, cancel) -> list` calls the
top-level (picklable) function `fn` on each item and returns the results IN ITEM ORDER,
whatever order they finished in; `done()` is called once per finished item;
`cancel()` returning True stops waiting, drops the runs not yet started and raises
engine.Cancelled. Executors are context managers (`close()` frees workers).

- SerialExecutor: one item after another in this process (`cancel` also reaches
  inside each run when `fn` accepts it).
- PoolExecutor(workers): concurrent.futures.ProcessPoolExecutor started with the
  "forkserver" method (fresh interpreters, safe beside GUI threads; the server
  preloads sim, so workers start without re-importing it; "spawn" where forkserver is
  missing). Runs already started finish in the background on cancel.
- DaskExecutor(address, workers): dask.distributed; `address="local"` starts a
  LocalCluster of `workers` single-threaded processes on this machine, otherwise it
  connects to a running scheduler ("tcp://host:8786"), whose workers must have this
  version of ParaSim importable (`pip install parasim[dask]` on each).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Callable, Sequence

from ..errors import Cancelled, ScenarioError

POLL_S = 0.1


def _never() -> bool:
    return False


class SerialExecutor:
    name = "serial"
    workers = 1

    def map(self, fn: Callable, items: Sequence, done: Callable[[], None] | None = None,
            cancel: Callable[[], bool] | None = None) -> list:
        cancel = cancel or _never
        out = []
        for item in items:
            if cancel():
                raise Cancelled("sweep cancelled")
            out.append(fn(item, cancel))
            if done:
                done()
        return out

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _collect(futures: dict, wait_some: Callable, done, cancel, drop) -> list:
    """Wait for `futures` ({future: index}), polling `cancel`; results in index order."""
    out = [None] * len(futures)
    pending = set(futures)
    while pending:
        if cancel():
            drop(pending)
            raise Cancelled("sweep cancelled")
        finished, pending = wait_some(pending)
        for fut in finished:
            out[futures[fut]] = fut.result()
            if done:
                done()
    return out


class PoolExecutor(SerialExecutor):
    name = "process pool"

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        if "forkserver" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["parasim.sim.studies.sweep"])   # workers fork with sim imported
        else:
            ctx = multiprocessing.get_context("spawn")  # type: ignore[assignment]
        self._pool = cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)

    def map(self, fn, items, done=None, cancel=None) -> list:
        futures = {self._pool.submit(fn, item, None): i for i, item in enumerate(items)}

        def wait_some(pending):
            return cf.wait(pending, timeout=POLL_S, return_when=cf.FIRST_COMPLETED)

        def drop(pending):
            for fut in pending:
                fut.cancel()

        try:
            return _collect(futures, wait_some, done, cancel or _never, drop)
        except cf.process.BrokenProcessPool:
            raise OSError("a sweep worker process died (out of memory, or killed); "
                          "try fewer --workers") from None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class DaskExecutor(SerialExecutor):
    name = "dask"

    def __init__(self, address: str = "local", workers: int | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ScenarioError("--dask needs dask.distributed: pip install "
                                "'parasim[dask]' (or 'dask[distributed]')") from None
        self._cluster = None
        if address == "local":
            self.workers = workers or os.cpu_count() or 1
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                         processes=True, dashboard_address=None)
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(address, timeout=10)
            except (OSError, ValueError, TypeError) as exc:
                raise ScenarioError(f"cannot reach the Dask scheduler at {address!r}: "
                                    f"{exc}") from None
            self.workers = len(self._client.scheduler_info().get("workers", {})) or 1

    def map(self, fn, items, done=None, cancel=None) -> list:
        from distributed import wait
        futures = {self._client.submit(fn, item, None, pure=False): i
                   for i, item in enumerate(items)}

        def wait_some(pending):
            result = wait(list(pending), timeout=POLL_S, return_when="FIRST_COMPLETED")
            return set(result.done), set(result.not_done)

        def drop(pending):
            self._client.cancel(list(pending))

        return _collect(futures, _timeout_safe(wait_some), done, cancel or _never, drop)

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def _timeout_safe(wait_some: Callable) -> Callable:
    """distributed.wait raises TimeoutError when nothing finished in time: treat as none."""
    def wrapped(pending):
        try:
            return wait_some(pending)
        except TimeoutError:
            return set(), pending
    return wrapped


def make_executor(workers: int | None = None, dask: str | None = None):
    """The executor the CLI options ask for: Dask if `dask` is given, else serial for
    one worker, else a process pool of `workers` (default: every CPU)."""
    if workers is not None and workers < 1:
        raise ScenarioError(f"--workers must be >= 1, got {workers}")
    if dask:
        return DaskExecutor(dask, workers)
    if workers == 1:
        return SerialExecutor()
    return PoolExecutor(workers)
