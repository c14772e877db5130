"""Known upstream models by name: ``license_db/models/``, one reviewed YAML file per model family.

A quantisation or fine-tune often says where it comes from only in its repo name
(``someone/Llama-3.2-1B-Instruct-GGUF``). ``UpstreamTable.match`` finds the
official upstream whose **full** model name occurs in a repo's name, so lineage
can infer a base when the card names none. The format is documented in
``license_db/README.md``; loading validates every file and reports all problems
at once, each with its file name.

How names are compared (``tokens``): case-insensitively, as runs of letters and
numbers. ``-``, ``_``, space and ``.`` are separators and equal to one another,
except a ``.`` between two digits, which belongs to the number: ``Qwen2.5`` is
``qwen 2.5``, never ``Qwen25`` (``qwen 25``) nor ``Qwen2_5`` (``qwen 2 5``), and
``FLUX.1-dev`` equals ``flux1-dev``. A name matches only as a whole run of
tokens, so it never matches across a number boundary (``Llama-3.2-1B`` is not in
``Llama-3.2-11B-Vision``) or inside a word (``llama`` is not in ``tinyllama``
nor in ``llamafied``).

Decisions, each tested:

* A table name must be a full model name: a word of two letters or more and a
  number. A bare family word (``llama``, ``qwen``, ``bloom``) or size (``7b``)
  is refused, so a repo whose official name is one (``bigscience/bloom``)
  matches only its own repo id.
* Longest match wins (``Llama-3.2-1B-Instruct`` over ``Llama-3.2-1B``); between
  equally long names, the one that starts first in the repo name.
* A repo that names two upstreams (``Qwen2.5-Coder-32B-vs-Llama-3.1-8B``) gets
  the longest, then first; ``match_all`` returns every one for callers that
  must weigh them.
* A conversion keeps its family: ``x/Mistral-7B-v0.1-llamafied`` is Mistral 7B,
  and no ``-llama`` suffix ever makes a repo a Llama derivative.
* The official repo, and other repos of the upstream's own organisation, match
  like any other repo (the caller decides what a self-match means); an exact
  repo id always matches its entry, even when its name is a bare word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from licscan.yamlsafe import safe_load

# Hub repo ids: an owner and a name of letters, digits, "-", "_" and ".", at
# most 96 characters each, not starting or ending with a separator and without
# "--" or "..".
_REPO_PART = re.compile(r"^(?!.*(?:--|\.\.))[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$")
# A number (with the dots between its digits) or a run of letters.
_TOKEN = re.compile(r"\d+(?:\.\d+)*|[^\W\d_]+")
_FAMILY_KEYS = ("family", "notes", "models")
_MODEL_KEYS = ("repo", "license", "names", "notes")


class UpstreamError(Exception):
    """The upstream table is invalid; ``problems`` lists every issue found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid upstream model table:\n  " + "\n  ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Upstream:
    repo_id: str  # the official repo, e.g. "meta-llama/Llama-3.2-1B-Instruct"
    name: str  # the model name that matched, as written in the table
    license_id: str  # a license_db id
    family: str  # the family file's stem


@dataclass(frozen=True)
class UpstreamTable:
    """The whole table, indexed for matching; build it with ``load_upstreams``."""

    models: tuple[Upstream, ...]  # one per entry, with the entry's own (repo) name
    _by_repo: Mapping[str, Upstream] = field(default_factory=dict, repr=False)
    # first token -> (name tokens, upstream as matched by that name)
    _by_first: Mapping[str, tuple[tuple[tuple[str, ...], Upstream], ...]] = field(default_factory=dict, repr=False)

    def match(self, repo_id: str) -> Upstream | None:
        """The known upstream a repo is named after, or None (see the module doc for the rules)."""
        found = self.match_all(repo_id)
        return found[0] if found else None

    def match_all(self, repo_id: str) -> tuple[Upstream, ...]:
        """Every distinct upstream named in the repo id, best first: an exact repo id, then the longest
        name (earliest on ties), then the other names that do not overlap a better one."""
        repo_id = repo_id.strip()
        exact = self._by_repo.get(repo_id.lower())
        words = tokens(repo_id.rsplit("/", 1)[-1])
        hits: list[tuple[int, int, Upstream]] = []  # (start, length, upstream)
        for start, word in enumerate(words):
            for name, upstream in self._by_first.get(word, ()):
                if tuple(words[start : start + len(name)]) == name:
                    hits.append((start, len(name), upstream))
        hits.sort(key=lambda h: (-h[1], h[0]))
        chosen: list[Upstream] = [exact] if exact else []
        taken: list[tuple[int, int]] = []
        for start, length, upstream in hits:
            if any(start < end and begin < start + length for begin, end in taken):
                continue  # inside a longer (or earlier) name: "Llama-3.2-1B" in "Llama-3.2-1B-Instruct"
            taken.append((start, start + length))
            if all(upstream.repo_id != c.repo_id for c in chosen):
                chosen.append(upstream)
        return tuple(chosen)

    def __len__(self) -> int:
        return len(self.models)


def tokens(name: str) -> list[str]:
    """The comparison tokens of a model name: lowercase numbers and letter runs."""
    return _TOKEN.findall(name.lower())


def is_full_name(name: str) -> bool:
    """A name fit for matching: a word of two letters or more and a number (never a bare family word like
    ``llama``, nor a bare size like ``7b``)."""
    words = tokens(name)
    return any(w[0].isdigit() for w in words) and any(len(w) >= 2 and not w[0].isdigit() for w in words)


def default_path() -> Path:
    """``license_db/models/`` beside the licence database."""
    from licscan.licensedb import default_path as database_path

    return database_path() / "models"


def load_upstreams(path: Path | None = None) -> UpstreamTable:
    """Read and validate ``license_db/models/*.yaml``; raise ``UpstreamError`` listing every problem."""
    root = path or default_path()
    files = sorted(root.glob("*.yaml"))
    problems: list[str] = []
    if not files:
        problems.append(f"{root}: no *.yaml model family files")
    entries: list[tuple[str, Upstream, tuple[str, ...]]] = []  # (file, upstream, names)
    for file in files:
        try:
            data = safe_load(file.read_bytes())
        except Exception as exc:  # yaml.YAMLError, or an unreadable file
            problems.append(f"{file.name}: not valid YAML: {exc}")
            continue
        entries.extend(_parse_family(file, data, problems))
    table = _index(entries, problems)
    if problems:
        raise UpstreamError(problems)
    return table


def _parse_family(file: Path, data: Any, problems: list[str]) -> Iterable[tuple[str, Upstream, tuple[str, ...]]]:
    where = file.name
    if not isinstance(data, dict):
        problems.append(f"{where}: top level must be a mapping")
        return []
    unknown = sorted(set(data) - set(_FAMILY_KEYS))
    missing = [k for k in _FAMILY_KEYS if k not in data]
    if unknown or missing:
        problems.extend(f"{where}: unknown key {k!r}" for k in unknown)
        problems.extend(f"{where}: missing key {k!r}" for k in missing)
        return []
    if data["family"] != file.stem:
        problems.append(f"{where}: family {data['family']!r} must equal the file name")
    if not isinstance(data["notes"], str) or not data["notes"].strip():
        problems.append(f"{where}: notes must say where the facts come from")
    models = data["models"]
    if not isinstance(models, list) or not models:
        problems.append(f"{where}: models must be a non-empty list")
        return []
    found = []
    for i, item in enumerate(models):
        parsed = _parse_model(f"{where}: models[{i}]", file.stem, item, problems)
        if parsed is not None:
            found.append((where, *parsed))
    return found


def _parse_model(at: str, family: str, item: Any, problems: list[str]) -> tuple[Upstream, tuple[str, ...]] | None:
    if not isinstance(item, dict):
        problems.append(f"{at} must be a mapping")
        return None
    unknown = sorted(set(item) - set(_MODEL_KEYS))
    if unknown:
        problems.append(f"{at}: unknown keys {unknown}")
    repo, license_id = item.get("repo"), item.get("license")
    if not isinstance(repo, str) or not is_repo_id(repo):
        problems.append(f"{at}: repo {repo!r} is not a Hub repo id (owner/name)")
        return None
    at = f"{at} ({repo})"
    if not isinstance(license_id, str) or not license_id.strip():
        problems.append(f"{at}: license must be a license_db id")
        return None
    names = item.get("names", [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        problems.append(f"{at}: names must be a list of model names")
        names = []
    notes = item.get("notes", "")
    if not isinstance(notes, str):
        problems.append(f"{at}: notes must be a string")
    own = repo.split("/", 1)[1]
    usable = [own] if is_full_name(own) else []  # a bare word ("bloom") matches only by repo id
    for name in names:
        if not is_full_name(name):
            problems.append(f"{at}: name {name!r} is not a full model name (a word and a number)")
        elif tokens(name) == tokens(own):
            problems.append(f"{at}: name {name!r} repeats the repo's own name")
        else:
            usable.append(name)
    return Upstream(repo_id=repo, name=own, license_id=license_id, family=family), tuple(usable)


def is_repo_id(value: str) -> bool:
    parts = value.split("/")
    return len(parts) == 2 and all(_REPO_PART.match(p) for p in parts)


def _index(entries: list[tuple[str, Upstream, tuple[str, ...]]], problems: list[str]) -> UpstreamTable:
    by_repo: dict[str, Upstream] = {}
    by_name: dict[tuple[str, ...], tuple[str, Upstream]] = {}
    first: dict[str, list[tuple[tuple[str, ...], Upstream]]] = {}
    for where, upstream, names in entries:
        key = upstream.repo_id.lower()
        if key in by_repo:
            problems.append(f"{where}: repo {upstream.repo_id!r} is listed twice")
            continue
        by_repo[key] = upstream
        for name in names:
            words = tuple(tokens(name))
            owner = by_name.get(words)
            if owner is not None:
                problems.append(f"{where}: name {name!r} already names {owner[1].repo_id!r} ({owner[0]})")
                continue
            matched = Upstream(upstream.repo_id, name, upstream.license_id, upstream.family)
            by_name[words] = (where, matched)
            first.setdefault(words[0], []).append((words, matched))
    models = tuple(by_repo.values())
    return UpstreamTable(models, by_repo, {k: tuple(v) for k, v in first.items()})
