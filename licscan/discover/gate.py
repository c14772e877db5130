"""``scan --discover``: the models (and datasets) the code loads join the scan; those no manifest lists get
``unlisted-model`` (``unlisted-dataset``).

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
from licscan.types import DATASET, Finding, ModelRef, ModelResult, ScanResult, Severity

UNLISTED = "unlisted-model"
UNLISTED_DATASET = "unlisted-dataset"


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


def unlisted_dataset_refs(discovery: Discovery, listed: list[ModelRef]) -> list[ModelRef]:
    """A dataset reference for each discovered dataset no manifest lists (at any revision), at its first use."""
    names = {ref.repo_id.lower() for ref in listed if ref.repo_type == DATASET}
    refs: list[ModelRef] = []
    for dataset in discovery.datasets:
        if dataset.repo_id.lower() in names or not dataset.locations:
            continue
        first = dataset.locations[0]
        note = f"discovered: {first.how}"
        refs.append(ModelRef(dataset.repo_id, dataset.revision, first.path, first.line, note=note, repo_type=DATASET))
    return refs


def _message(ref: ModelRef, model: DiscoveredModel | DiscoveredDataset | None) -> str:
    others = len(model.locations) - 1 if model is not None else 0
    more = f" (and {others} more place{'s' if others != 1 else ''})" if others > 0 else ""
    how = ref.note.removeprefix("discovered: ")
    return (
        f"{ref} is loaded at {ref.path}:{ref.line} ({how}){more} but no manifest lists it; "
        "add it to the manifest (`licscan discover PATH --format manifest` prints the lines)"
    )


def mark_unlisted(result: ScanResult, unlisted: list[ModelRef], discovery: Discovery) -> ScanResult:
    """The scan with ``unlisted-model`` / ``unlisted-dataset`` (error) on each unlisted entry, discovery attached."""
    wanted = {(r.repo_type, r.repo_id, r.revision, r.path, r.line) for r in unlisted}
    found: dict[tuple[str, str, str | None], DiscoveredModel | DiscoveredDataset] = {
        ("model", m.repo_id.lower(), m.revision): m for m in discovery.models
    }
    found.update({(DATASET, d.repo_id.lower(), d.revision): d for d in discovery.datasets})

    def marked(item: ModelResult) -> ModelResult:
        ref = item.ref
        if (ref.repo_type, ref.repo_id, ref.revision, ref.path, ref.line) not in wanted:
            return item
        code = UNLISTED_DATASET if ref.repo_type == DATASET else UNLISTED
        use = found.get((ref.repo_type, ref.repo_id.lower(), ref.revision))
        return replace(item, findings=(Finding(code, Severity.ERROR, _message(ref, use)), *item.findings))

    warnings = (*result.warnings, *discovery.warnings)
    return replace(
        result,
        models=tuple(marked(m) for m in result.models),
        datasets=tuple(marked(d) for d in result.datasets),
        discovery=discovery,
        warnings=warnings,
    )
