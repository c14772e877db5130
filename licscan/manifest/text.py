"""Requirements-style manifests: one ``org/name[@revision]`` per line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from licscan.errors import InputError
from licscan.manifest.refs import split_reference
from licscan.types import ModelRef

_INCLUDE_FLAGS = ("-r", "--requirement")


def read_text_manifest(path: Path, text: str, include: Callable[[Path], list[ModelRef]]) -> list[ModelRef]:
    refs: list[ModelRef] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        # Repo ids and revisions cannot contain '#', so it always starts a comment.
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if words[0] in _INCLUDE_FLAGS or words[0].startswith("--requirement="):
            target = words[0].split("=", 1)[1] if "=" in words[0] else " ".join(words[1:])
            if not target:
                raise InputError(str(path), number, f"{words[0]} needs a file name")
            refs.extend(include(path.parent / target))
            continue
        if words[0].startswith("-"):
            raise InputError(str(path), number, f"unknown option {words[0]!r}; only -r FILE is supported")
        if len(words) > 1:
            raise InputError(str(path), number, f"expected one model per line, found {len(words)} words: {line!r}")
        repo_id, revision, problem = split_reference(words[0])
        if problem:
            raise InputError(str(path), number, problem)
        refs.append(ModelRef(repo_id=repo_id, revision=revision, path=str(path), line=number))
    return refs
