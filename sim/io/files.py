"""Writing the user's files: checked before long work, written atomically."""

from __future__ import annotations

import errno
import os
import tempfile

from ..errors import WriteError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_writable(path: str | os.PathLike) -> None:
    """WriteError now if `path` cannot be written: a folder, or its folder is missing,
    not a folder or not writable. Call it before a long computation."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise WriteError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    if not os.path.exists(folder):
        raise WriteError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    if not os.path.isdir(folder):
        raise WriteError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), path)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(errno.EACCES, os.strerror(errno.EACCES), path)


def write_atomic(path: str | os.PathLike, text) -> None:
    """Write text (a string, an iterable of strings, or bytes) to a temp file beside
    `path`, then rename it over `path`: a reader never sees a half-written file.
    Failures raise WriteError naming `path`."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".parasim-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise WriteError(exc.errno, exc.strerror or str(exc), path) from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())          # mkstemp makes 0600; use the usual mode
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as fh:
                fh.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                if isinstance(text, str):
                    fh.write(text)
                else:
                    fh.writelines(text)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise WriteError(exc.errno, exc.strerror or str(exc), path) from None
        raise
