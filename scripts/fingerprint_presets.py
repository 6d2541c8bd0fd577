"""Fingerprint every preset's run, to check that a change to the engine keeps results
byte-identical.

    python scripts/fingerprint_presets.py OUT.json [--only NAME ...]
    python scripts/fingerprint_presets.py OUT.json --compare BEFORE.json
    python scripts/fingerprint_presets.py OUT.json --only cluster-stencil --set machine.nodes=256

Per preset: SHA-256 of the summary JSON, of the trace's columns (raw bytes) and of the
array extras (critical path, messages, I/O intervals, copies). With --compare, prints
each preset whose fingerprint differs from BEFORE's (which part) and exits 1 if any.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

from parasim.sim import scenario as sm
from parasim.sim.io.files import write_atomic
from parasim.sim.simulate import simulate


def _digest(obj) -> str:
    """SHA-256 of nested dicts/lists/arrays: arrays by dtype, shape and raw bytes."""
    h = hashlib.sha256()

    def feed(o):
        if isinstance(o, np.ndarray):
            h.update(f"{o.dtype}{o.shape}".encode())
            h.update(np.ascontiguousarray(o).tobytes())
        elif isinstance(o, dict):
            for k in sorted(o, key=str):
                h.update(repr(k).encode())
                feed(o[k])
        elif isinstance(o, (list, tuple)):
            for v in o:
                feed(v)
        else:
            h.update(repr(o).encode())
    feed(obj)
    return h.hexdigest()


def fingerprint(name: str, overrides=()) -> dict:
    run = simulate(sm.load(name, list(overrides)))
    trace = {k: run.trace[k] for k in ("pe", "node", "core", "kind", "task", "start_s",
                                       "end_s", "flops", "bytes", "peer", "msg",
                                       "lanes_active")}
    extras = {k: run.extras[k] for k in ("critical_path", "messages", "io", "copies")  # type: ignore[literal-required]
              if k in run.extras}
    return {"summary": hashlib.sha256(run.summary_json().encode()).hexdigest(),
            "trace": _digest(trace), "extras": _digest(extras)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--compare", default=None)
    ap.add_argument("--set", action="append", default=[], help="override, as for run")
    a = ap.parse_args(argv)
    out = {}
    for name in a.only or sm.preset_names():
        t0 = time.process_time()
        out[name] = fingerprint(name, a.set)
        print(f"{name}: {time.process_time() - t0:.2f} s CPU", flush=True)
    write_atomic(a.out, json.dumps(out, indent=1, sort_keys=True) + "\n")
    if a.compare is None:
        return 0
    with open(a.compare) as fh:
        before = json.load(fh)
    bad = [(n, part) for n, fp in out.items() for part in fp
           if n in before and before[n][part] != fp[part]]
    for n, part in bad:
        print(f"DIFFERS: {n} ({part})")
    print(f"{len(out) - len({n for n, _ in bad})} of {len(out)} presets identical")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
