"""``models.lock``: what legal reviewed, per model, like a dependency lock file.

The lock records, for each manifest entry, the commit the requested revision
resolved to, the licences found along its lineage, its class, a fingerprint
of that licence picture, a hash of the licence text read (when one was
read), and the verdict with its reasons. It is JSON with a fixed key order,
two-space indent and entries sorted by manifest then repo, so its diff in a
pull request shows legal exactly what changed.

``scan --locked`` compares a fresh scan with the lock:

* an entry of the lock with the same manifest, repo and requested revision,
  whose commit, licences and licence text are the same: *unchanged*; it is
  still judged by the policy like any model (a denied model stays denied:
  a lock records what was reviewed, it is not an exception);
* the same entry with a different commit, licence picture or licence text:
  *changed*, with the finding ``license-changed`` (error), which fails the
  gate whatever ``--fail-on`` says (someone must review it and re-lock);
* an entry the lock does not have (or has at another requested revision):
  *added*, judged by the policy like any scan.

Pure: reading and writing files is left to the callers.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from licscan.diff import LICENSE_CHANGED, Status
from licscan.errors import InputError
from licscan.jsonfmt import pretty
from licscan.types import Finding, ModelResult, ScanResult, Severity

LOCK_VERSION = 1
DEFAULT_LOCK_FILE = "models.lock"
_ENTRY_KEYS = ("manifest", "repo_id", "requested_revision", "revision", "licenses", "class", "license_fingerprint")

Entry = dict[str, Any]


def licenses_along_chain(model: ModelResult) -> list[str]:
    """Every licence id the model's lineage names: its own (all of an expression), its bases', the effective one."""
    ids = {lic.id for lic in model.declared.licenses}
    if model.declared.license is not None:
        ids.add(model.declared.license.id)
    if model.license is not None:
        ids.add(model.license.id)
    for base in model.base_models:
        if base.classification is not None:
            ids.update(lic.id for lic in base.classification.licenses)
            if base.classification.license is not None:
                ids.add(base.classification.license.id)
    return sorted(ids)


def license_fingerprint(model: ModelResult) -> str:
    """A hash of the licence picture: declared expression, licences along the chain, effective licence and class.

    It changes exactly when what a lawyer reviewed changes, so the comparison
    never depends on wording (reasons' messages) or on unrelated metadata.
    """
    picture = {
        "declared_expression": model.declared.expression,
        "licenses": licenses_along_chain(model),
        "license": model.license.id if model.license else None,
        "class": model.license_class.value,
    }
    return "sha256:" + hashlib.sha256(json.dumps(picture, sort_keys=True).encode("utf-8")).hexdigest()


def license_text_sha256(model: ModelResult) -> str | None:
    """A hash of the licence texts the scan read, or None when it read none.

    The scan records a text it used as evidence ``file:<name>``, with the
    text in the record's ``files``. Until text detection feeds the scan, this
    is null for every model; two hashes are only compared when both exist.
    """
    if model.record is None:
        return None
    names = sorted({e.source[len("file:") :] for e in model.evidence if e.source.startswith("file:")})
    texts = [(name, model.record.files[name]) for name in names if name in model.record.files]
    if not texts:
        return None
    digest = hashlib.sha256()
    for name, text in texts:
        digest.update(name.encode("utf-8") + b"\0" + text.encode("utf-8") + b"\0")
    return digest.hexdigest()


def manifest_path(path: str, lock_dir: Path) -> str:
    """A manifest path relative to the lock file's folder, with '/': the same whatever the working directory."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(lock_dir))
    return relative.replace(os.sep, "/")


def lock_entry(model: ModelResult, lock_dir: Path) -> Entry:
    """One model's lock entry, keys in a fixed order (the order of the written file)."""
    return {
        "manifest": manifest_path(model.ref.path, lock_dir),
        "repo_id": model.ref.repo_id,
        "requested_revision": model.ref.revision,
        "revision": model.revision,
        "license": model.license.id if model.license else None,
        "declared_expression": model.declared.expression,
        "licenses": licenses_along_chain(model),
        "class": model.license_class.value,
        "license_fingerprint": license_fingerprint(model),
        "license_text_sha256": license_text_sha256(model),
        "verdict": model.verdict,
        "reasons": [{"rule": r.rule, "decision": r.decision, "message": r.message} for r in model.reasons],
    }


def _sort_key(entry: Entry) -> tuple[str, str, str]:
    return (str(entry["manifest"]), str(entry["repo_id"]).lower(), str(entry["requested_revision"] or ""))


def build_lock(result: ScanResult, lock_dir: Path) -> dict[str, Any]:
    """The lock document of a scan (policy verdicts included when a policy was applied).

    ``lock_dir`` is the folder the lock is written to: manifest paths are recorded relative to it.
    """
    return {
        "lock_version": LOCK_VERSION,
        "policy": result.policy,
        "models": sorted((lock_entry(m, lock_dir) for m in result.models), key=_sort_key),
    }


def render_lock(lock: dict[str, Any]) -> str:
    # No sort_keys: the fixed insertion order puts repo_id first, which reads better in a diff.
    return pretty(lock)


def parse_lock(text: str, path: str) -> dict[str, Any]:
    """A lock document from ``text``; InputError naming ``path`` when it is not one."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(path, getattr(exc, "lineno", None), f"not a JSON lock file: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(path, None, "a lock file is a JSON object with 'lock_version' and 'models'")
    if data.get("lock_version") != LOCK_VERSION:
        raise InputError(path, None, f"unsupported lock_version {data.get('lock_version')!r}; this licscan reads 1")
    models = data.get("models")
    if not isinstance(models, list):
        raise InputError(path, None, "'models' must be a list")
    for index, entry in enumerate(models):
        missing = [k for k in _ENTRY_KEYS if not isinstance(entry, dict) or k not in entry]
        if missing:
            raise InputError(path, None, f"models[{index}] lacks {', '.join(missing)}; regenerate it with licscan lock")
    return data


@dataclass(frozen=True)
class LockComparison:
    """A scan checked against a lock: the scan with ``license-changed`` findings added, and each model's status."""

    result: ScanResult
    statuses: tuple[tuple[Status, tuple[str, ...]], ...]  # per model of ``result``, in order
    removed: tuple[Entry, ...]  # lock entries the scan no longer lists
    warnings: tuple[str, ...]


def _key(manifest: Any, repo_id: Any, revision: Any) -> tuple[str, str, str | None]:
    return (str(manifest), str(repo_id).lower(), revision if isinstance(revision, str) else None)


def compare_with_lock(result: ScanResult, lock: dict[str, Any], lock_name: str, lock_dir: Path) -> LockComparison:
    entries: dict[tuple[str, str, str | None], Entry] = {}
    for entry in lock["models"]:
        entries.setdefault(_key(entry["manifest"], entry["repo_id"], entry["requested_revision"]), entry)
    used: set[tuple[str, str, str | None]] = set()
    models: list[ModelResult] = []
    statuses: list[tuple[Status, tuple[str, ...]]] = []
    warnings: list[str] = []
    for model in result.models:
        key = _key(manifest_path(model.ref.path, lock_dir), model.ref.repo_id, model.ref.revision)
        entry = entries.get(key)
        if entry is None:
            statuses.append(("added", ("not in the lock",)))
            models.append(model)
            other = [e for k, e in entries.items() if k[:2] == key[:2]]
            if other:
                warnings.append(
                    f"{model.ref.path}:{model.ref.line}: {model.ref} is locked at "
                    f"{other[0]['requested_revision'] or 'the default branch'} in {lock_name}; "
                    "it is judged as a new model until `licscan lock` records it"
                )
            continue
        used.add(key)
        status, reasons, model = _check(model, entry, lock_name)
        statuses.append((status, reasons))
        models.append(model)
    removed = tuple(e for k, e in entries.items() if k not in used)
    for entry in removed:
        warnings.append(
            f"{lock_name}: {entry['repo_id']} ({entry['manifest']}) is locked but no longer listed; "
            "run `licscan lock` to drop it"
        )
    return LockComparison(replace(result, models=tuple(models)), tuple(statuses), removed, tuple(warnings))


def _check(model: ModelResult, entry: Entry, lock_name: str) -> tuple[Status, tuple[str, ...], ModelResult]:
    if model.failure is not None:
        # Not evidence of a licence change, and not evidence of none: the policy's on_fetch_error decides.
        return "changed", (f"could not be fetched, so the lock cannot be confirmed: {model.failure.message}",), model
    reasons: list[str] = []
    if model.revision != entry.get("revision"):
        reasons.append(f"commit {_short(entry.get('revision'))} -> {_short(model.revision)}")
    if license_fingerprint(model) != entry.get("license_fingerprint"):
        before = ", ".join(entry.get("licenses") or []) or "none"
        after = ", ".join(licenses_along_chain(model)) or "none"
        reasons.append(f"licences [{before}] ({entry.get('class')}) -> [{after}] ({model.license_class.value})")
    text_hash = license_text_sha256(model)
    if text_hash is not None and entry.get("license_text_sha256") not in (None, text_hash):
        reasons.append("licence text changed")
    if not reasons:
        return "unchanged", (), model
    message = (
        f"{model.ref} changed since {lock_name} was reviewed: {'; '.join(reasons)}. "
        "Review the new licence, then run `licscan lock` to record it."
    )
    finding = Finding(LICENSE_CHANGED, Severity.ERROR, message)
    return "changed", tuple(reasons), replace(model, findings=(*model.findings, finding))


def _short(commit: Any) -> str:
    return str(commit)[:7] if commit else "none"
