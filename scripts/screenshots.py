"""Render the README screenshots offscreen: python scripts/screenshots.py [OUT_DIR].

Each shot is a main window after a real run, with one view brought forward.
(hover-tooltip.png needs a real display for the tooltip: it was grabbed under xvfb-run.)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication  # noqa: E402

from parasim.sim.scenario import apply_overrides, from_dict, load, to_dict
from parasim.sim.simulate import simulate


def window(app, preset: str, overrides=(), size=(1600, 950)):
    from parasim.gui.main_window import MainWindow
    sc = load(preset)
    if overrides:
        sc = from_dict(apply_overrides(to_dict(sc), list(overrides)))
    win = MainWindow()
    win.set_scenario(sc)
    win.resize(*size)
    win.show()
    win.show_run(simulate(sc))
    app.processEvents()
    return win


def save(app, win, path: Path) -> None:
    from parasim.gui.panels.export import write_png
    for _ in range(3):
        app.processEvents()
    write_png(win, str(path))
    print(f"{path}  {path.stat().st_size // 1024} kB")
    win.close()


def machine_view(app, path: Path) -> None:
    """The Machine tab mid-run on the 16-node Fugaku slice: packets on the torus."""
    win = window(app, "top500-fugaku-slice")
    win.tabs.setCurrentWidget(win.machine)
    win.machine.builders.settle()             # the model is built in a thread
    win.state.set_time(0.5 * win.state.makespan)
    save(app, win, path)


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication([])
    from parasim.gui.style import setup_pyqtgraph
    setup_pyqtgraph()
    out.mkdir(parents=True, exist_ok=True)

    win = window(app, "smp-memory-wall")
    win.state.set_time(0.4 * win.state.makespan)
    save(app, win, out / "main-window.png")

    win = window(app, "amdahl")
    win.metrics.setCurrentWidget(win.metrics.concurrency)
    win.state.set_time(0.3 * win.state.makespan)
    save(app, win, out / "concurrency.png")

    win = window(app, "smp-memory-wall", ["machine.cores=4"])
    win.pin()
    win.set_scenario(load("smp-memory-wall"))
    win.show_run(simulate(win.form.scenario))
    win.tabs.setCurrentWidget(win.compare)
    save(app, win, out / "compare.png")

    win = window(app, "smp-matmul")
    m = win.state.makespan
    win.timeline.box.setXRange(0.30 * m, 0.36 * m, padding=0)
    win.timeline._on_measure(0.31 * m, 0.33 * m, True)
    win.metrics.setCurrentWidget(win.metrics.plots[3])
    save(app, win, out / "zoomed-roofline.png")

    win = window(app, "amdahl", ["workload.bytes_per_flop=0.05"])
    win.metrics.setCurrentWidget(win.metrics.plots[2])
    save(app, win, out / "utilisation.png")

    win = window(app, "vgg16-inference")
    win.metrics.setCurrentWidget(win.metrics.plots[4])
    save(app, win, out / "layers.png")

    win = window(app, "cluster-stencil")
    m = win.state.makespan
    win.timeline.box.setXRange(0.30 * m, 0.42 * m, padding=0)
    win.metrics.setCurrentWidget(win.metrics.concurrency)
    save(app, win, out / "cluster-messages.png")

    win = window(app, "power-wall")
    win.metrics.setCurrentWidget(win.metrics.plots[1])
    win.state.set_time(0.5 * win.state.makespan)
    save(app, win, out / "power.png")

    machine_view(app, out / "machine-view.png")

    win = window(app, "smp-matmul", ["machine.cores=4"])
    win.lanes_action.trigger()
    m = win.state.makespan
    win.timeline.box.setXRange(0.3 * m, 0.5 * m, padding=0)
    win.state.set_time(0.42 * m)
    save(app, win, out / "simd-lanes.png")

    win = window(app, "gpu-vgg16")
    win.metrics.show_tab("roofline")
    win.state.set_time(0.5 * win.state.makespan)
    save(app, win, out / "gpu-vgg16.png")

    win = window(app, "gpu-offload")
    win.state.set_time(0.5 * win.state.makespan)
    save(app, win, out / "gpu-offload.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("assets/screenshots"))
