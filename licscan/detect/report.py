"""Turn a ``Detection`` into the evidence and findings a classification carries.

Kept apart from the engine so detection stays a pure measurement; wording
for lawyers lives here. Passages come from untrusted text, so they are
clipped (control and bidi characters escaped) before they reach any output.
"""

from __future__ import annotations

from licscan.detect.engine import Detection
from licscan.text import clip
from licscan.types import Evidence, Finding, Severity


def detection_evidence(found: Detection, source: str) -> Evidence:
    """One line a reviewer can check: what matched, how much, and why."""
    if found.license is None:
        closest = ", ".join(f"{c.id} ({c.score:.2f})" for c in found.candidates)
        if found.document:
            detail = f"the text is {found.document}, a policy document, not a licence"
        elif found.unknown_reason == "restricted" and found.candidates:
            detail = (
                f"the text reads as {found.candidates[0].id} with changes that restrict use "
                f"({', '.join(found.restrictions)}): not that licence"
            )
        elif found.unknown_reason == "departs" and found.candidates:
            detail = (
                f"the text shares wording with {found.candidates[0].id} ({found.coverage:.0%} of it) but adds or "
                "changes too much to be it (another version or a licence built on it)"
            )
        elif found.unknown_reason == "shared" and found.candidates:
            detail = (
                f"the text is part of {found.candidates[0].id}'s wording ({found.coverage:.0%} of it), which the "
                f"texts of more restrictive licences hold too ({_some(found.shared_with)}): only the whole text "
                "tells which licence it is"
            )
        else:
            detail = "the text matches no known licence"
        if closest:
            detail += f"; closest: {closest}"
        return Evidence(source, detail)
    parts = [
        f"text -> {found.license.id} ({found.kind}, confidence {found.confidence:.2f}, "
        f"{found.coverage:.0%} of the canonical text present)"
    ]
    if found.matched_phrases:
        parts.append("phrases: " + "; ".join(clip(p, 80) for p in found.matched_phrases[:4]))
    if found.candidates:
        parts.append("next: " + ", ".join(f"{c.id} ({c.score:.2f})" for c in found.candidates))
    return Evidence(source, "; ".join(parts))


def _some(names: tuple[str, ...], shown: int = 3) -> str:
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


def detection_findings(found: Detection) -> tuple[Finding, ...]:
    """``license-modified`` when the text departs harmlessly from a licence's canonical
    wording; ``license-restricted-modification`` when it reads as a licence but
    its changes restrict use, so it is not that licence; ``license-text-partial``
    when it holds only a part of a licence that stricter licences' texts share."""
    if found.license is None and found.unknown_reason == "restricted" and found.candidates:
        quoted = " | ".join(clip(p, 300) for p in found.restricted_passages)
        closest = found.candidates[0].id
        return (
            Finding(
                "license-restricted-modification",
                Severity.ERROR,
                f"the text reads as {closest} but changes it in ways that restrict use "
                f"({', '.join(found.restrictions)}); it is not {closest} and is treated as unknown until "
                f"legal reads it: {quoted}",
            ),
        )
    if found.license is None and found.unknown_reason == "shared" and found.candidates:
        closest = found.candidates[0].id
        return (
            Finding(
                "license-text-partial",
                Severity.ERROR,
                f"the text holds only part of a licence, in wording {closest} shares with more restrictive "
                f"licences ({_some(found.shared_with)}); it does not show which of them applies, so it is "
                "treated as unknown until legal reads the whole licence",
            ),
        )
    if found.license is None or found.kind != "modified":
        return ()
    passages = " | ".join(clip(p, 300) for p in found.modified_passages)
    return (
        Finding(
            "license-modified",
            Severity.WARNING,
            f"the text reads as {found.license.id} but differs from its canonical wording; "
            f"legal should read the changed passages: {passages}",
        ),
    )
