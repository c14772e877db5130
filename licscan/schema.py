"""The shape of a saved scan (the JSON report, schema_version 1), checked before anything renders it.

``licscan report`` renders files that may come from anywhere (a CI artifact, a
pull request). Every renderer trusts the types of the document it is given,
and some values go out unescaped where they are a closed vocabulary (a class
becomes a CSS class or an SPDX line), so a file is refused unless every field
renderers read has its type, every closed vocabulary holds a known value, and
the nesting is bounded. Fields may be added within a schema version, so keys
this licscan does not know are allowed.

A hand validator rather than a JSON Schema and a library: the rules fit in a
page, the messages name the JSON path, and ``licscan report`` keeps its
start-up time (jsonschema and its referencing stack would more than double it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from licscan.manifest.refs import repo_id_problem
from licscan.openness.model import CLASSES as MOF_CLASSES
from licscan.openness.model import COMPONENTS, LEVELS, LOCK_IN, REASONS, SPECTRUM, STATES
from licscan.text import clip

CLASSES = ("permissive", "copyleft", "open-weights-restricted", "non-commercial", "unknown")
SEVERITIES = ("info", "warning", "error")
VERDICTS = ("allow", "review", "deny")
CHANGES = ("added", "changed", "unchanged")
_CODE = re.compile(r"^[a-z][a-z0-9-]{0,63}$")  # finding codes, obligation kinds, licence ids, rules
_LICENSE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$")
_RULE = re.compile(r"^[a-z][a-z0-9-]{0,63}(?::[A-Za-z0-9][A-Za-z0-9._+-]{0,127})?$")  # class:permissive, license:x

Check = Callable[[Any, str, list[str]], None]


def _type(kind: type | tuple[type, ...], name: str) -> Check:
    def check(value: Any, where: str, problems: list[str]) -> None:
        # bool is an int in Python; a count or a line is never true/false.
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
            problems.append(f"{where}: expected {name}, found {_describe(value)}")

    return check


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


STR = _type(str, "a string")
INT = _type(int, "an integer")
BOOL = _type(bool, "true or false")


def nullable(inner: Check) -> Check:
    def check(value: Any, where: str, problems: list[str]) -> None:
        if value is not None:
            inner(value, where, problems)

    return check


def one_of(values: tuple[str, ...]) -> Check:
    def check(value: Any, where: str, problems: list[str]) -> None:
        if value not in values:
            problems.append(f"{where}: {clip(value, 40)} is not one of {', '.join(values)}")

    return check


def matching(pattern: re.Pattern[str], name: str) -> Check:
    def check(value: Any, where: str, problems: list[str]) -> None:
        if not isinstance(value, str) or not pattern.match(value):
            problems.append(f"{where}: {clip(value, 40)} is not {name}")

    return check


def repo_id(value: Any, where: str, problems: list[str]) -> None:
    if not isinstance(value, str) or repo_id_problem(value):
        problems.append(f"{where}: {clip(value, 60)} is not a Hub repo id")


def list_of(item: Check) -> Check:
    def check(value: Any, where: str, problems: list[str]) -> None:
        if not isinstance(value, list):
            problems.append(f"{where}: expected a list, found {_describe(value)}")
            return
        for index, element in enumerate(value):
            item(element, f"{where}[{index}]", problems)

    return check


def obj(required: Mapping[str, Check], optional: Mapping[str, Check] | None = None) -> Check:
    def check(value: Any, where: str, problems: list[str]) -> None:
        if not isinstance(value, dict):
            problems.append(f"{where}: expected an object, found {_describe(value)}")
            return
        for key, inner in required.items():
            if key not in value:
                problems.append(f"{where}: missing {key!r}")
            else:
                inner(value[key], f"{where}.{key}", problems)
        for key, inner in (optional or {}).items():
            if key in value:
                inner(value[key], f"{where}.{key}", problems)

    return check


def counts(keys: tuple[str, ...]) -> Check:
    return obj({}, {key: INT for key in keys})


CODE = matching(_CODE, "a lower-case identifier")
LICENSE = nullable(
    obj(
        {"id": matching(_LICENSE_ID, "a licence id"), "name": STR, "spdx_id": nullable(STR)},
        {"source": nullable(repo_id)},
    )
)
MANIFEST = obj({"path": STR, "line": INT})
BASE = obj(
    {
        "repo_id": repo_id,
        "revision": nullable(STR),
        "depth": INT,
        "parent": repo_id,
        "relation": nullable(STR),
        "license": LICENSE,
        "class": one_of(CLASSES),
        "resolved": BOOL,
    }
)
OBLIGATION = obj(
    {"kind": CODE, "summary": STR, "license": matching(_LICENSE_ID, "a licence id")},
    {"threshold": INT, "regions": list_of(STR), "applies_to": STR, "link": STR},
)
# A model's training data (added in schema 1 with issue 14; absent from older documents).
TRAINING_DATA = obj(
    {
        "repo_id": nullable(repo_id),
        "value": STR,
        "revision": nullable(STR),
        "license": LICENSE,
        "class": one_of(CLASSES),
        "from": repo_id,
        "resolved": BOOL,
        "gated": _type((bool, str), "true, false or a gate mode"),
        "failure": nullable(STR),
    }
)
REASON = obj({"rule": matching(_RULE, "a policy rule id"), "decision": one_of(VERDICTS), "message": STR})
COMPONENT = obj(
    {"state": one_of(STATES), "reason": nullable(one_of(tuple(REASONS))), "evidence": STR},
    {
        "class": one_of(MOF_CLASSES),
        "attested": nullable(obj({"license": STR, "source": STR, "checked_by": STR, "date": nullable(STR)})),
    },
)
_BLOCK_LEVELS = (*LEVELS, *(f"class-{c}" for c in MOF_CLASSES))
OPENNESS = nullable(
    obj(
        {
            "level": one_of(LEVELS),
            "components": obj({}, dict.fromkeys(COMPONENTS, COMPONENT)),
            "blocks": list_of(
                obj({"level": one_of(_BLOCK_LEVELS), "component": one_of(COMPONENTS), "state": one_of(STATES),
                     "reason": nullable(one_of(tuple(REASONS))), "message": STR})
            ),
            "osaid": one_of(("fails", "undetermined")),
        },
        {"mof_class": nullable(one_of(MOF_CLASSES)), "osaid_reason": STR, "attested": list_of(one_of(COMPONENTS))},
    )
)
LOCATION = obj({"path": STR, "line": INT}, {"how": STR})
API = obj(
    {
        "provider": CODE,
        "model": nullable(STR),
        "serving": one_of(("closed-api", "hosted-open-weights", "self-hosted")),
        "locations": list_of(LOCATION),
    },
    {
        "lock_in": obj({"level": one_of(LOCK_IN), "reason": STR}, {"path": nullable(STR), "line": nullable(INT)}),
        "data_leaves_premises": BOOL,
        "data_handling": STR,
        "verdict": nullable(one_of(VERDICTS)),
        "reasons": list_of(REASON),
        "change": one_of(("added", "unchanged")),
    },
)
MODEL = obj(
    {
        "repo_id": repo_id,
        "requested_revision": nullable(STR),
        "revision": nullable(STR),
        "manifest": MANIFEST,
        "note": nullable(STR),
        "declared_license": LICENSE,
        "declared_expression": nullable(STR),
        "declared_class": one_of(CLASSES),
        "license": LICENSE,
        "class": one_of(CLASSES),
        "base_models": list_of(BASE),
        "obligations": list_of(OBLIGATION),
        "evidence": list_of(obj({"source": STR, "detail": STR})),
        "findings": list_of(obj({"code": CODE, "severity": one_of(SEVERITIES), "message": STR})),
        "verdict": nullable(one_of(VERDICTS)),
        "reasons": list_of(
            obj({"rule": matching(_RULE, "a policy rule id"), "decision": one_of(VERDICTS), "message": STR})
        ),
    },
    {
        "change": one_of(CHANGES),
        "training_data": list_of(TRAINING_DATA),
        "locations": list_of(obj({"path": STR, "line": INT})),  # a dataset `scan --discover` found in code
        "openness": OPENNESS,
    },
)
REMOVED = obj(
    {
        "repo_id": repo_id,
        "requested_revision": nullable(STR),
        "revision": nullable(STR),
        "manifest": MANIFEST,
        "verdict": nullable(one_of(VERDICTS)),
    }
)
DOCUMENT = obj(
    {
        "schema_version": INT,
        "tool": obj({"name": STR, "version": STR}),
        "database_version": STR,
        "generated_at": STR,
        "source": STR,
        "manifests": list_of(STR),
        "policy": nullable(STR),
        "warnings": list_of(STR),
        "summary": obj(
            {
                "models": INT,
                "by_class": counts(CLASSES),
                "fetch_failures": INT,
                "by_verdict": nullable(counts(VERDICTS)),
            },
            {
                "datasets": INT,
                "datasets_by_class": counts(CLASSES),
                "datasets_by_verdict": nullable(counts(VERDICTS)),
                "dataset_fetch_failures": INT,
                "training_data_by_class": counts(CLASSES),
                "by_openness": counts(SPECTRUM),
                "lookups": counts(("model_info", "files", "refs", "dataset_info")),
            },
        ),
        "models": list_of(MODEL),
    },
    {
        "baseline": obj({"path": STR, "kind": one_of(("scan", "lock")), "removed": list_of(REMOVED)}),
        # The datasets the manifests list: entries of a model's shape (issue 14).
        "datasets": list_of(MODEL),
        "apis": list_of(API),
    },
)


def document_problems(doc: Any, limit: int = 20) -> list[str]:
    """What is wrong with ``doc`` as a schema-v1 scan document (at most ``limit`` problems); [] if nothing."""
    problems: list[str] = []
    DOCUMENT(doc, "$", problems)
    return problems[:limit]


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)
