"""Manifest sources: the list of models a project uses.

Two formats, chosen by file extension: requirements-style text
(``models.txt``) and YAML (``.yaml``/``.yml``). Both produce ``ModelRef``s
that remember their file and line, so every later message can point there.

A manifest may come from a pull request, so reading one is bounded: regular
files only (``licscan.files``), ``-r`` includes confined to the manifest's
repository (its git top level, else its folder) unless the caller allows
more, include chains and the number of files read capped (``licscan.limits``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from licscan import limits
from licscan.errors import InputError
from licscan.files import LocalFileError, MissingFile, read_regular
from licscan.manifest.text import read_text_manifest
from licscan.manifest.yamlfile import read_yaml_manifest
from licscan.types import ModelRef

MAX_MANIFEST_BYTES = limits.MANIFEST_BYTES
YAML_SUFFIXES = (".yaml", ".yml")


def repository_root(path: Path) -> Path:
    """The git top level above ``path`` (a ``.git`` folder, or the ``.git`` file of a worktree), else its folder."""
    try:
        folder = path.resolve().parent
    except (OSError, RuntimeError, ValueError):  # a symlink loop: reading it reports the problem
        folder = path.absolute().parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


@dataclass
class _Reading:
    """One run's reading: where includes may lead, and how many files it has read."""

    root: Path | None  # None: includes may lead anywhere (--allow-outside-includes)
    files: int = 0
    stack: tuple[Path, ...] = field(default_factory=tuple)


def read_manifest(path: Path, *, root: Path | None = None, allow_outside_includes: bool = False) -> list[ModelRef]:
    """Read one manifest (following ``-r`` includes) into references, in order.

    Includes must resolve inside ``root`` (default: ``repository_root(path)``) unless
    ``allow_outside_includes``.
    """
    reading = _Reading(None if allow_outside_includes else (root or repository_root(path)).resolve())
    return _read(path, reading, None)


def _read(path: Path, reading: _Reading, included_at: tuple[str, int] | None) -> list[ModelRef]:
    def refuse(message: str) -> InputError:
        # An include's problem is reported at the line that asked for it.
        where, line = included_at if included_at else (str(path), None)
        return InputError(where, line, message)

    if "\x00" in str(path):
        raise refuse("a file name cannot hold a NUL character")
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        raise refuse(f"{path}: symlink loop") from None
    if included_at is not None:
        if reading.root is not None and not resolved.is_relative_to(reading.root):
            raise refuse(
                f"-r {path}: outside the manifest's repository ({reading.root}); "
                "pass --allow-outside-includes to read it"
            )
        if len(reading.stack) > limits.INCLUDE_DEPTH:
            raise refuse(f"-r {path}: includes nested more than {limits.INCLUDE_DEPTH} deep")
    if resolved in reading.stack:
        chain = " -> ".join(str(p) for p in (*reading.stack, resolved))
        raise refuse(f"include cycle: {chain}")
    reading.files += 1
    if reading.files > limits.INCLUDED_FILES:
        raise refuse(f"more than {limits.INCLUDED_FILES} manifest files read (includes counted)")
    try:
        payload = read_regular(path, MAX_MANIFEST_BYTES)
        text = payload.decode("utf-8-sig")
    except MissingFile:
        raise refuse(f"{path}: no such manifest file" if included_at else "no such manifest file") from None
    except UnicodeDecodeError as exc:
        raise InputError(str(path), None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except LocalFileError as exc:
        raise refuse(str(exc) if included_at else str(exc).removeprefix(f"{path}: ")) from None
    if path.suffix.lower() in YAML_SUFFIXES:
        return read_yaml_manifest(path, text)
    outer = reading.stack
    reading.stack = (*outer, resolved)
    try:
        return read_text_manifest(path, text, lambda inc, line: _read(inc, reading, (str(path), line)))
    finally:
        reading.stack = outer


def read_manifests(paths: Iterable[Path], *, allow_outside_includes: bool = False) -> tuple[list[ModelRef], list[str]]:
    """Read every manifest; drop duplicates (same repo and revision) with a warning."""
    refs: list[ModelRef] = []
    warnings: list[str] = []
    seen: dict[tuple[str, str | None], ModelRef] = {}
    files = 0
    for path in paths:
        reading = _Reading(None if allow_outside_includes else repository_root(path).resolve(), files)
        found = _read(path, reading, None)
        files = reading.files  # the cap counts every file of the run
        for ref in found:
            first = seen.get(ref.key)
            if first is not None:
                warnings.append(
                    f"{ref.path}:{ref.line}: {ref} is already listed at {first.path}:{first.line}; scanned once"
                )
                continue
            seen[ref.key] = ref
            refs.append(ref)
    return refs, warnings
