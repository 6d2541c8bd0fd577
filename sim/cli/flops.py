"""The ``flops`` verb: count a model's parameters, MACs and FLOPs.

Usage::

    flops MODEL [--input 224] [--batch 1] [--convention macs|flops] [--all-ops]
                [--csv out.csv] [--json]

``MODEL`` is a zoo name (``vgg16``, ``resnet50``...) or a path to a TOML/JSON
model file (:mod:`sim.nn.modelfile`).  ``--input`` is ``224`` or ``HxW``.
Without ``--json`` a per-layer table is printed; ``--json`` prints only the
totals ``{"model", "input", "batch", "params", "macs", "flops", "all_ops"}``.
``--csv`` writes one row per layer (name,type,output_shape,params,macs,flops,
share) atomically.  Errors print one ``error: ...`` line on stderr and return 2.

The main ParaSim CLI registers this verb with :func:`add_parser` and calls
:func:`run`; ``python -m sim.nn.cli flops vgg16`` works on its own.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

from ..analysis.layers import LayerRow
from ..io.files import write_atomic
from ..nn.count import Report, count, format_report, shape_text
from ..nn.zoo import MODELS, load_model
from ..units import percent, si

CSV_COLUMNS = ("name", "type", "output_shape", "params", "macs", "flops", "share")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``flops`` verb on an ``argparse`` subparsers object."""
    p = subparsers.add_parser(
        "flops", help="count parameters, MACs and FLOPs of a neural network",
        description="Count parameters, MACs and FLOPs of a CNN, layer by layer. "
                    f"Zoo models: {', '.join(MODELS)}.")
    p.add_argument("model", metavar="MODEL", help="zoo model name or path to a .toml/.json model file")
    p.add_argument("--input", default="224", metavar="SIZE",
                   help="input image size: 224 or HxW (default 224)")
    p.add_argument("--batch", default="1", metavar="N", help="batch size (default 1)")
    p.add_argument("--convention", choices=("macs", "flops"), default="macs",
                   help="macs: 1 multiply-add = 1 op (default); flops: = 2 x MACs")
    p.add_argument("--all-ops", action="store_true",
                   help="also count bias, batch norm, activations, pooling, adds")
    p.add_argument("--csv", metavar="PATH", help="write per-layer rows to a CSV file")
    p.add_argument("--json", action="store_true", help="print totals as JSON only")
    p.set_defaults(func=run)
    return p


def _parse_input(text: str) -> tuple[int, int]:
    parts = str(text).lower().split("x")
    try:
        values = [int(v) for v in parts]
    except ValueError:
        values = []
    if len(values) == 1:
        values *= 2
    if len(values) != 2 or min(values) <= 0:
        raise ValueError(f"--input must be a positive size like 224 or 224x320, got {text!r}")
    return values[0], values[1]


def _parse_batch(text: str) -> int:
    try:
        batch = int(text)
    except ValueError:
        batch = 0
    if batch <= 0:
        raise ValueError(f"--batch must be a positive integer, got {text!r}")
    return batch


def csv_text(report: Report) -> str:
    """The per-layer CSV (header + one row per layer)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in report.rows:
        writer.writerow([r.name, r.type, shape_text(r.output_shape), r.params, r.macs, r.flops,
                         f"{r.share:.6f}"])
    return buf.getvalue()


def run(args: argparse.Namespace) -> int:
    """Execute the ``flops`` verb; returns the exit status (0, or 2 on error)."""
    try:
        hw = _parse_input(args.input)
        batch = _parse_batch(args.batch)
        model = load_model(args.model)
        report = count(model, hw, batch, all_ops=args.all_ops, convention=args.convention)
        if args.csv:
            try:
                write_atomic(args.csv, csv_text(report))
            except OSError as exc:
                raise ValueError(f"cannot write {args.csv!r}: {exc.strerror or exc}") from None
    except KeyError as exc:  # unknown zoo model
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    except ValueError as exc:  # LayerError, ModelFileError, bad options
        message = " ".join(str(exc).split())
        print(f"error: {message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.totals()))
    else:
        print(format_report(report))
        if args.csv:
            print(f"wrote {args.csv}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry for manual testing: ``python -m sim.nn.cli flops vgg16``."""
    parser = argparse.ArgumentParser(prog="python -m sim.nn.cli")
    subparsers = parser.add_subparsers(dest="verb", required=True)
    add_parser(subparsers)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())


def format_layers(rows: tuple[LayerRow, ...], convention: str = "flops") -> str:
    """A table: layer, work, share of the work, busy time, share of the time."""
    unit, k = ("MAC", 0.5) if convention == "macs" else ("FLOP", 1.0)
    head = ("Layer", f"Work ({unit})", "Work share", "Busy time (PE-s)", "Time share")
    body = [(r.layer, si(r.flops * k, unit), percent(r.flops_share), si(r.time_s, "s"),
             percent(r.time_share)) for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h)
              for i, h in enumerate(head)]

    def line(cells) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([line(head), *(line(b) for b in body)])
