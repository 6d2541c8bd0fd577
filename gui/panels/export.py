"""Export the current run: trace CSV, Perfetto/Chrome JSON, summary JSON, PNG of a view.

Every write is atomic (a temp file beside the target, then a rename), so a failed
export leaves the old file, and the app's state, untouched. Errors reach the caller
as OSError/ValueError; `export_with_dialog` shows them in a message box.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QIODevice, QPoint, QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ...sim.io.files import write_atomic
from ...sim.io.perfetto import write_perfetto

FORMATS = {       # kind: (file dialog filter, suffix); NAMES: what the status line says
    "csv": ("Trace CSV (*.csv)", ".csv"),
    "perfetto": ("Perfetto / Chrome trace JSON (*.json)", ".perfetto.json"),
    "summary": ("Summary JSON (*.json)", ".summary.json"),
    "png": ("PNG image (*.png)", ".png"),
}
NAMES = {"csv": "trace CSV", "perfetto": "Perfetto trace", "summary": "summary JSON",
         "png": "PNG"}


def write_png(widget: QWidget, path: str) -> None:
    """Render `widget` as it is on screen into a PNG file."""
    buf = QBuffer()
    buf.open(QIODevice.WriteOnly)
    if not widget.grab().save(buf, "PNG"):
        raise OSError(f"could not encode the PNG for {path}")
    write_atomic(path, bytes(buf.data()))


def widget_image(widget: QWidget, kind: str, scale: int = 2) -> bytes:
    """`widget` as drawn on screen (a plot with its key beside it): PNG bytes at `scale` x
    its size, or SVG bytes (Qt's own SVG painter)."""
    buf = QBuffer()
    buf.open(QIODevice.WriteOnly)
    size = widget.size()
    if kind == "svg":
        gen = QSvgGenerator()
        gen.setOutputDevice(buf)
        gen.setSize(size)
        gen.setViewBox(QRect(QPoint(0, 0), size))
        painter = QPainter(gen)
    else:
        img = QImage(size * scale, QImage.Format_ARGB32)
        img.fill(Qt.white)
        painter = QPainter(img)
        painter.scale(scale, scale)
    widget.render(painter, QPoint(0, 0))
    painter.end()
    if kind != "svg" and not img.save(buf, "PNG"):
        raise OSError("could not encode the PNG")
    return bytes(buf.data())


def export(kind: str, path: str, run, view: QWidget | None = None) -> None:
    if kind == "csv":
        run.write_csv(path)
    elif kind == "perfetto":
        write_perfetto(run, path)
    elif kind == "summary":
        run.write_summary(path)
    elif kind == "png":
        write_png(view, path)
    else:
        raise ValueError(f"unknown export format {kind!r}")


def export_with_dialog(parent: QWidget, kind: str, run, view: QWidget | None = None,
                       path: str | None = None) -> str | None:
    """Ask for a path (unless given), export, and report a failure in a dialog.
    Returns the path written, or None."""
    if run is None and kind != "png":
        QMessageBox.information(parent, "Nothing to export", "Run a scenario first.")
        return None
    if path is None:
        filt, suffix = FORMATS[kind]
        name = (run.scenario.name if run is not None and run.scenario else "parasim") + suffix
        path, _ = QFileDialog.getSaveFileName(parent, "Export", name, filt)
        if not path:
            return None
    try:
        export(kind, path, run, view)
    except (OSError, ValueError) as exc:
        QMessageBox.critical(parent, "Export failed", f"Could not write {path}:\n{exc}")
        return None
    return path
