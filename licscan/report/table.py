"""The terminal table: aligned columns, colour only when asked (a TTY, no NO_COLOR)."""

from __future__ import annotations

from typing import Any

from licscan.text import clip

_COLORS = {
    "permissive": "32",  # green
    "copyleft": "36",  # cyan
    "open-weights-restricted": "33",  # yellow
    "non-commercial": "31",  # red
    "unknown": "35",  # magenta
}
_HEADERS = ("MODEL", "CLASS", "LICENSE", "DECLARED", "FINDINGS")


def _row(m: dict[str, Any]) -> tuple[str, ...]:
    model = m["repo_id"] + (f"@{m['requested_revision']}" if m["requested_revision"] else "")
    if m["revision"] and m["requested_revision"] != m["revision"]:
        model += f" ({m['revision'][:7]})"
    lic = m["license"]["id"] if m["license"] else "-"
    source = (m["license"] or {}).get("source")
    if source and source.lower() != m["repo_id"].lower():
        lic += f" (from {source})"
    declared = m["declared_license"]["id"] if m["declared_license"] else (m["declared_expression"] or "-")
    codes = sorted({f["code"] for f in m["findings"]})
    if m.get("verdict"):
        codes.insert(0, m["verdict"].upper())
    return (clip(model, 120), m["class"], clip(lic, 120), clip(declared, 40), clip(", ".join(codes) or "-", 200))


def render_table(doc: dict[str, Any], *, color: bool = False) -> str:
    models = doc["models"]
    rows = [_row(m) for m in models]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(_HEADERS)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(_HEADERS, widths, strict=False)).rstrip()]
    for model, row in zip(models, rows, strict=False):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        if color:
            cells[1] = f"\x1b[{_COLORS.get(model['class'], '0')}m{cells[1]}\x1b[0m"
        lines.append("  ".join(cells).rstrip())
    summary = doc["summary"]
    counts = ", ".join(f"{n} {cls}" for cls, n in summary["by_class"].items() if n)
    lines.append("")
    lines.append(f"{summary['models']} models: {counts or 'none'}")
    if summary.get("by_verdict"):
        verdicts = ", ".join(f"{n} {v}" for v, n in summary["by_verdict"].items() if n)
        lines.append(f"policy {doc.get('policy')}: {verdicts}")
    if summary["fetch_failures"]:
        lines.append(f"{summary['fetch_failures']} could not be fetched (see FINDINGS)")
    return "\n".join(lines) + "\n"
