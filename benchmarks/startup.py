"""Start-up time of whole processes: the CLI verbs, and the window until its first run is drawn.

    python benchmarks/startup.py [--repeat 7] [--before DIR] [--only-window] [--no-pyc]

Each command runs `--repeat` times in a fresh interpreter; printed: the median wall
time (what a user waits) and the median CPU time of the child (user + system: what the
start-up costs, less sensitive to what else the machine runs), against the targets:

    parasim presets                 <= 0.15 s
    parasim run amdahl --json       <= 0.30 s
    the window populated            <= 1.0 s: from the process start to the first draw
                                    of the default scenario's run (offscreen)
    python -c pass                  the interpreter's own floor, for reference

Compiled modules are cached (in a temporary folder, after a warm-up run) as an
installed copy has them, even where PYTHONDONTWRITEBYTECODE is set (this machine sets
it: every start then compiles parasim's ~250 modules it imports from source);
`--no-pyc` keeps the environment's setting.

`--before DIR` also times another copy of the code (DIR holds a `parasim` folder or
link, e.g. `git archive` of an older commit), interleaved run by run with this one so
both see the same load, and prints the ratio.

The window figure runs `benchmarks/startup.py --window-child`, which launches the app's
own entry point and stops when the timeline has drawn the run (the time is read from
the process start, so it includes the interpreter and every import).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERBS = [("presets", ["-m", "parasim", "presets"], 0.15),
         ("run amdahl --json", ["-m", "parasim", "run", "amdahl", "--json"], 0.30),
         ("flops vgg16", ["-m", "parasim", "flops", "vgg16"], None),
         ("machines", ["-m", "parasim", "machines"], None),
         ("python -c pass", ["-c", "pass"], None)]


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


PYC = Path(tempfile.gettempdir()) / "parasim-startup-pyc"


def child_env(env: dict | None = None, pyc: bool = True) -> dict:
    """The children's environment: with `pyc`, compiled modules cached (in PYC, not in
    the tree) as an installed copy has them, even where PYTHONDONTWRITEBYTECODE is set;
    without, every start compiles every module of parasim from source."""
    env = dict(os.environ if env is None else env)
    if pyc:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYC)
    return env


def timed(args: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(wall s, CPU s, stdout) of one run of `python args`."""
    c0, t0 = child_cpu(), time.perf_counter()
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT,
                          env=env)
    wall, cpu = time.perf_counter() - t0, child_cpu() - c0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.strip()}")
    return wall, cpu, proc.stdout


def report(label: str, samples: list[tuple[float, float]], target: float | None) -> None:
    wall = statistics.median(s[0] for s in samples)
    cpu = statistics.median(s[1] for s in samples)
    goal = f"   target <= {target:.2f} s" if target else ""
    print(f"{label:28} wall {wall:6.3f} s   CPU {cpu:6.3f} s   (median of {len(samples)})"
          f"{goal}")


def process_age() -> float:
    """Seconds since this process started (Linux: /proc/self/stat field 22, in clock
    ticks since boot, against /proc/uptime)."""
    with open("/proc/self/stat") as f:
        started = int(f.read().rpartition(")")[2].split()[19]) / os.sysconf("SC_CLK_TCK")
    with open("/proc/uptime") as f:
        return float(f.read().split()[0]) - started


def window_child() -> None:
    """Launch the app as `parasim` does (offscreen, a fresh settings folder); when the
    timeline has finished its first paint after the default scenario's run, print the
    process's age and the import/window/run split, and quit."""
    import_t0 = process_age()
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from parasim.gui import app as gui_app
    from parasim.gui.main_window import MainWindow
    marks = {"imports": process_age() - import_t0}
    show_run = MainWindow.show_run

    class FirstPaint(QObject):
        def eventFilter(self, obj, ev):         # noqa: N802 (Qt's name)
            if ev.type() == QEvent.Paint and "drawn" not in marks:
                marks["drawn"] = -1.0
                QTimer.singleShot(0, done)      # once this paint has finished
            return False

    def done():
        marks["drawn"] = process_age()
        print(" ".join(f"{k}={v:.4f}" for k, v in marks.items()), flush=True)
        QApplication.instance().quit()

    def show_run_then_watch(win, run, index=None):
        marks["run_shown"] = process_age()
        show_run(win, run, index)
        viewport = win.timeline.plot.viewport()
        win._first_paint = FirstPaint(win)
        viewport.installEventFilter(win._first_paint)
        viewport.update()

    MainWindow.show_run = show_run_then_watch
    sys.exit(gui_app.main(["--size", "1280x720"]))


def window_figures(env: dict) -> tuple[float, float, str]:
    """(seconds to the first draw, CPU s, the child's split) of one launch."""
    with tempfile.TemporaryDirectory() as home:
        env = {**env, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": home, "HOME": home}
        _, cpu, out = timed([str(Path(__file__).resolve()), "--window-child"], env)
    marks = dict(kv.split("=") for kv in out.split())
    return float(marks["drawn"]), cpu, out.strip()


def main() -> None:
    if sys.argv[1:] == ["--window-child"]:
        return window_child()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--before", metavar="DIR", help="also time the copy of parasim in DIR")
    ap.add_argument("--only-window", action="store_true", help="time only the window")
    ap.add_argument("--no-pyc", action="store_true",
                    help="no compiled-module cache when the environment disables it")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; compiled "
          f"modules {'as the environment has them' if args.no_pyc else f'cached in {PYC}'}")
    env = child_env(pyc=not args.no_pyc)
    before_env = None
    if args.before:
        before_env = {**env, "PYTHONPATH": str(Path(args.before).resolve())}
    for label, cmd, target in [] if args.only_window else VERBS:
        now, old = [], []
        for e in (env, before_env) if before_env else (env,):
            timed(cmd, e)                       # warm-up: fills the compiled-module cache
        for _ in range(args.repeat):
            now.append(timed(cmd, env)[:2])
            if before_env is not None:
                old.append(timed(cmd, before_env)[:2])
        report(label, now, target)
        if old:
            report("  before", old, target)
            print(f"  {'':26} CPU ratio after/before "
                  f"{statistics.median(n[1] for n in now) / statistics.median(o[1] for o in old):.2f}")
    now, old = [], []
    for e in (env, before_env) if before_env else (env,):
        window_figures(e)                       # warm-up
    for _ in range(args.repeat):
        now.append(window_figures(env))
        if before_env is not None:
            old.append(window_figures(before_env))
    for label, got in (("window populated", now), ("  before", old)):
        if got:
            report(label, [g[:2] for g in got], 1.0)
            print(f"  {'':26} one launch (s from process start): {got[0][2]}")


if __name__ == "__main__":
    main()
