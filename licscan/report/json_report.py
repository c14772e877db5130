"""The JSON report: licscan's public, versioned contract (see README, "JSON output").

Bump ``SCHEMA_VERSION`` for any change other than adding a field, and note it
in the README's changelog of the format.
"""

from __future__ import annotations

import functools
from typing import Any

from licscan.jsonfmt import pretty
from licscan.report.openness_json import openness_json
from licscan.textscan import README, text_files
from licscan.types import (
    AttachedObligation,
    BaseModel,
    License,
    LicenseClass,
    ModelResult,
    ScanResult,
    TrainingData,
)

SCHEMA_VERSION = 1


def discovery_json(result: ScanResult) -> dict[str, Any]:
    """``apis`` of ``scan --discover`` (a new top-level key of schema 1; absent otherwise). The datasets the
    code loads are scanned like listed ones: they are in ``datasets``, with their ``locations``."""
    if result.discovery is None:
        return {}
    from licscan.report.openness_json import apis_json

    return {"apis": apis_json(result)}


def datasets_json(result: ScanResult) -> list[dict[str, Any]]:
    """The datasets the manifests list or the code loads (``--discover``: with the ``locations`` that load them)."""
    located: dict[str, list[dict[str, Any]]] = {}
    if result.discovery is not None:
        from licscan.discover.render import location_json

        for found in result.discovery.datasets:
            located.setdefault(found.repo_id.lower(), []).extend(location_json(loc) for loc in found.locations)
    out = []
    for dataset in result.datasets:
        entry = model_json(dataset)
        if result.discovery is not None:
            entry["locations"] = located.get(dataset.ref.repo_id.lower(), [])
        out.append(entry)
    return out


def render_document(doc: dict[str, Any]) -> str:
    return pretty(doc)


def _tally(items: tuple[ModelResult, ...], judged: bool) -> tuple[dict[str, int], dict[str, int] | None]:
    """Counts by class, and by verdict when a policy was applied."""
    by_class = {c.value: 0 for c in LicenseClass}
    for item in items:
        by_class[item.license_class.value] += 1
    by_verdict: dict[str, int] | None = None
    if judged:
        by_verdict = {"allow": 0, "review": 0, "deny": 0}
        for item in items:
            if item.verdict in by_verdict:
                by_verdict[item.verdict] += 1
    return by_class, by_verdict


def to_json(result: ScanResult) -> dict[str, Any]:
    by_class, by_verdict = _tally(result.models, result.policy is not None)
    datasets_by_class, datasets_by_verdict = _tally(result.datasets, result.policy is not None)
    training_by_class = {c.value: 0 for c in LicenseClass}
    for model in result.models:
        for entry in model.training_data:
            training_by_class[entry.license_class.value] += 1
    from licscan.report.openness_json import spectrum_counts

    models = [model_json(m) for m in result.models]
    found = discovery_json(result)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "licscan", "version": result.tool_version},
        "database_version": result.database_version,
        "generated_at": result.generated_at,
        "source": result.source,
        "manifests": list(result.manifests),
        "policy": result.policy,
        "policy_context": dict(result.policy_context) if result.policy_context is not None else None,
        "warnings": list(result.warnings),
        "summary": {
            "models": len(result.models),
            "by_class": by_class,
            "fetch_failures": sum(1 for m in result.models if m.failure is not None),
            "by_verdict": by_verdict,
            "datasets": len(result.datasets),
            "datasets_by_class": datasets_by_class,
            "datasets_by_verdict": datasets_by_verdict,
            "dataset_fetch_failures": sum(1 for d in result.datasets if d.failure is not None),
            "training_data_by_class": training_by_class,
            # Closed to open: API uses by how they are served (with --discover), models by openness level.
            "by_openness": spectrum_counts(models, found.get("apis")),
            # What the scan read, by kind (answers of the Hub or of the cache): the openness grade adds none
            # but refs (--openness-refs).
            "lookups": {k: int(v) for k, v in sorted(result.lookups.items())},
        },
        "models": models,
        # The datasets the manifests list or the code loads, each with a model's fields (no lineage, no training data).
        "datasets": datasets_json(result),
        **found,
        "licenses": licence_catalogue(result),
    }


def licence_catalogue(result: ScanResult) -> dict[str, dict[str, Any]]:
    """Every licence the document names (effective, declared, along the lineage, behind an obligation), by id.

    Carries what a reader of the document needs and the per-model objects do not: the class and the URLs of
    the licence's text, so the notice and the reports can link every obligation to the terms it comes from.
    """
    found: dict[str, License] = {}
    for m in result.models:
        classifications = [m.declared] + [b.classification for b in m.base_models if b.classification is not None]
        for lic in (m.license, m.declared.license, *(x for c in classifications for x in (c.license, *c.licenses))):
            if lic is not None:
                found.setdefault(lic.id, lic)
    return {lic_id: licence_entry(lic) for lic_id, lic in sorted(found.items())}


def licence_entry(lic: License) -> dict[str, Any]:
    """One entry of the document's ``licenses`` catalogue."""
    return {"name": lic.name, "spdx_id": lic.spdx_id, "class": lic.license_class.value, "urls": list(lic.urls)}


def license_json(lic: License | None) -> dict[str, Any] | None:
    if lic is None:
        return None
    return {"id": lic.id, "name": lic.name, "spdx_id": lic.spdx_id}


def model_json(m: ModelResult) -> dict[str, Any]:
    effective = license_json(m.license)
    if effective is not None:
        effective["source"] = m.license_source
    return {
        "repo_id": m.ref.repo_id,
        "requested_revision": m.ref.revision,
        "revision": m.revision,
        "manifest": {"path": m.ref.path, "line": m.ref.line},
        "note": m.ref.note or None,
        "declared_license": license_json(m.declared.license),
        "declared_expression": m.declared.expression,
        "declared_class": m.declared.license_class.value,
        "license": effective,
        "class": m.license_class.value,
        "base_models": [_base_json(b) for b in m.base_models],
        "obligations": [_obligation_json(o) for o in m.obligations],
        "evidence": [{"source": e.source, "detail": e.detail} for e in m.evidence],
        "findings": [{"code": f.code, "severity": f.severity.value, "message": f.message} for f in m.findings],
        "verdict": m.verdict,
        "reasons": [{"rule": r.rule, "decision": r.decision, "message": r.message} for r in m.reasons],
        # The licence and notice files the repo lists (LICENSE*, NOTICE*, USE_POLICY*, ...): what a release
        # that ships the weights must carry along.
        "license_files": [n for n in text_files(m.record) if n != README] if m.record is not None else [],
        "training_data": [training_json(t) for t in m.training_data],
        "openness": openness_json(m.openness),
    }


def training_json(entry: TrainingData) -> dict[str, Any]:
    """One training-data entry: what the card wrote, which Hub dataset it is, and its licence class."""
    cls = entry.classification
    return {
        "repo_id": entry.repo_id,
        "value": entry.value,
        "revision": entry.revision,
        "license": license_json(cls.license) if cls else None,
        "class": entry.license_class.value,
        "from": entry.declared_by,
        "resolved": cls is not None,
        "gated": entry.gated,
        "failure": entry.failure,
    }


def _base_json(base: BaseModel) -> dict[str, Any]:
    cls = base.classification
    return {
        "repo_id": base.repo_id,
        "revision": base.revision,
        "depth": base.depth,
        "parent": base.parent,
        "relation": base.relation,
        "license": license_json(cls.license) if cls else None,
        "class": cls.license_class.value if cls else LicenseClass.UNKNOWN.value,
        "resolved": cls is not None,
        "source": base.source,
        "confidence": round(base.confidence, 2),
        "evidence": base.detail,
        "failure": base.failure,
    }


@functools.lru_cache(maxsize=4096)  # shared, like openness components: the same duties recur model after model
def _obligation_json(attached: AttachedObligation) -> dict[str, Any]:
    o = attached.obligation
    out: dict[str, Any] = {"kind": o.kind, "summary": o.summary, "license": attached.license_id}
    if o.threshold is not None:
        out["threshold"] = o.threshold
    if o.regions:
        out["regions"] = list(o.regions)
    if o.applies_to:
        out["applies_to"] = o.applies_to
    if o.link:
        out["link"] = o.link
    return out
