"""Recording the playback (GIF; MP4 when imageio-ffmpeg is installed) and exporting a
plot as PNG at 2x and SVG."""

import numpy as np
import pytest

from parasim.gui.panels.record import Recorder, Recording, formats


def record(ran, qtbot, path, **kw):
    rec = Recording(str(path), width=320, fps=10, seconds=0.5, t0=0.0,
                    t1=ran.state.makespan, **kw)
    r = Recorder(ran.state, ran.timeline_page, rec)
    with qtbot.waitSignal(r.done, timeout=20000) as sig:
        r.start()
    return sig.args


def test_a_recorded_gif_plays_the_run(ran, qtbot, tmp_path):
    import imageio.v3 as iio
    path = tmp_path / "memory-wall.gif"
    written, message = record(ran, qtbot, path)
    assert written and "recorded 5 frames" in message
    frames = iio.imread(path)
    assert frames.shape[0] == 5 and frames.shape[2] == 320
    assert iio.immeta(path)["duration"] == 100                # 10 fps
    assert not np.array_equal(frames[0], frames[-1])            # the playhead moved
    assert ran.state.time == ran.state.makespan
    assert [p.name for p in tmp_path.iterdir()] == ["memory-wall.gif"]   # no temp left


def test_mp4_when_ffmpeg_is_installed(ran, qtbot, tmp_path):
    if ".mp4" not in formats():
        pytest.skip("imageio-ffmpeg (the 'video' extra) is not installed")
    written, _ = record(ran, qtbot, tmp_path / "p.mp4")
    assert written and (tmp_path / "p.mp4").stat().st_size > 1000


def test_cancel_leaves_no_file(ran, qtbot, tmp_path):
    rec = Recording(str(tmp_path / "x.gif"), width=320, fps=30, seconds=10, t1=1.0)
    r = Recorder(ran.state, ran.timeline_page, rec)
    r.start()
    qtbot.wait(30)
    with qtbot.waitSignal(r.done) as sig:
        r.cancel()
    assert sig.args == [False, "recording cancelled"] and list(tmp_path.iterdir()) == []


def test_plots_export_as_png_at_2x_and_svg(ran, tmp_path):
    from PySide6.QtGui import QImage
    ran.metrics.setCurrentWidget(ran.metrics.plots[3])
    item = ran.current_plot()
    assert item is ran.metrics.plots[3].item
    assert ran.export_plot("png", str(tmp_path / "r.png"))
    img = QImage(str(tmp_path / "r.png"))        # the plot and its key under it, at 2x
    view = ran.metrics.plots[3].view
    assert (img.width(), img.height()) == (view.width() * 2, view.height() * 2)
    assert img.height() > ran.metrics.plots[3].plot.height() * 2
    ran.metrics.setCurrentWidget(ran.metrics.plots[1])         # no power model: the timeline
    assert ran.current_plot() is ran.timeline.item
    assert ran.export_plot("svg", str(tmp_path / "r.svg"))
    assert (tmp_path / "r.svg").read_text().lstrip().startswith("<?xml")


def test_the_record_dialog_records_with_progress(ran, qtbot, tmp_path):
    from parasim.gui.panels.record import RecordDialog
    dlg = RecordDialog(ran, str(tmp_path / "d.gif"))
    qtbot.addWidget(dlg)
    dlg.width_.setCurrentText("640")
    dlg.seconds.setValue(1)
    dlg.fps.setValue(4)
    with qtbot.waitSignal(dlg.finished, timeout=20000):
        dlg.start()
    assert dlg.bar.value() == dlg.bar.maximum() == 4
    assert "recorded 4 frames" in ran.status.text() and (tmp_path / "d.gif").exists()


def record_machine(window, qtbot, path, frames=4):
    """cluster-pingpong's first message, 0.5 to 7.5 ms (of its 8.04 ms): its packet
    crosses node 0's up link, then the switch's down link."""
    from tests.gui.test_machine_view import run_preset
    run_preset(window, qtbot, "cluster-pingpong")
    rec = Recording(str(path), width=320, fps=10, seconds=frames / 10, t0=0.5e-3, t1=7.5e-3)
    r = Recorder(window.state, window.machine, rec)
    with qtbot.waitSignal(r.done, timeout=20000) as sig:
        r.start()
    return sig.args


def test_the_machine_view_records_as_a_gif(window, qtbot, tmp_path):
    import imageio.v3 as iio
    path = tmp_path / "pingpong.gif"
    written, message = record_machine(window, qtbot, path)
    assert written and "recorded 4 frames" in message
    frames = iio.imread(path)
    assert frames.shape[0] == 4 and frames.shape[2] == 320
    mv = window.machine                                         # the machine drawn
    at = mv.canvas.mapTo(mv, mv.canvas.rect().topLeft())        # moved: its packet
    k = 320 / mv.width()
    x0, y0 = int(at.x() * k) + 2, int(at.y() * k) + 2
    x1, y1 = x0 + int(mv.canvas.width() * k) - 4, y0 + int(mv.canvas.height() * k) - 4
    assert not np.array_equal(frames[0][y0:y1, x0:x1], frames[-1][y0:y1, x0:x1])
    assert [p.name for p in tmp_path.iterdir()] == ["pingpong.gif"]


def test_the_machine_view_records_as_png_frames(window, qtbot, tmp_path):
    import imageio.v3 as iio
    written, _ = record_machine(window, qtbot, tmp_path / "pingpong.png", frames=3)
    assert written and [p.name for p in tmp_path.iterdir()] == ["pingpong"]
    names = sorted(p.name for p in (tmp_path / "pingpong").iterdir())
    assert names == ["frame-0000.png", "frame-0001.png", "frame-0002.png"]
    first = iio.imread(tmp_path / "pingpong" / names[0])
    assert first.shape[1] == 320 and first.shape[2] in (3, 4)
    (tmp_path / "again").mkdir()
    (tmp_path / "again" / "mine.txt").write_text("keep")        # a folder in the way
    written, message = record_machine(window, qtbot, tmp_path / "again.png", frames=2)
    assert not written and "again" in message and "recording failed" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again", "pingpong"]
    assert [p.name for p in (tmp_path / "again").iterdir()] == ["mine.txt"]


def test_the_machine_tabs_record_button_records_the_machine_view(window, qtbot, tmp_path,
                                                                  monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from tests.gui.test_machine_view import run_preset
    run_preset(window, qtbot, "cluster-pingpong")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *a, **k: (str(tmp_path / "m"), "Animated GIF (*.gif)")))
    dlg = window.machine.record()
    qtbot.addWidget(dlg)
    assert dlg.widget is window.machine and dlg.path.endswith("m.gif")
    dlg.seconds.setValue(1)
    dlg.fps.setValue(2)
    with qtbot.waitSignal(dlg.finished, timeout=20000):
        dlg.start()
    assert (tmp_path / "m.gif").exists() and "recorded 2 frames" in window.status.text()
