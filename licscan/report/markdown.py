"""Markdown for ``$GITHUB_STEP_SUMMARY`` and pull-request comments.

Compact and ordered for a reviewer: counts, then the models that need
attention, then everything else collapsed. GitHub refuses a summary or comment
over 65,536 characters, so sections are added in priority order while they fit
under ``LIMIT`` bytes (bytes >= characters, so the byte budget is the safe one)
and the report says what it left out.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any

from licscan.report import openness_md
from licscan.report.common import (
    CLASSES,
    VERDICTS,
    by_attention,
    datasets_of,
    flagged_training_data,
    hub_url,
    lineage,
    model_label,
    needs_attention,
)
from licscan.text import display, md_inert

LIMIT = 60_000
_RESERVE = 1200  # room kept for the closing "left out" lines (at most three, ~250 bytes each) and the footer

_ICON = {"deny": "🔴", "review": "🟠", "allow": "🟢"}
_CLASS_ICON = {
    "non-commercial": "🔴",
    "unknown": "⚪",
    "open-weights-restricted": "🟠",
    "copyleft": "🟡",
    "permissive": "🟢",
}
# Enough to keep text inert mid-line: brackets (links, images), emphasis, code, tables, strikethrough.
# Without a policy, the class itself is the reason a model needs a look.
_CLASS_WHY = {
    "non-commercial": "non-commercial use only",
    "unknown": "no licence identified",
    "open-weights-restricted": "use restrictions and conditions",
    "copyleft": "copyleft terms",
}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _one_line(value: Any, limit: int) -> str:
    return display(value, limit).replace("\r", " ").replace("\n", " ").replace("\t", " ")


def md_escape(value: Any, limit: int = 200) -> str:
    """Untrusted text as inert, single-line Markdown: no markup, no HTML, no table breaks, no mentions or references."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(md_inert(_one_line(value, limit)), quote=False))


def html_text(value: Any, limit: int = 200) -> str:
    """Untrusted text inside a raw HTML block (``<summary>``), where Markdown escapes would show literally."""
    return html.escape(md_inert(_one_line(value, limit)), quote=True)


def render_markdown(doc: dict[str, Any]) -> str:
    apis = apis_markdown(doc)  # bounded (_API_ROWS); the models' sections get what it leaves of the limit
    return _Builder(doc, keep=len(apis.encode("utf-8"))).build() + apis


_API_ROWS = 40  # with 300-byte cells at most, the section stays far below GitHub's limit beside the report


def apis_markdown(doc: dict[str, Any]) -> str:
    """``scan --discover``: the section "Hosted model APIs in use" (empty without --discover)."""
    if "apis" not in doc:
        return ""
    apis = doc["apis"] or []
    out = [f"\n### Hosted model APIs in use ({len(apis)})\n"]
    if not apis:
        return "".join(out) + "\nThe code calls no hosted model API.\n"
    attention = openness_md.api_attention(apis)
    if attention:
        out.append(f"\n**Needs attention:** {len(attention)} (denied or sent to review by the policy, or highly "
                   "locked in); prompts sent to a closed API or to hosted open weights leave the premises.\n")
    out.append("\n| Provider | Model | Serving | Lock-in | Verdict | Where |\n|---|---|---|---|---|---|\n")
    for api in [*attention, *(a for a in apis if a not in attention)][:_API_ROWS]:
        locations = api.get("locations") or []
        where = ", ".join(f"{md_escape(loc.get('path'), 80)}:{loc.get('line')}" for loc in locations[:3])
        if len(locations) > 3:
            where += f" (+{len(locations) - 3})"
        model = md_escape(api["model"], 80) if api.get("model") else "–"
        provider, serving = md_escape(api.get("provider"), 40), md_escape(api.get("serving"), 40)
        lock, verdict = openness_md.api_cells(api, md_escape)
        out.append(f"| {provider} | {model} | {serving} | {lock} | {verdict} | {where} |\n")
    if len(apis) > _API_ROWS:
        out.append(f"\n… and {len(apis) - _API_ROWS} more; see the full report.\n")
    return "".join(out)


class _Builder:
    def __init__(self, doc: dict[str, Any], keep: int = 0) -> None:
        self.doc = doc
        self.parts: list[str] = []
        self.size = keep  # bytes another section appended after the build will take

    def fits(self, text: str, reserve: int = _RESERVE) -> bool:
        return self.size + len(text.encode("utf-8")) <= LIMIT - reserve

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text.encode("utf-8"))

    def build(self) -> str:
        models = self.doc["models"]
        attention = by_attention(m for m in models if needs_attention(m))
        others = [m for m in models if not needs_attention(m)]
        self.add(_header(self.doc))
        left_out: list[str] = []

        shown = self.table(
            f"### Needs attention ({len(attention)})\n\n", attention, open_rows=True, empty="Nothing needs attention.\n"
        )
        if shown < len(attention):
            left_out.append(_omitted(attention[shown:], "in the attention table"))
        datasets = datasets_of(self.doc)
        flagged = by_attention(d for d in datasets if needs_attention(d))
        if flagged:
            shown_datasets = self.table(
                f"### Datasets needing attention ({len(flagged)} of {len(datasets)})\n\n",
                flagged,
                open_rows=True,
                kind="dataset",
            )
            if shown_datasets < len(flagged):
                left_out.append(_omitted(flagged[shown_datasets:], "in the datasets table", "dataset"))
        if others:
            shown_others = self.table(
                f"<details><summary>Other models ({len(others)})</summary>\n\n", others, open_rows=False
            )
            if shown_others < len(others):
                left_out.append(_omitted(others[shown_others:], "in the table of other models"))
        detailed = self.details(attention)
        if detailed < len(attention):
            left_out.append(_omitted(attention[detailed:], "with details"))
        footer = "\n".join(f"… and {line}; see the full report." for line in left_out)
        if footer:
            self.add("\n" + footer + "\n")
        cost = openness_md.cost_note(self.doc)
        self.add(
            f"\n<sub>Full report: `licscan report scan.json --format html`. {len(models)} models in this scan."
            f"{' ' + cost if cost else ''}</sub>\n"
        )
        return "".join(self.parts)

    def table(
        self, heading: str, models: list[dict[str, Any]], *, open_rows: bool, empty: str = "", kind: str = "model"
    ) -> int:
        if not models:
            if empty:
                self.add(heading + empty + "\n")
            return 0
        policy = self.doc.get("policy") is not None
        head = f"| | {kind.capitalize()} | Class | Licence | " + ("Verdict | " if policy else "") + "Why |\n"
        head += "|---|---|---|---|" + ("---|" if policy else "") + "---|\n"
        closing = "\n" if open_rows else "\n</details>\n\n"
        block = heading + head
        if not self.fits(block + _row(self.doc, models[0], policy, kind) + closing):
            return 0
        self.add(block)
        shown = 0
        for model in models:
            row = _row(self.doc, model, policy, kind)
            if not self.fits(row + closing):
                break
            self.add(row)
            shown += 1
        self.add(closing)
        return shown

    def details(self, models: list[dict[str, Any]]) -> int:
        shown = 0
        for model in models:
            block = _details(self.doc, model)
            if not self.fits(block):
                break
            if shown == 0:
                self.add("### Details\n\n")
            self.add(block)
            shown += 1
        return shown


def _header(doc: dict[str, Any]) -> str:
    summary = doc["summary"]
    total = summary["models"]
    lines = []
    by_verdict = summary.get("by_verdict")
    if by_verdict:
        counts = " · ".join(f"{_ICON[v]} **{by_verdict.get(v, 0)}** {v}" for v in VERDICTS)
        lines.append(f"## licscan: {total} models — {counts}\n")
    else:
        lines.append(f"## licscan: {total} models\n")
    classes = " · ".join(f"{_CLASS_ICON[c]} {summary['by_class'].get(c, 0)} {c}" for c in CLASSES)
    lines.append(f"**Classes:** {classes}\n")
    if summary.get("datasets"):
        data = summary.get("datasets_by_class") or {}
        counts = " · ".join(f"{_CLASS_ICON[c]} {data.get(c, 0)} {c}" for c in CLASSES if data.get(c))
        lines.append(f"**Datasets:** {summary['datasets']} — {counts}\n")
    spectrum = openness_md.spectrum_line(doc)
    if spectrum:
        lines.append(spectrum)
    if summary.get("fetch_failures"):
        lines.append(f"**Could not be fetched:** {summary['fetch_failures']}\n")
    manifests = ", ".join(md_escape(m, 100) for m in doc.get("manifests") or []) or "–"
    policy = md_escape(doc["policy"], 100) if doc.get("policy") else "none (no verdicts)"
    lines.append(
        f"<sub>Manifests: {manifests} · policy: {policy} · licscan {md_escape(doc['tool']['version'], 40)}"
        f" · database {md_escape(doc.get('database_version'), 60)} · {md_escape(doc.get('generated_at'), 40)}</sub>\n"
    )
    return "\n".join(lines) + "\n"


def _licence(model: dict[str, Any]) -> str:
    lic = model.get("license")
    if not lic:
        return "none identified"
    text = md_escape(lic["id"], 80)
    source = lic.get("source")
    if source and str(source).lower() != str(model["repo_id"]).lower():
        text += f" (from {md_escape(source, 100)})"
    return text


def _why(model: dict[str, Any]) -> str:
    verdict = model.get("verdict")
    reasons = [r for r in model.get("reasons") or [] if verdict and r.get("decision") == verdict]
    if verdict == "allow":
        reasons = [r for r in reasons if r.get("rule") == "exception"] or reasons[:1]
    parts = [md_escape(r.get("rule"), 60) for r in reasons[:3]]
    if verdict is None and model["class"] in _CLASS_WHY:
        parts.append(_CLASS_WHY[model["class"]])
    parts += [f"`{md_escape(f.get('code'), 40)}`" for f in model.get("findings") or []]
    return ", ".join(dict.fromkeys(parts)) or "–"


def _row(doc: dict[str, Any], model: dict[str, Any], policy: bool, kind: str = "model") -> str:
    icon = _ICON.get(model.get("verdict") or "", _CLASS_ICON.get(model["class"], ""))
    url = hub_url(doc, model["repo_id"], model.get("revision"), kind)
    name = f"[{md_escape(model_label(model), 120)}]({url})"
    manifest = model.get("manifest") or {}
    where = f"<br><sub>{md_escape(manifest.get('path'), 80)}:{manifest.get('line')}</sub>"
    cells = [icon, name + where, md_escape(model["class"], 40), _licence(model)]
    if policy:
        cells.append(f"**{md_escape(model.get('verdict') or '–', 10)}**")
    cells.append(_why(model))
    return "| " + " | ".join(cells) + " |\n"


def _details(doc: dict[str, Any], model: dict[str, Any]) -> str:
    lines = [f"<details><summary>{html_text(model_label(model), 120)}: {html_text(model['class'], 40)}"]
    if model.get("verdict"):
        lines[0] += f", {html_text(model['verdict'], 10)}"
    lines[0] += "</summary>\n"
    declared = model.get("declared_license")
    said = declared["id"] if declared else model.get("declared_expression") or "nothing"
    lines.append(f"- Declared: {md_escape(said, 120)}")
    lines.append(f"- Effective: {_licence(model)}")
    chain = lineage(model)
    if chain:
        lines.append(
            "- Lineage: "
            + " → ".join(
                [md_escape(model["repo_id"], 120)]
                + [f"{md_escape(b['repo_id'], 120)} ({md_escape(b.get('class'), 40)})" for b in chain]
            )
        )
    for reason in model.get("reasons") or []:
        if reason.get("decision") != "allow" or reason.get("rule") == "exception":
            lines.append(
                f"- **{md_escape(reason.get('decision'), 10)}** {md_escape(reason.get('rule'), 60)}: "
                f"{md_escape(reason.get('message'), 400)}"
            )
    for finding in model.get("findings") or []:
        lines.append(
            f"- `{md_escape(finding.get('code'), 40)}` ({md_escape(finding.get('severity'), 10)}): "
            f"{md_escape(finding.get('message'), 300)}"
        )
    kinds = sorted({str(o.get("kind")) for o in model.get("obligations") or []})
    if kinds:
        lines.append("- Obligations: " + ", ".join(md_escape(k, 40) for k in kinds))
    data = flagged_training_data(model)
    if data:
        lines.append("- Training data to look at: " + "; ".join(_training(model, t) for t in data[:12]))
    openness = openness_md.model_line(model, md_escape)
    if openness:
        lines.append(openness)
    return "\n".join(lines) + "\n\n</details>\n\n"


def _training(model: dict[str, Any], entry: dict[str, Any]) -> str:
    name = md_escape(entry.get("repo_id") or entry.get("value"), 120)
    lic = entry.get("license")
    parts = [md_escape(lic["id"], 60) if lic else "no known licence", md_escape(entry.get("class"), 40)]
    if entry.get("gated"):
        parts.append("gated")
    if str(entry.get("from", "")).lower() != str(model["repo_id"]).lower():
        parts.append(f"via {md_escape(entry.get('from'), 120)}")
    return f"{name} ({', '.join(parts)})"


def _omitted(models: list[dict[str, Any]], where: str, noun_one: str = "model") -> str:
    """``312 more models (verdicts: 300 allow, 12 review; classes: 290 permissive, 22 copyleft) not shown …``."""
    verdicts = Counter(m.get("verdict") for m in models if m.get("verdict"))
    classes = Counter(m["class"] for m in models)
    kinds = []
    if verdicts:
        kinds.append("verdicts: " + ", ".join(f"{n} {v}" for v, n in verdicts.most_common()))
    kinds.append("classes: " + ", ".join(f"{n} {c}" for c, n in classes.most_common()))
    noun = noun_one if len(models) == 1 else noun_one + "s"
    return f"{len(models)} more {noun} ({'; '.join(kinds)}) not shown {where}"
