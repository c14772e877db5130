"""Follow a model's lineage and combine licences along the chain (pure).

The effective class of a model is the most restrictive class found along its
lineage: a fine-tune that declares apache-2.0 over a Llama base is still
bound by the Llama licence. When any part of the chain cannot be read (a
base that is gone, private or unparseable, a lineage too deep to follow),
what binds the model is not known, so the effective class is ``unknown``
(fail closed) unless the known part is already non-commercial.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from licscan.classify import most_restrictive
from licscan.intern import shared
from licscan.lineage.claims import BaseClaim, Plan
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

Lookup = Callable[[str], "ModelRecord | FetchFailure | None"]
Claims = Callable[[ModelRecord], Plan]
# A classification to use for a base that cannot be read, when reviewed data knows its licence
# (a repo-name match against the upstream table); None when nothing is known.
Fallback = Callable[[BaseClaim], "Classification | None"]


@dataclass(frozen=True)
class Unresolved:
    """A part of the lineage that could not be read, and why."""

    name: str  # the repo id, or the value as written when it is not one
    parent: str
    reason: str


@dataclass(frozen=True)
class Lineage:
    bases: tuple[BaseModel, ...]
    evidence: tuple[Evidence, ...]
    findings: tuple[Finding, ...]
    unresolved: tuple[Unresolved, ...] = ()


def _label(source: str) -> str:
    return {
        "card:base_model": "card base_model",
        "hub:tags": "the Hub's base_model tags",
        "adapter_config.json": "adapter_config.json",
        "mergekit_config.yml": "mergekit config",
        "card:yaml-block": "a mergekit YAML block of the card",
        "card:prose": "card prose",
        "card:front-matter-typo": "a misspelled card key",
        "local-path": "a local base_model path",
        "config.json": "config.json",
        "repo-name": "the repo name",
    }.get(source, source)


def resolve_lineage(
    record: ModelRecord,
    lookup: Lookup,
    classify: Callable[[ModelRecord], Classification],
    claims_of: Claims,
    max_depth: int = MAX_DEPTH,
    fallback: Fallback | None = None,
) -> Lineage:
    """Walk the bases of ``record`` breadth first (nearest first), each once."""
    bases: list[BaseModel] = []
    evidence: list[Evidence] = []
    findings: list[Finding] = []
    unresolved: list[Unresolved] = []
    seen = {record.repo_id.lower()}
    queue: deque[tuple[ModelRecord, int, tuple[str, ...]]] = deque([(record, 0, (record.repo_id.lower(),))])

    def cannot_read(name: str, parent: str, reason: str, code: str = "lineage-unresolved") -> None:
        unresolved.append(Unresolved(name, parent, reason))
        findings.append(Finding(code, Severity.ERROR, f"{parent}: {reason}"))

    while queue:
        child, depth, path = queue.popleft()
        plan = claims_of(child)
        for problem in plan.problems:
            cannot_read(child.repo_id, child.repo_id, problem)
        for claim in plan.claims:
            if claim.inferred:
                findings.append(
                    Finding(
                        "lineage-inferred",
                        Severity.WARNING,
                        f"{child.repo_id} declares no base_model; base {claim.repo_id or claim.value!r} inferred from "
                        f"{_label(claim.source)} (confidence {claim.confidence:.2f}): {claim.detail}",
                    )
                )
            if claim.repo_id is None:
                cannot_read(
                    claim.value,
                    child.repo_id,
                    f"names base {clip(claim.value, 80)!r} ({_label(claim.source)}), which is not a Hub repo id, "
                    "so its licence cannot be read",
                )
                continue
            key = claim.repo_id.lower()
            if key in path:
                chain = " -> ".join((*path, key))
                findings.append(Finding("lineage-cycle", Severity.WARNING, f"base model cycle: {chain}"))
                continue
            if key in seen:
                continue  # a diamond (two parents share a base): list it once
            seen.add(key)
            if depth + 1 > max_depth:
                cannot_read(
                    claim.repo_id,
                    child.repo_id,
                    f"lineage deeper than {max_depth}; stopped at {claim.repo_id}",
                    code="lineage-too-deep",
                )
                continue
            outcome = lookup(claim.repo_id)
            if isinstance(outcome, ModelRecord):
                bases.append(_base(claim, claim.repo_id, outcome.sha, depth, child, classify(outcome)))
                queue.append((outcome, depth + 1, (*path, key)))
                continue
            why = outcome.message if isinstance(outcome, FetchFailure) else "not fetched"
            known = fallback(claim) if fallback is not None else None
            bases.append(_base(claim, claim.repo_id, None, depth, child, known, failure=why))
            if known is None:
                cannot_read(claim.repo_id, child.repo_id, f"base model {claim.repo_id} could not be read: {why}")
            else:
                evidence.append(
                    Evidence(
                        "lineage",
                        f"{claim.repo_id} could not be read ({why}); licscan's upstream table gives "
                        f"{known.license.id if known.license else '?'}",
                    )
                )
    for base in bases:
        if base.classification is not None:
            lic = base.classification.license
            how = "" if base.source == "card:base_model" else f", inferred from {_label(base.source)}"
            evidence.append(
                Evidence(
                    "lineage",
                    f"{base.repo_id} (depth {base.depth}, base of {base.parent}{how}): "
                    f"{lic.id if lic else 'no known licence'} ({base.classification.license_class})",
                )
            )
    return Lineage(tuple(bases), tuple(evidence), tuple(findings), tuple(unresolved))


def _base(
    claim: BaseClaim,
    repo_id: str,
    sha: str | None,
    depth: int,
    child: ModelRecord,
    classification: Classification | None,
    failure: str | None = None,
) -> BaseModel:
    return BaseModel(
        repo_id=repo_id,
        revision=sha,
        depth=depth + 1,
        parent=child.repo_id,
        relation=claim.relation,
        classification=classification,
        source=claim.source,
        confidence=claim.confidence,
        detail=claim.detail,
        failure=failure,
    )


@dataclass(frozen=True)
class Effective:
    license: License | None
    source: str | None  # the repo the deciding licence was found on
    license_class: LicenseClass
    findings: tuple[Finding, ...]
    evidence: tuple[Evidence, ...]


def effective_license(
    repo_id: str,
    declared: Classification,
    bases: tuple[BaseModel, ...],
    unresolved: tuple[Unresolved, ...] = (),
) -> Effective:
    """The most restrictive licence along the lineage; own licence wins ties.

    With any part of the lineage unreadable, the class is ``unknown`` unless what is known is already
    non-commercial: the licence of the missing part could be anything, so nothing more permissive than
    what is proven may be claimed.
    """
    candidates: list[tuple[License, str]] = []
    if declared.license is not None:
        candidates.append((declared.license, repo_id))
    for base in bases:
        if base.classification is not None and base.classification.license is not None:
            candidates.append((base.classification.license, base.repo_id))
    findings: list[Finding] = []
    evidence: list[Evidence] = []
    known_cls = most_restrictive([lic.license_class for lic, _ in candidates]) if candidates else LicenseClass.UNKNOWN
    if unresolved and known_cls is not LicenseClass.NON_COMMERCIAL:
        missing = "; ".join(f"{u.name} ({clip(u.reason, 160)})" for u in unresolved[:5])
        more = f" and {len(unresolved) - 5} more" if len(unresolved) > 5 else ""
        known = f"the known part of the chain is {known_cls}" if candidates else "nothing along the chain is known"
        evidence.append(
            Evidence(
                "lineage",
                f"effective licence undetermined: part of the lineage could not be read: {missing}{more}; "
                f"{known}, and the missing part may be more restrictive",
            )
        )
        return Effective(None, None, LicenseClass.UNKNOWN, (), tuple(evidence))
    if not candidates:
        return Effective(None, None, LicenseClass.UNKNOWN, (), ())
    cls = known_cls
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
                out.append(shared(AttachedObligation(obligation, lic.id)))
    return shared(tuple(out))  # the same few chains repeat across thousands of models (``licscan.intern``)
