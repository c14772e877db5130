"""Manifest sources: the list of models a project uses.

Two formats, chosen by file extension: requirements-style text
(``models.txt``) and YAML (``.yaml``/``.yml``). Both produce ``ModelRef``s
that remember their file and line, so every later message can point there.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from licscan.errors import InputError
from licscan.manifest.text import read_text_manifest
from licscan.manifest.yamlfile import read_yaml_manifest
from licscan.types import ModelRef

MAX_MANIFEST_BYTES = 5 * 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")


def read_manifest(path: Path, _stack: tuple[Path, ...] = ()) -> list[ModelRef]:
    """Read one manifest (following ``-r`` includes) into references, in order."""
    resolved = path.resolve()
    if resolved in _stack:
        raise InputError(str(path), None, "include cycle: " + " -> ".join(str(p) for p in (*_stack, resolved)))
    try:
        size = path.stat().st_size
        if size > MAX_MANIFEST_BYTES:
            raise InputError(str(path), None, f"manifest is {size} bytes; the limit is {MAX_MANIFEST_BYTES}")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(str(path), None, "no such manifest file") from None
    except UnicodeDecodeError as exc:
        raise InputError(str(path), None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read: {exc.strerror}") from None
    if path.suffix.lower() in YAML_SUFFIXES:
        return read_yaml_manifest(path, text)
    return read_text_manifest(path, text, lambda inc: read_manifest(inc, (*_stack, resolved)))


def read_manifests(paths: Iterable[Path]) -> tuple[list[ModelRef], list[str]]:
    """Read every manifest; drop duplicates (same repo and revision) with a warning."""
    refs: list[ModelRef] = []
    warnings: list[str] = []
    seen: dict[tuple[str, str | None], ModelRef] = {}
    for path in paths:
        for ref in read_manifest(path):
            first = seen.get(ref.key)
            if first is not None:
                warnings.append(
                    f"{ref.path}:{ref.line}: {ref} is already listed at {first.path}:{first.line}; scanned once"
                )
                continue
            seen[ref.key] = ref
            refs.append(ref)
    return refs, warnings
