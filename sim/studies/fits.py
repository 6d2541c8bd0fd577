"""Least-squares fits of calibrate's measurements to the model's parameters (each
tested on synthetic noisy data):

    fit_hockney(n, t)        t = latency + n / bandwidth by least squares on the
                             relative error (weights 1 / t: every size counts alike);
                             a time over twice the line is dropped and the line refitted
    fit_two_regimes(n, t)    the same with a second bandwidth above a size (messages
                             that no longer fit the caches), if it halves the error
    fit_saturation(k, B)     B(k) = min(k core_bw, node_bw), the STREAM saturation
                             curve over k = 1..P workers: the knee that minimises the
                             squared error; core_bw = sum k B / sum k^2 below it, node_bw
                             the mean above it (no knee: node_bw = P core_bw)
    fit_contention(t, F)     machine.dense_contention sigma from DGEMM FLOP/s F on t
                             threads: F(t) = t F(1) / (1 + sigma (t - 1)), i.e.
                             y = t F(1) / F(t) - 1 = sigma (t - 1), least squares through
                             0: sigma = sum (t - 1) y / sum (t - 1)^2, at least 0
    fit_overheads(s, pair)   LogGOPS o and O from the CPU time of a send plus a receive
                             of s bytes: pair = 2 o + 2 (s - 1) O (fit_hockney's line)
    fit_gap(k, T)            LogGOPS g from k back-to-back sends taking T: T = c + k g
    wire_latency(a, o, bw)   L = a + 1 / bw - 2 o: with o set, a message alone costs
                             o + L + (s - 1) / bw + o = a + s / bw, the measured line
                             (latency not counted twice)
"""

from __future__ import annotations

import numpy as np

from ..machine.machine import DENSE_CONTENTION_MAX


def fit_hockney(sizes, times) -> tuple[float, float]:
    """(latency s, bandwidth B/s) minimising sum(((a + n / b) - t) / t)^2; latency
    clamped at 0. A time over twice the line's (a run the OS descheduled) is dropped
    and the line fitted again, once, if 3 sizes are left."""
    n, t = np.asarray(sizes, float), np.asarray(times, float)
    a, b = _hockney(n, t)
    keep = t <= 2.0 * (a + n / b)
    if not keep.all() and keep.sum() >= 3:
        a, b = _hockney(n[keep], t[keep])
    return a, b



def off_the_line(sizes, times, latency: float, bandwidth: float) -> list[float]:
    """The sizes whose time is over twice latency + n / bandwidth (left out of a fit)."""
    return [float(n) for n, t in zip(sizes, times) if t > 2.0 * (latency + n / bandwidth)]



def _hockney(n, t) -> tuple[float, float]:
    w = 1.0 / t
    design = np.column_stack([w, n * w])
    (a, inv_b), *_ = np.linalg.lstsq(design, np.ones_like(t), rcond=None)
    if inv_b <= 0:
        raise ValueError("message times do not grow with the size: no bandwidth to fit")
    if a < 0:                                   # refit the slope alone
        inv_b = float(np.sum(n * w * w) / np.sum((n * w) ** 2))
        a = 0.0
    return float(a), float(1.0 / inv_b)



def fit_two_regimes(sizes, times) -> tuple[float, float, float | None, float]:
    """(latency, cached bandwidth, threshold, bandwidth): t = latency + n / cached bw for
    n <= threshold (a measured size), latency + n / bw above; the split that minimises
    the squared relative error, kept only if it halves the one-line fit's and the
    small messages are the faster (each side >= 2 sizes). No split: threshold None and
    both bandwidths the one-line fit's. Times over twice the fit are dropped and the
    fit made again, once, as in fit_hockney."""
    n, t = np.asarray(sizes, float), np.asarray(times, float)
    a, bs, cut, bl = _two_regimes(n, t)
    model = a + n / np.where(n <= (cut if cut is not None else np.inf), bs, bl)
    keep = t <= 2.0 * model
    if not keep.all() and keep.sum() >= 4:
        return _two_regimes(n[keep], t[keep])
    return a, bs, cut, bl



def _two_regimes(n, t):
    def sse(a, inv_b, sl):
        return float(np.sum(((a + n[sl] * inv_b) / t[sl] - 1.0) ** 2))
    a, b = _hockney(n, t)
    best: tuple[float, float, float | None, float] = (a, b, None, b)
    best_err = sse(a, 1 / b, slice(None))
    one_line = best_err
    for split in range(2, len(n) - 1):
        try:
            a, bs = _hockney(n[:split], t[:split])
        except ValueError:
            continue
        u = n[split:] / t[split:]
        inv_bl = float(np.sum(u * (1 - a / t[split:])) / np.sum(u * u))
        if inv_bl <= 1 / bs:
            continue
        err = sse(a, 1 / bs, slice(0, split)) + sse(a, inv_bl, slice(split, None))
        if err < best_err and err < 0.5 * one_line:
            best_err, best = err, (a, bs, float(n[split - 1]), 1 / inv_bl)
    return best



def fit_saturation(workers, bandwidths) -> tuple[float, float]:
    """(core_bw, node_bw) of B(k) = min(k core_bw, node_bw) by least squares over the
    knee (the last k on the linear part)."""
    k, bw = np.asarray(workers, float), np.asarray(bandwidths, float)
    best = (np.inf, 0.0, 0.0)
    for knee in range(1, len(k) + 1):
        lin, flat = slice(0, knee), slice(knee, None)
        core = float(np.sum(k[lin] * bw[lin]) / np.sum(k[lin] ** 2))
        node = float(np.mean(bw[flat])) if knee < len(k) else core * k[-1]
        node = max(node, core)
        err = float(np.sum((np.minimum(k * core, node) - bw) ** 2))
        if err < best[0] - 1e-12 * abs(err):
            best = (err, core, node)
    return best[1], best[2]



def fit_contention(threads, flops) -> float:
    """sigma of F(t) = t F(1) / (1 + sigma (t - 1)) by least squares over the thread
    counts t > 1 (F(1) the t = 1 entry), clamped to [0, DENSE_CONTENTION_MAX]
    (super-linear scaling: 0)."""
    t, f = np.asarray(threads, float), np.asarray(flops, float)
    one = f[t == 1][0]
    x, y = t - 1, t * one / f - 1
    if not np.any(x > 0):
        return 0.0
    return min(max(float(np.sum(x * y) / np.sum(x * x)), 0.0), DENSE_CONTENTION_MAX)



def fit_overheads(sizes, pair_times) -> tuple[float, float]:
    """(o s, O s/B) from the CPU time of a send plus a receive of s bytes:
    pair(s) = 2 o + 2 (s - 1) O, least squares on the relative error with fit_hockney's
    outlier rule; O = 0 if the times do not grow with the size."""
    s, half = np.asarray(sizes, float) - 1.0, np.asarray(pair_times, float) / 2
    try:
        o, rate = fit_hockney(s, half)
    except ValueError:
        return float(np.median(half)), 0.0
    return o, 1.0 / rate



def fit_gap(counts, times) -> float:
    """LogGOPS g (s): T(k) = c + k g over batches of k back-to-back sends, least
    squares on the relative error (fit_hockney with k as the size: g = 1 / its rate)."""
    return 1.0 / fit_hockney(counts, times)[1]



def wire_latency(latency: float, o: float, bandwidth: float) -> float:
    """LogGOPS L (s) from a fitted one-way line latency + s / bandwidth and the overhead
    o: latency + 1 / bandwidth - 2 o, at least 0 (then the model is slower by the
    difference for small messages)."""
    return max(latency + 1.0 / bandwidth - 2.0 * o, 0.0)
