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
from licscan.types import FetchErrorCode, ModelRecord, RepoRefs

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_PIPELINE_TAG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_GATED_VALUE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_DRIVE = re.compile(r"^[A-Za-z]:")
_LIBRARY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$")
_CONFIG_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,127}$")
# What a record keeps of model info's ``config``: what names the architecture and its code. The rest
# (tokenizer_config with chat templates, quantisation settings) is bulky and says nothing about openness.
MAX_CONFIG_ITEMS = 32


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


_LONG_DIGITS = re.compile(rb"[0-9]{19}")


def parse_json(payload: bytes) -> Any:
    """JSON as the Hub sends it: no NaN/Infinity, no absurd numbers, no stack-deep nesting."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - a dependency; a platform without a wheel takes the path below
        pass
    else:
        # orjson reads what the Hub sends several times faster, and refuses most of what the checks below exist
        # for (NaN, nesting past 1,024, bad UTF-8): those take the slow path, which answers them as before. It
        # reads an integer past 64 bits as a float: a payload with a run of 19 digits takes the slow path too.
        if not _LONG_DIGITS.search(payload):
            try:
                return orjson.loads(payload)
            except orjson.JSONDecodeError:
                pass
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
        library_name=data.get("library_name"),
        config=data.get("config"),
    )


def refs_from_info(repo_id: str, data: Any, scrub: Scrubber) -> RepoRefs:
    """Branches and tags from a refs answer (``GET /api/models/{repo}/refs``); Malformed when it is not one."""
    if not isinstance(data, dict):
        raise Malformed(f"the answer is {_kind(data)}, not a JSON object")
    names: dict[str, list[str]] = {}
    for key in ("branches", "tags"):
        items = data.get(key)
        items = [] if items is None else items
        if not isinstance(items, list):
            raise Malformed(f"{key} is {_kind(items)}, not a list")
        if len(items) > limits.REFS_PER_REPO:
            raise Malformed(f"lists {len(items)} {key}; the limit is {limits.REFS_PER_REPO}")
        names[key] = [
            scrub.text(name)
            for item in items
            if isinstance(item, dict)
            and isinstance(name := item.get("name"), str)
            and 0 < len(name) <= limits.REF_NAME_CHARS
            and name.isprintable()
        ]
    return RepoRefs(repo_id, tuple(names["branches"]), tuple(names["tags"]))


def trim_config(value: Any) -> dict[str, Any]:
    """``architectures``, ``model_type`` and ``auto_map`` of a config, each checked; anything else dropped.

    ``auto_map`` maps an auto class to ``module.Class`` (or a list of them, a tokenizer pair), possibly
    prefixed ``org/repo--`` when the code lives in another repo.
    """
    if not isinstance(value, Mapping):
        return {}
    out: dict[str, Any] = {}
    architectures = value.get("architectures")
    if isinstance(architectures, list):
        names = [a for a in architectures[:MAX_CONFIG_ITEMS] if isinstance(a, str) and _CONFIG_NAME.match(a)]
        if names:
            out["architectures"] = names
    model_type = value.get("model_type")
    if isinstance(model_type, str) and _CONFIG_NAME.match(model_type):
        out["model_type"] = model_type
    auto_map = value.get("auto_map")
    if isinstance(auto_map, Mapping):
        kept: dict[str, str | list[str]] = {}
        for key, target in list(auto_map.items())[:MAX_CONFIG_ITEMS]:
            if not (isinstance(key, str) and _CONFIG_NAME.match(key)):
                continue
            if isinstance(target, str) and 0 < len(target) <= 256:
                kept[key] = target
            elif isinstance(target, list):
                items = [t for t in target[:4] if isinstance(t, str) and 0 < len(t) <= 256]
                if items:
                    kept[key] = items
        if kept:
            out["auto_map"] = kept
    return out


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
    library_name: Any = None,
    config: Any = None,
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
        library_name=library_name if isinstance(library_name, str) and _LIBRARY.match(library_name) else None,
        config=scrub.value(trim_config(config)),
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
