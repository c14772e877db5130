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
        segments = rest.split("/")
        # https://huggingface.co/org/name/tree/<rev> (or /blob/<rev>/...) names a revision.
        if len(segments) >= 4 and segments[2] in ("tree", "blob", "resolve"):
            revision = segments[3]
            segments = segments[:2]
        repo_id = "/".join(segments)
        if "@" in repo_id:
            repo_id, revision = repo_id.split("@", 1)
    elif "@" in text:
        repo_id, revision = text.split("@", 1)
    else:
        repo_id = text
    problem = repo_id_problem(repo_id)
    if problem is None and revision is not None:
        problem = revision_problem(revision)
    return repo_id, revision, problem
