"""Desktop entry point.

    python main.py                               the default preset, already simulated
    python main.py --scenario FILE_OR_PRESET     another scenario
    python main.py view trace.csv                a saved trace (or a .parasim session)
    python main.py --program bcast.py [--scenario cluster-stencil]
                                                 a program on that machine, re-run on save
    python main.py ... --screenshot out.png      render the window after the run, then exit
    python main.py ... --presentation            start in presentation mode (F5)
    python main.py ... --tab machine             open on another tab (machine, compare,
                                                 sweep)

A bad scenario or trace on the command line prints one line `error: ...` and exits 2.
"""

from __future__ import annotations

import argparse
import sys

from ..sim import scenario as scenario_mod
from ..sim.errors import ScenarioError, TraceFormatError
from ..sim.io import session
from ..sim.run import Run


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="parasim", description="ParaSim desktop app")
    p.add_argument("view", nargs="*", metavar="view TRACE.csv",
                   help="'view FILE' opens a saved trace CSV instead of simulating")
    p.add_argument("--scenario", default=None, help="preset name or scenario TOML file")
    p.add_argument("--program", metavar="FILE.py",
                   help="a program (.py) or GOAL schedule (.goal) to run on the machine of "
                        "--scenario; re-run whenever the file is saved")
    p.add_argument("--screenshot", metavar="PNG", help="render the window to PNG and exit")
    p.add_argument("--size", default=None,
                   help="window size, WxH (default: the last session's, else what fits)")
    p.add_argument("--presentation", action="store_true",
                   help="start in presentation mode (F5 switches it)")
    p.add_argument("--tab", choices=("timeline", "machine", "compare", "sweep"),
                   default="timeline",
                   help="the central tab to show")
    return p


def _size(text: str) -> tuple[int, int]:
    w, _, h = text.lower().partition("x")
    try:
        return int(w), int(h)
    except ValueError:
        raise ScenarioError(f"--size must look like 1600x1000, got {text!r}") from None


def _show_file(win, run, path: str, wait: bool = False) -> None:
    """Show a file the command line has read and checked, through the window's
    FileLoader (`wait`: until it is shown): a session is read again there (for its view
    state), a trace CSV's run is only indexed there, off the GUI thread."""
    csv_run = None if path.endswith(session.SUFFIX) else run
    win.open_file_now(path, csv_run) if wait else win.open_file(path, csv_run)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    trace_path = None
    if args.view:
        if args.view[0] != "view" or len(args.view) != 2:
            print(f"error: unknown command {' '.join(args.view)!r} (try: view TRACE.csv)",
                  file=sys.stderr)
            return 2
        trace_path = args.view[1]
    try:
        size = _size(args.size) if args.size else None
        sc, run = _inputs(args, trace_path)
    except (ScenarioError, TraceFormatError, OSError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication

    from .style import setup_pyqtgraph
    app = QApplication.instance() or QApplication(sys.argv[:1])
    setup_pyqtgraph()
    from pyqtgraph.util.garbage_collector import GarbageCollector
    # collect garbage from a timer in the GUI thread, never inside a Qt callback or a
    # worker thread: finalising Qt objects there can deadlock (seen in the GUI tests)
    collector = GarbageCollector(interval=1.0)
    from .main_window import DEFAULT_SIZE, MainWindow
    win = MainWindow()
    win.set_scenario(sc)
    if args.program:
        win.program_file.watch(sc.workload.file)
        win.tabs.setCurrentWidget(win.program)
    if size is not None or args.screenshot:
        win.resize(*(size or DEFAULT_SIZE))
    elif not win.restore_layout():
        win.fit_screen()
    if args.tab != "timeline":
        win.tabs.setCurrentWidget(getattr(win, args.tab))
    if args.presentation:
        win.presenter.toggle()
    if args.screenshot:
        return _screenshot(app, win, sc, run, trace_path, args.screenshot)
    win.show()
    if run is not None:
        _show_file(win, run, trace_path)
    else:
        win.start_run()
    if win.first_start():
        win.show_tour()
    code = app.exec()
    collector.timer.stop()
    return code


def _inputs(args, trace_path: str | None):
    """The scenario (with --program's file) and the run of a saved trace or session."""
    sc = scenario_mod.load(args.scenario or "smp-memory-wall")
    if args.program:
        sc = scenario_mod.for_file(args.program, sc)
    if trace_path and trace_path.endswith(session.SUFFIX):   # checked here, shown later
        return sc, Run.from_session(session.read(trace_path))
    return sc, Run.from_trace_csv(trace_path) if trace_path else None


def _screenshot(app, win, sc, run, trace_path: str | None, png: str) -> int:
    """Show the run (simulated now, or the saved one), render the window to `png`."""
    from ..sim.simulate import simulate
    from .panels.export import write_png
    if run is not None:
        _show_file(win, run, trace_path, wait=True)
    else:
        win.show_run(simulate(sc))
    win.show()
    win.machine.builders.settle()       # the Machine tab's model is built in a thread
    for _ in range(3):
        app.processEvents()
    try:
        write_png(win, png)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    win.close()
    return 0
