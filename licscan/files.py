"""Reading local files that someone else may have put there: regular files only, bounded.

A manifest line (``-r /dev/zero``), a pull request or a handed-over snapshot
can name any path. Devices, FIFOs and sockets are refused before they are
opened for reading (a FIFO would block the open itself); ``/proc`` and
``/sys`` files, which pose as regular files of size 0, are refused by path;
and a file is read only up to its limit, whatever size it claims.
"""

from __future__ import annotations

import errno
import functools
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
    # Checked on what the path leads to (stat follows symlinks), by its device rather than by resolving
    # the path: resolving costs a system call per path component, and the cache reads thousands of files.
    try:
        info = os.stat(path)
    except OSError as exc:
        raise LocalFileError(_reason(path, exc)) from None
    if _pseudo(path, info):
        raise LocalFileError(f"{path}: not a regular file (a system pseudo-file)")
    if not stat.S_ISREG(info.st_mode):
        raise LocalFileError(f"{path}: not a regular file")
    if info.st_size > limit:
        raise LocalFileError(f"{path}: larger than the {_size(limit)} limit")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise LocalFileError(_reason(path, exc)) from None
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        if not stat.S_ISREG(opened.st_mode) or _pseudo(path, opened):  # swapped between the stat and the open
            raise LocalFileError(f"{path}: not a regular file")
        payload = handle.read(limit + 1)
    if len(payload) > limit:
        raise LocalFileError(f"{path}: larger than the {_size(limit)} limit")
    return payload


def _pseudo(path: Path, info: os.stat_result) -> bool:
    """A file of ``/proc``, ``/sys`` or ``/dev``, named so or reached through a symlink."""
    absolute = os.path.abspath(path)
    if any(absolute == root or absolute.startswith(root + "/") for root in _PSEUDO_FILESYSTEMS):
        return True
    return info.st_dev in _pseudo_devices()


@functools.cache
def _pseudo_devices() -> frozenset[int]:
    """The devices of the pseudo file systems that are mounted apart from ``/`` (never ``/``'s own)."""
    try:
        root = os.stat("/").st_dev
    except OSError:
        return frozenset()
    found: set[int] = set()
    for name in _PSEUDO_FILESYSTEMS:
        try:
            device = os.stat(name).st_dev
        except OSError:
            continue
        if device != root:
            found.add(device)
    return frozenset(found)


def _reason(path: Path, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        raise MissingFile(f"{path}: no such file") from None
    if exc.errno == errno.ELOOP:
        return f"{path}: symlink loop"
    return f"{path}: cannot read: {exc.strerror or exc}"


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"
