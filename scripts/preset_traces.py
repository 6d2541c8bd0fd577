"""Write every preset's trace CSV and summary JSON to a folder, to compare engines byte for byte.

    python scripts/preset_traces.py OUT_DIR [--set KEY=VALUE ...]

For each preset (and each preset with the `--set` overrides, when given): OUT_DIR/
<preset>.csv (the trace) and <preset>.json (the summary, keys sorted). Run it before
and after an engine change and compare with `diff -r BEFORE AFTER`: identical bytes
mean identical results. Presets that fail (the override does not apply) are listed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parasim.sim import scenario as sm
from parasim.sim.errors import ScenarioError
from parasim.sim.io import trace_csv
from parasim.sim.io.files import write_atomic
from parasim.sim.io.summary_json import to_jsonable
from parasim.sim.simulate import simulate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    t0 = time.perf_counter()
    for name in sm.preset_names():
        try:
            run = simulate(sm.load(name, a.set))
        except ScenarioError as exc:
            print(f"{name}: skipped ({exc})")
            continue
        trace_csv.write_csv(run.trace, os.path.join(a.out, f"{name}.csv"))
        text = json.dumps(to_jsonable(dict(run.summary)), sort_keys=True, indent=1)
        write_atomic(os.path.join(a.out, f"{name}.json"), text)
    print(f"{len(sm.preset_names())} presets in {time.perf_counter() - t0:.0f} s -> {a.out}")


if __name__ == "__main__":
    main()
