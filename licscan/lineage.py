"""Follow ``base_model`` lineage and combine licences along the chain (pure).

The effective class of a model is the most restrictive class found along its
lineage: a fine-tune that declares apache-2.0 over a Llama base is still
bound by the Llama licence.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from licscan.classify import most_restrictive
from licscan.manifest.refs import split_reference
from licscan.text import clip
from licscan.types import (
    AttachedObligation,
    BaseModel,
    Classification,
    Evidence,
    FetchFailure,
    Finding,
    License,
    LicenseClass,
    ModelRecord,
    Severity,
)

MAX_DEPTH = 10


def base_model_ids(card: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Repo ids named by ``base_model`` (a string, a list, or Hub URLs), and problems."""
    raw = card.get("base_model")
    if raw is None or raw == "" or raw == []:
        return [], []
    items = raw if isinstance(raw, list) else [raw]
    ids: list[str] = []
    problems: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            problems.append(f"base_model entry is not a repo id: {clip(item, 80)}")
            continue
        repo_id, _, problem = split_reference(item.strip())
        if problem:
            problems.append(f"base_model {clip(item, 80)}: {problem}")
        elif repo_id.lower() not in (i.lower() for i in ids):
            ids.append(repo_id)
    return ids, problems


def relation(card: Mapping[str, Any]) -> str | None:
    value = card.get("base_model_relation")
    return value if isinstance(value, str) and value in ("adapter", "merge", "quantized", "finetune") else None


Lookup = Callable[[str], "ModelRecord | FetchFailure | None"]


@dataclass(frozen=True)
class Lineage:
    bases: tuple[BaseModel, ...]
    evidence: tuple[Evidence, ...]
    findings: tuple[Finding, ...]


def resolve_lineage(
    record: ModelRecord,
    lookup: Lookup,
    classify: Callable[[ModelRecord], Classification],
    max_depth: int = MAX_DEPTH,
) -> Lineage:
    """Walk the bases of ``record`` breadth first (nearest first), each once."""
    bases: list[BaseModel] = []
    evidence: list[Evidence] = []
    findings: list[Finding] = []
    seen = {record.repo_id.lower()}
    queue: deque[tuple[ModelRecord, int, tuple[str, ...]]] = deque([(record, 0, (record.repo_id.lower(),))])
    while queue:
        child, depth, path = queue.popleft()
        ids, problems = base_model_ids(child.card_data)
        for problem in problems:
            findings.append(Finding("lineage-unresolved", Severity.WARNING, f"{child.repo_id}: {problem}"))
        for base_id in ids:
            key = base_id.lower()
            if key in path:
                chain = " -> ".join((*path, key))
                findings.append(Finding("lineage-cycle", Severity.WARNING, f"base_model cycle: {chain}"))
                continue
            if key in seen:
                continue  # a diamond (two parents share a base): list it once
            seen.add(key)
            if depth + 1 > max_depth:
                findings.append(
                    Finding(
                        "lineage-too-deep", Severity.WARNING, f"lineage deeper than {max_depth}; stopped at {base_id}"
                    )
                )
                continue
            outcome = lookup(base_id)
            rel = relation(child.card_data)
            if isinstance(outcome, ModelRecord):
                cls = classify(outcome)
                bases.append(BaseModel(base_id, outcome.sha, depth + 1, child.repo_id, rel, cls))
                queue.append((outcome, depth + 1, (*path, key)))
            else:
                why = outcome.message if isinstance(outcome, FetchFailure) else "not fetched"
                bases.append(BaseModel(base_id, None, depth + 1, child.repo_id, rel, None))
                findings.append(
                    Finding("lineage-unresolved", Severity.WARNING, f"base model {base_id} could not be read: {why}")
                )
    for base in bases:
        if base.classification is not None:
            lic = base.classification.license
            evidence.append(
                Evidence(
                    "lineage",
                    f"{base.repo_id} (depth {base.depth}, base of {base.parent}): "
                    f"{lic.id if lic else 'no known licence'} ({base.classification.license_class})",
                )
            )
    return Lineage(tuple(bases), tuple(evidence), tuple(findings))


@dataclass(frozen=True)
class Effective:
    license: License | None
    source: str | None  # the repo the deciding licence was found on
    license_class: LicenseClass
    findings: tuple[Finding, ...]
    evidence: tuple[Evidence, ...]


def effective_license(repo_id: str, declared: Classification, bases: tuple[BaseModel, ...]) -> Effective:
    """The most restrictive licence along the lineage; own licence wins ties."""
    candidates: list[tuple[License, str]] = []
    if declared.license is not None:
        candidates.append((declared.license, repo_id))
    for base in bases:
        if base.classification is not None and base.classification.license is not None:
            candidates.append((base.classification.license, base.repo_id))
    findings: list[Finding] = []
    evidence: list[Evidence] = []
    if not candidates:
        return Effective(None, None, LicenseClass.UNKNOWN, (), ())
    cls = most_restrictive([lic.license_class for lic, _ in candidates])
    lic, source = next((lic, src) for lic, src in candidates if lic.license_class is cls)
    own = declared.license
    if declared.license_class is LicenseClass.UNKNOWN and own is None and source != repo_id:
        evidence.append(Evidence("lineage", f"no known licence of its own: takes {lic.id} ({cls}) from {source}"))
    elif own is not None and source != repo_id and cls.rank > own.license_class.rank:
        findings.append(
            Finding(
                "base-license-conflict",
                Severity.ERROR,
                f"declares {own.id} ({own.license_class}) but base {source} is under {lic.id} ({cls}); "
                "the base's terms still bind this model",
            )
        )
        evidence.append(Evidence("lineage", f"effective licence {lic.id} ({cls}) inherited from {source}"))
    return Effective(lic, source, cls, tuple(findings), tuple(evidence))


def chain_obligations(declared: Classification, bases: tuple[BaseModel, ...]) -> tuple[AttachedObligation, ...]:
    """Every obligation of every licence along the lineage, each once, own first."""
    seen: set[tuple[str, str, str]] = set()
    out: list[AttachedObligation] = []
    licenses = list(declared.licenses)
    for base in bases:
        if base.classification is not None:
            licenses.extend(base.classification.licenses)
    for lic in licenses:
        for obligation in lic.obligations:
            key = (obligation.kind, lic.id, obligation.summary)
            if key not in seen:
                seen.add(key)
                out.append(AttachedObligation(obligation, lic.id))
    return tuple(out)
