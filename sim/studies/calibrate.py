"""`parasim calibrate`: measure this machine and write it as a machine scenario.

The fits (least squares) are in fits.py; the probes in probes.py;

    machine_rates(...)       freq from /proc/cpuinfo, simd_bits from the CPU flags,
                             fma_units = 2 (assumed), dense_efficiency = measured DGEMM
                             FLOP/s on one thread / the model's core peak (capped at 1:
                             above it the clock is raised to fit)

The scenario is written atomically (io.files.write_atomic) with a comment per value
saying how it was measured; Ctrl-C before the end leaves no file.
"""

from __future__ import annotations

import datetime
import platform
import sys
from dataclasses import dataclass, field

import numpy as np

from ..io.files import write_atomic
from . import probes
from .fits import (
    fit_contention,
    fit_gap,
    fit_hockney,
    fit_overheads,
    fit_saturation,
    fit_two_regimes,
    off_the_line,
    wire_latency,
)

FMA_UNITS = 2


def machine_rates(gemm_flops_1: float, mhz: float, simd_bits: int) -> tuple[float, float, str]:
    """(freq_ghz, dense_efficiency, how) from one thread's DGEMM FLOP/s."""
    lanes = simd_bits // 64
    freq = mhz / 1000.0 if mhz > 0 else 0.0
    peak = freq * 1e9 * 2 * FMA_UNITS * lanes
    if peak > 0 and gemm_flops_1 <= peak:
        return freq, gemm_flops_1 / peak, f"DGEMM / core peak {peak / 1e9:.1f} GFLOP/s"
    freq = gemm_flops_1 / (2 * FMA_UNITS * lanes) / 1e9
    return freq, 1.0, "DGEMM beat the peak of the reported clock: clock raised to fit"


@dataclass
class Calibration:
    """Everything measured, in SI units, and how (for the file's comments)."""

    cores: int
    mhz: float
    simd_bits: int
    blas: str
    gemm: dict = field(default_factory=dict)       # (dtype, threads) -> FLOP/s
    gemm_n: int = 0
    stream: dict = field(default_factory=dict)     # kind -> [B/s aggregate per worker count]
    stream_n: int = 0
    latency_s: float = 0.0
    chase_bytes: int = 0
    caches: dict = field(default_factory=dict)
    messages: dict = field(default_factory=dict)   # transport -> (sizes, one-way times)
    send_recv: tuple | None = None                 # shm (sizes, CPU s of a send + a recv)
    send_gaps: tuple | None = None                 # TCP (batch sizes k, s to issue k sends)
    mode: str = "quick"
    stat: str = "median"
    clock: str = "wall"


def _g(v: float) -> str:
    """A TOML float with 4 significant digits."""
    return repr(float(f"{v:.4g}"))


def _size(b: float) -> str:
    for unit, div in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if b >= div:
            return f"{b / div:g} {unit}"
    return f"{b:g} B"


def to_toml(cal: Calibration, name: str = "calibrated") -> str:
    """The machine scenario text, a comment per value."""
    f1 = cal.gemm[("float64", 1)]
    freq, eff, how = machine_rates(f1, cal.mhz, cal.simd_bits)
    triad = cal.stream["triad"]
    core_bw, node_bw = fit_saturation(range(1, len(triad) + 1), triad)
    curve = ", ".join(f"{b / 1e9:.2f}" for b in triad)
    shm_lat, shm_cached, shm_cut, shm_bw = fit_two_regimes(*cal.messages["shm"])
    shm_times = ", ".join(f"{_size(n)} {t * 1e6:.3g}" for n, t in zip(*cal.messages["shm"]))
    sock = fit_hockney(*cal.messages["socket"])
    sock_off = off_the_line(cal.messages["socket"][0], cal.messages["socket"][1], *sock)
    sock_times = ", ".join(f"{_size(n)} {t * 1e6:.3g}" for n, t in zip(*cal.messages["socket"]))
    span = f"{_size(min(cal.messages['shm'][0]))}..{_size(max(cal.messages['shm'][0]))}"
    o, loggops = _loggops_lines(cal, sock[1])
    intra_l, sock_l = wire_latency(shm_lat, o, shm_cached), wire_latency(sock[0], o, sock[1])
    minus = "" if not o else "; minus 2 o (LogGOPS: o + L + (s - 1) G + o), from the line's"
    fP = cal.gemm[("float64", cal.cores)]
    dgemm = sorted((t, f) for (dtype, t), f in cal.gemm.items() if dtype == "float64")
    sigma = fit_contention(*zip(*dgemm))
    caches = ", ".join(f"{k} {_size(v)}" for k, v in cal.caches.items()) or "not reported"
    stamp = datetime.datetime.now().isoformat(timespec="seconds")
    lines = [
        f"# Measured by `parasim calibrate` ({cal.mode}) on {platform.node() or 'this host'}, "
        f"{stamp}. {'Medians' if cal.stat == 'median' else 'Minima'} over repeats; "
        + ("wall-clock times." if cal.clock == "wall" else
           "DGEMM and STREAM timed by CPU time (/ threads), ping-pong by the wall clock."),
        f"# numpy BLAS: {cal.blas}.",
        f'name = "{name}"',
        'description = "This machine as parasim calibrate measured it"',
        'explain = """',
        "One node of this machine: its clock and SIMD width from the OS, the share of",
        "peak numpy's DGEMM sustains, STREAM-counted memory bandwidth, and the latency",
        "and bandwidth of a message between two processes. `parasim validate --machine`",
        "with this file compares its predictions with the real kernels.",
        '"""',
        "seed = 1",
        "",
        "[machine]",
        "nodes = 1                      # this machine is one node",
        f"cores = {cal.cores}                      # CPUs this process may run on",
        f"freq_ghz = {_g(freq)}                # /proc/cpuinfo cpu MHz",
        f"fma_units = {FMA_UNITS}                  # assumed (not measurable from Python)",
        f"simd_bits = {cal.simd_bits}                # widest vector extension in the CPU flags",
        f"dense_efficiency = {_g(eff)}       # numpy DGEMM n = {cal.gemm_n} on 1 thread: "
        f"{f1 / 1e9:.2f} GFLOP/s; {how}",
        f"dense_contention = {_g(sigma)}       # DGEMM on {cal.cores} threads "
        f"{fP / 1e9:.2f} GFLOP/s: F(t) = t F(1) / (1 + sigma (t - 1)), least squares",
        f"# SGEMM on 1 thread {cal.gemm[('float32', 1)] / 1e9:.2f} GFLOP/s "
        f"(the model: 2 x DGEMM)",
        "",
        "[machine.memory]",
        f"bandwidth_gbs = {_g(node_bw / 1e9)}           # STREAM triad (numpy, 24 n bytes "
        f"counted, n = {cal.stream_n}) on 1..{len(triad)} processes at once: "
        f"{curve} GB/s; min(k core, node) least-squares fit",
        f"core_bandwidth_gbs = {_g(core_bw / 1e9)}      # the same fit's per-process limit",
        f"latency_ns = {_g(cal.latency_s * 1e9)}              # random pointer chase over "
        f"{_size(cal.chase_bytes)} minus one over 4 KiB (the interpreter's share)",
        "# STREAM copy (16 n bytes counted): "
        + ", ".join(f"{b / 1e9:.2f}" for b in cal.stream["copy"])
        + f" GB/s. Caches (/sys; the model has none): {caches}",
        "",
        "[machine.network]",
        f"intra_latency_us = {_g(intra_l * 1e6)}        # two processes, shared-memory "
        f"channel (copy in, copy out), busy-polling ping-pong {span}: Hockney fit"
        + (minus and f"{minus} {shm_lat * 1e6:.3g} us"),
        f"intra_bandwidth_gbs = {_g(shm_bw / 1e9)}     # the same fit"
        + ("" if shm_cut is None else f", messages over {_size(shm_cut)}"),
        *([] if shm_cut is None else [
            f"intra_cached_bytes = {int(shm_cut)}      # the size up to which the fit's "
            f"second, faster line holds (the messages stay in the caches)",
            f"intra_cached_bandwidth_gbs = {_g(shm_cached / 1e9)}   # that line's bandwidth"]),
        f"# one-way times (us): {shm_times}",
        f"latency_us = {_g(sock_l * 1e6)}              # loopback TCP on 127.0.0.1, "
        f"busy-polling ping-pong {span}: Hockney fit; used only between nodes"
        + (minus and f"{minus} {sock[0] * 1e6:.3g} us"),
        f"bandwidth_gbs = {_g(sock[1] / 1e9)}           # the same fit"
        + ("" if not sock_off else "; left out, over twice the line: "
           + ", ".join(_size(n) for n in sock_off)),
        f"# one-way times (us): {sock_times}",
        *loggops,
        "",
        "[workload]",
        'kind = "triad"                # any workload; this one is memory bound',
        "n = 50000000",
        f"tasks = {cal.cores}",
        "",
    ]
    return "\n".join(lines)


def _loggops_lines(cal: Calibration, bandwidth: float) -> tuple[float, list[str]]:
    """(o s, the [machine.network] lines of o, O and g) from the send/receive CPU times
    and the back-to-back sends; (0, []) where they were not measured. O is capped at
    G = 1 / bandwidth: above it the model's receiver would add (s - 1) (O - G) that
    the fitted ping-pong line already holds."""
    if cal.send_recv is None:
        return 0.0, []
    sizes, pair = cal.send_recv
    o, O = fit_overheads(sizes, pair)           # noqa: E741 (LogGOPS's name)
    capped = O > 1.0 / bandwidth
    lines = [
        f"overhead_us = {_g(o * 1e6)}              # LogGOPS o: CPU time of a shared-memory "
        f"send (copy in) + receive (copy out), {_size(min(sizes))}..{_size(max(sizes))}: "
        f"least-squares line 2 o + 2 (s - 1) O",
        f"overhead_per_byte_ns = {_g(min(O, 1.0 / bandwidth) * 1e9)}   # LogGOPS O: that "
        f"line's slope" + (f" {O * 1e9:.3g} ns, capped at G = 1 / bandwidth_gbs" if capped
                           else ""),
        "# send + receive CPU times (us): "
        + ", ".join(f"{_size(n)} {t * 1e6:.3g}" for n, t in zip(sizes, pair))]
    if cal.send_gaps is not None:
        counts, times = cal.send_gaps
        lines.append(f"gap_us = {_g(fit_gap(counts, times) * 1e6)}                   # LogGOPS "
                     f"g: {min(counts)}..{max(counts)} back-to-back 8-byte loopback TCP "
                     f"sends, least-squares slope of the time over the count; between nodes")
    return o, lines


# -- the probe run ------------------------------------------------------------------

PLANS = {
    # gemm n, stream n (fp64 per array), chase bytes, message sizes
    "quick": (1024, 4 << 20, 64 << 20, [8 * 8 ** i for i in range(8)] + [64 << 20]),
    "full": (2048, 16 << 20, 256 << 20, [8 * 4 ** i for i in range(12)] + [64 << 20]),
}
GAP_COUNTS = [32, 64, 128, 256]               # back-to-back sends per batch (LogGOPS g)


class Progress:
    """A one-line progress bar on stderr: [####......] k/N what."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream

    def __call__(self, label: str) -> None:
        width = 24
        fill = width * self.done // self.total
        self.stream.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {self.done}/{self.total} "
                          f"{label:<44}")
        self.stream.flush()
        self.done += 1

    def close(self) -> None:
        self.stream.write("\r" + " " * 80 + "\r")
        self.stream.flush()


def measure(mode: str = "quick", progress: Progress | None = None,
            stat: str = "median", clock: str = "wall") -> Calibration:
    """Run every probe (sim/studies/probes.py) in `mode` (quick or full), reducing repeats by
    `stat` (probes.STATS), timing kernels by `clock` (probes.CLOCKS)."""
    gemm_n, stream_n, chase, sizes = PLANS[mode]
    facts = probes.cpu_facts()
    P = facts["cores"]
    step = progress or (lambda label: None)
    cal = Calibration(cores=P, mhz=facts["mhz"], simd_bits=facts["simd_bits"],
                      blas=_blas_text(probes.blas_info()), gemm_n=gemm_n, stream_n=stream_n,
                      chase_bytes=chase, caches=probes.cache_sizes(), mode=mode, stat=stat,
                      clock=clock)
    for dtype in ("float64", "float32"):
        for threads in sorted({1, P}):
            step(f"matmul {dtype} n={gemm_n} on {threads} thread(s)")
            cal.gemm[(dtype, threads)] = 2.0 * gemm_n ** 3 / probes.matmul_time(gemm_n, threads,
                                                                                 dtype, stat=stat,
                                                                                 clock=clock)
    for kind, counted in (("triad", 24), ("copy", 16)):
        cal.stream[kind] = []
        for k in range(1, P + 1):
            step(f"STREAM {kind} on {k} process(es)")
            times = probes.stream_times(kind, stream_n, k, stat=stat, clock=clock)
            cal.stream[kind].append(k * counted * stream_n / float(np.median(times)))
    step(f"pointer chase over {_size(chase)}")
    cal.latency_s = probes.chase_latency(chase)
    step(f"ping-pong over shm, {len(sizes)} sizes")
    one_way, pair = probes.shm_pingpong(sizes, stat=stat)
    cal.messages["shm"], cal.send_recv = (sizes, one_way), (sizes, pair)
    step(f"ping-pong over socket, {len(sizes)} sizes")
    cal.messages["socket"] = (sizes, probes.pingpong_times(sizes, "socket", stat=stat))
    step(f"back-to-back sends, {len(GAP_COUNTS)} batch sizes")
    cal.send_gaps = (GAP_COUNTS, probes.send_gap_times(GAP_COUNTS, stat=stat))
    return cal


def steps(cores: int) -> int:
    """How many progress steps `measure` takes."""
    return 2 * len({1, cores}) + 2 * cores + 1 + 3


def _blas_text(info: dict) -> str:
    if not info:
        return "not found by threadpoolctl"
    return (f"{info.get('internal_api', '?')} {info.get('version', '?')}, kernel "
            f"{info.get('architecture', '?')}, {info.get('num_threads', '?')} threads at most")


def run(out: str, quick: bool, stat: str = "median", clock: str = "wall") -> str:
    """Measure and write the scenario to `out` atomically; the text written."""
    mode = "quick" if quick else "full"
    bar = Progress(steps(probes.cpu_facts()["cores"]))
    try:
        cal = measure(mode, bar, stat, clock)
    finally:
        bar.close()
    text = to_toml(cal)
    write_atomic(out, text)
    return text
