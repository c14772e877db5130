"""Compare two scans: which models a change adds, removes, changes or leaves alone.

Pure functions over schema-v1 JSON documents (see ``report.json_report``), so
a saved scan, a fresh one and a scan of the base branch compare alike.

A model is keyed by its repo id (case-insensitive), within its manifest
file first and then across files, not by its revision: bumping ``org/x@v1``
to ``org/x@v2`` is one *changed* model, not a removal and an addition. A model is also *changed* when its
resolved commit, licences, class or verdict differ, so a branch that moved
upstream to a new licence is caught even when the manifest line is the same.

The gate of a compared scan judges only what is new: added and changed
models. Unchanged ones were accepted before (on the base branch, or in the
lock file); removed ones can only make things better.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["added", "removed", "changed", "unchanged"]
JUDGED: tuple[Status, ...] = ("added", "changed")
FETCH_CODES = frozenset({"not-found", "gated", "revision-not-found", "fetch-failed"})
# A lock entry whose commit or licence moved fails whatever --fail-on says (see licscan.lock).
LICENSE_CHANGED = "license-changed"
_SEVERITY = {"allow": 0, "review": 1, "deny": 2}

Model = dict[str, Any]


@dataclass(frozen=True)
class ModelChange:
    """One model's status between an old and a new scan, with what differs."""

    status: Status
    repo_id: str
    old: Model | None  # the model in the old document; None when added
    new: Model | None  # the model in the new document (the same dict); None when removed
    reasons: tuple[str, ...] = ()
    # Whether the gate judges it: added and changed models against a baseline scan; every listed model
    # against a lock (a lock records what was reviewed, it is not an exception).
    locked: bool = False
    kind: str = "model"  # "dataset" for a dataset the manifests list

    @property
    def judged(self) -> bool:
        return self.new is not None and (self.locked or self.status in JUDGED)

    @property
    def current(self) -> Model:
        """The newest view of the model: the new entry, or the old one when removed."""
        model = self.new if self.new is not None else self.old
        assert model is not None  # a change always has one side
        return model


def model_key(model: Model) -> tuple[str, str]:
    """(manifest path, repo id in lower case): a model's identity across scans."""
    manifest = model.get("manifest") or {}
    return (str(manifest.get("path") or ""), str(model.get("repo_id") or "").lower())


def diff_documents(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> list[ModelChange]:
    """Every model of ``new_doc`` with its status, then the models only ``old_doc`` has; then the same for
    the datasets the manifests list (paired among datasets only; their changes are named ``datasets/org/name``).

    Pairs are made in two passes: first within the same manifest, then, for
    what is left, across manifests, so a model moved to another manifest (or
    into an ``-r`` include) is the same model, not a removal and an addition.
    In each pass an old entry with the same requested revision is preferred
    (a manifest may list one repo twice), and each old entry pairs once.
    """
    models = _diff_entries(list(old_doc.get("models") or []), list(new_doc.get("models") or []), "")
    datasets = _diff_entries(list(old_doc.get("datasets") or []), list(new_doc.get("datasets") or []), "datasets/")
    return models + datasets


def _diff_entries(old_models: list[Model], new_models: list[Model], prefix: str) -> list[ModelChange]:
    kind = "dataset" if prefix else "model"
    used: set[int] = set()
    pairs: dict[int, Model] = {}  # index in new_models -> its old model

    def take(model: Model, same_manifest: bool) -> Model | None:
        key = model_key(model)
        candidates = [
            i
            for i, old in enumerate(old_models)
            if i not in used and (model_key(old) == key if same_manifest else model_key(old)[1] == key[1])
        ]
        same = [i for i in candidates if old_models[i].get("requested_revision") == model.get("requested_revision")]
        if not (same or candidates):
            return None
        chosen = (same or candidates)[0]
        used.add(chosen)
        return old_models[chosen]

    for same_manifest in (True, False):
        for index, model in enumerate(new_models):
            if index not in pairs:
                old = take(model, same_manifest)
                if old is not None:
                    pairs[index] = old

    changes: list[ModelChange] = []
    for index, model in enumerate(new_models):
        old = pairs.get(index)
        name = prefix + model["repo_id"]
        if old is None:
            changes.append(ModelChange("added", name, None, model, ("not in the baseline",), kind=kind))
            continue
        reasons = differences(old, model)
        status: Status = "changed" if reasons else "unchanged"
        changes.append(ModelChange(status, name, old, model, reasons, kind=kind))
    for index, old in enumerate(old_models):
        if index not in used:
            changes.append(
                ModelChange("removed", prefix + old["repo_id"], old, None, ("no longer listed",), kind=kind)
            )
    return changes


def differences(old: Model, new: Model) -> tuple[str, ...]:
    """What differs between two scans of one model, in words; empty when nothing does."""
    out: list[str] = []
    if old.get("requested_revision") != new.get("requested_revision"):
        out.append(f"revision {_rev(old.get('requested_revision'))} -> {_rev(new.get('requested_revision'))}")
    if old.get("revision") != new.get("revision"):
        out.append(f"commit {_short(old.get('revision'))} -> {_short(new.get('revision'))}")
    if _license_id(old) != _license_id(new):
        out.append(f"licence {_license_id(old) or 'none'} -> {_license_id(new) or 'none'}")
    if old.get("declared_expression") != new.get("declared_expression"):
        out.append(f"declared {old.get('declared_expression') or 'none'} -> {new.get('declared_expression') or 'none'}")
    if old.get("class") != new.get("class"):
        out.append(f"class {old.get('class')} -> {new.get('class')}")
    if old.get("verdict") != new.get("verdict"):
        out.append(f"verdict {old.get('verdict') or 'none'} -> {new.get('verdict') or 'none'}")
    return tuple(out)


def annotate(
    doc: dict[str, Any],
    changes: Iterable[ModelChange],
    baseline: str,
    kind: str = "scan",
    old_apis: list[dict[str, Any]] | None = None,
) -> None:
    """Record the comparison in ``doc`` (in place): ``models[].change`` and a top-level ``baseline``.

    Both fields exist only in compared scans; ``kind`` says whether the
    baseline was a scan document or a lock file. Against a scan, every hosted-API use of ``doc`` also gets
    ``change``: ``unchanged`` when ``old_apis`` (the baseline's) has the same provider, model and serving,
    else ``added`` (a baseline scanned without ``--discover`` has none, so every use is new: fail closed).
    """
    if kind == "scan":
        known = {api_key(a) for a in old_apis or []}
        for api in doc.get("apis") or []:
            api["change"] = "unchanged" if api_key(api) in known else "added"
    removed: list[dict[str, Any]] = []
    for change in changes:
        if change.new is not None:
            change.new["change"] = change.status
        elif change.old is not None:
            removed.append(
                {
                    "repo_id": change.old.get("repo_id"),
                    "requested_revision": change.old.get("requested_revision"),
                    "revision": change.old.get("revision"),
                    "manifest": change.old.get("manifest"),
                    "verdict": change.old.get("verdict"),
                    **({"kind": "dataset"} if change.kind == "dataset" else {}),
                }
            )
    doc["baseline"] = {"path": baseline, "kind": kind, "removed": removed}


def api_key(api: dict[str, Any]) -> tuple[str, str, str]:
    """A hosted-API use's identity across scans: provider, model and serving (locations move with edits)."""
    return (str(api.get("provider") or ""), str(api.get("model") or ""), str(api.get("serving") or ""))


def judged_apis(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The API uses the gate judges: all of them, except against a baseline scan, where only added ones are."""
    apis: list[dict[str, Any]] = [a for a in doc.get("apis") or [] if isinstance(a, dict)]
    baseline = doc.get("baseline")
    if baseline is None or (isinstance(baseline, dict) and baseline.get("kind") == "lock"):
        return apis
    return [a for a in apis if a.get("change") == "added"]


def api_violations(doc: dict[str, Any], fail_on: str) -> list[dict[str, Any]]:
    """The judged API uses whose verdict (under the policy's ``apis:`` section) is ``fail_on`` or worse."""
    threshold = _SEVERITY[fail_on]
    return [a for a in judged_apis(doc) if a.get("verdict") in _SEVERITY and _SEVERITY[a["verdict"]] >= threshold]


def judged(doc: dict[str, Any]) -> list[Model]:
    """The models (and listed datasets) the gate judges: all of them, except in a scan compared with a
    baseline scan, where only added and changed ones are (against a lock, every model is judged by the policy)."""
    models: list[Model] = list(doc.get("models") or []) + list(doc.get("datasets") or [])
    baseline = doc.get("baseline")
    if baseline is None or (isinstance(baseline, dict) and baseline.get("kind") == "lock"):
        return models
    return [m for m in models if m.get("change") in JUDGED]


def fails(model: Model, fail_on: str) -> bool:
    """True when this model fails the gate: its verdict is ``fail_on`` or worse, or its locked licence changed."""
    if any(f.get("code") == LICENSE_CHANGED for f in model.get("findings") or []):
        return True
    verdict = model.get("verdict")
    return verdict in _SEVERITY and _SEVERITY[verdict] >= _SEVERITY[fail_on]


def violations(doc: dict[str, Any], fail_on: str) -> list[Model]:
    """The judged models that fail the gate, in document order."""
    return [m for m in judged(doc) if fails(m, fail_on)]


def fetch_failed(model: Model) -> bool:
    return model.get("revision") is None and any(f.get("code") in FETCH_CODES for f in model.get("findings") or [])


def exit_code(doc: dict[str, Any], fail_on: str) -> int:
    """1 when the gate fails, else 3 when a judged model could not be fetched, else 0.

    In a compared scan an unchanged model that could not be fetched does not
    make the run incomplete: it was judged on the baseline already.
    """
    from licscan.errors import EXIT_FETCH_FAILED, EXIT_GATE_FAILED, EXIT_OK

    if violations(doc, fail_on) or api_violations(doc, fail_on):
        return EXIT_GATE_FAILED
    return EXIT_FETCH_FAILED if any(fetch_failed(m) for m in judged(doc)) else EXIT_OK


def counts(changes: Iterable[ModelChange]) -> dict[str, int]:
    out = {"added": 0, "changed": 0, "unchanged": 0, "removed": 0}
    for change in changes:
        out[change.status] += 1
    return out


def _license_id(model: Model) -> str | None:
    lic = model.get("license")
    return str(lic.get("id")) if isinstance(lic, dict) and lic.get("id") else None


def _rev(revision: Any) -> str:
    return str(revision) if revision else "default branch"


def _short(commit: Any) -> str:
    return str(commit)[:7] if commit else "none"
