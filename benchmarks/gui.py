"""GUI speed, offscreen. Prints figures against the targets; never fails.

    first full render of a 1M-span trace        target <= 200 ms (its index <= 150 ms)
    zoom / pan repaint of that trace            target <= 100 ms
    the same on 1024 PEs (one collapsed node row drawn as occupancy)   target <= 300 ms
    playback frames per second at 100k spans    target >= 25 fps
    longest event-loop stall during a run       target <= 100 ms
    Machine view playing: 16 nodes x 48 cores with messages, 256-node torus  >= 30 fps
    Machine view first draw of 1,024 nodes      target <= 200 ms
    selection statistics over 1M spans          target <= 100 ms
    File > Open of a 1M-span trace CSV and session: the longest event-loop stall
                                                target <= 100 ms (read + index in a worker)

The traces are synthetic (numpy, no simulation): PEs alternate compute and stall spans
of random length, back to back.  Wall-clock figures depend on what else the machine
runs; the CPU figures (this process) show the cost itself.  Run: python benchmarks/gui.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import MappingProxyType

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from parasim.sim.analysis.metrics import summarize
from parasim.sim.analysis.observe import observe
from parasim.sim.run import Run, frozen
from parasim.sim.trace import KIND_CODE, Trace


def synthetic_run(spans: int, pes: int = 64, seed: int = 0) -> Run:
    rng = np.random.default_rng(seed)
    per = spans // pes
    dur = rng.exponential(1e-6, (pes, per))
    end = np.cumsum(dur, axis=1)
    start = end - dur
    kind = np.where(np.arange(per) % 2 == 0, KIND_CODE["compute"], KIND_CODE["stall"])
    pe = np.repeat(np.arange(pes, dtype=np.int32), per)
    order = np.argsort(start.ravel(), kind="stable")
    task = (pe * per + np.tile(np.arange(per), pes)) // 2
    n = pes * per
    tr = Trace(pe=pe[order], node=np.zeros(n, np.int32), core=pe[order],
               kind=np.tile(kind, pes).astype(np.int8)[order],
               task=task.astype(np.int32)[order], start_s=start.ravel()[order],
               end_s=end.ravel()[order], flops=np.where(np.tile(kind, pes) == 0, 1e4, 0)[order],
               bytes=np.full(n, 64.0), peer=np.full(n, -1, np.int32),
               msg=np.full(n, -1, np.int32), lanes_active=np.zeros(n, np.int16))
    makespan = float(tr.end_s.max())
    summary = summarize(tr, makespan, None, pes)
    # what every run carries (its concurrency series...), computed by sim with the run
    extras = frozen(observe(None, None, tr, makespan, summary))
    return Run(None, tr, MappingProxyType(summary), 1, pes, extras=extras)


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:7.1f} ms"


def bench_render(app, pes: int = 64, repeat: int = 3) -> None:
    """First render = the trace index (built in the worker thread after a run) + the
    GUI thread's bars and paint; medians of `repeat`, wall and this process's CPU."""
    from parasim.gui.analysis import TraceIndex
    from parasim.gui.state import AppState
    from parasim.gui.timeline import TimelineView
    run = synthetic_run(1_000_000, pes)
    label = "1M spans" if pes <= 512 else "collapsed"
    target = 200 if pes <= 512 else 300
    parts = []
    for _ in range(repeat):
        state = AppState()
        view = TimelineView(state)
        view.resize(1400, 800)
        view.show()
        app.processEvents()
        c0, t0 = time.process_time(), time.perf_counter()
        index = TraceIndex(run)                 # built in the worker thread after a run
        c1, t1 = time.process_time(), time.perf_counter()
        state.set_run(run, index)
        view.plot.viewport().repaint()
        c2, t2 = time.process_time(), time.perf_counter()
        parts.append((t2 - t0, c2 - c0, t1 - t0, c1 - c0, t2 - t1, c2 - c1))
        c3, t3 = time.process_time(), time.perf_counter()   # the worker then builds the
        index.finish()          # playhead's counters (and edges and merged spans if left)
        c4, t4 = time.process_time(), time.perf_counter()
        parts[-1] += (t4 - t3, c4 - c3)
        if pes > 512:           # expanding the node draws them
            view.toggle_node(0)
            view.plot.viewport().repaint()
            parts[-1] += (time.perf_counter() - t4, time.process_time() - c4)
            view.toggle_node(0)
        if len(parts) < repeat:
            view.close()
    med = [float(np.median([p[i] for p in parts])) for i in range(len(parts[0]))]
    later = "counters, task edges, merged spans" if pes > 512 else "the playhead counters"
    print(f"{label:9} first full render      {ms(med[0])} (CPU {ms(med[1])})   target <= "
          f"{target} ms\n{'':9} trace index (worker)   {ms(med[2])} (CPU {ms(med[3])})   "
          f"target <= 150 ms\n{'':9} bars + paint (GUI)     {ms(med[4])} (CPU {ms(med[5])})"
          + f"\n{'':9} then in the worker: {later} {ms(med[6])} (CPU {ms(med[7])})"
          + (f"\n{'':9} first expand of the 1,024-PE node (GUI) {ms(med[8])} "
             f"(CPU {ms(med[9])})" if pes > 512 else ""))
    m = view.makespan
    rng = np.random.default_rng(1)
    times, cpu = [], []
    for _ in range(20):
        w = m * 10 ** rng.uniform(-4, 0)
        x0 = rng.uniform(0, m - w)
        c0, t0 = time.process_time(), time.perf_counter()
        view.box.setXRange(x0, x0 + w, padding=0)
        view.plot.viewport().repaint()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    t0 = time.perf_counter()
    view.reset_view()
    view.plot.viewport().repaint()
    full = time.perf_counter() - t0
    print(f"{label:9} zoom/pan repaint        {ms(np.mean(times))} mean, {ms(max(times))} max "
          f"(CPU {ms(np.mean(cpu))} mean; zoom out to all 1M: {ms(full)})   target <= 100 ms")


def bench_playback(app) -> None:
    from parasim.gui.main_window import MainWindow
    win = MainWindow()
    win.resize(1600, 1000)
    win.show()
    app.processEvents()
    win.state.set_run(synthetic_run(100_000, pes=32))
    app.processEvents()
    m = win.state.makespan
    frames = 60
    c0, t0 = time.process_time(), time.perf_counter()
    for k in range(frames):
        win.state.set_time(m * k / frames)
        app.processEvents()
        win.repaint()
    fps = frames / (time.perf_counter() - t0)
    cpu_fps = frames / (time.process_time() - c0)
    print(f"100k spans playback               {fps:7.1f} fps (whole window repainted per frame;"
          f" {cpu_fps:.0f} frames per CPU second)   target >= 25 fps")
    win.close()


TASKS = 150_000


def bench_responsiveness(app) -> None:
    from parasim.gui.main_window import MainWindow
    from parasim.sim.scenario import load
    win = MainWindow()
    win.set_scenario(load("smp-memory-wall"))
    win.form.kind.setCurrentText("bag")
    win.form.editors["workload.tasks"].widget.setText(str(TASKS))
    win.show()
    end = time.perf_counter() + 0.5                 # let the window paint itself first
    while time.perf_counter() < end:
        app.processEvents()
    gaps, clock = [], QElapsedTimer()
    timer = QTimer()
    timer.setInterval(10)

    def tick():
        gaps.append(clock.restart())
    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    t0 = time.perf_counter()
    win.start_run(confirm_large=False)
    while win.worker is not None:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    print(f"run of {TASKS:,} tasks ({time.perf_counter() - t0:.1f} s): longest event-loop gap "
          f"{max(gaps[1:]):5d} ms over {len(gaps)} ticks   target <= 100 ms")
    win.close()


def synthetic_cluster(nodes: int, cores: int, topology: str, per_pe: int = 100,
                      messages: int = 4000, seed: int = 0) -> Run:
    """PEs alternating compute and stall spans, plus blocking messages between random
    PEs of different nodes (send [t, t + d] on the sender, recv on the receiver)."""
    from parasim.sim.scenario import from_dict
    from parasim.sim.trace import COLUMNS, DTYPES
    base = synthetic_run(nodes * cores * per_pe, pes=nodes * cores, seed=seed).trace
    rng = np.random.default_rng(seed)
    m = float(base.end_s.max())
    src = rng.integers(0, nodes * cores, messages)
    dst = (src + cores * rng.integers(1, nodes, messages)) % (nodes * cores)
    t0 = rng.uniform(0, m * 0.95, messages)
    t1 = t0 + rng.uniform(0.005, 0.05, messages) * m
    ids = np.arange(messages)
    extra = {"pe": np.r_[src, dst], "kind": np.r_[np.full(messages, KIND_CODE["send"]),
                                                    np.full(messages, KIND_CODE["recv"])],
             "task": np.full(2 * messages, -1), "start_s": np.r_[t0, t0],
             "end_s": np.r_[t1, t1], "flops": np.zeros(2 * messages),
             "bytes": np.full(2 * messages, 1e5), "peer": np.r_[dst, src],
             "msg": np.r_[ids, ids], "lanes_active": np.zeros(2 * messages)}
    cols = {c: np.r_[base[c], extra[c]] if c in extra else None for c in COLUMNS}
    cols["node"] = cols["pe"] // cores
    cols["core"] = cols["pe"] % cores
    order = np.argsort(cols["start_s"], kind="stable")
    tr = Trace(**{c: np.asarray(v[order], DTYPES[c]) for c, v in cols.items()})
    sc = from_dict({"name": "bench", "machine": {"nodes": nodes, "cores": cores,
                                                 "network": {"topology": topology}},
                    "workload": {"kind": "pingpong"}})
    makespan = float(tr.end_s.max())
    return Run(sc, tr, MappingProxyType(summarize(tr, makespan, None, nodes * cores)),
               nodes, cores)


def median_ms(wall: list[float], cpu: list[float]) -> str:
    return f"{ms(np.median(wall))} (CPU {ms(np.median(cpu))})"


def bench_machine_view(app, nodes: int, cores: int, topology: str, label: str,
                       repeats: int = 5) -> None:
    """First draw: from AppState.set_run to the painted canvas, the model built in its
    worker thread, the panels (matrix, busiest links) and the first frame in the GUI
    thread; medians of `repeats` (garbage collection off, as in the app). Playing: one
    frame = the playhead moved through AppState and the canvas repainted."""
    import gc

    from parasim.gui.analysis import TraceIndex
    from parasim.gui.machine_view.view import MachineView
    from parasim.gui.state import AppState
    run = synthetic_cluster(nodes, cores, topology, per_pe=max(2, 100_000 // (nodes * cores)))
    index = TraceIndex(run)                     # built by the simulation's worker thread
    state = AppState()
    view = MachineView(state)
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    gc.disable()
    first, first_cpu, gui, gui_cpu, build = [], [], [], [], []
    for _ in range(repeats):
        state.set_run(None)
        app.processEvents()
        c0, t0 = time.process_time(), time.perf_counter()
        state.set_run(run, index)
        view.builders.wait(60000)               # the model, in its worker thread
        t1, c1 = time.perf_counter(), time.process_time()
        app.processEvents()                     # _built: panels and the first frame
        view.canvas.repaint()
        t2, c2 = time.perf_counter(), time.process_time()
        first.append(t2 - t0)
        first_cpu.append(c2 - c0)
        build.append(t1 - t0)
        gui.append(t2 - t1)
        gui_cpu.append(c2 - c1)
    frames, times, cpu = 60, [], []
    for k in range(frames):
        c0, f0 = time.process_time(), time.perf_counter()
        state.set_time(run.makespan * k / frames)
        view.canvas.repaint()
        times.append(time.perf_counter() - f0)
        cpu.append(time.process_time() - c0)
    gc.enable()
    inflight = len(view.model.frame(run.makespan / 2).packets)
    print(f"{label:28} first draw {median_ms(first, first_cpu)} = model {ms(np.median(build))}"
          f" (worker thread) + GUI thread {median_ms(gui, gui_cpu)}   target <= 200 ms")
    print(f"{'':28} playing: median frame {median_ms(times, cpu)} = "
          f"{1 / np.median(times):6.1f} fps ({inflight} packets in flight mid-run)   "
          f"target >= 30 fps")
    view.shutdown()
    view.close()


def bench_selection() -> None:
    from parasim.sim.analysis.selection import Selection
    run = synthetic_run(1_000_000, pes=64)
    c0, t0 = time.process_time(), time.perf_counter()
    sel = Selection(run.trace)
    build, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    rng = np.random.default_rng(2)
    m, times, cpu = run.makespan, [], []
    for _ in range(20):
        a, b = np.sort(rng.uniform(0, m, 2))
        pes = np.arange(rng.integers(0, 32), 64)
        c0, t0 = time.process_time(), time.perf_counter()
        sel.stats(a, b, pes)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    c0, t0 = time.process_time(), time.perf_counter()
    sel.stats(0.0, m, np.arange(1, 64))
    whole, whole_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"selection statistics, 1M spans, random regions: median {ms(np.median(times))}, "
          f"max {ms(max(times))} (CPU median {ms(np.median(cpu))}); the whole run x 63 "
          f"rows {ms(whole)} (CPU {ms(whole_cpu)}); index built once off the GUI thread: "
          f"{ms(build)} (CPU {ms(build_cpu)})   target <= 100 ms")


def bench_open(app, repeat: int = 3) -> None:
    """File > Open of a 1M-span trace (CSV, then the same run as a session), as the
    window does it (read and index in its FileLoader thread) and all in the GUI thread
    (as before: `load` then the window's slot): the time until it is shown, this
    process's CPU, and the longest gaps between 10 ms ticks of a QTimer in the GUI
    thread while the file is read and indexed and over showing it (set_run and the
    first paint); medians of `repeat` (garbage collection off, as in the app, which
    collects from a timer in the GUI thread)."""
    import gc
    import tempfile

    from parasim.gui.file_loader import load
    from parasim.gui.main_window import MainWindow
    from parasim.sim.io import session
    run = synthetic_run(1_000_000, pes=64)
    with tempfile.TemporaryDirectory() as d:
        files = {"trace CSV": os.path.join(d, "t.csv"),
                 "session": os.path.join(d, "t" + session.SUFFIX)}
        run.write_csv(files["trace CSV"])
        session.write(files["session"], run.to_session(source="", bookmarks=[], view={}))
        win = MainWindow()
        win.resize(1400, 900)
        win.show()
        app.processEvents()
        shown = []
        win.state.run_changed.connect(lambda r: r is not None and shown.append(
            time.perf_counter()))
        gc.disable()
        for label, path in files.items():
            for how in ("worker", "GUI thread"):
                rows = []
                for _ in range(repeat):
                    win.state.set_run(None)
                    app.processEvents()
                    ticks, clock, timer = [], QElapsedTimer(), QTimer()
                    timer.setInterval(10)
                    timer.timeout.connect(lambda ticks=ticks, clock=clock: ticks.append(
                        (time.perf_counter(), clock.restart() / 1e3)))
                    clock.start()
                    timer.start()
                    c0, t0 = time.process_time(), time.perf_counter()
                    if how == "worker":
                        win.open_file(path)
                    else:
                        win._on_opened(load(path))
                    while win.state.run is None or win.worker is not None:
                        app.processEvents()
                        time.sleep(0.001)
                    for _ in range(5):                  # the first paint, then a tick
                        app.processEvents()
                        time.sleep(0.01)
                    timer.stop()
                    t = shown[-1]
                    loading = [g for end, g in ticks if end < t] or [t - t0]   # no tick:
                    showing = [g for end, g in ticks if end - g <= t <= end]   # all blocked
                    rows.append((t - t0, time.process_time() - c0, max(loading),
                                 max(showing or [0.0])))
                wall, cpu, load_gap, show_gap = (float(np.median([r[i] for r in rows]))
                                                 for i in range(4))
                print(f"open a 1M-span {label:9} in the {how:10}: shown after {ms(wall)} "
                      f"(CPU {ms(cpu)}); longest event-loop gap while reading "
                      f"{ms(load_gap)}, showing it {ms(show_gap)}   target <= 100 ms")
        gc.enable()
        win.close()


def main() -> None:
    app = QApplication.instance() or QApplication([])
    from parasim.gui.style import setup_pyqtgraph
    setup_pyqtgraph()
    bench_render(app)
    bench_render(app, pes=1024)
    bench_playback(app)
    bench_machine_view(app, 16, 48, "crossbar", "Machine 16 nodes x 48 cores")
    bench_machine_view(app, 256, 1, "torus2d", "Machine 256-node torus")
    bench_machine_view(app, 256, 16, "torus2d", "Machine 256 x 16 torus (heat)")
    bench_machine_view(app, 1024, 1, "fattree", "Machine 1,024-node fat tree")
    bench_selection()
    bench_responsiveness(app)
    bench_open(app)


if __name__ == "__main__":
    main()
