"""Record the playback of a view (the centre tab: the timeline, the Machine view, ...)
as an animated GIF, as MP4 with the optional imageio-ffmpeg, or as PNG frames (a folder
named like the file, frame-0000.png, ...), and export a plot as PNG at 2x or as SVG,
for slides.

Frames are grabbed on the GUI thread one per timer tick (the window stays responsive and
Cancel works) while an encoder thread writes them with imageio into a temp file (PNG
frames: a temp folder) beside the target, renamed over it when done: a cancelled or
failed recording leaves nothing.
"""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import (
    QBuffer,
    QIODevice,
    QObject,
    QRectF,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QMessageBox,
    QProgressBar,
    QSpinBox,
)

from ...sim.io.files import write_atomic

WIDTHS = (640, 800, 1024, 1280, 1920)


def formats() -> dict[str, str]:
    """{suffix: description} of what this installation can record."""
    out = {".gif": "Animated GIF (*.gif)", ".png": "PNG frames, in a folder (*.png)"}
    try:
        import imageio_ffmpeg  # noqa: F401 - optional extra: parasim[video]
        out[".mp4"] = "MP4 video (*.mp4)"
    except ImportError:
        pass
    return out


@dataclass
class Recording:
    path: str
    width: int = 800
    fps: int = 15
    seconds: float = 6.0          # of video
    t0: float = 0.0               # simulated time played from ...
    t1: float = 1.0               # ... to

    @property
    def frames(self) -> int:
        return max(2, int(round(self.fps * self.seconds)))

    def time(self, i: int) -> float:
        return self.t0 + (self.t1 - self.t0) * i / (self.frames - 1)


def frames_folder(path: str) -> str:
    """Where PNG frames recorded to `path` (…/name.png) go: the folder …/name."""
    return os.path.splitext(path)[0]


def frame_of(widget, width: int) -> np.ndarray:
    """The widget as an RGB array `width` wide (height by its aspect, even for video)."""
    img = widget.grab().toImage()
    h = max(2, int(round(img.height() * width / max(img.width(), 1) / 2)) * 2)
    img = img.scaled(width, h, Qt.IgnoreAspectRatio, Qt.SmoothTransformation)
    img = img.convertToFormat(QImage.Format_RGB888)
    rows = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes())
    return rows.reshape(h, img.bytesPerLine())[:, :width * 3].reshape(h, width, 3).copy()


class Encoder(QThread):
    failed = Signal(str)

    def __init__(self, rec: Recording, parent=None):
        super().__init__(parent)
        self.rec = rec
        self.frames: queue.Queue = queue.Queue(maxsize=8)
        folder = os.path.dirname(os.path.abspath(rec.path))
        self.png = rec.path.endswith(".png")
        if self.png:
            self.tmp = tempfile.mkdtemp(prefix=".parasim-", dir=folder)
        else:
            fd, self.tmp = tempfile.mkstemp(prefix=".parasim-",
                                            suffix=os.path.splitext(rec.path)[1], dir=folder)
            os.close(fd)
        self.ok = False

    def run(self) -> None:
        import imageio
        rec = self.rec
        if self.png:
            try:
                i = 0
                while (frame := self.frames.get()) is not None:
                    imageio.v3.imwrite(os.path.join(self.tmp, f"frame-{i:04d}.png"), frame)
                    i += 1
                self.ok = True
            except Exception as exc:  # noqa: BLE001 - shown to the user
                self.failed.emit(str(exc) or type(exc).__name__)
            return
        opts = {"mode": "I", "duration": 1000 / rec.fps, "loop": 0} if \
            rec.path.endswith(".gif") else {"fps": rec.fps, "codec": "libx264",
                                            "macro_block_size": 2}
        try:
            with imageio.get_writer(self.tmp, **opts) as writer:
                while (frame := self.frames.get()) is not None:
                    writer.append_data(frame)
            self.ok = True
        except Exception as exc:  # noqa: BLE001 - any encoder error is shown to the user
            self.failed.emit(str(exc) or type(exc).__name__)

    def finish(self, keep: bool) -> bool:
        """End the stream; keep: rename the file into place, else delete it."""
        self.frames.put(None)
        self.wait()
        if keep and self.ok:
            try:
                os.replace(self.tmp, frames_folder(self.rec.path) if self.png
                           else self.rec.path)
                return True
            except OSError as exc:          # a PNG frames folder already there
                self.failed.emit(f"{frames_folder(self.rec.path)}: {exc.strerror}")
        if self.png:
            shutil.rmtree(self.tmp, ignore_errors=True)
        elif os.path.exists(self.tmp):
            os.unlink(self.tmp)
        return False


class Recorder(QObject):
    """Plays `state` from t0 to t1, one frame of `widget` per tick, into an Encoder."""

    progress = Signal(int, int)    # frames done, frames in all
    done = Signal(bool, str)       # written, message

    def __init__(self, state, widget, rec: Recording, parent=None):
        super().__init__(parent)
        self.state, self.widget, self.rec = state, widget, rec
        self.i = 0
        self.encoder = Encoder(rec, self)
        self.error = ""
        self.encoder.failed.connect(self._failed)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.error = message

    def start(self) -> None:
        self.encoder.start()
        self.timer.start(0)

    def cancel(self) -> None:
        self.timer.stop()
        self.encoder.finish(keep=False)
        self.done.emit(False, "recording cancelled")

    def _tick(self) -> None:
        if self.error:
            self.timer.stop()
            self.encoder.finish(keep=False)
            self.done.emit(False, f"recording failed: {self.error}")
            return
        self.state.set_time(self.rec.time(self.i))
        self.encoder.frames.put(frame_of(self.widget, self.rec.width))
        self.i += 1
        self.progress.emit(self.i, self.rec.frames)
        if self.i >= self.rec.frames:
            self.timer.stop()
            kept = self.encoder.finish(keep=True)
            self.done.emit(kept, f"recorded {self.rec.frames} frames to {self.rec.path}" if kept
                           else f"recording failed: {self.error or 'the encoder stopped'}")


class RecordDialog(QDialog):
    """Size, fps, duration, from / to; then a progress bar and Cancel while recording
    `widget` (default: the window's current tab) playing."""

    def __init__(self, window, path: str, widget=None):
        super().__init__(window)
        self.setWindowTitle("Record the playback")
        self.window_, self.path, self.recorder = window, path, None
        self.widget = widget
        ms = window.state.makespan
        self.width_ = QComboBox()
        self.width_.addItems([str(w) for w in WIDTHS])
        self.width_.setCurrentText("800")
        self.fps = QSpinBox()
        self.fps.setRange(2, 30)
        self.fps.setValue(15)
        self.seconds = QDoubleSpinBox()
        self.seconds.setRange(1, 60)
        self.seconds.setValue(6)
        self.t0, self.t1 = QDoubleSpinBox(), QDoubleSpinBox()
        for box, value in ((self.t0, 0.0), (self.t1, ms)):
            box.setDecimals(9)
            box.setRange(0, ms)
            box.setSingleStep(ms / 20 if ms > 0 else 1)
            box.setValue(value)
        self.bar = QProgressBar()
        self.bar.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Record")
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.stop)
        form = QFormLayout(self)
        form.addRow("width (px)", self.width_)
        form.addRow("frames per second", self.fps)
        form.addRow("video length (s)", self.seconds)
        form.addRow("from simulated time (s)", self.t0)
        form.addRow("to simulated time (s)", self.t1)
        form.addRow(self.bar)
        form.addRow(self.buttons)

    def recording(self) -> Recording:
        return Recording(self.path, int(self.width_.currentText()), self.fps.value(),
                         self.seconds.value(), self.t0.value(), self.t1.value())

    def start(self) -> None:
        rec = self.recording()
        if rec.t1 <= rec.t0:
            self.window_.status.setText("record: 'to' must be after 'from'")
            return
        w = self.window_
        try:
            self.recorder = Recorder(w.state, self.widget or w.tabs.currentWidget(), rec, self)
        except OSError as exc:
            QMessageBox.critical(self, "Cannot record", f"Could not write {rec.path}:\n{exc}")
            return
        self.recorder.progress.connect(lambda i, n: (self.bar.setMaximum(n), self.bar.setValue(i)))
        self.recorder.done.connect(self._done)
        self.bar.show()
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(False)
        w.player.pause()
        self.recorder.start()

    def stop(self) -> None:
        if self.recorder is not None and self.recorder.timer.isActive():
            self.recorder.cancel()
        else:
            self.reject()

    def _done(self, written: bool, message: str) -> None:
        self.window_.status.setText(message)
        self.recorder = None
        self.accept() if written else self.reject()


def record_dialog(window, widget=None) -> RecordDialog | None:
    """Ask for a file, then show the recording dialog for `widget` (default: the
    current tab; None: no run or no file)."""
    if window.state.run is None:
        QMessageBox.information(window, "Nothing to record", "Run a scenario first.")
        return None
    fmts = formats()
    path, chosen = QFileDialog.getSaveFileName(window, "Record the playback", "playback.gif",
                                               ";;".join(fmts.values()))
    if not path:
        return None
    suffix = next((s for s, d in fmts.items() if d == chosen), ".gif")
    if os.path.splitext(path)[1] not in fmts:
        path += suffix
    dlg = RecordDialog(window, path, widget)
    dlg.show()
    return dlg


def plot_image(plot_item, kind: str, scale: int = 2) -> bytes:
    """A plot as PNG bytes at `scale` x its size on screen, or as SVG bytes."""
    from pyqtgraph.exporters import ImageExporter
    if kind == "svg":           # Qt's own SVG painter (pyqtgraph's exporter fails on Qt 6)
        rect = plot_item.sceneBoundingRect()
        buf = QBuffer()
        buf.open(QIODevice.WriteOnly)
        gen = QSvgGenerator()
        gen.setOutputDevice(buf)
        gen.setSize(rect.size().toSize())
        gen.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
        painter = QPainter(gen)
        plot_item.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
        painter.end()
        return bytes(buf.data())
    ex = ImageExporter(plot_item)
    ex.parameters()["width"] = int(plot_item.sceneBoundingRect().width() * scale)
    img = ex.export(toBytes=True)
    buf = QBuffer()
    buf.open(QIODevice.WriteOnly)
    if not img.save(buf, "PNG"):
        raise OSError("could not encode the PNG")
    return bytes(buf.data())


def write_plot(plot_item, kind: str, path: str) -> None:
    write_atomic(path, plot_image(plot_item, kind))
