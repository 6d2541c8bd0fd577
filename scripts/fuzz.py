"""A fuzzing campaign over the CLI, the trace loader and the window (not part of the suite).

    python scripts/fuzz.py --seed 7 [--cases 200] [--timeout 20] [--mem-gib 3] [--out DIR]

Inputs come from tests/strategies.py (the property tests' strategies), drawn by
hypothesis from `--seed`: mutated presets, --set overrides, trace CSVs (loader and
`view` in the window, offscreen), model files, output paths of every kind. Each case
runs in a forked child under a timeout and an address-space limit; it ends as
promised with exit 0, or 2 and one short line (tests/strategies.py `outcome`).
Prints the counts of crashes, hangs, out-of-memory kills and unclear errors, and
writes each failing case's input and output to --out.
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import os
import resource
import signal
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from parasim.sim import simulate, size_guard  # noqa: E402,F401  (imported once, here: every child runs the same code)
from parasim.sim.cli import main as cli_main  # noqa: E402
from tests import strategies as S  # noqa: E402

VERBS = (["run", "amdahl", "--csv"], ["run", "amdahl", "--summary"],
         ["run", "amdahl", "--save-scenario"], ["flops", "tiny-cnn", "--csv"],
         ["sweep", "amdahl", "--vary", "machine.cores=1,2", "--csv"])


def in_child(job, timeout: float, mem_gib: float) -> tuple[str, int, str]:
    """Run job() -> exit code in a forked child; (status, code, stderr tail)."""
    err_file = tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:                                          # the child
        resource.setrlimit(resource.RLIMIT_AS, (int(mem_gib * 2 ** 30),) * 2)
        out, err = io.StringIO(), io.StringIO()
        code = 1
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = job()
        except MemoryError:
            err.write("Traceback: MemoryError\n")
            code = 137
        except BaseException:
            import traceback
            err.write(traceback.format_exc())
        err_file.write(err.getvalue().encode("utf-8", "replace"))
        err_file.flush()
        os._exit(code if isinstance(code, int) else 1)
    t0 = time.monotonic()
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - t0 > timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "hang", -9, ""
        time.sleep(0.01)
    err_file.seek(0)
    err = err_file.read().decode("utf-8", "replace")
    if os.WIFSIGNALED(status):
        return "crash", -os.WTERMSIG(status), err[-300:]
    code = os.WEXITSTATUS(status)
    if code == 137:
        return "oom", code, err[-300:]
    problem = S.outcome(code, err)
    if problem is None:
        return "ok", code, ""
    kind = "unclear" if problem.startswith("unclear") else "crash"
    return kind, code, err[-300:]


def cli_job(argv):
    return lambda: cli_main(argv)


def window_job(path):
    def job():
        from PySide6.QtWidgets import QApplication, QMessageBox

        from parasim.gui.main_window import MainWindow
        app = QApplication.instance() or QApplication([])
        errors = []
        sys.excepthook = lambda t, v, tb: errors.append(f"{t.__name__}: {v}")
        for name in ("critical", "warning", "information"):
            setattr(QMessageBox, name, staticmethod(lambda *a, **k: None))
        win = MainWindow()
        win.resize(1200, 800)
        win.show()
        win.open_file_now(path)
        app.processEvents()
        win.grab()
        if errors:
            print("Traceback (in a Qt slot): " + errors[0], file=sys.stderr)
            return 1
        return 0
    return job


def families(d: str) -> dict:
    """name -> (strategy, function turning a drawn example into (job, description))."""
    def write(name, data, mode="w"):
        path = os.path.join(d, name)
        with open(path, mode) as fh:
            fh.write(data)
        return path

    def preset(case):
        name, data, where = case
        path = write("s.toml", S.toml_text(data))
        return cli_job(["run", path]), f"{name}: {where}"

    def overrides(case):
        name, sets = case
        argv = ["run", name] + [x for s in sets for x in ("--set", s)]
        return cli_job(argv), json.dumps(argv)[:300]

    def trace(data):
        path = write("t.csv", data, "wb")
        return (lambda: _load_trace(path)), data[:200]

    def window(data):
        path = write("w.csv", data, "wb")
        return window_job(path), data[:200]

    def model(case):
        suffix, text = case
        return cli_job(["flops", write("m" + suffix, text)]), text[:200]

    def output(case):
        kind, verb = case
        sub = tempfile.mkdtemp(dir=d)
        return cli_job(list(verb) + [S.make_output(kind, sub)]), f"{kind} {verb}"

    return {
        "presets": (S.mutated_presets(), preset),
        "set": (st.tuples(st.sampled_from(S.PRESETS), S.set_overrides()), overrides),
        "sizes": (S.size_overrides(), overrides),
        "traces": (S.trace_csvs(), trace),
        "window": (S.trace_csvs(), window),
        "models": (S.model_files(), model),
        "outputs": (st.tuples(st.sampled_from(S.OUTPUT_KINDS), st.sampled_from(VERBS)),
                    output),
    }


def _load_trace(path: str) -> int:
    """The `view` loader without the window: 0 loaded, 2 refused naming the line."""
    from parasim.sim.errors import TraceFormatError
    from parasim.sim.run import Run
    try:
        Run.from_trace_csv(path)
    except TraceFormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def campaign(fam, strategy, make, n: int, args, tally) -> None:
    """n cases of one family, drawn from `strategy` with the campaign's seed."""
    @seed(args.seed)
    @settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def one(case):
        job, what = make(case)
        status, code, err = in_child(job, args.timeout, args.mem_gib)
        tally[status] += 1
        if status != "ok":
            k = sum(v for s, v in tally.items() if s != "ok")
            with open(os.path.join(args.out, f"{fam}-{k}.txt"), "w") as fh:
                fh.write(f"{status} exit {code}\ninput: {what!r}\n\n{err}\n")

    one()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=200, help="cases per family")
    ap.add_argument("--window-cases", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--mem-gib", type=float, default=3.0)
    ap.add_argument("--max-run-s", type=float, default=size_guard.MAX_RUN_S,
                    help="the size guard's limit (lower it for more cases per minute)")
    ap.add_argument("--out", default="fuzz-out")
    ap.add_argument("--families", default="", help="comma-separated subset (default: all)")
    args = ap.parse_args()
    size_guard.MAX_RUN_S = args.max_run_s
    os.makedirs(args.out, exist_ok=True)
    tally: dict = collections.defaultdict(collections.Counter)
    with tempfile.TemporaryDirectory() as d:
        for fam, (strategy, make) in families(d).items():
            if args.families and fam not in args.families.split(","):
                continue
            n = args.window_cases if fam == "window" else args.cases
            t0 = time.monotonic()
            campaign(fam, strategy, make, n, args, tally[fam])
            total = sum(tally[fam].values())
            print(f"{fam:<8} {total:5} cases in {time.monotonic() - t0:6.1f} s: "
                  + ", ".join(f"{k} {v}" for k, v in sorted(tally[fam].items())), flush=True)
    all_ = collections.Counter()
    for c in tally.values():
        all_.update(c)
    total = sum(all_.values())
    print(f"seed {args.seed}: {total} cases; crashes {all_['crash']}, hangs {all_['hang']}, "
          f"out of memory {all_['oom']}, unclear errors {all_['unclear']} "
          f"({100 * all_['unclear'] / max(total, 1):.2f} %)")


if __name__ == "__main__":
    main()
