"""The openness parts of the HTML report's view model: the spectrum chart, a model's component grid, the Hybrid
section. Display strings and numbers only (``display`` bounds and cleans every value; the templates escape).
"""

from __future__ import annotations

from typing import Any

from licscan.openness.model import SPECTRUM
from licscan.report.openness_json import blocks_of, components_of, level_of
from licscan.report.openness_md import LABELS
from licscan.text import display

_API_BUCKETS = ("closed-api", "hosted-open-weights", "self-hosted")
_STATES = ("open", "restricted", "absent", "unknown")
# The grid's columns: MOF components grouped as a reader looks for them.
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("weights", "Weights", ("weights", "intermediate-checkpoints")),
    ("code", "Code", ("architecture", "training-code", "inference-code", "evaluation-code",
                      "data-preprocessing-code", "supporting-libraries")),
    ("data", "Data", ("data-card", "datasets", "evaluation-data")),
    ("docs", "Docs", ("model-card", "model-metadata", "sample-model-outputs")),
    ("evaluation", "Evaluation", ("evaluation-results",)),
    ("report", "Report", ("technical-report", "research-paper")),
)
_LOCK_LABEL = {"high": "High", "medium": "Medium", "low": "Low", "unknown": "Unknown"}


def spectrum_view(doc: dict[str, Any]) -> dict[str, Any] | None:
    """Bars closed to open; API buckets only when the scan discovered code. None for a document without it."""
    counts = (doc.get("summary") or {}).get("by_openness")
    if not isinstance(counts, dict):
        return None
    keys = [k for k in SPECTRUM if k not in _API_BUCKETS or "apis" in doc]
    top = max([1, *(int(counts.get(k, 0)) for k in keys)])
    bars = []
    for i, key in enumerate(keys):
        count = int(counts.get(key, 0))
        words = (LABELS[key][0].upper() + LABELS[key][1:]).split(" ", 1)
        bars.append(
            {
                "key": key,
                "lines": words,  # two short lines fit under a bar
                "count": count,
                "api": key in _API_BUCKETS,
                "x": 8 + i * 112,
                "height": round(90 * count / top, 1) if count else 0,
            }
        )
    return {"bars": bars, "width": 16 + len(keys) * 112}


def model_view(m: dict[str, Any]) -> dict[str, Any] | None:
    parts = dict(components_of(m))
    if not parts:
        return None
    openness = m["openness"]
    groups = []
    for key, label, names in GROUPS:
        cells = []
        for name in names:
            c = parts.get(name)
            if c is None:
                continue
            state = c.get("state") if c.get("state") in _STATES else "unknown"
            attested = c.get("attested") if isinstance(c.get("attested"), dict) else None
            cells.append(
                {
                    "name": name,
                    "mof_class": display(c.get("class"), 4),
                    "state": state,
                    "reason": display(c["reason"], 40) if c.get("reason") else None,
                    "evidence": display(c.get("evidence"), 400),
                    "attested": {"source": display(attested.get("source"), 300),
                                 "checked_by": display(attested.get("checked_by"), 120)} if attested else None,
                }
            )
        groups.append({"key": key, "label": label, "cells": cells})
    return {
        "level": level_of(m),
        "level_label": LABELS[level_of(m)][0].upper() + LABELS[level_of(m)][1:],
        "mof_class": display(openness["mof_class"], 4) if openness.get("mof_class") else None,
        "osaid": display(openness.get("osaid"), 20),
        "osaid_reason": display(openness.get("osaid_reason"), 400),
        "groups": groups,
        "blocks": [display(b.get("message"), 500) for b in blocks_of(m)],
        "attested": [display(a, 40) for a in openness.get("attested") or []],
    }


def hybrid_view(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The hosted APIs next to the models: where each is called, its lock-in, its verdict, what to do."""
    if "apis" not in doc:
        return None
    rows = []
    for api in doc["apis"] or []:
        lock: dict[str, Any] = api["lock_in"] if isinstance(api.get("lock_in"), dict) else {}
        level = str(lock["level"]) if lock.get("level") in _LOCK_LABEL else "unknown"
        verdict = api.get("verdict") if api.get("verdict") in ("allow", "review", "deny") else None
        locations = api.get("locations") or []
        serving = api.get("serving") if api.get("serving") in _API_BUCKETS else "closed-api"
        rows.append(
            {
                "provider": display(api.get("provider"), 60),
                "model": display(api["model"], 200) if api.get("model") else None,
                "serving": serving,
                "serving_label": LABELS[serving],
                "where": [f"{display(loc.get('path'), 200)}:{loc.get('line')}" for loc in locations[:5]],
                "more": max(0, len(locations) - 5),
                "lock": level,
                "lock_label": _LOCK_LABEL[level],
                "lock_reason": display(lock.get("reason"), 400),
                "leaves": bool(api.get("data_leaves_premises")),
                "data_handling": display(api.get("data_handling"), 400),
                "verdict": verdict,
                "verdict_label": verdict.capitalize() if verdict else None,
                "reason": display(next((r.get("message") for r in api.get("reasons") or []), ""), 600),
                "added": api.get("change") == "added",
                "todo": _todo(api, level, verdict, serving),
            }
        )
    order = {"deny": 0, "review": 1, None: 2, "allow": 3}
    rows.sort(key=lambda r: (order[r["verdict"]], ("high", "unknown", "medium", "low").index(r["lock"])))
    closed = sum(1 for r in rows if r["serving"] != "self-hosted")
    return {"rows": rows, "leaving": closed, "self_hosted": len(rows) - closed}


def _todo(api: dict[str, Any], lock: str, verdict: str | None, serving: str) -> str:
    if verdict == "deny":
        return "Replace it with a provider the policy allows, or ask legal to add it to apis.providers."
    if verdict == "review":
        return "Have legal review the provider's terms and data-processing agreement before release."
    if serving == "self-hosted":
        return "Nothing for the vendor side; the model's own licence applies to the weights the team runs."
    if lock == "high":
        return "Keep the vendor-specific calls behind one module, or move to an OpenAI-compatible client or LiteLLM."
    if serving == "hosted-open-weights":
        return "The weights are open: the same model can be self-hosted if the provider changes its terms."
    return "Check that the provider's terms and data handling fit the product."
