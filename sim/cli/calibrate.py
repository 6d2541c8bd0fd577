"""The `calibrate` and `validate` verbs (sim/studies/calibrate.py, validate.py)."""

from __future__ import annotations

import os
import sys

from .. import scenario as scenario_mod
from ..io.files import check_writable
from ..studies import validate
from ..studies.calibrate import Progress, measure, run, steps, to_toml
from ..studies.probes import cpu_facts


def add_parser(sub) -> None:
    p = sub.add_parser("calibrate", help="measure this machine and write it as a machine "
                                         "scenario (about 30 s with --quick, 3 min without)")
    p.add_argument("--out", default="my-machine.toml", metavar="FILE",
                   help="scenario file to write (default: my-machine.toml)")
    p.add_argument("--quick", action="store_true", help="smaller probes, under 30 s")
    _add_stat(p)
    p.set_defaults(func=cmd_calibrate)
    p = sub.add_parser("validate", help="run real kernels and the same work simulated on a "
                                        "calibrated machine; print predicted vs measured")
    p.add_argument("--machine", metavar="FILE",
                   help="a calibrated scenario (default: calibrate --quick first, in memory)")
    p.add_argument("--csv", metavar="FILE", help="also write the cases as CSV")
    p.add_argument("--from", dest="from_csv", metavar="FILE",
                   help="measure nothing: print the table of a CSV an earlier run wrote")
    p.add_argument("--markdown", action="store_true",
                   help="print the table as Markdown (for the README)")
    _add_stat(p)
    p.set_defaults(func=cmd_validate)


def _add_stat(p) -> None:
    p.add_argument("--stat", choices=("median", "min"), default="median",
                   help="how repeats become one figure: median (default) or min, the "
                        "least disturbed run, on a machine busy with other work")
    p.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                   help="time DGEMM and STREAM by the wall clock (default) or by this "
                        "process's CPU time / threads, which leaves out the time other "
                        "processes hold the CPU (ping-pong: always the wall clock)")


def cmd_calibrate(args) -> int:
    check_writable(args.out)
    text = run(args.out, args.quick, args.stat, args.clock)
    print("\n".join(line for line in text.splitlines() if line.startswith("# numpy BLAS")))
    print(f"wrote {args.out}: run `parasim validate --machine {args.out}` to check it")
    return 0


def cmd_validate(args) -> int:
    table = validate.format_markdown if args.markdown else validate.format_table
    if args.from_csv is not None:
        print(table(validate.read_csv(args.from_csv)))
        return 0
    if args.csv is not None:
        check_writable(args.csv)
    if args.machine:
        sc = scenario_mod.load(args.machine)
    else:
        print("no --machine: calibrating (quick) first", file=sys.stderr)
        bar = Progress(steps(cpu_facts()["cores"]))
        try:
            sc = scenario_mod.loads(to_toml(measure("quick", bar, args.stat, args.clock)))
        finally:
            bar.close()
    bar = Progress(validate.steps(sc.machine.cores))
    try:
        cases = validate.run_cases(sc, bar, args.stat, args.clock)
    finally:
        bar.close()
    print(table(cases))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(("\n" if args.markdown else "")
          + f"{args.stat} over repeats, {args.clock} clock; load average {load:.1f} on "
          f"{cpu_facts()['cores']} CPUs (other work on the machine slows the measured side)")
    if args.csv is not None:
        validate.write_csv(cases, args.csv)
    return 0
