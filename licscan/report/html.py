"""The HTML report for legal: one self-contained, printable file rendered from ``templates/report.html.j2``.

This module turns the scan document into a view model (plain dicts of display
text); the template only lays it out. Every value from a model card goes
through ``display`` (control characters out, length bounded) here and through
jinja2's autoescaping there, and links are kept only when they are http(s).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

from licscan.openness.model import LEVELS
from licscan.report import openness_html, openness_md
from licscan.report.common import (
    CLASSES,
    VERDICTS,
    attention_key,
    datasets_of,
    hub_url,
    is_commit,
    lineage,
    model_label,
)
from licscan.report.openness_json import level_of
from licscan.report.openness_md import LABELS
from licscan.report.remedy import remedy
from licscan.text import display

TEMPLATE = "report.html.j2"

_CLASS_LABEL = {
    "permissive": "Permissive",
    "copyleft": "Copyleft",
    "open-weights-restricted": "Open weights, restricted",
    "non-commercial": "Non-commercial",
    "unknown": "Unknown",
}
_VERDICT_LABEL = {"deny": "Deny", "review": "Review", "allow": "Allow"}
_SEVERITY_LABEL = {"error": "Error", "warning": "Warning", "info": "Info"}
_CHANGE_LABEL = {"added": "New", "changed": "Changed", "unchanged": "Unchanged"}
# A duty binding more models than this lists the first ones and a count: the full list is in `licscan notice`.
_REACH_SHOWN = 12
_UNTIL = re.compile(r"valid until (\d{4}-\d{2}-\d{2})")
_EXPIRED = re.compile(r"expired on (\d{4}-\d{2}-\d{2})")
_APPROVED = re.compile(r"approved by ([^;]+?)(?:;|\. It overrides|$)")
_REASON = re.compile(r"this (?:model|dataset): (.+?)(?:; approved by|; valid until|\. It overrides|$)")


def template_dir() -> Path:
    """``templates/`` inside an installed wheel (``licscan/_data/templates``), else beside the source tree."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_data" / "templates", here.parent / "templates"):
        if (candidate / TEMPLATE).is_file():
            return candidate
    raise FileNotFoundError(f"{TEMPLATE} not found beside {here}")


def render_html(doc: dict[str, Any]) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.fspath(template_dir())),
        autoescape=True,  # every template here renders hostile card values
        undefined=jinja2.StrictUndefined,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template(TEMPLATE).render(**view(doc))


def view(doc: dict[str, Any]) -> dict[str, Any]:
    """The template's whole input: display strings and numbers, nothing else."""
    summary = doc["summary"]
    raw = doc.get("licenses")
    catalogue: dict[str, Any] = raw if isinstance(raw, dict) else {}
    models = [_model(doc, i, m, catalogue) for i, m in enumerate(doc["models"])]
    order = sorted(range(len(models)), key=lambda i: attention_key(doc["models"][i]))
    for rank, i in enumerate(order):
        models[i]["attention_rank"] = rank
    by_verdict = summary.get("by_verdict")
    licences = Counter((m["licence_id"], m["licence_name"]) for m in models)
    return {
        "meta": {
            "generated_at": display(doc.get("generated_at"), 40),
            "manifests": [display(m, 300) for m in doc.get("manifests") or []],
            "policy": display(doc["policy"], 300) if doc.get("policy") else None,
            "tool": f"{display(doc['tool'].get('name', 'licscan'), 40)} {display(doc['tool']['version'], 40)}",
            "database": display(doc.get("database_version"), 80),
            "source": display(doc.get("source"), 300),
            "schema_version": doc.get("schema_version"),
        },
        "summary": {
            "models": summary["models"],
            "fetch_failures": summary.get("fetch_failures", 0),
            "attention": sum(1 for m in models if m["attention"]),
            "by_verdict": [{"key": v, "label": _VERDICT_LABEL[v], "count": by_verdict.get(v, 0)} for v in VERDICTS]
            if by_verdict
            else None,
        },
        "chart": _chart(summary["by_class"]),
        "warnings": [display(w, 500) for w in doc.get("warnings") or []],
        "classes": [{"key": c, "label": _CLASS_LABEL[c], "count": summary["by_class"].get(c, 0)} for c in CLASSES],
        "verdicts": [{"key": v, "label": _VERDICT_LABEL[v]} for v in VERDICTS],
        "licences": [
            {"key": key, "label": key if name == key else f"{name} ({key})", "count": n}
            for (key, name), n in sorted(licences.items(), key=lambda item: item[0][1].lower())
        ],
        "models": models,
        "attention_order": [models[i] for i in order],
        "has_policy": doc.get("policy") is not None,
        # Openness (licscan.report.openness_html): the spectrum chart, and the Hybrid section with --discover.
        "spectrum": openness_html.spectrum_view(doc),
        "cost": openness_md.cost_note(doc),
        "hybrid": openness_html.hybrid_view(doc),
        "levels": [
            {"key": key, "label": LABELS[key], "count": sum(1 for m in models if m["openness_level"] == key)}
            for key in LEVELS
        ],
        "blocked": [models[i] for i in order if models[i]["verdict"] in ("deny", "review") or models[i]["todo"]],
        "baseline": _baseline(doc, models),
        "notice": _notice(doc),
        **_datasets_view(doc, catalogue),
    }


def _baseline(doc: dict[str, Any], models: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The comparison a ``--baseline``/``--locked`` scan carries: counts and the removed models."""
    baseline = doc.get("baseline")
    if not isinstance(baseline, dict):
        return None
    removed = [r for r in baseline.get("removed") or [] if isinstance(r, dict)]
    counts = Counter(m["change"] for m in models if m["change"])
    return {
        "path": display(baseline.get("path"), 300),
        "kind": "lock file" if baseline.get("kind") == "lock" else "saved scan",
        "added": counts.get("added", 0),
        "changed": counts.get("changed", 0),
        "unchanged": counts.get("unchanged", 0),
        "removed": [
            {
                "label": display(model_label(r), 300) if r.get("repo_id") else "?",
                "manifest": _where(r),
                "verdict": r.get("verdict") if r.get("verdict") in _VERDICT_LABEL else None,
                "verdict_label": _VERDICT_LABEL.get(r.get("verdict") or ""),
            }
            for r in removed
        ],
    }


def _where(model: dict[str, Any]) -> str:
    raw = model.get("manifest")
    manifest: dict[str, Any] = raw if isinstance(raw, dict) else {}
    return f"{display(manifest.get('path'), 300)}:{manifest.get('line')}"


def _notice(doc: dict[str, Any]) -> dict[str, Any]:
    """The release checklist (``licscan.notice``) as display values."""
    from licscan.notice import build_notice
    from licscan.report.notice import distribution_label, headline, kind_label

    notice = build_notice(doc)

    def duty(d: Any) -> dict[str, Any]:
        title = kind_label(d.kind)
        if d.display:
            verb = "Prefix model names with" if d.kind == "naming" else "Display"
            title = f"{verb} " + " or ".join(f"“{p}”" for p in d.display)
        return {
            "title": display(title, 300),
            "kind": display(d.kind, 80),
            "watch": display(d.watch, 300) if d.watch else None,
            "regions": ", ".join(display(r, 10) for r in d.regions),
            "applies_to": display(d.applies_to, 80) if d.applies_to else None,
            "not_applicable": display(d.not_applicable, 400) if d.not_applicable else None,
            "summary": display(d.summary, 1000) if d.summary else None,
            "sources": [
                {
                    "id": display(s.license_id, 120),
                    "name": display(s.license_name, 300),
                    "url": _link(s.license_url),
                    # Each licence's own wording, when they do not all word the duty alike.
                    "summary": display(s.summary, 1000) if not d.summary else None,
                    "link": _link(s.link),
                    "link_text": display(s.link, 200) if s.link else None,
                    "models": [
                        display(r.model, 300)
                        + (f" (through {', '.join(display(v, 300) for v in r.via)})" if r.via else "")
                        for r in s.models[:_REACH_SHOWN]
                    ],
                    "more": max(0, len(s.models) - _REACH_SHOWN),
                }
                for s in d.sources
            ],
        }

    return {
        "headline": display(headline(notice), 300),
        "distribution": display(distribution_label(notice), 200),
        "hosted": notice.distribution == "hosted",
        "notes": [display(n, 500) for n in notice.notes],
        "groups": [
            {
                "id": g.id,
                "title": display(g.title, 200),
                "what": display(g.what, 300),
                "duties": [duty(d) for d in g.duties],
            }
            for g in notice.groups
        ],
        "not_applicable": _moot(notice.not_applicable),
        "licences": [
            {
                "id": display(x.id, 120),
                "name": display(x.name, 300),
                "url": _link(x.url),
                "count": len(x.models),
            }
            for x in notice.licences
        ],
        "files": len(notice.files),
        "left_out": len(notice.left_out),
        "unknown": [display(s.label, 300) for s in notice.unknown],
    }


def _datasets_view(doc: dict[str, Any], catalogue: dict[str, Any]) -> dict[str, Any]:
    """The Datasets section: the listed datasets, most urgent first, with counts by class."""
    listed = datasets_of(doc)
    datasets = [_model(doc, i, d, catalogue, kind="dataset") for i, d in enumerate(listed)]
    order = sorted(range(len(datasets)), key=lambda i: attention_key(listed[i]))
    by_class = (doc.get("summary") or {}).get("datasets_by_class") or {}
    return {
        "datasets": [datasets[i] for i in order],
        "dataset_classes": [{"key": c, "label": _CLASS_LABEL[c], "count": by_class.get(c, 0)} for c in CLASSES],
    }


def _training(doc: dict[str, Any], m: dict[str, Any], catalogue: dict[str, Any]) -> list[dict[str, Any]]:
    """A model's training data for its details: what the card wrote, the dataset, its licence and class."""
    out = []
    for t in m.get("training_data") or []:
        repo_id = t.get("repo_id")
        origin = str(t.get("from") or "")
        out.append(
            {
                "name": display(repo_id or t.get("value"), 300),
                "url": _link(hub_url(doc, str(repo_id), t.get("revision"), "dataset")) if repo_id else None,
                "written": display(t.get("value"), 300) if t.get("value") != repo_id else None,
                "licence": _licence(t.get("license"), catalogue),
                "cls": t.get("class") if t.get("class") in _CLASS_LABEL else "unknown",
                "cls_label": _CLASS_LABEL.get(t.get("class") or "", "Unknown"),
                "via": display(origin, 300) if origin.lower() != str(m["repo_id"]).lower() else None,
                "gated": display(t["gated"], 20) if t.get("gated") else None,
                "failure": display(t["failure"], 400) if t.get("failure") else None,
            }
        )
    return out


def _chart(by_class: dict[str, int]) -> dict[str, Any]:
    """Horizontal bars, one per class, scaled to the largest count (the SVG is laid out here, not in CSS)."""
    top = max([1, *by_class.values()])
    bars = []
    for i, cls in enumerate(CLASSES):
        count = int(by_class.get(cls, 0))
        bars.append(
            {
                "key": cls,
                "label": _CLASS_LABEL[cls],
                "count": count,
                "y": 8 + i * 30,
                "width": round(240 * count / top, 1) if count else 0,
            }
        )
    return {"bars": bars, "height": 8 + len(CLASSES) * 30}


def _link(url: Any) -> str | None:
    """Only http(s) URLs become links: a card's ``javascript:`` URL stays text."""
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) and len(url) < 2000 else None


def _moot(duties: Any) -> list[dict[str, Any]]:
    """Duties that do not bind this release, one line per kind and reason, with the licences that ask for them."""
    from licscan.report.notice import kind_label

    lines: dict[tuple[str, str], list[str]] = {}
    for d in duties:
        names = lines.setdefault((kind_label(d.kind), str(d.not_applicable)), [])
        names += [s.license_name for s in d.sources if s.license_name not in names]
    return [
        {"title": display(title, 200), "why": display(why, 400), "licences": [display(n, 300) for n in names]}
        for (title, why), names in lines.items()
    ]


def _text_url(catalogue: dict[str, Any], lic_id: Any) -> str | None:
    """The first http(s) URL of the licence's text in the document's ``licenses`` catalogue."""
    entry = catalogue.get(lic_id) if isinstance(lic_id, str) else None
    urls = entry.get("urls") if isinstance(entry, dict) else None
    return next((u for u in urls if _link(u)), None) if isinstance(urls, list) else None


def _licence(lic: dict[str, Any] | None, catalogue: dict[str, Any] | None = None) -> dict[str, Any] | None:
    if not lic:
        return None
    return {
        "id": display(lic.get("id"), 120),
        "name": display(lic.get("name"), 300),
        "spdx_id": display(lic["spdx_id"], 120) if lic.get("spdx_id") else None,
        "url": _text_url(catalogue or {}, lic.get("id")),
    }


def _model(
    doc: dict[str, Any], index: int, m: dict[str, Any], catalogue: dict[str, Any], kind: str = "model"
) -> dict[str, Any]:
    from licscan.report.common import needs_attention

    lic = _licence(m.get("license"), catalogue)
    source = m.get("license", {}).get("source") if m.get("license") else None
    advice = remedy(doc, m)
    inherited = bool(source) and str(source).lower() != str(m["repo_id"]).lower()
    revision = m.get("revision")
    manifest = m.get("manifest") or {}
    reasons = [r for r in m.get("reasons") or [] if r.get("rule") != "exception"]
    return {
        "anchor": f"{'d' if kind == 'dataset' else 'm'}-{index + 1}",
        "index": index,
        "label": display(model_label(m), 300),
        "repo_id": display(m["repo_id"], 300),
        "url": _link(hub_url(doc, str(m["repo_id"]), revision, kind)),
        "requested": display(m["requested_revision"], 120) if m.get("requested_revision") else None,
        "revision": display(revision, 80) if revision else None,
        "revision_short": display(revision[:12] if is_commit(revision) else revision, 80) if revision else None,
        "manifest": f"{display(manifest.get('path'), 300)}:{manifest.get('line')}",
        "note": display(m["note"], 500) if m.get("note") else None,
        "cls": m["class"] if m["class"] in _CLASS_LABEL else "unknown",
        "cls_label": _CLASS_LABEL.get(m["class"], display(m["class"], 40)),
        "declared_cls": m.get("declared_class"),
        "declared_cls_label": _CLASS_LABEL.get(m.get("declared_class") or ""),
        "verdict": m.get("verdict") if m.get("verdict") in _VERDICT_LABEL else None,
        "verdict_label": _VERDICT_LABEL.get(m.get("verdict") or ""),
        "licence": lic,
        "licence_id": lic["id"] if lic else "none",
        "licence_name": lic["name"] if lic else "No licence identified",
        "licence_source": display(source, 300) if inherited else None,
        "declared": _licence(m.get("declared_license"), catalogue),
        "todo": {
            "actions": [display(a, 600) for a in advice.actions],
            "facts": display(advice.facts, 1000),
        }
        if advice
        else None,
        "change": m.get("change") if m.get("change") in _CHANGE_LABEL else None,
        "change_label": _CHANGE_LABEL.get(m.get("change") or ""),
        "declared_expression": display(m["declared_expression"], 300) if m.get("declared_expression") else None,
        "tree": _tree(doc, m, str(m["repo_id"]), str(source or "").lower(), frozenset(), catalogue),
        "evidence": [
            {"source": display(e.get("source"), 80), "detail": display(e.get("detail"), 600)}
            for e in m.get("evidence") or []
        ],
        "findings": [
            {
                "code": display(f.get("code"), 80),
                "severity": f.get("severity") if f.get("severity") in _SEVERITY_LABEL else "warning",
                "severity_label": _SEVERITY_LABEL.get(f.get("severity") or "", "Warning"),
                "message": display(f.get("message"), 600),
                # Already said on the page (a reason quotes it, the expired-exception box, the training data
                # line): paper skips it.
                "told": f.get("code") == "exception-expired" or str(f.get("code") or "").startswith("training-data-")
                or any(str(f.get("message") or "") in str(r.get("message") or "") for r in m.get("reasons") or []),
            }
            for f in m.get("findings") or []
        ],
        "obligations": [_obligation(o, catalogue) for o in m.get("obligations") or []],
        "chain": " → ".join(
            f"{display(b.get('repo_id'), 200)} ({display((b.get('license') or {}).get('id') or 'unread', 80)})"
            for b in lineage(m)
        ),
        "bases": len(m.get("base_models") or []),
        "duty_kinds": _duty_kinds(m),
        "reasons": [
            {
                "rule": display(r.get("rule"), 120),
                "decision": r.get("decision") if r.get("decision") in _VERDICT_LABEL else "review",
                "decision_label": _VERDICT_LABEL.get(r.get("decision") or "", display(r.get("decision"), 20)),
                "message": display(r.get("message"), 1000),
            }
            for r in reasons
        ],
        "exceptions": _exceptions(m),
        "training_data": _training(doc, m, catalogue),
        "attention": needs_attention(m),
        "openness": openness_html.model_view(m),
        "openness_level": level_of(m),
        "attention_rank": index,
        "search": " ".join(
            display(x, 300).lower()
            for x in (m["repo_id"], lic["id"] if lic else "", lic["name"] if lic else "", m.get("declared_expression"))
            if x
        ),
    }


def _tree(
    doc: dict[str, Any], m: dict[str, Any], parent: str, source: str, path: frozenset[str], catalogue: dict[str, Any]
) -> list[dict[str, Any]]:
    """The bases of ``parent`` with their own bases below them: merges show every branch."""
    out = []
    for b in m.get("base_models") or []:
        repo = str(b["repo_id"]).lower()
        if str(b.get("parent", "")).lower() != parent.lower() or repo in path:
            continue
        node = _base(doc, b, catalogue)
        node["source"] = repo == source
        node["children"] = _tree(doc, m, str(b["repo_id"]), source, path | {parent.lower()}, catalogue)
        out.append(node)
    return out


def _base(doc: dict[str, Any], b: dict[str, Any], catalogue: dict[str, Any]) -> dict[str, Any]:
    lic = _licence(b.get("license"), catalogue)
    return {
        "repo_id": display(b["repo_id"], 300),
        "url": _link(hub_url(doc, str(b["repo_id"]), b.get("revision"))),
        "revision_short": display(str(b["revision"])[:12], 80) if b.get("revision") else None,
        "depth": b.get("depth"),
        "parent": display(b.get("parent"), 300),
        "relation": display(b["relation"], 40) if b.get("relation") else None,
        "cls": b.get("class") if b.get("class") in _CLASS_LABEL else "unknown",
        "cls_label": _CLASS_LABEL.get(b.get("class") or "", "Unknown"),
        "licence": lic,
        "resolved": bool(b.get("resolved")),
    }


def _obligation(o: dict[str, Any], catalogue: dict[str, Any]) -> dict[str, Any]:
    extras = []
    if isinstance(o.get("threshold"), int):
        extras.append(f"threshold {o['threshold']:,}")
    if o.get("regions"):
        extras.append("regions " + ", ".join(display(r, 20) for r in o["regions"]))
    if o.get("applies_to"):
        extras.append(f"applies to {display(o['applies_to'], 80)}")
    return {
        "kind": display(o.get("kind"), 80),
        "summary": display(o.get("summary"), 1000),
        "licence": display(o.get("license"), 120),
        "licence_url": _text_url(catalogue, o.get("license")),
        "extras": extras,
        "link": _link(o.get("link")),
        "link_text": display(o.get("link"), 200) if o.get("link") else None,
    }


def _duty_kinds(m: dict[str, Any]) -> str:
    """``attribution, naming (llama3.1); notice (apache-2.0)``: the obligations in one line, for paper."""
    by_licence: dict[str, list[str]] = {}
    for o in m.get("obligations") or []:
        kinds = by_licence.setdefault(display(o.get("license"), 120), [])
        kind = display(o.get("kind"), 80)
        if kind not in kinds:
            kinds.append(kind)
    return "; ".join(f"{', '.join(kinds)} ({lic})" for lic, kinds in by_licence.items())


def _exceptions(m: dict[str, Any]) -> list[dict[str, Any]]:
    """Policy exceptions that touched the model: the one applied (a reason) and any expired (a finding)."""
    out = []
    for r in m.get("reasons") or []:
        if r.get("rule") != "exception":
            continue
        message = str(r.get("message") or "")
        out.append(
            {
                "status": "applied",
                "decision": r.get("decision") if r.get("decision") in _VERDICT_LABEL else "review",
                "decision_label": _VERDICT_LABEL.get(r.get("decision") or "", "Review"),
                "reason": _match(_REASON, message),
                "expires": _match(_UNTIL, message),
                "approved_by": _match(_APPROVED, message),
                "message": display(message, 1000),
            }
        )
    for f in m.get("findings") or []:
        if f.get("code") == "exception-expired":
            message = str(f.get("message") or "")
            out.append(
                {
                    "status": "expired",
                    "decision": None,
                    "decision_label": None,
                    "reason": None,
                    "expires": _match(_EXPIRED, message),
                    "approved_by": None,
                    "message": display(message, 1000),
                }
            )
    return out


def _match(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    return display(found.group(1).strip(), 300) if found else None
