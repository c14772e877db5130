"""``read_regular``: only regular files, within their limit, whatever path or symlink leads to them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from licscan.files import LocalFileError, MissingFile, read_regular


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "models.txt"
    path.write_bytes(b"org/model\n")
    assert read_regular(path, 10) == b"org/model\n"


def test_a_file_over_its_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 11)
    with pytest.raises(LocalFileError, match="larger than the 10 bytes limit"):
        read_regular(path, 10)


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(MissingFile, match="no such file"):
        read_regular(tmp_path / "absent.txt", 10)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_a_symlink_to_a_proc_file_is_refused_as_a_pseudo_file(tmp_path: Path) -> None:
    link = tmp_path / "README.md"
    link.symlink_to("/proc/self/environ")  # a handed-over snapshot may hold such a link
    with pytest.raises(LocalFileError, match="a system pseudo-file"):
        read_regular(link, 1 << 20)


@pytest.mark.skipif(sys.platform == "win32", reason="needs symlinks and a device file (os.devnull)")
def test_a_symlink_to_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "LICENSE"
    link.symlink_to(os.devnull)
    with pytest.raises(LocalFileError, match="not a regular file"):
        read_regular(link, 1 << 20)


def test_a_symlink_loop_is_refused(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(LocalFileError, match="symlink loop"):
        read_regular(loop, 10)
