"""What an endpoint (or a snapshot someone handed over) says, checked before it becomes a ``ModelRecord``.

The core trusts the types of a record: ``sha`` is a 40-hex commit, ``siblings``
are names, ``tags`` are strings, ``card_data`` is a mapping of bounded depth.
Anything else is refused here, with the reason, so a hostile answer costs its
own model a ``fetch-failed`` and never raises anywhere later. Values inside
the card keep whatever JSON type they have: the classifier checks each field
it reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from licscan import limits
from licscan.sources.base import SourceError
from licscan.sources.secrets import Scrubber
from licscan.types import FetchErrorCode, ModelRecord

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_PIPELINE_TAG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_GATED_VALUE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_DRIVE = re.compile(r"^[A-Za-z]:")


class Malformed(ValueError):
    """An answer that does not have the shape the Hub API documents."""


def file_name_problem(name: str) -> str | None:
    """Why ``name`` is not a safe repo file name (relative POSIX, no ``..``), or None."""
    if not name:
        return "empty file name"
    if len(name) > limits.FILE_NAME_CHARS:
        return f"file name longer than {limits.FILE_NAME_CHARS} characters"
    if "\\" in name:
        return "backslash in file name"
    if name.startswith("/") or _DRIVE.match(name):
        return "absolute file name"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "'..', '.' or an empty part in file name"
    if not name.isprintable():
        return "control character in file name"
    return None


def require_safe_name(repo_id: str, filename: str) -> None:
    """SourceError (the scan reports ``file-unreadable``) unless ``filename`` is safe to turn into a path or URL."""
    problem = file_name_problem(filename)
    if problem:
        raise SourceError(FetchErrorCode.FETCH_FAILED, f"{repo_id}/{filename[:80]!r}: {problem}")


def too_deep(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists and mappings deeper than ``limit`` (iterative: any depth is safe)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _bounded_int(text: str) -> int:
    if len(text) > limits.INT_DIGITS:
        raise Malformed(f"a number of {len(text)} digits")
    return int(text)


def _no_constant(name: str) -> Any:
    raise Malformed(f"{name} is not JSON")


def parse_json(payload: bytes) -> Any:
    """JSON as the Hub sends it: no NaN/Infinity, no absurd numbers, no stack-deep nesting."""
    try:
        return json.loads(payload, parse_int=_bounded_int, parse_constant=_no_constant)
    except RecursionError:
        raise Malformed("JSON nested too deep") from None
    except UnicodeDecodeError as exc:
        raise Malformed(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except Malformed:
        raise
    except ValueError as exc:
        raise Malformed(f"not valid JSON ({str(exc).splitlines()[0][:120]})") from None


def commit_problem(sha: Any, requested: str | None) -> str | None:
    """Why ``sha`` is not a commit to store a record under; a pinned request must get its own commit back."""
    if not isinstance(sha, str):
        return f"sha is {_kind(sha)}, not a 40-hex commit id"
    if not _COMMIT.match(sha):
        return f"sha {sha[:60]!r} is not a 40-hex commit id"
    if requested is not None and _COMMIT.match(requested) and sha != requested:
        return f"asked for commit {requested}, answered commit {sha}"
    return None


def record_from_info(repo_id: str, requested: str | None, data: Any, scrub: Scrubber) -> ModelRecord:
    """A ModelRecord from a model-info answer (``GET /api/models/{repo}``); Malformed when it cannot be one."""
    if not isinstance(data, dict):
        raise Malformed(f"the answer is {_kind(data)}, not a JSON object")
    sha = data.get("sha")
    problem = commit_problem(sha.lower() if isinstance(sha, str) else sha, requested)
    if problem:
        raise Malformed(problem)
    card = data.get("cardData")
    if card is None:
        card = {}
    if not isinstance(card, dict):
        raise Malformed(f"cardData is {_kind(card)}, not a mapping")
    if too_deep(card, limits.CARD_DEPTH):
        raise Malformed(f"cardData nests deeper than {limits.CARD_DEPTH} levels")
    siblings = data.get("siblings")
    siblings = [] if siblings is None else siblings
    if not isinstance(siblings, list):
        raise Malformed(f"siblings is {_kind(siblings)}, not a list")
    if len(siblings) > limits.FILES_PER_REPO:
        raise Malformed(f"lists {len(siblings)} files; the limit is {limits.FILES_PER_REPO}")
    names = [s.get("rfilename") for s in siblings if isinstance(s, dict)]
    tags = data.get("tags")
    tags = [] if tags is None else tags
    if not isinstance(tags, list):
        raise Malformed(f"tags is {_kind(tags)}, not a list")
    return checked_record(
        repo_id,
        str(sha).lower(),
        card,
        gated=data.get("gated"),
        private=data.get("private"),
        pipeline_tag=data.get("pipeline_tag"),
        tags=tags,
        siblings=names,
        scrub=scrub,
    )


def checked_record(
    repo_id: str,
    sha: str,
    card: Mapping[str, Any],
    *,
    gated: Any,
    private: Any,
    pipeline_tag: Any,
    tags: list[Any],
    siblings: list[Any],
    scrub: Scrubber,
) -> ModelRecord:
    """The record, each field reduced to the type the core expects (wrong-typed items are dropped)."""
    # The Hub drops null card values (huggingface_hub's CardData.to_dict does the same).
    clean_card = scrub.value({k: v for k, v in card.items() if v is not None})
    return ModelRecord(
        repo_id=repo_id,
        sha=sha,
        card_data=clean_card,
        gated=_gated(gated),
        private=private is True,
        pipeline_tag=pipeline_tag if isinstance(pipeline_tag, str) and _PIPELINE_TAG.match(pipeline_tag) else None,
        tags=tuple(scrub.text(t) for t in tags if isinstance(t, str) and 0 < len(t) <= limits.TAG_CHARS),
        # Unsafe names stay listed (they are data); every source refuses to read them (file_name_problem),
        # which the scan reports as file-unreadable.
        siblings=tuple(scrub.text(s) for s in siblings if isinstance(s, str) and 0 < len(s) <= limits.FILE_NAME_CHARS),
    )


def _gated(value: Any) -> str | bool:
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, str) and _GATED_VALUE.match(value):
        return value
    return True  # some other value: read as gated (fail closed), never shown as given


def _kind(value: Any) -> str:
    if value is None:
        return "missing"
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)
