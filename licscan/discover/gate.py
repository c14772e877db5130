"""``scan --discover``: the models the code loads join the scan; those no manifest lists get ``unlisted-model``.

Pure functions around the scan (which is not changed): ``unlisted_refs``
turns discovered models the manifests do not list into references located
at their code (so SARIF and the Action's annotations point at the line that
loads them), and ``mark_unlisted`` adds the finding after the scan.
"""

from __future__ import annotations

import os
from dataclasses import replace

from licscan.discover.model import (
    DiscoveredApi,
    DiscoveredDataset,
    DiscoveredModel,
    Discovery,
    Location,
)
from licscan.types import Finding, ModelRef, ScanResult, Severity

UNLISTED = "unlisted-model"


def _join(root: str, path: str) -> str:
    joined = os.path.normpath(os.path.join(root, path)) if root not in ("", ".") else path
    return joined.replace(os.sep, "/")


def rebase(discovery: Discovery) -> Discovery:
    """The discovery with every path relative to the working directory (as manifest paths are)."""
    root = discovery.root if not discovery.roots else "."
    if os.path.isfile(root):
        root = os.path.dirname(root) or "."

    def locs(items: tuple[Location, ...]) -> tuple[Location, ...]:
        return tuple(replace(loc, path=_join(root, loc.path)) for loc in items)

    return replace(
        discovery,
        root=".",
        models=tuple(DiscoveredModel(m.repo_id, m.revision, locs(m.locations)) for m in discovery.models),
        apis=tuple(DiscoveredApi(a.provider, a.model, a.serving, locs(a.locations)) for a in discovery.apis),
        datasets=tuple(DiscoveredDataset(d.repo_id, d.revision, locs(d.locations)) for d in discovery.datasets),
        unresolved=tuple(replace(u, path=_join(root, u.path)) for u in discovery.unresolved),
    )


def unlisted_refs(discovery: Discovery, listed: list[ModelRef]) -> list[ModelRef]:
    """A reference for each discovered model whose repo no manifest lists (at any revision), at its first use."""
    names = {ref.repo_id.lower() for ref in listed}
    refs: list[ModelRef] = []
    for model in discovery.models:
        if model.repo_id.lower() in names or not model.locations:
            continue
        first = model.locations[0]
        refs.append(ModelRef(model.repo_id, model.revision, first.path, first.line, note=f"discovered: {first.how}"))
    return refs


def _message(ref: ModelRef, model: DiscoveredModel | None) -> str:
    others = len(model.locations) - 1 if model is not None else 0
    more = f" (and {others} more place{'s' if others != 1 else ''})" if others > 0 else ""
    how = ref.note.removeprefix("discovered: ")
    return (
        f"{ref} is loaded at {ref.path}:{ref.line} ({how}){more} but no manifest lists it; "
        "add it to the manifest (`licscan discover PATH --format manifest` prints the lines)"
    )


def mark_unlisted(result: ScanResult, unlisted: list[ModelRef], discovery: Discovery) -> ScanResult:
    """The scan with ``unlisted-model`` (error) on each unlisted model, and the discovery attached."""
    wanted = {(r.repo_id, r.revision, r.path, r.line) for r in unlisted}
    by_key = {(m.repo_id.lower(), m.revision): m for m in discovery.models}
    models = []
    for model in result.models:
        ref = model.ref
        if (ref.repo_id, ref.revision, ref.path, ref.line) in wanted:
            finding = Finding(UNLISTED, Severity.ERROR, _message(ref, by_key.get((ref.repo_id.lower(), ref.revision))))
            model = replace(model, findings=(finding, *model.findings))
        models.append(model)
    warnings = (*result.warnings, *discovery.warnings)
    return replace(result, models=tuple(models), discovery=discovery, warnings=warnings)
