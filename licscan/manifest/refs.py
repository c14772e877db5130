"""Parsing and validating a single model reference (``org/name@revision``)."""

from __future__ import annotations

import re

# Mirrors huggingface_hub's validate_repo_id without importing it (the core
# stays free of network libraries): "name" or "namespace/name", each part
# [\w\-.]{1,96} in ASCII, no "--" or "..", not starting or ending with - or .
_PART = re.compile(r"^[A-Za-z0-9_.\-]{1,96}$")
_HUB_URL = re.compile(r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(?P<rest>.+)$", re.IGNORECASE)
# A git revision: branch, tag, "refs/pr/N" or a commit. Refuse what git refuses.
_BAD_REVISION = re.compile(r"[\s~^:?*\[\\]|\.\.|@\{|//|^/|/$|\.lock$|^-")
COMMIT = re.compile(r"^[0-9a-f]{40}$")
_REVISION_PAGES = ("tree", "blob", "resolve")
# What a manifest line can hold (ids, revisions, Hub URLs). Only such text is ever quoted back in a
# message: an include can point at any file (`-r .env`), and its content must not reach a CI log.
_SHAPED = re.compile(r"^[\w.\-/@:~+%?&]{1,200}$")
_NOT_SHOWN = (
    "not a model reference (org/name[@revision] or a Hub URL); "
    "the line is not shown, as it does not look like a manifest line"
)


def looks_like_reference(text: str) -> bool:
    return bool(_SHAPED.match(text))


def words_shown(words: list[str], prefix: str = "") -> str:
    """``prefix`` and the words quoted, when they look like manifest text; else nothing."""
    joined = " ".join(words)
    return f"{prefix}{joined!r}" if len(joined) <= 200 and all(looks_like_reference(w) for w in words) else ""


def reference_problem(text: str, problem: str) -> str:
    """``problem`` (which quotes ``text``) when ``text`` looks like a manifest line; else one that quotes nothing."""
    return problem if looks_like_reference(text) else _NOT_SHOWN


def repo_id_problem(repo_id: str) -> str | None:
    """Why ``repo_id`` is not a valid Hub model id, or None."""
    parts = repo_id.split("/")
    if len(parts) > 2:
        return f"{repo_id!r} has more than one '/'; expected org/name"
    for part in parts:
        if not _PART.match(part):
            return f"{repo_id!r} is not a Hub repo id (letters, digits, '-', '_', '.', at most 96 each side of '/')"
        if part[0] in "-." or part[-1] in "-.":
            return f"{repo_id!r}: a name may not start or end with '-' or '.'"
    if "--" in repo_id or ".." in repo_id:
        return f"{repo_id!r}: '--' and '..' are not allowed in repo ids"
    return None


def revision_problem(revision: str) -> str | None:
    if not revision:
        return "empty revision after '@'"
    if len(revision) > 255 or _BAD_REVISION.search(revision) or not revision.isprintable():
        return f"{revision!r} is not a valid branch, tag or commit"
    return None


def split_reference(text: str) -> tuple[str, str | None, str | None]:
    """Split ``org/name@rev`` or a Hub URL into (repo_id, revision, problem)."""
    revision: str | None = None
    url = _HUB_URL.match(text)
    if url:
        rest = url.group("rest").split("?", 1)[0].split("#", 1)[0].rstrip("/")
        if rest.startswith(("datasets/", "spaces/")):
            return rest, None, "datasets and spaces are not models"
        return _split_path(rest)
    if "@" in text:
        repo_id, revision = text.split("@", 1)
    else:
        repo_id = text
    return _checked(repo_id, revision)


def is_hub_url(text: str) -> bool:
    return _HUB_URL.match(text) is not None


def split_repo_reference(text: str) -> tuple[str, str, str | None, str | None]:
    """Split a model or dataset reference into (repo type, repo_id, revision, problem).

    Datasets are written ``datasets/org/name[@rev]`` or as their Hub URL
    (``https://huggingface.co/datasets/org/name[/tree/rev]``); everything else is read as a model.
    """
    url = _HUB_URL.match(text)
    rest = url.group("rest").split("?", 1)[0].split("#", 1)[0].rstrip("/") if url else text
    if rest.startswith("spaces/"):
        return "model", rest, None, "spaces are neither models nor datasets"
    if not rest.startswith("datasets/"):
        repo_id, revision, problem = split_reference(text)
        return "model", repo_id, revision, problem
    body = rest[len("datasets/") :]
    if url:
        repo_id, revision, problem = _split_path(body)
    else:
        repo_id, _, after = body.partition("@")
        repo_id, revision, problem = _checked(repo_id, after if "@" in body else None)
    if not repo_id:
        problem = "'datasets/' must be followed by a dataset id (org/name)"
    return "dataset", repo_id, revision, problem


def _split_path(rest: str) -> tuple[str, str | None, str | None]:
    """``org/name``, ``org/name/tree/<rev>`` (or blob/resolve) or ``org/name@rev`` from a Hub URL path."""
    revision: str | None = None
    segments = rest.split("/")
    # https://huggingface.co/org/name/tree/<rev> (or /blob/<rev>/...) names a revision; so does
    # .../name/tree/<rev> for a legacy id without an org (gpt2, squad).
    for at in (2, 1):
        if len(segments) >= at + 2 and segments[at] in _REVISION_PAGES:
            revision = segments[at + 1]
            segments = segments[:at]
            break
    repo_id = "/".join(segments)
    if "@" in repo_id:
        repo_id, revision = repo_id.split("@", 1)
    return _checked(repo_id, revision)


def _checked(repo_id: str, revision: str | None) -> tuple[str, str | None, str | None]:
    problem = repo_id_problem(repo_id)
    if problem is None and revision is not None:
        problem = revision_problem(revision)
    return repo_id, revision, problem
