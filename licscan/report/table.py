"""The terminal table: aligned columns, colour only when asked (a TTY, no NO_COLOR)."""

from __future__ import annotations

from licscan.text import clip
from licscan.types import LicenseClass, ModelResult, ScanResult

_COLORS = {
    LicenseClass.PERMISSIVE: "32",  # green
    LicenseClass.COPYLEFT: "36",  # cyan
    LicenseClass.OPEN_WEIGHTS_RESTRICTED: "33",  # yellow
    LicenseClass.NON_COMMERCIAL: "31",  # red
    LicenseClass.UNKNOWN: "35",  # magenta
}
_HEADERS = ("MODEL", "CLASS", "LICENSE", "DECLARED", "FINDINGS")


def _row(m: ModelResult) -> tuple[str, ...]:
    model = str(m.ref)
    if m.revision and m.ref.revision != m.revision:
        model += f" ({m.revision[:7]})"
    lic = m.license.id if m.license else "-"
    if m.license and m.license_source and m.license_source.lower() != m.ref.repo_id.lower():
        lic += f" (from {m.license_source})"
    declared = m.declared.license.id if m.declared.license else (m.declared.expression or "-")
    codes = sorted({f.code for f in m.findings})
    if m.verdict:
        codes.insert(0, m.verdict.upper())
    return (model, m.license_class.value, lic, clip(declared, 40), ", ".join(codes) or "-")


def render_table(result: ScanResult, *, color: bool = False) -> str:
    rows = [_row(m) for m in result.models]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(_HEADERS)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(_HEADERS, widths, strict=False)).rstrip()]
    for model, row in zip(result.models, rows, strict=False):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        if color:
            cells[1] = f"\x1b[{_COLORS[model.license_class]}m{cells[1]}\x1b[0m"
        lines.append("  ".join(cells).rstrip())
    counts = {c: sum(1 for m in result.models if m.license_class is c) for c in LicenseClass}
    summary = ", ".join(f"{n} {c.value}" for c, n in counts.items() if n)
    lines.append("")
    lines.append(f"{len(result.models)} models: {summary or 'none'}")
    failed = sum(1 for m in result.models if m.failure is not None)
    if failed:
        lines.append(f"{failed} could not be fetched (see FINDINGS)")
    return "\n".join(lines) + "\n"
