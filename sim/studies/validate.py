"""`parasim validate`: run real kernels and the same work simulated; compare.

Cases (medians over repeats; sim/studies/probes.py measures):

    DGEMM n x n on t threads, t = 1..P      predicted: kind matmul on t cores (tiles
                                            n / 2t: 4 t^2 tasks)
    triad on k processes at once, k = 1..P  predicted: kind triad, k tasks of n each
    ping-pong, shared memory, 8 B..64 MB    predicted: kind pingpong between two cores
                                            of the node, one way = round trip / 2
    TCP ping-pong, loopback, 8 B..64 MB     predicted: kind pingpong between two nodes
                                            of the machine's network (what calibrate
                                            fitted latency_us / bandwidth_gbs to)

error = (predicted - measured) / measured. Targets (issue 15): DGEMM and triad within
10 %, ping-pong within 15 % at every size (the same for TCP).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from .. import scenario as scenario_mod
from ..errors import TraceFormatError
from ..io.files import write_atomic
from ..simulate import simulate
from ..units import clip
from . import probes

GEMM_SIZES = (768, 1536)
TRIAD_N = 8 << 20
PINGPONG_SIZES = tuple(8 * 8 ** i for i in range(8)) + (64 << 20,)
TARGETS = {"DGEMM": 0.10, "triad": 0.10, "ping-pong": 0.15, "TCP ping-pong": 0.15}


@dataclass(frozen=True)
class Case:
    group: str           # one of TARGETS
    label: str
    predicted_s: float
    measured_s: float

    @property
    def error(self) -> float:
        return (self.predicted_s - self.measured_s) / self.measured_s

    @property
    def within_target(self) -> bool:
        return abs(self.error) <= TARGETS[self.group]


# The [machine.network] settings a prediction keeps besides intra_*: the link figures
# and LogGOPS (o, g, O apply to every message; G = 1 / bandwidth_gbs is the receiver's
# per-byte floor), so a ping-pong costs o + L + (s - 1) G + o as calibrate fitted it.
MESSAGE_COSTS = ("preset", "latency_us", "bandwidth_gbs", "overhead_us", "gap_us",
                 "overhead_per_byte_ns", "rendezvous_bytes")


def _simulate(sc, overrides: dict, workload: dict, nodes: int = 1) -> float:
    """The workload's makespan on `nodes` nodes of sc's machine (its settings changed
    by `overrides`): a crossbar keeping the network's intra-node settings and
    MESSAGE_COSTS (no topology: one node needs none, two a single switch)."""
    data = scenario_mod.to_dict(sc)
    machine = data["machine"]
    machine.update({"nodes": nodes, **overrides})
    if isinstance(machine.get("network"), dict):
        net = machine["network"]
        machine["network"] = {k: v for k, v in net.items()
                              if k.startswith("intra_") or k in MESSAGE_COSTS}
    data["workload"] = workload
    data["schedule"] = {"policy": "dynamic"}
    return simulate(scenario_mod.from_dict(data), baseline=False).makespan


def predict_gemm(sc, n: int, threads: int) -> float:
    return _simulate(sc, {"cores": threads},
                     {"kind": "matmul", "n": n, "tile": -(-n // (2 * threads))})


def predict_triad(sc, n: int, workers: int) -> float:
    return _simulate(sc, {"cores": max(workers, sc.machine.cores)},
                     {"kind": "triad", "n": n * workers, "tasks": workers})


def predict_pingpong(sc, nbytes: int, between_nodes: bool = False) -> float:
    """One way of a ping-pong between two cores of a node, or between two nodes."""
    data = {"kind": "pingpong", "bytes": float(nbytes), "repeats": 1,
            "peer_node": 1 if between_nodes else 0}
    return _simulate(sc, {"cores": max(2, sc.machine.cores)}, data,
                     nodes=2 if between_nodes else 1) / 2


def run_cases(sc, progress=None, stat: str = "median", clock: str = "wall") -> list[Case]:
    """Measure (repeats reduced by `stat`, kernels timed by `clock`; ping-pong always by
    the wall clock) and predict every case on the machine of scenario `sc`."""
    step = progress or (lambda label: None)
    P = sc.machine.cores
    out = []
    for n in GEMM_SIZES:
        for t in range(1, P + 1):
            step(f"DGEMM n={n} on {t} thread(s)")
            out.append(Case("DGEMM", f"n={n}, {t} thread{'s' if t > 1 else ''}",
                            predict_gemm(sc, n, t),
                            probes.matmul_time(n, t, repeats=5, stat=stat,
                                               clock=clock)))
    for k in range(1, P + 1):
        step(f"triad on {k} process(es)")
        measured = float(np.median(probes.stream_times("triad", TRIAD_N, k, 7, stat=stat,
                                                             clock=clock)))
        out.append(Case("triad", f"n={TRIAD_N} each, {k} process{'es' if k > 1 else ''}",
                        predict_triad(sc, TRIAD_N, k), measured))
    for group, transport in (("ping-pong", "shm"), ("TCP ping-pong", "socket")):
        step(f"{group}, {len(PINGPONG_SIZES)} sizes")
        one_way = probes.pingpong_times(list(PINGPONG_SIZES), transport, stat=stat)
        for nbytes, seconds in zip(PINGPONG_SIZES, one_way):
            out.append(Case(group, f"{_bytes(nbytes)} one way",
                            predict_pingpong(sc, nbytes, transport == "socket"), seconds))
    return out


def steps(cores: int) -> int:
    return len(GEMM_SIZES) * cores + cores + 2


def _bytes(n: float) -> str:
    for unit, div in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div:
            return f"{n / div:g} {unit}"
    return f"{n:g} B"


def _time(s: float) -> str:
    for unit, mult in (("s", 1.0), ("ms", 1e3), ("us", 1e6)):
        if s >= 1.0 / mult or unit == "us":
            return f"{s * mult:.3g} {unit}"
    return f"{s:.3g} s"


def format_table(cases: list[Case]) -> str:
    """One row per case: group, case, predicted, measured, error, and whether it is
    within the group's target; a last line counting them."""
    rows = [("kernel", "case", "predicted", "measured", "error", "")]
    for c in cases:
        rows.append((c.group, c.label, _time(c.predicted_s), _time(c.measured_s),
                     f"{c.error * 100:+.1f} %",
                     "ok" if c.within_target else f"over {TARGETS[c.group]:.0%}"))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = ["  ".join(v.ljust(w) if i < 2 else v.rjust(w) for i, (v, w) in
                       enumerate(zip(r, widths))).rstrip() for r in rows]
    ok = sum(c.within_target for c in cases)
    lines.append(f"{ok} of {len(cases)} cases within target (DGEMM and triad 10 %, "
                 f"ping-pongs 15 %)")
    return "\n".join(lines)


def format_markdown(cases: list[Case]) -> str:
    """format_table as a Markdown table (numbers right-aligned), then the count line."""
    lines = ["| kernel | case | predicted | measured | error | target |",
             "|---|---|---:|---:|---:|---|"]
    for c in cases:
        lines.append(f"| {c.group} | {c.label} | {_time(c.predicted_s)} | "
                     f"{_time(c.measured_s)} | {c.error * 100:+.1f} % | "
                     f"{'ok' if c.within_target else f'over {TARGETS[c.group]:.0%}'} |")
    lines += ["", format_table(cases).splitlines()[-1]]
    return "\n".join(lines)


CHART_HALF, CHART_SCALE = 20, 0.5           # columns each side of 0; the error at the edge


def error_bar(error: float, target: float) -> str:
    """The error on a text axis from -50 % to +50 % (CHART_HALF columns a side, 2.5 %
    each): `|` at 0, `:` at +-target, `#` from 0 to the error, `<` / `>` at an edge
    the error passes."""
    step = CHART_SCALE / CHART_HALF
    cells = [" "] * (2 * CHART_HALF + 1)
    for sign in (-1, 1):
        cells[CHART_HALF + sign * min(round(target / step), CHART_HALF)] = ":"
    reach = round(error / step)
    end = CHART_HALF + max(-CHART_HALF, min(CHART_HALF, reach))
    for i in range(min(end, CHART_HALF), max(end, CHART_HALF) + 1):
        cells[i] = "#"
    cells[CHART_HALF] = "|"
    if abs(reach) > CHART_HALF:
        cells[0 if reach < 0 else -1] = "<" if reach < 0 else ">"
    return "[" + "".join(cells) + "]"


def format_chart(cases: list[Case]) -> str:
    """Predicted against measured as text: per case its relative error on a -50 % ..
    +50 % axis (error_bar), the kernel's target band marked."""
    labels = [f"{c.group}, {c.label}" for c in cases]
    width = max((len(x) for x in labels), default=0)
    axis = [" "] * (2 * CHART_HALF + 1)
    axis[:4], axis[CHART_HALF], axis[-4:] = "-50%", "0", "+50%"
    lines = [" " * (width + 13) + "".join(axis),
             *(f"{x.ljust(width)}  {c.error * 100:+6.1f} %  {error_bar(c.error, TARGETS[c.group])}"
               for x, c in zip(labels, cases)),
             "(predicted - measured) / measured; : marks each kernel's target, < > an error "
             "past 50 %"]
    return "\n".join(lines)


CSV_COLUMNS = ("kernel", "case", "predicted_s", "measured_s", "rel_error")


def to_csv(cases: list[Case]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for c in cases:
        w.writerow((c.group, c.label, repr(c.predicted_s), repr(c.measured_s), repr(c.error)))
    return buf.getvalue()


def write_csv(cases: list[Case], path: str) -> None:
    write_atomic(path, to_csv(cases))


def read_csv(path: str) -> list[Case]:
    """The cases of a CSV written by write_csv; TraceFormatError naming the file, the
    line and the bad value otherwise (rel_error is recomputed, not read)."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise TraceFormatError(f"cannot read {clip(path)}: {exc}") from None
    if not rows or tuple(rows[0]) != CSV_COLUMNS:
        raise TraceFormatError(f"{path} line 1: expected the header "
                               f"{','.join(CSV_COLUMNS)}, got {','.join(rows[0]) if rows else ''!r}")
    cases = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(CSV_COLUMNS):
            raise TraceFormatError(f"{path} line {line}: expected {len(CSV_COLUMNS)} fields, "
                                   f"got {len(row)}")
        if row[0] not in TARGETS:
            raise TraceFormatError(f"{path} line {line}: kernel must be one of "
                                   f"{', '.join(TARGETS)}, got {clip(row[0])}")
        times = []
        for name, text in zip(("predicted_s", "measured_s"), row[2:4]):
            try:
                value = float(text)
            except ValueError:
                value = float("nan")
            if not value > 0 or value == float("inf"):
                raise TraceFormatError(f"{path} line {line}: {name} must be a time > 0, "
                                       f"got {clip(text)}")
            times.append(value)
        cases.append(Case(row[0], row[1], times[0], times[1]))
    return cases
