"""Classify the licence a repo declares in its own card metadata.

A chain of matchers, cheapest first (as in licensee): the exact Hub id, then
a tolerant name match, then a known licence URL. Each returns a match with a
confidence; every decision leaves evidence a lawyer can check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from licscan import limits
from licscan.licensedb import LicenseDB
from licscan.text import clip
from licscan.types import Classification, Evidence, Finding, License, LicenseClass, Severity

_EXPRESSION = re.compile(r"\s(?:and|or|with)\s|[()]", re.IGNORECASE)
_URL = re.compile(r"^https?://", re.IGNORECASE)
_OPERATOR = re.compile(r"\s(?:and|or|with)\s", re.IGNORECASE)


@dataclass(frozen=True)
class Match:
    license: License
    confidence: float
    matcher: str


Matcher = Callable[[LicenseDB, str], "Match | None"]


def match_exact_id(db: LicenseDB, value: str) -> Match | None:
    lic = db.get(value.strip())
    if lic is not None and value.strip() in (lic.id, *lic.hf_ids):
        return Match(lic, 1.0, "exact id")
    return None


def match_name(db: LicenseDB, value: str) -> Match | None:
    lic = db.lookup(value)
    return Match(lic, 0.9, "name") if lic is not None else None


def match_url(db: LicenseDB, value: str) -> Match | None:
    if not _URL.match(value.strip()):
        return None
    lic = db.by_url(value)
    return Match(lic, 0.8, "url") if lic is not None else None


MATCHERS: tuple[Matcher, ...] = (match_exact_id, match_name, match_url)


def match(db: LicenseDB, value: str) -> Match | None:
    for matcher in MATCHERS:
        found = matcher(db, value)
        if found is not None:
            return found
    return None


def least_restrictive(classes: Sequence[LicenseClass]) -> LicenseClass:
    known = [c for c in classes if c is not LicenseClass.UNKNOWN]
    return min(known, key=lambda c: c.rank) if known else LicenseClass.UNKNOWN


def most_restrictive(classes: Sequence[LicenseClass]) -> LicenseClass:
    """Most restrictive known class; ``unknown`` only when nothing is known."""
    known = [c for c in classes if c is not LicenseClass.UNKNOWN]
    return max(known, key=lambda c: c.rank) if known else LicenseClass.UNKNOWN


def _finding(code: str, severity: Severity, message: str) -> Finding:
    return Finding(code, severity, message)


@dataclass
class _Builder:
    """Accumulates evidence and findings while one card is read."""

    evidence: list[Evidence]
    findings: list[Finding]

    def see(self, source: str, detail: str) -> None:
        self.evidence.append(Evidence(source, detail))

    def flag(self, code: str, severity: Severity, message: str) -> None:
        self.findings.append(_finding(code, severity, message))


def classify_card(db: LicenseDB, card: Mapping[str, Any], repo_id: str = "") -> Classification:
    """The licence a card declares, from ``license``, ``license_name`` and ``license_link``."""
    b = _Builder([], [])
    raw = card.get("license")
    name = card.get("license_name")
    link = card.get("license_link")

    if raw is None or raw == "" or raw == []:
        named = _resolve_named(db, name, link, b) if (name or link) else None
        if named is None:
            b.see("card:license", "no licence declared in the card metadata")
            b.flag("license-missing", Severity.WARNING, f"{repo_id or 'the model'} declares no licence")
            return _result(None, None, b, ())
        return _result(named, clip(name or link), b, (named,))

    if isinstance(raw, list):
        if len(raw) > limits.EXPRESSION_OPERANDS:
            return _invalid(f"a list of {len(raw)} licences (the limit is {limits.EXPRESSION_OPERANDS})", raw, b)
        return _classify_list(db, raw, name, link, b)
    if not isinstance(raw, str):
        b.see("card:license", f"not a licence identifier: {clip(raw)}")
        b.flag("license-invalid", Severity.ERROR, f"the card's license field is not text: {clip(raw, 80)}")
        return _result(None, clip(raw), b, (), force_unknown=True)

    value = raw.strip()
    if _EXPRESSION.search(value):
        return _classify_expression(db, value, b)
    lowered = value.lower()
    if lowered == "other":
        b.see("card:license", "other: the licence is named by license_name / license_link")
        named = _resolve_named(db, name, link, b)
        if named is None:
            b.flag(
                "license-unrecognized",
                Severity.ERROR,
                f"license: other with license_name {clip(name, 80)!s} and license_link {clip(link, 80)!s} "
                "that match no known licence",
            )
            return _result(None, "other", b, (), force_unknown=True)
        return _result(named, clip(name or link), b, (named,))

    found = _match_one(db, value, "card:license", b)
    if found is None:
        return _result(None, clip(value), b, (), force_unknown=True)
    if found.id == "unknown":
        b.flag("license-unknown", Severity.WARNING, "the card declares its licence as unknown")
    other = _resolve_named(db, name, None, b, quiet=True) if name else None
    if other is not None and other is not found:
        chosen = other if other.license_class.rank > found.license_class.rank else found
        b.flag(
            "license-mismatch",
            Severity.ERROR,
            f"license: {clip(value, 60)} ({found.id}, {found.license_class}) disagrees with license_name "
            f"{clip(name, 60)} ({other.id}, {other.license_class}); the more restrictive reading, {chosen.id}, applies",
        )
        return _result(chosen, clip(value), b, (found, other))
    return _result(found, clip(value), b, (found,))


def _match_one(db: LicenseDB, value: str, source: str, b: _Builder) -> License | None:
    found = match(db, value)
    if found is None:
        b.see(source, f"{clip(value)!s} matches no licence in the database")
        b.flag("license-unrecognized", Severity.ERROR, f"licence {clip(value, 80)} is not in the database")
        return None
    b.see(
        source,
        f"{clip(value)} -> {found.license.id} ({found.license.name}) by {found.matcher}, "
        f"confidence {found.confidence:.2f}",
    )
    if found.license.family:
        b.flag(
            "license-ambiguous",
            Severity.WARNING,
            f"{found.license.id} names a family of licences, not one; read as {found.license.license_class}",
        )
    return found.license


def _resolve_named(db: LicenseDB, name: Any, link: Any, b: _Builder, quiet: bool = False) -> License | None:
    """Resolve ``license_name`` (then ``license_link``) to a database licence."""
    if name is not None and not isinstance(name, str):
        b.see("card:license_name", f"not text: {clip(name)}")
        name = None
    if isinstance(name, str) and name.strip():
        found = match(db, name)
        if found is not None:
            b.see(
                "card:license_name",
                f"{clip(name)} -> {found.license.id} ({found.license.name}) by {found.matcher}, "
                f"confidence {found.confidence:.2f}",
            )
            return found.license
        if not quiet:
            b.see("card:license_name", f"{clip(name)} matches no licence in the database")
    if isinstance(link, str) and link.strip():
        found = match_url(db, link)
        if found is not None:
            b.see("card:license_link", f"{clip(link)} -> {found.license.id} by url, confidence 0.80")
            return found.license
        b.see("card:license_link", f"{clip(link)} is not a known licence URL (its text is not read here)")
    return None


def _classify_list(db: LicenseDB, items: list[Any], name: Any, link: Any, b: _Builder) -> Classification:
    b.see("card:license", f"a list of {len(items)} licences, read as all applying (AND): {clip(items)}")
    licenses: list[License] = []
    unknown = False
    for item in items:
        if not isinstance(item, str) or not item.strip():
            b.flag("license-invalid", Severity.ERROR, f"list item is not a licence identifier: {clip(item, 80)}")
            unknown = True
            continue
        if item.strip().lower() == "other":
            named = _resolve_named(db, name, link, b)
            if named is None:
                # As for a scalar ``other`` (bigcode/the-stack writes ``license: [other]`` and no name).
                b.flag(
                    "license-unrecognized",
                    Severity.ERROR,
                    f"license: other with license_name {clip(name, 80)!s} and license_link {clip(link, 80)!s} "
                    "that match no known licence",
                )
                unknown = True
            else:
                licenses.append(named)
            continue
        found = _match_one(db, item, "card:license", b)
        if found is None:
            unknown = True
        else:
            licenses.append(found)
    return _combine(licenses, unknown, "AND", clip(items), b)


def expression_problem(value: str) -> str | None:
    """Why ``value`` is beyond the bounds of a licence expression, or None (a linear scan, before any parse).

    The parser is recursive and its cost grows fast with the operand count: a hostile card's
    2,000-deep or 20,000-operand expression is refused here, in time linear in its length.
    """
    if len(value) > limits.EXPRESSION_CHARS:
        return f"{len(value)} characters long (the limit is {limits.EXPRESSION_CHARS})"
    depth = deepest = 0
    for char in value:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    if deepest > limits.EXPRESSION_DEPTH:
        return f"nested {deepest} levels deep (the limit is {limits.EXPRESSION_DEPTH})"
    operands = len(_OPERATOR.findall(value)) + 1
    if operands > limits.EXPRESSION_OPERANDS:
        return f"{operands} operands (the limit is {limits.EXPRESSION_OPERANDS})"
    return None


def _invalid(problem: str, value: Any, b: _Builder) -> Classification:
    b.see("card:license", f"not read: {problem}")
    b.flag("license-invalid", Severity.ERROR, f"licence expression {clip(value, 80)} is {problem}")
    return _result(None, clip(value), b, (), force_unknown=True)


def _classify_expression(db: LicenseDB, value: str, b: _Builder) -> Classification:
    from license_expression import ExpressionError, Licensing  # lazy: not needed for plain ids

    problem = expression_problem(value)
    if problem:
        return _invalid(problem, value, b)
    try:
        parsed = Licensing().parse(value, simple=False)
    except (ExpressionError, Exception) as exc:
        b.see("card:license", f"{clip(value)} is not a valid licence expression: {clip(str(exc), 120)}")
        b.flag("license-invalid", Severity.ERROR, f"unparseable licence expression {clip(value, 80)}")
        return _result(None, clip(value), b, (), force_unknown=True)
    return _evaluate(db, parsed, value, b)


def _evaluate(db: LicenseDB, node: Any, value: str, b: _Builder) -> Classification:
    """Evaluate a parsed expression: OR -> the least restrictive option, AND -> the most."""
    operator = getattr(node, "operator", None)
    if operator is None:  # a symbol (a WITH exception keeps its licence's class)
        key = getattr(getattr(node, "license_symbol", node), "key", str(node))
        found = _match_one(db, key, "card:license", b)
        return _combine([found] if found else [], found is None, "AND", clip(key), b, quiet=True)
    parts = [_evaluate(db, arg, value, b) for arg in node.args]
    op = operator.strip().upper()
    if op == "OR":
        known = [p for p in parts if p.license is not None]
        if not known:
            return _result(None, clip(value), b, (), force_unknown=True)
        best = min(known, key=lambda p: p.license_class.rank)
        b.see(
            "card:license",
            f"{clip(value)}: OR lets the team choose; the least restrictive option, "
            f"{best.license.id if best.license else '?'} ({best.license_class}), is taken",
        )
        # Only the chosen option binds: its alternatives' duties do not apply.
        return _result(best.license, clip(value), b, best.licenses)
    licenses = [lic for p in parts for lic in p.licenses]
    unknown = any(p.license_class is LicenseClass.UNKNOWN for p in parts)
    return _combine(licenses, unknown, "AND", clip(value), b)


def _combine(
    licenses: list[License], unknown: bool, op: str, expression: str, b: _Builder, quiet: bool = False
) -> Classification:
    if unknown or not licenses:
        return _result(None, expression, b, tuple(licenses), force_unknown=True)
    worst = max(licenses, key=lambda lic: lic.license_class.rank)
    if len(licenses) > 1 and not quiet:
        b.see("card:license", f"{expression}: all apply ({op}); the most restrictive, {worst.id}, decides")
    return _result(worst, expression, b, tuple(licenses))


def _result(
    lic: License | None,
    expression: str | None,
    b: _Builder,
    licenses: tuple[License, ...],
    force_unknown: bool = False,
) -> Classification:
    cls = LicenseClass.UNKNOWN if (force_unknown or lic is None) else lic.license_class
    return Classification(
        license=None if force_unknown else lic,
        license_class=cls,
        expression=expression,
        evidence=tuple(b.evidence),
        findings=tuple(b.findings),
        licenses=licenses,
    )
