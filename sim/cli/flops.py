"""The ``flops`` verb: count a model's parameters, MACs and FLOPs.

Usage::

    flops MODEL [--input 224] [--batch 1] [--convention macs|flops] [--all-ops]
                [--training [--optimizer adamw] [--recompute]] [--decode T]
                [--csv out.csv] [--json]

``MODEL`` is a zoo name (``vgg16``, ``resnet50``...) or a path to a TOML/JSON
model file (:mod:`sim.nn.modelfile`).  ``--input`` is ``224`` or ``HxW``.
Without ``--json`` a per-layer table is printed; ``--json`` prints only the
totals ``{"model", "input", "batch", "params", "macs", "flops", "all_ops"}``.
``--csv`` writes one row per layer (name,type,output_shape,params,macs,flops,
share) atomically.  ``--training`` counts a training step (:mod:`sim.nn.training`;
JSON key ``training``); ``--decode T`` one generated token of a language model
at position ``T`` with a KV cache (JSON key ``decode``).  Errors print one ``error: ...`` line on stderr and return 2.

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
from ..io.files import check_writable, write_atomic
from ..nn.count import Report, count, format_report, shape_text
from ..nn.decode import decode_step, format_decode
from ..nn.onnx_import import parse_input_specs, read_onnx
from ..nn.training import OPTIMIZER_OPS, TrainingReport, format_training, training_count
from ..nn.transformer import build
from ..nn.zoo import MODELS, load_model
from ..nn.zoo_transformers import get_config
from ..units import clip, one_line, percent, si

CSV_COLUMNS = ("name", "type", "output_shape", "params", "macs", "flops", "share")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``flops`` verb on an ``argparse`` subparsers object."""
    p = subparsers.add_parser(
        "flops", help="count parameters, MACs and FLOPs of a neural network",
        description="Count parameters, MACs and FLOPs of a CNN, layer by layer. "
                    f"Zoo models: {', '.join(MODELS)}.")
    p.add_argument("model", metavar="MODEL",
                   help="zoo model name or path to a .toml/.json model file or an .onnx file")
    p.add_argument("--input", action="append", metavar="SIZE",
                   help="input image size 224 or HxW (default 224), or the sequence length "
                        "of a language model (default its context); for an .onnx file "
                        "NAME=1x3x224x224 (repeat for several inputs)")
    p.add_argument("--batch", default=None, metavar="N",
                   help="batch size (default 1; an .onnx file's dynamic batch axis)")
    p.add_argument("--convention", choices=("macs", "flops"), default="macs",
                   help="macs: 1 multiply-add = 1 op (default); flops: = 2 x MACs")
    p.add_argument("--all-ops", action="store_true",
                   help="also count bias, batch norm, activations, pooling, adds")
    p.add_argument("--training", action="store_true",
                   help="count a training step: forward, backward, optimizer update, 6ND check")
    p.add_argument("--optimizer", choices=tuple(OPTIMIZER_OPS), default="adamw",
                   help="optimizer of --training (default adamw)")
    p.add_argument("--recompute", action="store_true",
                   help="with --training: recompute the transformer blocks' forward in backward")
    p.add_argument("--decode", metavar="T", type=int,
                   help="language models: one generated token at position T with a KV cache "
                        "(FLOPs and bytes per token)")
    p.add_argument("--csv", metavar="PATH", help="write per-layer rows to a CSV file")
    p.add_argument("--json", action="store_true", help="print totals as JSON only")
    p.set_defaults(func=run)
    return p


def _parse_input(texts: list[str] | None) -> tuple[int, int] | None:
    if not texts:
        return None
    if len(texts) > 1:
        raise ValueError(f"--input is given {len(texts)} times; once, except for an .onnx file")
    text = texts[0]
    parts = str(text).lower().split("x")
    try:
        values = [int(v) for v in parts]
    except ValueError:
        values = []
    if len(values) == 1:
        values *= 2
    if len(values) != 2 or min(values) <= 0:
        raise ValueError(f"--input must be a positive size like 224 or 224x320, got {clip(text)}")
    return values[0], values[1]


def _parse_batch(text: str | None) -> int:
    if text is None:
        return 1
    try:
        batch = int(text)
    except ValueError:
        batch = 0
    if batch <= 0:
        raise ValueError(f"--batch must be a positive integer, got {clip(text)}")
    return batch


def csv_text(report: Report | TrainingReport) -> str:
    """The per-layer CSV (header + one row per layer); a training report has
    columns name,type,output_shape,params,forward,backward (its convention)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if isinstance(report, TrainingReport):
        writer.writerow(("name", "type", "output_shape", "params", "forward", "backward"))
        for t in report.rows:
            writer.writerow([t.name, t.type, shape_text(t.output_shape), t.params, t.forward,
                             t.backward + t.recompute])
        return buf.getvalue()
    writer.writerow(CSV_COLUMNS)
    for r in report.rows:
        writer.writerow([r.name, r.type, shape_text(r.output_shape), r.params, r.macs, r.flops,
                         f"{r.share:.6f}"])
    return buf.getvalue()


def _report(args, batch) -> tuple[Report | TrainingReport, str, dict]:
    """The report of the options, its text and its JSON totals."""
    if args.decode is not None:
        if args.training:
            raise ValueError("--decode and --training do not go together")
        if args.input:
            raise ValueError("--decode counts one token: leave out --input")
        cfg = get_config(args.model)
        step = decode_step(cfg, args.decode, batch)
        report = count(build(cfg, past=args.decode), 1, batch, args.all_ops, args.convention)
        totals = {**report.totals(), "decode": step.totals()}
        return report, format_report(report) + "\n" + format_decode(step), totals
    unknown, extra = "", {}
    if str(args.model).lower().endswith(".onnx"):
        imported = read_onnx(args.model, parse_input_specs(args.input or []),
                             batch if args.batch is not None else None)
        model, hw, batch = imported.model, None, imported.batch
        unknown, extra = imported.unknown_text(), {"unknown": imported.unknown}
    else:
        model = load_model(args.model)
        hw = _parse_input(args.input)
    if args.training:
        training = training_count(model, hw, batch, args.all_ops, args.convention, args.optimizer,
                                  args.recompute)
        report = count(model, hw, batch, args.all_ops, args.convention)
        return training, _join(format_training(training), unknown), {
            **report.totals(), "training": training.totals(), **extra}
    report = count(model, hw, batch, all_ops=args.all_ops, convention=args.convention)
    return report, _join(format_report(report), unknown), {**report.totals(), **extra}


def _join(text: str, note: str) -> str:
    return f"{text}\n{note}" if note else text


def run(args: argparse.Namespace) -> int:
    """Execute the ``flops`` verb; returns the exit status (0, or 2 on error)."""
    try:
        batch = _parse_batch(args.batch)
        if args.recompute and not args.training:
            raise ValueError("--recompute needs --training")
        if args.csv is not None:
            check_writable(args.csv)
        report, text, totals = _report(args, batch)
        if args.csv is not None:
            write_atomic(args.csv, csv_text(report))
    except KeyError as exc:  # unknown zoo model
        print(f"error: {one_line(str(exc.args[0]))}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as exc:  # LayerError, ModelFileError, options, WriteError
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(totals))
    else:
        print(text)
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
