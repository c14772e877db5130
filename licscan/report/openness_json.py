"""The openness parts of the JSON document (schema 1, fields added only) and the readers every renderer shares.

``openness_json`` is a model's ``openness`` object, ``apis_json`` the
top-level ``apis`` with lock-in and verdicts, ``spectrum_counts`` the
``summary.by_openness`` tally. The ``*_of`` readers take the document (never
a scan result), so a saved scan renders like a fresh one.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from licscan.openness.model import (
    CLASS_OF,
    COMPONENTS,
    LEVEL_UNKNOWN,
    LEVELS,
    SPECTRUM,
    ApiResult,
    Block,
    Component,
    Openness,
)

if TYPE_CHECKING:
    from licscan.types import ScanResult


def openness_json(openness: Openness | None) -> dict[str, Any] | None:
    if openness is None:
        return None
    # A scan grades most models alike and keeps one object per grading (``licscan.intern``): its object is
    # written once, by identity (hashing the grade, in Python, costs more than writing it). The entry holds
    # the grade, so its id is not reused while it is in the table.
    hit = _BY_IDENTITY.get(id(openness))
    if hit is not None:
        return hit[1]
    out = {
        "level": openness.level,
        "mof_class": openness.mof_class,
        "osaid": openness.osaid,
        "osaid_reason": openness.osaid_reason,
        "components": {c.name: _component_json(c) for c in openness.components},
        "blocks": [_block_json(b) for b in openness.blocks],
        "attested": list(openness.attested),
    }
    if len(_BY_IDENTITY) >= _IDENTITY_LIMIT:
        _BY_IDENTITY.clear()
    _BY_IDENTITY[id(openness)] = (openness, out)
    return out


_IDENTITY_LIMIT = 4096
_BY_IDENTITY: dict[int, tuple[Openness, dict[str, Any]]] = {}


# Shared, never copied: most components read the same across thousands of models (not on the Hub, no
# data card, ...), and a 20,000-model document would otherwise hold 180,000 such objects. No reader of a
# document changes it.
@functools.lru_cache(maxsize=4096)
def _component_json(c: Component) -> dict[str, Any]:
    return {
        "state": c.state,
        "reason": c.reason,
        "evidence": c.evidence,
        "class": c.mof_class,
        "attested": None
        if c.attested is None
        else {
            "license": c.attested.license,
            "source": c.attested.source,
            "checked_by": c.attested.checked_by,
            "date": c.attested.date,
        },
    }


@functools.lru_cache(maxsize=4096)
def _block_json(b: Block) -> dict[str, Any]:
    return {"level": b.level, "component": b.component, "state": b.state, "reason": b.reason, "message": b.message}


def api_json(result: ApiResult) -> dict[str, Any]:
    from licscan.discover.render import location_json

    api = result.api
    return {
        "provider": api.provider,
        "model": api.model,
        "serving": api.serving,
        "locations": [location_json(loc) for loc in api.locations],
        "lock_in": {
            "level": result.lock_in.level,
            "reason": result.lock_in.reason,
            "path": result.lock_in.path,
            "line": result.lock_in.line,
        },
        "data_leaves_premises": result.data_leaves_premises,
        "data_handling": result.data_handling,
        "verdict": result.verdict,
        "reasons": [{"rule": r.rule, "decision": r.decision, "message": r.message} for r in result.reasons],
    }


def apis_json(result: ScanResult) -> list[dict[str, Any]]:
    from licscan.openness.apis import api_results

    return [api_json(a) for a in api_results(result.discovery, result.apis)]


def spectrum_counts(models: list[dict[str, Any]], apis: list[dict[str, Any]] | None) -> dict[str, int]:
    """Models by openness level and API uses by serving, closed to open (``summary.by_openness``)."""
    counts = dict.fromkeys(SPECTRUM, 0)
    for m in models:
        counts[level_of(m)] += 1
    for a in apis or []:
        if a.get("serving") in counts:
            counts[a["serving"]] += 1
    return counts


# -- readers of the document ---------------------------------------------------------------------------


def level_of(model: dict[str, Any]) -> str:
    openness = model.get("openness")
    level = openness.get("level") if isinstance(openness, dict) else None
    return level if level in LEVELS else LEVEL_UNKNOWN


def components_of(model: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(name, component) in MOF order; a document without openness gives none."""
    openness = model.get("openness")
    found = openness.get("components") if isinstance(openness, dict) else None
    if not isinstance(found, dict):
        return []
    return [(name, found[name]) for name in COMPONENTS if isinstance(found.get(name), dict)]


def blocks_of(model: dict[str, Any]) -> list[dict[str, Any]]:
    openness = model.get("openness")
    blocks = openness.get("blocks") if isinstance(openness, dict) else None
    return [b for b in blocks or [] if isinstance(b, dict)]


__all__ = ["CLASS_OF", "api_json", "apis_json", "blocks_of", "components_of", "level_of", "openness_json",
           "spectrum_counts"]
