"""Requirements-style manifests: one ``org/name[@revision]`` per line (``datasets/org/name`` for a dataset)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from licscan.errors import InputError
from licscan.manifest.refs import reference_problem, split_repo_reference, words_shown
from licscan.types import ModelRef

_INCLUDE_FLAGS = ("-r", "--requirement")

Include = Callable[[Path, int], list[ModelRef]]  # (path, line of the -r) -> references


def read_text_manifest(path: Path, text: str, include: Include) -> list[ModelRef]:
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
            refs.extend(include(path.parent / target, number))
            continue
        if words[0].startswith("-"):
            shown = f" {words_shown(words[:1])}" if words_shown(words[:1]) else ""
            raise InputError(str(path), number, f"unknown option{shown}; only -r FILE is supported")
        if len(words) > 1:
            raise InputError(
                str(path), number, f"expected one model per line, found {len(words)} words{words_shown(words, ': ')}"
            )
        repo_type, repo_id, revision, problem = split_repo_reference(words[0])
        if problem:
            raise InputError(str(path), number, reference_problem(words[0], problem))
        refs.append(ModelRef(repo_id=repo_id, revision=revision, path=str(path), line=number, repo_type=repo_type))
    return refs
