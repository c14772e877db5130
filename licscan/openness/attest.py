"""Attestations: what a team vouches for that the Hub does not show, applied to a graded scan (pure).

An attestation fills a component the Hub leaves ``unknown`` or ``absent``
(the training code is on GitHub under Apache-2.0; the paper is CC-BY-4.0). It
is shown as attested, with its source and who checked it, and never as Hub
evidence. It cannot lift what the Hub shows as not open: a component the
Hub evidences ``restricted`` stays so (the attestation is reported as a
contradiction), and one the Hub evidences ``open`` is only ever lowered by
an attestation that says its licence is not open. The level and class are
then finished again from the components, so an attestation lifts a grade
only to the classes it completes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from licscan.openness.grade import finish
from licscan.openness.licences import PHRASE, open_basis
from licscan.openness.model import ABSENT, OPEN, RESTRICTED, UNKNOWN, Attestation, Component
from licscan.types import ModelResult, ScanResult

if TYPE_CHECKING:
    from licscan.licensedb import LicenseDB


def matches(attestation: Attestation, model: ModelResult) -> bool:
    """``org/name`` matches every revision; ``org/name@rev`` the requested or resolved one."""
    repo, _, revision = attestation.model.partition("@")
    if repo.lower() != model.ref.repo_id.lower():
        return False
    return not revision or revision in (model.ref.revision, model.revision)


def apply_attestations(
    result: ScanResult, attestations: Iterable[Attestation], db: LicenseDB
) -> tuple[ScanResult, tuple[str, ...]]:
    """The scan with attested components applied and every model re-finished, and warnings to show."""
    given = list(attestations)
    if not given:
        return result, ()
    warnings: list[str] = []
    used: set[int] = set()
    models = []
    for model in result.models:
        if model.openness is None:
            models.append(model)
            continue
        components = list(model.openness.components)
        changed = False
        for index, att in enumerate(given):
            if not matches(att, model):
                continue
            used.add(index)
            position = next((i for i, c in enumerate(components) if c.name == att.component), None)
            if position is None:
                continue
            updated, warning = _attest(components[position], att, db, model.ref.repo_id)
            if warning:
                warnings.append(warning)
            if updated is not components[position]:
                components[position] = updated
                changed = True
        models.append(replace(model, openness=finish(tuple(components))) if changed else model)
    warnings += [f"{a.origin or 'attestation'}: {a.model} matches no model of this scan" for i, a in enumerate(given)
                 if i not in used]
    return replace(result, models=tuple(models)), tuple(warnings)


def _attest(current: Component, att: Attestation, db: LicenseDB, repo_id: str) -> tuple[Component, str | None]:
    lic = db.get(att.license)
    where = att.origin or "attestation"
    if lic is None:
        return current, f"{where}: licence {att.license!r} is not a licence id in the database; attestation ignored"
    basis = open_basis(lic)
    state = OPEN if basis is not None else RESTRICTED
    said = f"{lic.id}, {PHRASE[basis]}" if basis else f"{lic.id}, not an open licence"
    dated = f" on {att.date}" if att.date else ""
    text = f"attested: {said}; source {att.source}; checked by {att.checked_by}{dated}"
    if current.state in (UNKNOWN, ABSENT) or (current.state == OPEN and state == RESTRICTED):
        hub = f" (Hub: {current.reason or current.state}{': ' + current.evidence if current.evidence else ''})"
        return Component(current.name, state, None if state == OPEN else "LICENSE_NOT_OPEN", text + hub, att), None
    if current.state == RESTRICTED and state == OPEN:
        return current, (
            f"{where}: {repo_id} {current.name} is attested open ({lic.id}) but the Hub shows it is not "
            f"({current.evidence}); the Hub's evidence stands"
        )
    return current, None
