"""The one line a command prints on stderr when its report goes to a file (``-o``): what was found, the gate."""

from __future__ import annotations

from typing import Any


def summary_line(doc: dict[str, Any], output: str, fmt: str, gate: str | None = None) -> str:
    """``licscan: 20 models: 17 allow, 3 deny; gate FAILED (fail on deny); html report written to r.html``.

    ``gate``: "passed" or "failed (fail on deny)", None when no gate was applied. Counts read the document
    only, so a saved scan summarises like a fresh one.
    """
    summary = doc.get("summary") or {}
    total = summary.get("models", len(doc.get("models") or []))
    by_verdict = summary.get("by_verdict")
    counts = by_verdict if by_verdict else summary.get("by_class") or {}
    tally = ", ".join(f"{n} {key}" for key, n in counts.items() if n) or "none"
    parts = [f"licscan: {total} model{'s' if total != 1 else ''}: {tally}"]
    if summary.get("fetch_failures"):
        parts.append(f"{summary['fetch_failures']} could not be fetched")
    datasets = summary.get("datasets") or 0
    if datasets:
        data_counts = summary.get("datasets_by_verdict") or summary.get("datasets_by_class") or {}
        data_tally = ", ".join(f"{n} {key}" for key, n in data_counts.items() if n) or "none"
        parts.append(f"{datasets} dataset{'s' if datasets != 1 else ''}: {data_tally}")
    baseline = doc.get("baseline")
    if isinstance(baseline, dict):
        changes = [m.get("change") for m in doc.get("models") or []]
        parts.append(
            f"against {baseline.get('path')}: {changes.count('added')} added, {changes.count('changed')} changed, "
            f"{len(baseline.get('removed') or [])} removed"
        )
    if gate is not None:
        parts.append(f"gate {gate}")
    elif not by_verdict:
        parts.append("no policy, no gate")
    return "; ".join(parts) + f"; {fmt} report written to {output}"
