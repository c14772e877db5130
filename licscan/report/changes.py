"""Rendering the changes between two scans (``--baseline``, ``--locked``, ``licscan diff``, the Action).

Reads only schema-v1 documents and ``ModelChange``s, so the GitHub Action
(``licscan.gha``) reuses it for its job summary.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from licscan.diff import ModelChange, counts, fails
from licscan.text import clip, md_inert

# GitHub refuses a comment over 65,536 characters (a job summary over 1 MiB). Bytes are counted, never fewer
# than characters, with room left for the closing "N more" line.
COMMENT_LIMIT = 60_000


def capped_rows(head: list[str], rows: Iterable[str], limit: int, what: str) -> list[str]:
    """``head`` then as many ``rows`` as fit in ``limit`` bytes, and a line saying how many were left out."""
    out = list(head)
    size = sum(len(line.encode("utf-8")) + 1 for line in out)
    rows = list(rows)
    for shown, row in enumerate(rows):
        size += len(row.encode("utf-8")) + 1
        if size > limit:
            left = len(rows) - shown
            return [*out, "", f"… and {left} more {what}, not shown here (GitHub's size limit): see the HTML report."]
        out.append(row)
    return out


def gate_fails(change: ModelChange, fail_on: str) -> bool:
    """The change is one the gate judges, and its model fails it."""
    return change.judged and change.new is not None and fails(change.new, fail_on)


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
    failed = sum(1 for c in changes if gate_fails(c, fail_on))
    lines = [headline(changes, baseline, fail_on, failed)]
    for change in changes:
        if change.status == "unchanged" and not gate_fails(change, fail_on):
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
    text = md_inert(clip(value, limit))
    for char in "\\`*_[]|#~":
        text = text.replace(char, "\\" + char)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def render_changes_markdown(
    changes: list[ModelChange], baseline: str, fail_on: str, limit: int = COMMENT_LIMIT
) -> str:
    """The changes as a Markdown table, failing models first, within ``limit`` bytes (a PR comment's)."""
    shown = [c for c in changes if c.status != "unchanged" or gate_fails(c, fail_on)]
    shown.sort(key=lambda c: not (c.new is not None and fails(c.new, fail_on)))  # stable: what fails goes first
    failed = sum(1 for c in shown if c.new is not None and fails(c.new, fail_on))
    out = [f"**Changes** {md(headline(changes, baseline, fail_on, failed), 500)}", ""]
    if not shown:
        return "\n".join([*out, "No model was added, changed or removed.", ""])
    head = [
        "| | Change | Model | Manifest | Verdict | Licence | What changed | Why |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows = []
    for change in shown:
        model = change.current
        failing = change.new is not None and fails(change.new, fail_on)
        lic = model.get("license")
        rows.append(
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
    budget = limit - sum(len(line.encode("utf-8")) + 1 for line in out)
    return "\n".join([*out, *capped_rows(head, rows, budget, "changed models"), ""])


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
                "fails": gate_fails(change, fail_on),
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


