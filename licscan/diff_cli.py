"""``licscan diff OLD.json NEW.json`` and the comparison behind ``scan --baseline`` / ``scan --locked``.

The semantics live in ``licscan.diff`` (scan documents) and ``licscan.lock``
(lock files); this module reads the files, renders the changes and picks the
exit code. Renderers here read only documents and ``ModelChange``s, so the
GitHub Action (``licscan.gha``) reuses them for its job summary.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from licscan.diff import ModelChange, annotate, counts, diff_documents, exit_code, fails, judged
from licscan.errors import EXIT_INPUT_ERROR, InputError
from licscan.text import clip

if TYPE_CHECKING:
    from licscan.types import ScanResult

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
Warn = Callable[[str], None]


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
        annotate(doc, changes, prior.path, kind="scan")
        return doc, changes, []
    from licscan.lock import compare_with_lock

    checked = compare_with_lock(result, prior.data, prior.path, Path(prior.path).parent)
    doc = to_json(checked.result)
    changes = [
        ModelChange(status, model["repo_id"], None, model, reasons)
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


def compared_output(
    result: ScanResult, prior: Prior, fmt: str, fail_on: str, renderer: Callable[[dict[str, Any]], str], warn: Warn
) -> tuple[str, int]:
    """``scan --baseline/--locked``: the report (changes appended to a table or Markdown) and the exit code."""
    doc, changes, warnings = compare(result, prior)
    for warning in warnings:
        warn(warning)
    text = renderer(doc)
    if fmt == "table":
        text += "\n" + render_changes_table(changes, prior.path, fail_on)
    elif fmt == "markdown":
        text += "\n" + render_changes_markdown(changes, prior.path, fail_on)
    return text, exit_code(doc, fail_on)


# -- rendering ---------------------------------------------------------------------------------


def label(model: dict[str, Any]) -> str:
    rev = model.get("requested_revision")
    return str(model.get("repo_id")) + (f"@{rev}" if rev else "")


def where(model: dict[str, Any]) -> str:
    manifest = model.get("manifest") or {}
    line = manifest.get("line")
    return f"{manifest.get('path')}:{line}" if line else str(manifest.get("path"))


def deciding_reason(model: dict[str, Any]) -> str:
    """The message of the first reason that gave the model its verdict (reasons come most severe first)."""
    for finding in model.get("findings") or []:
        if finding.get("code") == "license-changed":
            return str(finding.get("message", ""))
    verdict = model.get("verdict")
    for reason in model.get("reasons") or []:
        if reason.get("decision") == verdict:
            return str(reason.get("message", ""))
    return ""


def headline(changes: list[ModelChange], baseline: str, fail_on: str, failed: int) -> str:
    n = counts(changes)
    gate = f"FAILED, {failed} model(s) fail it" if failed else "passed"
    return (
        f"against {baseline}: {n['added']} added, {n['changed']} changed, {n['unchanged']} unchanged, "
        f"{n['removed']} removed; gate (fail on {fail_on}): {gate}"
    )


def render_changes_table(changes: list[ModelChange], baseline: str, fail_on: str) -> str:
    failed = sum(1 for c in changes if c.new is not None and c.status != "unchanged" and fails(c.new, fail_on))
    lines = [headline(changes, baseline, fail_on, failed)]
    for change in changes:
        if change.status == "unchanged":
            continue
        model = change.current
        mark = "FAIL" if change.new is not None and fails(change.new, fail_on) else "    "
        what = "; ".join(change.reasons)
        why = deciding_reason(model) if mark.strip() else ""
        lines.append(
            f"  {mark} {change.status:<8} {clip(label(model), 100)}  {where(model)}  "
            f"{model.get('verdict') or '-'}  {clip(what, 200)}" + (f"  -- {clip(why, 300)}" if why else "")
        )
    return "\n".join(lines) + "\n"


def md(value: Any, limit: int = 300) -> str:
    """Untrusted text made inert in a Markdown table cell: no HTML, links, emphasis or column breaks."""
    text = clip(value, limit)
    for char in "\\`*_[]|#~":
        text = text.replace(char, "\\" + char)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def render_changes_markdown(changes: list[ModelChange], baseline: str, fail_on: str) -> str:
    shown = [c for c in changes if c.status != "unchanged"]
    failed = sum(1 for c in shown if c.new is not None and fails(c.new, fail_on))
    out = [f"**Changes** {md(headline(changes, baseline, fail_on, failed), 500)}", ""]
    if not shown:
        return "\n".join([*out, "No model was added, changed or removed.", ""])
    out += [
        "| | Change | Model | Manifest | Verdict | Licence | What changed | Why |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for change in shown:
        model = change.current
        failing = change.new is not None and fails(change.new, fail_on)
        lic = model.get("license")
        out.append(
            "| "
            + " | ".join(
                [
                    "❌" if failing else "",
                    change.status,
                    md(label(model), 150),
                    md(where(model)),
                    md(model.get("verdict") or "-"),
                    md(lic.get("id") if isinstance(lic, dict) else "-"),
                    md("; ".join(change.reasons)),
                    md(deciding_reason(model)) if failing else "",
                ]
            )
            + " |"
        )
    return "\n".join([*out, ""])


def render_changes_json(changes: list[ModelChange], baseline: str, scan: str, fail_on: str, doc: dict[str, Any]) -> str:
    entries = []
    for change in changes:
        model = change.current
        lic = model.get("license")
        entries.append(
            {
                "status": change.status,
                "repo_id": change.repo_id,
                "requested_revision": model.get("requested_revision"),
                "revision": model.get("revision"),
                "manifest": model.get("manifest"),
                "verdict": model.get("verdict"),
                "class": model.get("class"),
                "license": lic.get("id") if isinstance(lic, dict) else None,
                "what_changed": list(change.reasons),
                "fails": change.new is not None and change.status != "unchanged" and fails(change.new, fail_on),
            }
        )
    failing = [e for e in entries if e["fails"]]
    out = {
        "schema_version": 1,
        "baseline": baseline,
        "scan": scan,
        "fail_on": fail_on,
        "gate_failed": bool(failing),
        "summary": counts(changes),
        "changes": entries,
        "policy": doc.get("policy"),
    }
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


# -- the command -----------------------------------------------------------------------------------


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--fail-on",
    type=click.Choice(["deny", "review"]),
    default=None,
    help="Exit 1 when an added or changed model's verdict is this or worse (default: deny). Needs verdicts in NEW.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
def diff_command(old: Path, new: Path, fail_on: str | None, fmt: str) -> None:
    """Compare two saved JSON scans: models added, removed, changed or unchanged.

    Only added and changed models can fail the gate; removed ones are listed
    and never fail it. Exit 1 when the gate fails, 3 when an added or changed
    model could not be fetched, 2 when a file is not a licscan JSON report.
    """
    try:
        old_doc = read_scan_document(old)
        new_doc = read_scan_document(new)
    except InputError as exc:
        click.echo(f"licscan: error: {exc}", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    if fail_on is not None and new_doc.get("policy") is None:
        click.echo(f"licscan: error: --fail-on needs verdicts, and {new} was scanned without a policy", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    threshold = fail_on or "deny"
    changes = diff_documents(old_doc, new_doc)
    annotate(new_doc, changes, str(old))
    if fmt == "json":
        click.echo(render_changes_json(changes, str(old), str(new), threshold, new_doc), nl=False)
    elif fmt == "markdown":
        click.echo(render_changes_markdown(changes, str(old), threshold), nl=False)
    else:
        click.echo(render_changes_table(changes, str(old), threshold), nl=False)
    sys.exit(exit_code(new_doc, threshold))


__all__ = ["Prior", "compare", "compared_output", "diff_command", "judged", "load_prior", "read_scan_document"]
