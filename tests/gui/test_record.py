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
