"""Reading licence texts when card metadata is not enough (pure, given the texts).

The last and most expensive link of the matcher chain: only when the
metadata names no known licence (or with ``--verify-text``) are the files a
repo lists read and detected. Metadata and text that disagree give
``license-mismatch`` and the more restrictive reading wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from licscan.classify import match
from licscan.detect.scope import scoped_statements
from licscan.licensedb import LicenseDB
from licscan.text import clip
from licscan.types import Classification, Evidence, FetchFailure, Finding, License, LicenseClass, ModelRecord, Severity

# Files that may carry licence text, at the top of the repo (never guessed: only those the repo lists).
_LICENSE_FILE = re.compile(r"^(?:LICEN[CS]E|COPYING|NOTICE|USE_POLICY)(?:[.-][\w.-]*)?$", re.IGNORECASE)
README = "README.md"
# Findings that reading the text answers: they give way to ``license-from-text``.
_RESOLVED_BY_TEXT = frozenset({"license-missing", "license-unrecognized", "license-unknown"})


def needs_text(declared: Classification, verify: bool) -> bool:
    return verify or declared.license is None


def licence_files(record: ModelRecord) -> list[str]:
    """The licence texts of ``text_files`` (the card apart)."""
    return [name for name in text_files(record) if name != README]


def text_files(record: ModelRecord) -> list[str]:
    """Files to read: licence-like files the repo lists, a relative ``license_link``, the card."""
    listed = set(record.siblings)
    names = [n for n in record.siblings if "/" not in n and _LICENSE_FILE.match(n)]
    link = record.card_data.get("license_link")
    if isinstance(link, str) and not re.match(r"^[a-z]+://", link.strip(), re.IGNORECASE):
        target = link.strip().removeprefix("./")
        if target in listed and target not in names:
            names.append(target)
    if README in listed:
        names.append(README)
    return names


def classify_with_texts(
    db: LicenseDB,
    record: ModelRecord,
    declared: Classification,
    unread: Mapping[str, FetchFailure],
) -> Classification:
    """Refine a card's classification with the texts in ``record.files``."""
    from licscan.detect import card_hints, detect_text, detection_evidence, detection_findings

    evidence: list[Evidence] = []
    findings: list[Finding] = []
    found: list[License] = []
    undecided: list[str] = []  # licence files that read as a licence the text then departs from
    # The repo's order, not the order the answers arrived in; never the configs read for lineage.
    for name in [n for n in text_files(record) if n != README and n in record.files]:
        detection = detect_text(record.files[name], db)
        evidence.append(detection_evidence(detection, f"file:{name}"))
        findings.extend(detection_findings(detection))
        if detection.license is not None:
            found.append(detection.license)
        elif detection.unknown_reason in ("restricted", "departs", "shared") and detection.candidates:
            undecided.append(name)
            if detection.unknown_reason == "departs":
                closest = detection.candidates[0].id
                findings.append(
                    Finding(
                        "license-unrecognized",
                        Severity.ERROR,
                        f"{name} reads partly as {closest} but departs from it substantially (another version, "
                        "or a licence derived from it): it is not a licence licscan knows, so legal must read it",
                    )
                )
    prompt = record.card_data.get("extra_gated_prompt")
    if isinstance(prompt, str) and prompt.strip():
        detection = detect_text(prompt, db)
        if detection.license is not None:
            evidence.append(detection_evidence(detection, "card:extra_gated_prompt"))
            found.append(detection.license)
    # Card prose is weaker evidence: read only when nothing better named a licence. A statement
    # about the code ("the code is licensed under Apache-2.0") says nothing of the weights.
    code_lines = {s.line for s in scoped_statements(record.files.get(README, "")) if s.scope == "code"}
    if declared.license is None and not found and README in record.files:
        for hint in card_hints(record.files[README]):
            if hint.key not in ("license", "license_name"):
                continue
            if hint.line in code_lines and hint.source != "card:license-section":
                evidence.append(
                    Evidence(
                        hint.source,
                        f"README line {hint.line}: {clip(hint.value, 80)} is the code's licence, "
                        "not the weights': not evidence for the model",
                    )
                )
                continue
            hit = detect_text(hint.value, db).license if hint.source == "card:license-section" else None
            if hit is None:
                named = match(db, hint.value)
                hit = named.license if named else None
            if hit is not None and hit.id not in ("other", "unknown"):
                evidence.append(
                    Evidence(
                        hint.source,
                        f"README line {hint.line}: {clip(hint.value, 80)} -> {hit.id} "
                        f"(confidence {hint.confidence:.2f}{', key ' + clip(hint.detail, 30) if hint.detail else ''})",
                    )
                )
                found.append(hit)
    for name, failure in unread.items():
        findings.append(
            Finding(
                failure.code.value if failure.code.value == "gated" else "file-unreadable",
                Severity.WARNING,
                f"{name} could not be read ({failure.message}); the metadata alone decides",
            )
        )
    combined = _combine(declared, found, evidence, findings)
    if undecided and combined.license_class is not LicenseClass.NON_COMMERCIAL:
        # The repo's own licence text is not the licence the metadata (or another text) names, and
        # its changes may restrict use: nothing more permissive than unknown may be claimed.
        combined = replace(
            combined,
            license=None,
            license_class=LicenseClass.UNKNOWN,
            evidence=(
                *combined.evidence,
                Evidence("file:" + undecided[0], "the licence text decides nothing known: class unknown"),
            ),
        )
    return weights_scope(db, record, combined) if README in record.files else combined


def weights_scope(db: LicenseDB, record: ModelRecord, declared: Classification) -> Classification:
    """Apply what the card body says about the weights' terms, apart from the code's.

    A weights statement naming a known licence is evidence like a licence file (the more restrictive
    reading wins); when the card licenses code and weights apart and the weights' terms are not a known
    licence, the model is ``unknown`` with the sentence quoted.
    """
    statements = scoped_statements(record.files.get(README, ""))
    weights = [s for s in statements if s.scope == "weights"]
    if not weights:
        return declared
    separated = any(s.scope == "code" for s in statements)
    evidence: list[Evidence] = []
    findings: list[Finding] = []
    found: list[License] = []
    for statement in weights:
        lic = _terms(db, statement.value)
        quote = f"README line {statement.line}: '{clip(statement.sentence, 160)}'"
        if lic is not None:
            evidence.append(Evidence("card:weights-terms", f"{quote} -> {lic.id} ({lic.license_class})"))
            found.append(lic)
        elif separated:
            evidence.append(Evidence("card:weights-terms", f"{quote}: terms that match no known licence"))
            findings.append(
                Finding(
                    "license-unrecognized",
                    Severity.ERROR,
                    f"the card licenses the code and the model weights apart, and the weights' terms are not a "
                    f"licence licscan knows ({quote}); the code's licence does not cover the weights",
                )
            )
    if findings:
        return Classification(
            license=None,
            license_class=LicenseClass.UNKNOWN,
            expression=declared.expression,
            evidence=declared.evidence + tuple(evidence),
            findings=declared.findings + tuple(findings),
            licenses=declared.licenses,
        )
    return _combine(declared, found, evidence, []) if found else declared


_TERMS_NOISE = re.compile(r"^(?:the|a|an|our)\s+|[\s.,;:]+$|\s+(?:licen[cs]e|agreement)s?$", re.IGNORECASE)
_MD_LINK = re.compile(r"\[([^\]]{1,200})\]\(\s*<?([^)\s>]{1,500})")


def _terms(db: LicenseDB, value: str) -> License | None:
    """The licence a statement's words name: an id, a name, a link's label or its URL."""
    link = _MD_LINK.search(value)
    candidates = [link.group(1), link.group(2)] if link else [value]
    for candidate in candidates:
        text = candidate.strip()
        for _ in range(3):
            text = _TERMS_NOISE.sub("", text).strip()
        for attempt in (candidate.strip(), text):
            hit = match(db, attempt) if attempt else None
            if hit is not None and hit.license.id not in ("other", "unknown"):
                return hit.license
    return None


def _combine(
    declared: Classification, found: list[License], evidence: list[Evidence], findings: list[Finding]
) -> Classification:
    if not found:
        return replace(
            declared, evidence=declared.evidence + tuple(evidence), findings=declared.findings + tuple(findings)
        )
    worst = max(found, key=lambda lic: lic.license_class.rank)
    own = declared.license
    kept = declared.findings
    if own is None:
        kept = tuple(f for f in kept if f.code not in _RESOLVED_BY_TEXT)
        findings.append(
            Finding(
                "license-from-text",
                Severity.INFO,
                f"the card metadata names no known licence; {worst.id} was read from the repo's text",
            )
        )
        chosen = worst
    else:
        others = [lic for lic in found if lic.id != own.id and lic not in declared.licenses]
        chosen = max([own, *others], key=lambda lic: lic.license_class.rank)
        for other in {lic.id: lic for lic in others}.values():
            findings.append(
                Finding(
                    "license-mismatch",
                    Severity.ERROR,
                    f"the metadata declares {own.id} ({own.license_class}) but the repo's text is {other.id} "
                    f"({other.license_class}); the more restrictive reading, {chosen.id}, applies",
                )
            )
    licenses = tuple({lic.id: lic for lic in (*declared.licenses, *found)}.values())
    return Classification(
        license=chosen,
        license_class=chosen.license_class,
        expression=declared.expression,
        evidence=declared.evidence + tuple(evidence),
        findings=kept + tuple(findings),
        licenses=licenses,
    )
