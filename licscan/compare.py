"""What a scan is compared with: a saved scan (``--baseline``) or the lock file (``--locked``).

The semantics live in ``licscan.diff`` (scan documents) and ``licscan.lock``
(lock files); this module reads those files and annotates a fresh scan's
JSON document against them. No click: the CLI and the GitHub Action share it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from licscan.diff import ModelChange, annotate, diff_documents
from licscan.errors import InputError

if TYPE_CHECKING:
    from licscan.types import ScanResult

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Prior:
    """What a scan is compared with: a saved scan document, or a lock file."""

    kind: str  # "scan" | "lock"
    path: str
    data: dict[str, Any]


def _read_json(path: Path) -> Any:
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise InputError(str(path), None, f"larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB")
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(path), None, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), None, f"cannot read: {exc}") from None
    except ValueError as exc:
        raise InputError(str(path), getattr(exc, "lineno", None), f"not JSON: {exc}") from None


def read_scan_document(path: Path) -> dict[str, Any]:
    """A saved ``scan --format json`` document; InputError when the file is not one."""
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("models"), list):
        raise InputError(str(path), None, "not a licscan JSON report (no 'models' list)")
    if data.get("schema_version") != 1:
        raise InputError(str(path), None, f"unsupported schema_version {data.get('schema_version')!r}")
    if not all(isinstance(m, dict) and isinstance(m.get("repo_id"), str) for m in data["models"]):
        raise InputError(str(path), None, "every entry of 'models' must be an object with a repo_id")
    return data


def load_prior(baseline: Path | None, lock_file: Path | None) -> Prior | None:
    """Read the baseline or the lock before anything is scanned, so a bad file costs no network call."""
    if baseline is not None:
        return Prior("scan", str(baseline), read_scan_document(baseline))
    if lock_file is not None:
        from licscan.lock import parse_lock

        try:
            text = lock_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(str(lock_file), None, "no lock file; write one with `licscan lock MANIFEST...`") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(str(lock_file), None, f"cannot read: {exc}") from None
        return Prior("lock", str(lock_file), parse_lock(text, str(lock_file)))
    return None


def compare(result: ScanResult, prior: Prior) -> tuple[dict[str, Any], list[ModelChange], list[str]]:
    """The scan's JSON document annotated against ``prior``, the changes, and warnings to show."""
    from licscan.report.json_report import to_json

    if prior.kind == "scan":
        doc = to_json(result)
        changes = diff_documents(prior.data, doc)
        annotate(doc, changes, prior.path, kind="scan", old_apis=prior.data.get("apis"))
        return doc, changes, []
    from licscan.lock import compare_with_lock

    checked = compare_with_lock(result, prior.data, prior.path, Path(prior.path).parent)
    doc = to_json(checked.result)
    changes = [
        ModelChange(status, model["repo_id"], None, model, reasons, locked=True)
        for model, (status, reasons) in zip(doc["models"], checked.statuses, strict=True)
    ]
    for entry in checked.removed:
        old = {
            "repo_id": entry["repo_id"],
            "requested_revision": entry["requested_revision"],
            "revision": entry["revision"],
            "manifest": {"path": entry["manifest"], "line": None},
            "verdict": entry.get("verdict"),
        }
        changes.append(ModelChange("removed", entry["repo_id"], old, None, ("no longer listed",)))
    annotate(doc, changes, prior.path, kind="lock")
    doc["warnings"] = [*doc.get("warnings", []), *checked.warnings]
    return doc, changes, list(checked.warnings)
