"""SARIF 2.1.0, for code scanning: each finding and each deny/review verdict annotates its manifest line.

Rules are fixed (one per finding code and per verdict kind) so that their
ids, and with them GitHub's alert history, stay stable across runs; results
carry ``partialFingerprints`` derived from the model and the rule for the same
reason.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any
from urllib.parse import quote

from licscan.jsonfmt import pretty
from licscan.report.common import PROJECT_URL, model_label
from licscan.text import display

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}

# code -> (default level, short description, full description / help)
_FINDING_RULES: dict[str, tuple[str, str, str]] = {
    "not-found": (
        "error",
        "Model not found",
        "The repo does not exist on the Hub, or it is private and no token gives access to it.",
    ),
    "gated": (
        "error",
        "Gated model",
        "The repo is gated and the token used has not been granted access, so its licence could not be read.",
    ),
    "revision-not-found": (
        "error",
        "Revision not found",
        "The branch, tag or commit the manifest asks for does not exist in the repo.",
    ),
    "fetch-failed": (
        "error",
        "Metadata could not be fetched",
        "The Hub did not answer in time or failed repeatedly; the model's licence is unknown.",
    ),
    "license-missing": (
        "warning",
        "No licence declared",
        "The model card declares no licence and none could be inherited from a base model.",
    ),
    "license-unknown": ("warning", "Licence unknown", "The card says the licence is unknown."),
    "license-unrecognized": (
        "warning",
        "Licence not recognised",
        "The licence the card names matches nothing in licscan's licence database.",
    ),
    "license-invalid": (
        "error",
        "Licence field unreadable",
        "The card's licence field is not a licence identifier (not text, or malformed).",
    ),
    "license-ambiguous": (
        "warning",
        "Licence ambiguous",
        "The card names a licence family (such as 'gpl' or 'cc') without saying which licence.",
    ),
    "license-mismatch": (
        "warning",
        "Licence fields disagree",
        "The card's license, license_name and license_link say different things; the more restrictive reading wins.",
    ),
    "base-license-conflict": (
        "warning",
        "Declares a more permissive licence than its base",
        "The model declares a licence more permissive than a base model's; the base model's licence still binds it.",
    ),
    "lineage-cycle": ("warning", "Lineage cycle", "The base_model chain loops back on itself."),
    "lineage-unresolved": (
        "warning",
        "Base model unresolved",
        "A base model could not be read, so its licence may also bind this model.",
    ),
    "lineage-too-deep": ("warning", "Lineage too deep", "The base_model chain is longer than licscan follows."),
    "exception-expired": (
        "warning",
        "Policy exception expired",
        "A policy exception for this model is past its expiry date and no longer applies.",
    ),
    "training-data-non-commercial": (
        "warning",
        "Trained on non-commercial data",
        "The model's card (or a base model's) names training data under a non-commercial licence. The data's "
        "licence does not by itself change the model's class; legal must check what it allows.",
    ),
    "training-data-unknown": (
        "warning",
        "Training data under an unknown licence",
        "The model's card (or a base model's) names training data whose licence licscan cannot identify.",
    ),
    "training-data-gated": (
        "warning",
        "Trained on gated data",
        "The model's card (or a base model's) names a gated dataset, whose access terms may add conditions.",
    ),
    "training-data-unresolved": (
        "warning",
        "Training data unresolved",
        "The model's card (or a base model's) names training data that is no readable Hub dataset "
        "(a free name, a link elsewhere, a deleted or private dataset, a model id).",
    ),
    "dataset-gated": (
        "warning",
        "Gated dataset",
        "The dataset is gated on the Hub: each user accepts access terms that may add conditions to its licence.",
    ),
}
_VERDICT_RULES: dict[str, tuple[str, str, str]] = {
    "verdict/deny": (
        "error",
        "Denied by policy",
        "The licence policy denies this model; the reasons say which rules decided it.",
    ),
    "verdict/review": (
        "warning",
        "Needs legal review",
        "The licence policy sends this model to legal review; the reasons say why.",
    ),
}
# Hosted-API uses the policy's apis: section denies or sends to review, at the code line that calls them.
_API_RULES: dict[str, tuple[str, str, str]] = {
    "api/deny": (
        "error",
        "Hosted API denied by policy",
        "The code calls a hosted model API the policy denies (apis: section); prompts would leave the premises.",
    ),
    "api/review": (
        "warning",
        "Hosted API needs review",
        "The code calls a hosted model API the policy sends to review (apis: section).",
    ),
}
# Without a policy there is no verdict, but these classes still need a human.
_CLASS_RULES: dict[str, tuple[str, str, str]] = {
    "class/non-commercial": (
        "warning",
        "Non-commercial licence",
        "The model's effective licence allows non-commercial use only.",
    ),
    "class/unknown": (
        "warning",
        "Licence unknown",
        "No licence could be identified for the model: it cannot be assumed usable.",
    ),
}


# models[].change of a compared scan -> SARIF's baselineState (removed models have no results to carry "absent").
_BASELINE_STATE = {"added": "new", "changed": "updated", "unchanged": "unchanged"}


def render_sarif(doc: dict[str, Any], *, root: str | None = None) -> str:
    return pretty(to_sarif(doc, root=root))


def to_sarif(doc: dict[str, Any], *, root: str | None = None) -> dict[str, Any]:
    """The SARIF log. ``root``: the repository root, so that manifest paths become relative to it whatever
    form they were given in (absolute, ``../``); None keeps them as the scan recorded them."""
    catalogue = {**_FINDING_RULES, **_VERDICT_RULES, **_CLASS_RULES, **_API_RULES}
    results: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    items = [(m, False) for m in doc["models"]] + [(d, True) for d in doc.get("datasets") or []]
    for model, is_dataset in items:
        for rule_id, level, text in _model_results(doc, model, is_dataset):
            if rule_id not in catalogue:  # a finding code newer than this table
                catalogue[rule_id] = (level, rule_id, f"licscan finding {rule_id}.")
            label = _label(model, is_dataset).lower()
            occurrence = seen.get((label, rule_id), 0)
            seen[(label, rule_id)] = occurrence + 1
            results.append(_result(model, rule_id, level, text, occurrence, root, is_dataset))
    results += [_api_result(api, root) for api in doc.get("apis") or [] if api.get("verdict") in ("deny", "review")]
    rule_ids = list(catalogue)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    for result in results:
        result["ruleIndex"] = index[result["ruleId"]]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "licscan",
                        "version": str(doc["tool"]["version"]),
                        "informationUri": PROJECT_URL,
                        "rules": [_rule(rule_id, *catalogue[rule_id]) for rule_id in rule_ids],
                    }
                },
                "results": results,
                "properties": {
                    "databaseVersion": doc.get("database_version"),
                    "generatedAt": doc.get("generated_at"),
                    "policy": doc.get("policy"),
                },
            }
        ],
    }


def _label(model: dict[str, Any], is_dataset: bool) -> str:
    """A dataset is named ``datasets/org/name``, like its Hub URL: never mistaken for a model of the same id."""
    return ("datasets/" if is_dataset else "") + model_label(model)


def _model_results(doc: dict[str, Any], model: dict[str, Any], is_dataset: bool = False) -> list[tuple[str, str, str]]:
    """(rule id, level, message) for one model or dataset: its verdict (or class), then its findings."""
    label = display(_label(model, is_dataset), 200)
    out: list[tuple[str, str, str]] = []
    verdict = model.get("verdict")
    lic = model.get("license")
    licence = f"{display(lic['name'], 200)} ({display(lic['id'], 100)})" if lic else "no licence identified"
    if verdict in ("deny", "review"):
        deciding = [r for r in model.get("reasons") or [] if r.get("decision") == verdict]
        why = " ".join(display(r.get("message", ""), 400) for r in deciding[:3])
        action = "denied by" if verdict == "deny" else "sent to legal review by"
        policy = display(doc.get("policy") or "", 200)
        text = f"{label} is {action} the policy {policy}: {licence}, class {model['class']}."
        out.append((f"verdict/{verdict}", _LEVEL["error" if verdict == "deny" else "warning"], f"{text} {why}".strip()))
    elif verdict is None and model["class"] in ("non-commercial", "unknown"):
        out.append((f"class/{model['class']}", "warning", f"{label}: {licence}, class {model['class']}."))
    for finding in model.get("findings") or []:
        level = _LEVEL.get(finding.get("severity", ""), "warning")
        out.append((str(finding["code"]), level, f"{label}: {display(finding.get('message', ''), 600)}"))
    return out


def _result(
    model: dict[str, Any],
    rule_id: str,
    level: str,
    text: str,
    occurrence: int,
    root: str | None,
    is_dataset: bool = False,
) -> dict[str, Any]:
    manifest = model.get("manifest") or {}
    if not manifest.get("path") and model.get("locations"):
        manifest = model["locations"][0]  # found in code by discovery ({path, line}), not listed in a manifest
    path = str(manifest.get("path") or "")
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(repo_relative(path, root) if root else path)}}
    line = manifest.get("line")
    if isinstance(line, int) and line >= 1:
        location["region"] = {"startLine": line}
    key = f"{_label(model, is_dataset).lower()}\n{rule_id}\n{occurrence}"
    properties: dict[str, Any] = {"model": model["repo_id"], "class": model["class"], "verdict": model.get("verdict")}
    if is_dataset:
        properties = {"dataset": model["repo_id"], "class": model["class"], "verdict": model.get("verdict")}
    return {
        "ruleId": rule_id,
        "level": level,
        "message": {"text": text},
        "locations": [{"physicalLocation": location}],
        # GitHub matches alerts across runs by fingerprint: the model and the rule, never the wording.
        "partialFingerprints": {"licscanModelRule/v1": hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]},
        "properties": properties,
        **({"baselineState": _BASELINE_STATE[model["change"]]} if model.get("change") in _BASELINE_STATE else {}),
    }


def _api_result(api: dict[str, Any], root: str | None) -> dict[str, Any]:
    verdict = str(api["verdict"])
    what = f"{display(api.get('provider'), 60)}{' ' + display(api['model'], 120) if api.get('model') else ''}"
    reasons = " ".join(display(r.get("message", ""), 600) for r in api.get("reasons") or [])
    action = "denied by" if verdict == "deny" else "sent to review by"
    text = f"Hosted API {what} ({display(api.get('serving'), 40)}) is {action} the policy. {reasons}".strip()
    places = []
    for loc in (api.get("locations") or [])[:11]:
        path = str(loc.get("path") or "")
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(repo_relative(path, root) if root else path)}}
        if isinstance(loc.get("line"), int) and loc["line"] >= 1:
            physical["region"] = {"startLine": loc["line"]}
        places.append({"physicalLocation": physical})
    key = f"api\n{api.get('provider')}\n{api.get('model')}\n{api.get('serving')}\napi/{verdict}"
    result: dict[str, Any] = {
        "ruleId": f"api/{verdict}",
        "level": "error" if verdict == "deny" else "warning",
        "message": {"text": text},
        "locations": places[:1],
        "partialFingerprints": {"licscanApiRule/v1": hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]},
        "properties": {"provider": api.get("provider"), "model": api.get("model"), "serving": api.get("serving"),
                       "verdict": verdict, "lockIn": (api.get("lock_in") or {}).get("level")},
    }
    if len(places) > 1:
        result["relatedLocations"] = [{"id": i, **p} for i, p in enumerate(places[1:], start=1)]
    if api.get("change") in ("added", "unchanged"):
        result["baselineState"] = "new" if api["change"] == "added" else "unchanged"
    return result


def repo_relative(path: str, root: str) -> str:
    """``path`` (as given to the scan, relative to the working directory or absolute) relative to ``root``.

    Code scanning and annotations place results by repository-relative path; a manifest given as
    ``/abs/repo/models.txt`` or ``../repo/models.txt`` is the same file as ``models.txt``. A path outside
    ``root`` is kept as given (normalised), since no relative form would name it.
    """
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.path.abspath(root))
    if relative == ".." or relative.startswith(".." + os.sep) or os.path.isabs(relative):
        return os.path.normpath(path).replace(os.sep, "/")
    return relative.replace(os.sep, "/")


def _uri(path: str) -> str:
    """The manifest path as a relative URI reference: forward slashes, percent-encoded."""
    return quote(path.replace("\\", "/"), safe="/:@-._~")


def _rule(rule_id: str, level: str, short: str, full: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.replace("/", "-").split("-")),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {
            "text": f"{full} Check the model's licence in the full licscan report.",
            "markdown": f"{full}\n\nCheck the model's licence in the full licscan report "
            "(`licscan report SCAN.json --format html`).",
        },
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["license", "compliance"]},
    }
