"""Loading the user's program file and turning its exceptions into one-line errors.

The program is the user's own Python code and runs with the user's rights, like any
script they run (it is executed, not sandboxed).
"""

from __future__ import annotations

import inspect
import os
import traceback
from typing import Any

from .errors import ProgramError


class Labels:
    """Source lines as trace names: line number <-> a small id, id -> "file:line" (the
    names formatted when asked for: a GOAL schedule has a line per operation)."""

    def __init__(self, file: str):
        self.file = os.path.basename(file)
        self.ids: dict = {}
        self.lines: list = []           # id -> its line number, or (line, name)

    def id(self, line) -> int:
        """The id of a line number, or of a (line, name) pair: "file:line name"."""
        i = self.ids.get(line)
        if i is None:
            i = self.ids[line] = len(self.lines)
            self.lines.append(line)
        return i

    def _name(self, line) -> str:
        return (f"{self.file}:{line}" if isinstance(line, int)
                else f"{self.file}:{line[0]} {line[1]}")

    @property
    def names(self) -> list[str]:
        """Every id's name, in id order."""
        return [self._name(line) for line in self.lines]

    def __call__(self, i: int) -> str:
        return self._name(self.lines[i])


def load_main(path: str):
    """The `main` generator function of the program at `path`; ProgramError naming the
    file and line if it cannot be read, does not compile or has no generator `main`."""
    name = os.path.basename(path)
    try:
        with open(path, encoding="utf-8") as fh:
            source = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgramError(f"cannot read program {path}: {exc}", "workload.file") from None
    try:
        code = compile(source, path, "exec")
    except SyntaxError as exc:
        raise ProgramError(f"{name}:{exc.lineno}: SyntaxError: {exc.msg}",
                           "workload.file") from None
    namespace: dict[str, Any] = {"__name__": "__parasim_program__", "__file__": path}
    try:
        exec(code, namespace)
    except Exception as exc:
        raise user_error(exc, None, path) from None
    main = namespace.get("main")
    if main is None or not callable(main):
        raise ProgramError(f"{name}: defines no main(comm) function", "workload.file")
    if not inspect.isgeneratorfunction(main):
        line = main.__code__.co_firstlineno
        raise ProgramError(f"{name}:{line}: main(comm) must be a generator: yield the "
                           f"operations (yield comm.compute(...))", "workload.file")
    return main


def user_error(exc: BaseException, rank: int | None, path: str | None = None) -> ProgramError:
    """ProgramError for an exception raised by user code, on one line: its type and
    message at the innermost frame of the user's file, then the user's own calling
    frames (no engine ones)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if path is None:
        path = next((f.filename for f in frames if f.name == "main"), frames[-1].filename
                    if frames else "program")
    own = [f for f in frames if f.filename == path]
    where = own[-1] if own else (frames[-1] if frames else None)
    loc = f"{os.path.basename(where.filename)}:{where.lineno}" if where else "program"
    who = f" (rank {rank})" if rank is not None else ""
    calls = ", ".join(f"{os.path.basename(f.filename)}:{f.lineno} in {f.name}"
                      for f in reversed(own[:-1]))
    stack = f" (called from {calls})" if calls else ""
    return ProgramError(f"{loc}{who}: {type(exc).__name__}: {exc}{stack}", "workload.file")
