"""Reading local files that someone else may have put there: regular files only, bounded.

A manifest line (``-r /dev/zero``), a pull request or a handed-over snapshot
can name any path. Devices, FIFOs and sockets are refused before they are
opened for reading (a FIFO would block the open itself); ``/proc`` and
``/sys`` files, which pose as regular files of size 0, are refused by path;
and a file is read only up to its limit, whatever size it claims.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_PSEUDO_FILESYSTEMS = ("/proc", "/sys", "/dev")


class LocalFileError(OSError):
    """A path that is not a readable regular file within its limit; ``str()`` says why."""


class MissingFile(LocalFileError, FileNotFoundError):
    """The path does not exist."""


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them (LocalFileError beyond)."""
    if "\x00" in str(path):
        raise LocalFileError("a file name cannot hold a NUL character")
    try:
        resolved = path.resolve()
    except RuntimeError:  # Python < 3.13 reports a symlink loop this way
        raise LocalFileError(f"{path}: symlink loop") from None
    if any(str(resolved) == root or str(resolved).startswith(root + "/") for root in _PSEUDO_FILESYSTEMS):
        raise LocalFileError(f"{path}: not a regular file (a system pseudo-file)")
    try:
        info = os.stat(path)
    except OSError as exc:
        raise LocalFileError(_reason(path, exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise LocalFileError(f"{path}: not a regular file")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise LocalFileError(_reason(path, exc)) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped between the stat and the open
            raise LocalFileError(f"{path}: not a regular file")
        payload = handle.read(limit + 1)
    if len(payload) > limit:
        raise LocalFileError(f"{path}: larger than the {_size(limit)} limit")
    return payload


def _reason(path: Path, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        raise MissingFile(f"{path}: no such file") from None
    if exc.errno == getattr(os, "ELOOP", -1):
        return f"{path}: symlink loop"
    return f"{path}: cannot read: {exc.strerror or exc}"


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"
