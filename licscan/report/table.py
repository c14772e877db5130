"""The terminal table: fits ``width`` columns (120 by default), verdict and reason always visible.

Columns by priority: the verdict, the model and the reason (WHY) always; the
class and the licence next; the licence the card declares only when it
differs and there is room. Long cells wrap inside their column instead of
widening the table, so a 191-column line never reaches an 80- or 120-column
terminal. Colour only when asked (a TTY, no NO_COLOR).
"""

from __future__ import annotations

import textwrap
from typing import Any

from licscan.text import clip

WIDTH = 120
_GAP = "  "
_COLORS = {
    "permissive": "32",  # green
    "copyleft": "36",  # cyan
    "open-weights-restricted": "33",  # yellow
    "non-commercial": "31",  # red
    "unknown": "35",  # magenta
}
_VERDICT_COLORS = {"DENY": "31;1", "REVIEW": "33;1", "ALLOW": "32"}
# Without a policy the class is the reason a model needs a look.
_CLASS_WHY = {
    "non-commercial": "non-commercial use only",
    "unknown": "no licence identified",
    "open-weights-restricted": "use restrictions and conditions",
    "copyleft": "copyleft terms",
}


def _model(m: dict[str, Any]) -> str:
    # As the manifest asks for it; the resolved commit is in every other format.
    return clip(m["repo_id"] + (f"@{m['requested_revision']}" if m["requested_revision"] else ""), 160)


def _licence(m: dict[str, Any]) -> str:
    lic = m["license"]["id"] if m["license"] else "-"
    notes = []
    source = (m["license"] or {}).get("source")
    if source and source.lower() != m["repo_id"].lower():
        notes.append("inherited")
    declared = m["declared_license"]["id"] if m["declared_license"] else m["declared_expression"]
    if declared and declared != (m["license"] or {}).get("id"):
        notes.append(f"declares {declared}")
    return clip(lic + (f" ({'; '.join(notes)})" if notes else ""), 200)


def _short(reason: dict[str, Any]) -> str:
    """A reason in a few words: the rule that decided, not its whole sentence (the JSON and HTML have that)."""
    rule = str(reason.get("rule") or "")
    kind, _, what = rule.partition(":")
    decision = str(reason.get("decision") or "")
    if kind == "class":
        return f"class {what} ({decision})"
    if kind == "license":
        return f"licence {what} ({decision})"
    if kind == "obligation":
        return f"{what} duty not accepted"
    if kind == "finding":
        return what
    if rule == "context:non-commercial-use":
        return "non-commercial use only"
    if kind == "context":
        return f"{what.replace('-', ' ')} ({decision})"
    if rule == "fetch-error":
        return "metadata not fetched"
    return rule or "-"


def _why(m: dict[str, Any]) -> str:
    """The rules that decided the verdict (or what the class means), then the finding codes."""
    verdict = m.get("verdict")
    parts: list[str] = []
    if verdict in ("deny", "review"):
        deciding = [r for r in m.get("reasons") or [] if r.get("decision") == verdict]
        parts += list(dict.fromkeys(_short(r) for r in deciding[:3]))
    elif verdict == "allow":
        if any(r.get("rule") == "exception" for r in m.get("reasons") or []):
            parts.append("policy exception")
    elif m["class"] in _CLASS_WHY:
        parts.append(_CLASS_WHY[m["class"]])
    codes = sorted({f["code"] for f in m["findings"]} - set(parts))
    text = "; ".join(parts)
    if codes:
        text += (" " if text else "") + "[" + ", ".join(codes) + "]"
    return clip(text or "-", 400)


def _columns(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(header, key) of the columns, in order."""
    cols = [("#", "num"), ("MODEL", "model")]
    if doc.get("policy") is not None:
        cols.append(("VERDICT", "verdict"))
    return [*cols, ("CLASS", "class"), ("LICENCE", "licence"), ("WHY", "why")]


def _cells(i: int, m: dict[str, Any]) -> dict[str, str]:
    return {
        "num": str(i + 1),
        "model": _model(m),
        "verdict": (m.get("verdict") or "-").upper(),
        "class": m["class"],
        "licence": _licence(m),
        "why": _why(m),
    }


# Minimum and wanted widths of the columns that wrap; the model then takes what it needs, the reason the slack.
_MIN = {"model": 16, "class": 14, "licence": 10, "why": 14}
_WANT = {"why": 34, "licence": 16, "class": 23}
_ORDER = ("model", "why", "licence", "class")  # who gets room first, up to _WANT (the model: its own width)


def _widths(cols: list[tuple[str, str]], rows: list[dict[str, str]], width: int) -> dict[str, int] | None:
    """Column widths that fit ``width``; None when even the minimum widths do not fit."""
    keys = [key for _, key in cols]
    natural = {key: max([len(h)] + [len(r[key]) for r in rows]) for h, key in cols}
    fixed: dict[str, int] = {key: natural[key] for key in ("num", "verdict") if key in keys}
    room = width - sum(fixed.values()) - len(_GAP) * (len(cols) - 1)
    out = {key: min(natural[key], _MIN[key]) for key in _ORDER if key in keys}
    if sum(out.values()) > room:
        return None
    for key in (k for k in _ORDER if k in out):
        want = natural[key] if key == "model" else max(out[key], _WANT[key])
        out[key] = min(natural[key], want, out[key] + room - sum(out.values()))
    out["why"] += room - sum(out.values())  # the slack: more room for the reason
    return {**fixed, **out}


def _wrap(text: str, width: int, key: str = "") -> list[str]:
    if key == "model" and len(text) > width and "/" in text:
        # A repo id breaks after its org first ("meta-llama/" + "Llama-3.1-8B-Instruct"), then as it must.
        org, name = text.split("/", 1)
        return [*_wrap(org + "/", width), *_wrap(name, width)]
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True) or [""]


def _grid(doc: dict[str, Any], items: list[dict[str, Any]], color: bool, width: int, noun: str) -> list[str]:
    """The header and rows of ``items`` (models, or the datasets the manifests list), fitted to ``width``."""
    cols = [(noun if key == "model" else header, key) for header, key in _columns(doc)]
    rows = [_cells(i, m) for i, m in enumerate(items)]
    widths = _widths(cols, rows, width)
    if widths is None:  # a narrow terminal: the class is the first column to go (the licence implies it)
        cols = [c for c in cols if c[1] != "class"]
        widths = _widths(cols, rows, width)
    if widths is None:  # narrower than any table can be: the minimum widths, wider than asked
        widths = _widths(cols, rows, 10_000)
        assert widths is not None
        widths = {key: min(w, _MIN.get(key, w)) for key, w in widths.items()}
    lines = [_GAP.join(h.ljust(widths[key]) for h, key in cols).rstrip()]
    for model, row in zip(items, rows, strict=True):
        wrapped = {key: _wrap(row[key], widths[key], key) for _, key in cols}
        for n in range(max(len(w) for w in wrapped.values())):
            cells = []
            for _, key in cols:
                text = wrapped[key][n] if n < len(wrapped[key]) else ""
                cell = text.ljust(widths[key])
                if color and text and key == "class":
                    cell = f"\x1b[{_COLORS.get(model['class'], '0')}m{cell}\x1b[0m"
                elif color and text and key == "verdict" and text in _VERDICT_COLORS:
                    cell = f"\x1b[{_VERDICT_COLORS[text]}m{cell}\x1b[0m"
                cells.append(cell)
            lines.append(_GAP.join(cells).rstrip())
    return lines


def _training_lines(models: list[dict[str, Any]], width: int) -> list[str]:
    """Per model, its training data that is not known to be permissive (or is gated): class, licence, who named it."""
    lines: list[str] = []
    for m in models:
        flagged = [t for t in m.get("training_data") or [] if t.get("class") != "permissive" or t.get("gated")]
        if not flagged:
            continue
        lines += textwrap.wrap(f"{clip(m['repo_id'], 120)}:", width, initial_indent="  ", subsequent_indent="    ")
        for t in flagged:
            name = t.get("repo_id") or repr(t.get("value"))
            lic = (t.get("license") or {}).get("id") or "-"
            origin = "" if str(t.get("from", "")).lower() == str(m["repo_id"]).lower() else f" (via {t.get('from')})"
            extra = " gated" if t.get("gated") else ""
            line = f"{clip(name, 100)}  {t.get('class')}  {clip(lic, 60)}{extra}{clip(origin, 130)}"
            lines += textwrap.wrap(line, width, initial_indent="    ", subsequent_indent="      ")
    return lines


def render_table(doc: dict[str, Any], *, color: bool = False, width: int = WIDTH) -> str:
    models = doc["models"]
    lines = _grid(doc, models, color, width, "MODEL")
    datasets = doc.get("datasets") or []
    if datasets:
        lines += ["", *_grid(doc, datasets, color, width, "DATASET")]
    training = _training_lines(models, width)
    if training:
        heading = "Training data to look at (it does not change a model's class):"
        lines += ["", *textwrap.wrap(heading, width, subsequent_indent="  "), *training]
    summary = doc["summary"]
    counts = ", ".join(f"{n} {cls}" for cls, n in summary["by_class"].items() if n)
    lines.append("")
    tail = [f"{summary['models']} models: {counts or 'none'}"]
    if summary.get("by_verdict"):
        verdicts = ", ".join(f"{n} {v}" for v, n in summary["by_verdict"].items() if n)
        tail.append(f"policy {clip(doc.get('policy'), 200)}: {verdicts}")
    if summary["fetch_failures"]:
        tail.append(f"{summary['fetch_failures']} could not be fetched (see WHY)")
    if datasets:
        by_class = summary.get("datasets_by_class") or {}
        data_counts = ", ".join(f"{n} {cls}" for cls, n in by_class.items() if n)
        tail.append(f"{len(datasets)} datasets: {data_counts or 'none'}")
        if summary.get("datasets_by_verdict"):
            verdicts = ", ".join(f"{n} {v}" for v, n in summary["datasets_by_verdict"].items() if n)
            tail.append(f"datasets under policy {clip(doc.get('policy'), 200)}: {verdicts}")
    lines += [part for line in tail for part in textwrap.wrap(line, width, subsequent_indent="  ")]
    return "\n".join(lines) + "\n"
