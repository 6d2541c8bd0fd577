"""The `machines` verb: the Top500 systems (Nov 2020), Rpeak from the node spec beside
the published Rmax, Rpeak, cores and power. `--json` prints the rows as JSON."""

from __future__ import annotations

import json

from ..machine import top500
from ..units import si


def add_parser(sub) -> None:
    p = sub.add_parser("machines", help="list the Top500 machine presets (November 2020)")
    p.add_argument("--json", action="store_true", help="print the rows as JSON")
    p.set_defaults(func=cmd_machines)


def cmd_machines(args) -> int:
    rows = top500.table()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    head = ("#", "name", "nodes", "cores", "Rpeak (spec)", "Rpeak (list)", "spec/list",
            "Rmax (list)", "Rmax/Rpeak", "power (list)")
    body = [(str(r["rank"]), r["key"], f"{r['nodes']:,}", f"{r['cores']:,}",
             si(r["rpeak_flops_per_s"], "FLOP/s"), si(r["published_rpeak_flops_per_s"], "FLOP/s"),
             f"{r['rpeak_vs_published']:.3f}", si(r["published_rmax_flops_per_s"], "FLOP/s"),
             f"{100 * r['rmax_over_rpeak_published']:.1f} %",
             si(r["published_power_w"], "W")) for r in rows]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    for line in [head, *body]:
        print("  ".join(c.rjust(w) if i != 1 else c.ljust(w)
                        for i, (c, w) in enumerate(zip(line, widths))))
    for r in rows:
        print(f"  {r['key']}: Rpeak clock {r['clock']}")
    print(f"Source: {top500.LIST}. FLOPs: fp64, 1 multiply-add = 2 FLOPs; cores = CPU cores "
          f"+ GPU SMs. Notes: python main.py machines --json")
    return 0
