"""Every error a user can meet, in one place.

ScenarioError: a scenario value is invalid (the message names its dotted path).
Cancelled / SimulationTooLarge: a run was stopped by its cancel callback / refused.
TraceFormatError: a trace CSV is malformed (the message names the line).
WriteError: a file could not be written (the message names the user's path).
LayerError / ModelFileError: a neural-network layer or model file is invalid.
OnnxError: an ONNX file cannot be read, or its inputs' shapes are not given.
"""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario value is invalid; the message names its dotted path and value."""

    def __init__(self, message: str, path: str = ""):
        super().__init__(message)
        self.path = path


class Cancelled(Exception):
    """The run was cancelled through its cancel callback."""


class SimulationTooLarge(Exception):
    """The run would record more spans than the limit; the message suggests a fix."""


class TraceFormatError(ValueError):
    """A trace file is malformed; the message names the line."""


class WriteError(OSError):
    """A file could not be written; the message names the user's path, not a temp file."""

    def __str__(self) -> str:
        if not self.filename:
            return "cannot write a file with an empty name (give a path)"
        name = str(self.filename).replace("\r", "\\r").replace("\n", "\\n")
        if len(name) > 100:
            name = f"{name[:60]}... ({len(name):,} characters)"
        return f"cannot write {name}: {self.strerror}"


class LayerError(ValueError):
    """An invalid layer or an input it cannot take; the message names the layer."""


class ModelFileError(ValueError):
    """A model file that cannot be read or does not describe a valid model."""


class OnnxError(ValueError):
    """An ONNX file that cannot be read, or input shapes it cannot take."""
