"""The openness parts of the Markdown report: the spectrum as one line, a model's grade, API rows.

Every value from the document goes through ``md_escape`` (inert, single line).
"""

from __future__ import annotations

from typing import Any

from licscan.openness.model import SPECTRUM
from licscan.report.openness_json import blocks_of, level_of

LABELS = {
    "closed-api": "closed API",
    "hosted-open-weights": "hosted open weights",
    "self-hosted": "self-hosted",
    "unknown": "openness unknown",
    "restricted-weights": "restricted weights",
    "open-weights": "open weights",
    "open-model": "open model",
}
_API_BUCKETS = ("closed-api", "hosted-open-weights", "self-hosted")


def spectrum_line(doc: dict[str, Any]) -> str | None:
    """``**Openness** (closed → open): closed API 2 · ... · open model 1``; None for a document without it."""
    counts = (doc.get("summary") or {}).get("by_openness")
    if not isinstance(counts, dict):
        return None
    keys = [k for k in SPECTRUM if k not in _API_BUCKETS or "apis" in doc]
    return "**Openness** (closed → open): " + " · ".join(f"{LABELS[k]} {int(counts.get(k, 0))}" for k in keys) + "\n"


def model_line(model: dict[str, Any], escape: Any) -> str | None:
    """``- Openness: open-weights (MOF Class III: no); cannot reach open-model: ...`` for a model's details."""
    if not isinstance(model.get("openness"), dict):
        return None
    openness = model["openness"]
    text = f"- Openness: **{escape(level_of(model), 30)}**, OSAID {escape(openness.get('osaid'), 20)}"
    if openness.get("mof_class"):
        text += f", MOF Class {escape(openness['mof_class'], 5)}"
    if openness.get("attested"):
        text += f" (attested: {escape(', '.join(map(str, openness['attested'])), 200)})"
    blocks = blocks_of(model)
    if blocks:
        text += "; " + "; ".join(escape(b.get("message"), 220) for b in blocks[:3])
        if len(blocks) > 3:
            text += f"; and {len(blocks) - 3} more"
    return text


def api_cells(api: dict[str, Any], escape: Any) -> list[str]:
    """Lock-in and verdict cells of an API row."""
    lock: dict[str, Any] = api["lock_in"] if isinstance(api.get("lock_in"), dict) else {}
    verdict = api.get("verdict")
    change = f" ({escape(api['change'], 12)})" if api.get("change") == "added" else ""
    return [escape(lock.get("level") or "–", 10), f"**{escape(verdict, 10)}**{change}" if verdict else "–"]


def api_attention(apis: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The API uses a reviewer should look at first: denied, then reviewed, then highly locked-in."""
    def rank(api: dict[str, Any]) -> int:
        verdict = api.get("verdict")
        lock = (api.get("lock_in") or {}).get("level") if isinstance(api.get("lock_in"), dict) else None
        return {"deny": 0, "review": 1}.get(str(verdict), 2 if lock == "high" else 3)

    return sorted((a for a in apis if rank(a) < 3), key=rank)


def cost_note(doc: dict[str, Any]) -> str | None:
    """The closing note: what the grade cost. Plain text (numbers only come from the document's counts)."""
    lookups = (doc.get("summary") or {}).get("lookups")
    if not isinstance(lookups, dict):
        return None

    def n(key: str) -> int:
        value = lookups.get(key, 0)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    read = f"{n('model_info')} model-info"
    if n("dataset_info"):
        read += f" and {n('dataset_info')} dataset-info"
    refs = (f"; --openness-refs listed the branches of {n('refs')} model{'s' if n('refs') != 1 else ''}, one "
            "request each") if n("refs") else ""
    return (f"Openness graded from the {read} answers the scan already read (Hub or cache), with no request of "
            f"its own{refs}.")
