"""Helpers the renderers share: Hub URLs, "needs attention" ordering, content hashes.

Everything here reads the schema-v1 JSON document (see ``json_report``) and
nothing else, so a saved scan renders exactly like a fresh one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

DEFAULT_HUB = "https://huggingface.co"
PROJECT_URL = "https://pypi.org/project/licscan/"

CLASSES = ("permissive", "copyleft", "open-weights-restricted", "non-commercial", "unknown")
VERDICTS = ("deny", "review", "allow")

# Most urgent first. Unknown sits next to non-commercial: it never passes silently.
_CLASS_URGENCY = {"non-commercial": 0, "unknown": 1, "open-weights-restricted": 2, "copyleft": 3, "permissive": 4}
_VERDICT_URGENCY = {"deny": 0, "review": 1, None: 2, "allow": 3}
_SEVERITY_URGENCY = {"error": 0, "warning": 1, "info": 2}

_HEX40 = re.compile(r"^[0-9a-f]{40}$")


def hub_base(doc: dict[str, Any]) -> str:
    """The Hub endpoint the scan read from (``source: "hub <endpoint>"``); the public Hub for snapshots."""
    source = doc.get("source") or ""
    if isinstance(source, str) and source.startswith("hub "):
        endpoint = source[4:].strip().rstrip("/")
        if endpoint.startswith(("https://", "http://")):
            return endpoint
    return DEFAULT_HUB


def hub_url(doc: dict[str, Any], repo_id: str, revision: str | None, repo_type: str = "model") -> str:
    """The model's (or dataset's) page on the Hub, at ``revision`` when it is known."""
    # Percent-encoded: the document is input too, and a URL must stay one URL in every format.
    prefix = "datasets/" if repo_type == "dataset" else ""
    base = f"{hub_base(doc)}/{prefix}{quote(repo_id, safe='/')}"
    return f"{base}/tree/{quote(revision, safe='')}" if revision else base


def is_commit(revision: str | None) -> bool:
    return bool(revision) and bool(_HEX40.match(revision or ""))


def model_label(model: dict[str, Any]) -> str:
    """``org/name`` or ``org/name@rev`` as the manifest asked for it."""
    requested = model.get("requested_revision")
    return f"{model['repo_id']}@{requested}" if requested else str(model["repo_id"])


def worst_severity(model: dict[str, Any]) -> str | None:
    severities = [f.get("severity") for f in model.get("findings") or []]
    ranked = sorted((s for s in severities if s in _SEVERITY_URGENCY), key=_SEVERITY_URGENCY.__getitem__)
    return ranked[0] if ranked else None


def needs_attention(model: dict[str, Any]) -> bool:
    """With a policy: any verdict but allow. Without: any class but permissive, or a warning or error."""
    verdict = model.get("verdict")
    if verdict is not None:
        return bool(verdict != "allow")
    return model.get("class") != "permissive" or worst_severity(model) in ("error", "warning")


def attention_key(model: dict[str, Any]) -> tuple[int, int, int]:
    """Sort key: deny before review, then the most restrictive class, then the worst finding."""
    return (
        _VERDICT_URGENCY.get(model.get("verdict"), 2),
        _CLASS_URGENCY.get(model.get("class", "unknown"), 1),
        _SEVERITY_URGENCY.get(worst_severity(model) or "", 3),
    )


def by_attention(models: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Models most in need of a look first; manifest order among equals (the sort is stable)."""
    return sorted(models, key=attention_key)


def license_label(lic: dict[str, Any] | None) -> str:
    return str(lic["id"]) if lic else "none"


def lineage(model: dict[str, Any]) -> list[dict[str, Any]]:
    """The chain from the model to its root along first parents (merges show their first branch here)."""
    chain: list[dict[str, Any]] = []
    current = str(model["repo_id"]).lower()
    bases = list(model.get("base_models") or [])
    seen: set[int] = set()
    while True:
        nxt = next(
            (i for i, b in enumerate(bases) if i not in seen and str(b.get("parent", "")).lower() == current), None
        )
        if nxt is None:
            return chain
        seen.add(nxt)
        chain.append(bases[nxt])
        current = str(bases[nxt]["repo_id"]).lower()


def datasets_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The datasets the manifests list (absent from documents written before licscan read datasets)."""
    return list(doc.get("datasets") or [])


def flagged_training_data(model: dict[str, Any]) -> list[dict[str, Any]]:
    """A model's training data that legal should look at: anything not known to be permissive, or gated."""
    return [t for t in model.get("training_data") or [] if t.get("class") != "permissive" or t.get("gated")]


def content_hash(doc: dict[str, Any]) -> str:
    """A stable hash of the document: deterministic identifiers for SPDX and CycloneDX."""
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def purl(doc: dict[str, Any], repo_id: str, revision: str | None) -> str:
    """``pkg:huggingface/org/name@commit`` (purl type ``huggingface``), with the endpoint when it is not the Hub.

    The purl spec's ``huggingface`` type is defined for models only: datasets get no purl (their Hub URL
    identifies them), rather than one a purl reader would take for a model of the same id.
    """
    parts = [quote(part, safe="") for part in repo_id.split("/") if part]
    text = "pkg:huggingface/" + "/".join(parts)
    if revision:
        text += "@" + quote(revision.lower(), safe="")
    if hub_base(doc) != DEFAULT_HUB:
        text += "?repository_url=" + quote(hub_base(doc), safe="")
    return text
