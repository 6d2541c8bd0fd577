"""Measurements of the machine this runs on (used by `parasim calibrate` and `validate`).

Each probe returns seconds (medians over repeats, or minima with stat="min") or the
figures derived from them:

    matmul_time(n, threads, dtype)     numpy's BLAS C = A B on `threads` threads
                                       (threadpoolctl); 2 n^3 flops
    triad_times(n, workers)            STREAM triad a = b + s c by numpy in `workers`
                                       processes at once; each worker's median pass time.
                                       numpy does it in two passes (5 x 8 n bytes of real
                                       traffic), the STREAM count is 3 x 8 n
    copy_times(n, workers)             a = b, counted 2 x 8 n bytes
    chase_latency(nbytes)              a random cyclic pointer chase over nbytes, minus
                                       the same loop over a cache-resident array
    pingpong_times(sizes, transport)   one-way times between two processes through a
                                       shared-memory channel ("shm": copy in, copy out)
                                       or a loopback TCP socket on 127.0.0.1 ("socket");
                                       both sides busy-poll (a sleeping CPU takes tens of
                                       microseconds to wake)
    shm_pingpong(sizes)                the shm one-way times and the CPU time of a send
                                       plus a receive (LogGOPS 2 o + 2 (s - 1) O)
    send_gap_times(counts)             k back-to-back 8-byte TCP sends (LogGOPS g)
    cache_sizes()                      from /sys where the OS reports them
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import socket
import time
from collections.abc import Callable
from multiprocessing import shared_memory
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

TRANSPORTS = ("shm", "socket")
# How repeats become one figure: the median (the default), or the minimum, the least
# disturbed run, for a machine shared with other work.
STATS: dict[str, Callable[..., Any]] = {"median": np.median, "min": np.min}
# How a kernel is timed: wall-clock, or the CPU time of this process (divided by the
# threads), which leaves out the time other processes hold the CPU. Ping-pong is always
# wall-clock: its busy-polling burns CPU while it waits.
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}


def _ctx():
    return mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


def blas_info() -> dict:
    """numpy's BLAS as threadpoolctl reports it (library, version, kernel, threads)."""
    for lib in threadpool_info():
        if lib.get("user_api") == "blas":
            return lib
    return {}


def blas_kernel() -> str:
    """`internal_api architecture` of numpy's BLAS, e.g. `openblas SkylakeX`."""
    info = blas_info()
    return f"{info.get('internal_api', '?')} {info.get('architecture', '?')}".strip()


def matmul_time(n: int, threads: int, dtype: str = "float64", repeats: int = 3,
                stat: str = "median", clock: str = "wall") -> float:
    """Seconds of one n x n x n matmul on `threads` BLAS threads (one warm-up), `stat`
    over the repeats; by the `clock` (CPU time / threads with "cpu")."""
    timer, share = CLOCKS[clock], threads if clock == "cpu" else 1
    rng = np.random.default_rng(0)
    a = rng.random((n, n)).astype(dtype)
    b = rng.random((n, n)).astype(dtype)
    out = np.empty((n, n), dtype)
    times = []
    with threadpool_limits(limits=threads, user_api="blas"):
        np.matmul(a, b, out=out)
        for _ in range(repeats):
            t0 = timer()
            np.matmul(a, b, out=out)
            times.append((timer() - t0) / share)
    return float(STATS[stat](times))


def _stream_worker(kind, n, repeats, barrier, out, stat, clock):
    b = np.full(n, 1.0)
    c = np.full(n, 2.0)
    a = np.empty(n)
    times = []
    for k in range(repeats + 1):                    # the first pass touches the pages
        barrier.wait()
        t0 = CLOCKS[clock]()
        if kind == "triad":
            np.multiply(c, 3.0, out=a)
            np.add(a, b, out=a)
        else:
            np.copyto(a, b)
        if k:
            times.append(CLOCKS[clock]() - t0)
    out.put(float(STATS[stat](times)))


def stream_times(kind: str, n: int, workers: int, repeats: int = 5,
                 stat: str = "median", clock: str = "wall") -> list[float]:
    """Each worker's median seconds per pass of `kind` (triad or copy) over n fp64
    elements, all `workers` processes starting each pass together."""
    ctx = _ctx()
    barrier, out = ctx.Barrier(workers), ctx.Queue()
    procs = [ctx.Process(target=_stream_worker, args=(kind, n, repeats, barrier, out, stat, clock),
                         daemon=True) for _ in range(workers)]
    try:
        for p in procs:
            p.start()
        return sorted(out.get(timeout=600) for _ in procs)
    finally:
        for p in procs:
            p.terminate()
            p.join()


def chase_latency(nbytes: int, steps: int = 100_000) -> float:
    """Seconds per dependent load over a random cycle of nbytes (int64 next-indices),
    minus the same loop's time over a 4 KiB cycle (the interpreter's share); the
    median of three timings of `steps` loads each."""
    def cycle(count):
        order = np.random.default_rng(1).permutation(count)
        nxt = np.empty(count, np.int64)
        nxt[order] = np.roll(order, -1)
        return nxt

    def per_step(nxt):
        i = 0
        t0 = time.perf_counter()
        for _ in range(steps):
            i = nxt[i]
        return (time.perf_counter() - t0) / steps
    big, small = cycle(max(nbytes // 8, 2)), cycle(512)
    diffs = [per_step(big) - per_step(small) for _ in range(3)]
    return max(float(np.median(diffs)), 0.0)


def cache_sizes() -> dict[str, int]:
    """{"L1d": bytes, "L2": bytes, ...} of cpu0 from /sys; {} where absent."""
    out = {}
    for d in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            level = (d / "level").read_text().strip()
            kind = (d / "type").read_text().strip()
            size = (d / "size").read_text().strip()
        except OSError:
            continue
        if kind == "Instruction":
            continue
        mult = {"K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}.get(size[-1:], 1)
        out[f"L{level}{'d' if kind == 'Data' else ''}"] = int(size.rstrip("KMG")) * mult
    return out


def cpu_facts() -> dict:
    """Clock (MHz from /proc/cpuinfo), SIMD width from the CPU flags, core count."""
    mhz, flags = 0.0, set[str]()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, val = line.partition(":")
            if key.strip() == "cpu MHz" and not mhz:
                mhz = float(val)
            elif key.strip() == "flags" and not flags:
                flags = set(val.split())
    except (OSError, ValueError):
        pass
    simd = 512 if "avx512f" in flags else 256 if "avx" in flags else 128
    return {"mhz": mhz, "simd_bits": simd, "fma": "fma" in flags,
            "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1}


# -- two-process ping-pong ---------------------------------------------------------------

def _shm_side(name, size, sizes, reps, me, stat="median") -> tuple[list[float], list[float]]:
    """One end of the shared-memory channel: a seq counter, then the data. Side 0
    writes when seq is even, side 1 when odd; each waits by spinning on seq. Per size:
    the one-way time (round trip / 2) and the CPU time of one send (copy in, set seq)
    plus one receive (copy out once seq says the data is there), `stat` over the
    repeats."""
    shm = shared_memory.SharedMemory(name=name)
    buf = shm.buf
    assert buf is not None
    seq = np.ndarray(1, np.int64, buf[:8])
    data = np.ndarray(size, np.uint8, buf[64:64 + size])
    clock = time.perf_counter
    try:
        mine = np.ones(size, np.uint8)
        turn = 0
        one_way, pair = [], []
        for n, r in zip(sizes, reps):
            times, busy = [], []
            for k in range(r + 1):                   # one warm-up round trip
                t0 = clock()
                cpu = 0.0
                for side in (0, 1):
                    if side == me:
                        while seq[0] != turn:
                            pass
                        t1 = clock()
                        data[:n] = mine[:n]
                        seq[0] = turn + 1
                    else:
                        while seq[0] != turn + 1:
                            pass
                        t1 = clock()
                        mine[:n] = data[:n]
                    cpu += clock() - t1
                    turn += 1
                if k:
                    times.append((clock() - t0) / 2)
                    busy.append(cpu)
            one_way.append(float(STATS[stat](times)))
            pair.append(float(STATS[stat](busy)))
        return one_way, pair
    finally:
        del seq, data, buf
        shm.close()


def _send_all(sock, view):
    sent = 0
    while sent < len(view):
        try:
            sent += sock.send(view[sent:])
        except BlockingIOError:
            pass


def _recv_all(sock, view):
    got = 0
    while got < len(view):
        try:
            k = sock.recv_into(view[got:])
        except BlockingIOError:
            continue
        if k == 0:
            raise ConnectionError("the ping-pong peer closed the socket")
        got += k


def _socket_side(sock, size, sizes, reps, me, stat="median") -> list[float]:
    sock.setblocking(False)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = memoryview(bytearray(size))
    result = []
    for n, r in zip(sizes, reps):
        times = []
        for k in range(r + 1):
            t0 = time.perf_counter()
            if me == 0:
                _send_all(sock, buf[:n])
                _recv_all(sock, buf[:n])
            else:
                _recv_all(sock, buf[:n])
                _send_all(sock, buf[:n])
            if k:
                times.append((time.perf_counter() - t0) / 2)
        result.append(float(STATS[stat](times)))
    sock.close()
    return result


def repeats_for(nbytes: float, budget_s: float = 0.2, most: int = 300) -> int:
    """Round trips to time at one size: about budget_s at 1 GB/s, 3 to `most`."""
    return int(min(most, max(3, budget_s / (2e-6 + nbytes / 1e9))))


def pingpong_times(sizes: list[int], transport: str = "shm",
                   reps: list[int] | None = None, stat: str = "median") -> list[float]:
    """One-way seconds (round trip / 2, `stat` over the repeats) per message size
    between this process and a child, both busy-polling."""
    if transport == "shm":
        return shm_pingpong(sizes, reps, stat)[0]
    if transport != "socket":
        raise ValueError(f"transport must be one of {', '.join(TRANSPORTS)}, got {transport!r}")
    sizes = [int(s) for s in sizes]
    reps = reps or [repeats_for(s) for s in sizes]
    size = max(sizes + [1])
    with _socket_pair(_socket_child, (size, sizes, reps)) as conn:
        return _socket_side(conn, size, sizes, reps, 0, stat)


def shm_pingpong(sizes: list[int], reps: list[int] | None = None,
                 stat: str = "median") -> tuple[list[float], list[float]]:
    """Per message size, over the shared-memory channel: (one-way seconds, CPU seconds
    of one send plus one receive), `stat` over the repeats (_shm_side)."""
    sizes = [int(s) for s in sizes]
    reps = reps or [repeats_for(s) for s in sizes]
    size = max(sizes + [1])
    shm = shared_memory.SharedMemory(create=True, size=64 + size)
    try:
        assert shm.buf is not None
        np.ndarray(1, np.int64, shm.buf[:8])[0] = 0
        child = _ctx().Process(target=_shm_side, args=(shm.name, size, sizes, reps, 1),
                               daemon=True)
        child.start()
        try:
            return _shm_side(shm.name, size, sizes, reps, 0, stat)
        finally:
            child.terminate()
            child.join()
    finally:
        shm.close()
        shm.unlink()


@contextlib.contextmanager
def _socket_pair(target, args):
    """A loopback TCP connection to a child process running target(port, *args)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        child = _ctx().Process(target=target, args=(server.getsockname()[1], *args),
                               daemon=True)
        child.start()
        try:
            conn, _ = server.accept()
            with conn:
                yield conn
        finally:
            child.terminate()
            child.join()
    finally:
        server.close()


def send_gap_times(counts: list[int], nbytes: int = 8, repeats: int = 5,
                   stat: str = "median") -> list[float]:
    """Seconds to issue k back-to-back sends of `nbytes` on a loopback TCP socket, for
    each k of `counts` (`stat` over the repeats): the send calls only, while a
    busy-polling child drains them; the next batch starts once the child has all."""
    counts = [int(k) for k in counts]
    with _socket_pair(_drain_child, (nbytes, counts, repeats)) as conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        msg, ack = memoryview(bytearray(nbytes)), memoryview(bytearray(1))
        out = []
        for k in counts:
            times = []
            for _ in range(repeats + 1):                # one warm-up batch
                t0 = time.perf_counter()
                for _ in range(k):
                    conn.sendall(msg)
                times.append(time.perf_counter() - t0)
                conn.recv_into(ack)
            out.append(float(STATS[stat](times[1:])))
        return out


def _drain_child(port, nbytes, counts, repeats):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setblocking(False)
    buf = memoryview(bytearray(nbytes * max(counts)))
    for k in counts:
        for _ in range(repeats + 1):
            _recv_all(sock, buf[:k * nbytes])
            _send_all(sock, buf[:1])
    sock.close()


def _socket_child(port, size, sizes, reps):
    sock = socket.create_connection(("127.0.0.1", port))
    _socket_side(sock, size, sizes, reps, 1)
