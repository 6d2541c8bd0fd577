"""Writing the user's files: checked before long work, written atomically."""

from __future__ import annotations

import errno
import os
import signal
import tempfile
import threading

from ..errors import WriteError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _target(path: str) -> str:
    """The file a write to `path` lands in: a symlink's target (followed all the way)."""
    return os.path.realpath(path) if os.path.islink(path) else path


def check_writable(path: str | os.PathLike) -> None:
    """WriteError now if `path` cannot be written: an empty name, a folder, a read-only
    file, or its folder is missing, not a folder or not writable. Call it before a long
    computation."""
    shown = os.fspath(path)
    if not shown:
        raise WriteError(errno.ENOENT, "empty file name", shown)
    path = _target(shown)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise WriteError(errno.EISDIR, os.strerror(errno.EISDIR), shown)
    if os.path.isfile(path) and not os.stat(path).st_mode & 0o222:
        raise WriteError(errno.EACCES, "the file is read-only (make it writable or choose "
                                       "another name)", shown)
    if not os.path.exists(folder):
        raise WriteError(errno.ENOENT, os.strerror(errno.ENOENT), shown)
    if not os.path.isdir(folder):
        raise WriteError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), shown)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(errno.EACCES, os.strerror(errno.EACCES), shown)


def _write(fh, text) -> None:
    if isinstance(text, (str, bytes)):
        fh.write(text)
    else:
        fh.writelines(text)


def _open_mode(text) -> dict:
    return {"mode": "wb"} if isinstance(text, bytes) else \
        {"mode": "w", "encoding": "utf-8", "newline": ""}


def _write_special(path: str, shown: str, text) -> None:
    """Write straight into a FIFO, device or socket (no rename: it stays what it is);
    a FIFO nobody reads is refused rather than waited on."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        reason = "a FIFO that no process is reading" if exc.errno == errno.ENXIO else \
            exc.strerror or str(exc)
        raise WriteError(exc.errno, reason, shown) from None
    os.set_blocking(fd, True)
    try:
        with os.fdopen(fd, **_open_mode(text)) as fh:
            _write(fh, text)
    except OSError as exc:
        raise WriteError(exc.errno, exc.strerror or str(exc), shown) from None


class _Terminated(BaseException):
    """SIGTERM arrived during a write (raised so the temp file is removed)."""


def _on_sigterm(signum, frame):
    raise _Terminated


def write_atomic(path: str | os.PathLike, text) -> None:
    """Write text (a string, an iterable of strings, or bytes) to a temp file beside
    `path`, fsync it, then rename it over `path`: a reader never sees a half-written
    file. A symlink is followed (its target is replaced, the link stays); a FIFO or a
    device is written directly; a read-only file is refused; an existing file keeps its
    mode. On SIGINT or SIGTERM the temp file is removed before the process ends (SIGKILL
    cannot be caught: it may leave a `.parasim-*.tmp` file beside the target). Failures
    raise WriteError naming `path`."""
    shown = os.fspath(path)
    check_writable(shown)
    path = _target(shown)
    if os.path.exists(path) and not os.path.isfile(path):
        return _write_special(path, shown, text)
    mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else 0o666 & ~_umask()
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".parasim-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise WriteError(exc.errno, exc.strerror or str(exc), shown) from None
    main_thread = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
    try:
        os.chmod(tmp, mode)                      # mkstemp makes 0600
        with os.fdopen(fd, **_open_mode(text)) as fh:
            _write(fh, text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, _Terminated):
            raise SystemExit(128 + signal.SIGTERM) from None
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise WriteError(exc.errno, exc.strerror or str(exc), shown) from None
        raise
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if old is None else old)
