"""Renderers of the release notice (``licscan notice``): Markdown, plain text and JSON.

Each lays out a ``licscan.notice.Notice`` and decides nothing: which models
ship, which duties bind and which do not apply were settled by
``build_notice``. Two parts in each format: the **release checklist** (what
to do, grouped, one box per duty) and the **attribution** (per shipping
model: where it comes from, its licence with a link to the text, the notices
and credits it requires), which can be shipped as it is as a third-party
notices file.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from licscan.notice import Duty, Notice, Reach
from licscan.report import markdown
from licscan.text import display

NOTICE_SCHEMA_VERSION = 1
_WIDTH = 100
_KIND_LABEL = {
    "notice": "Notice",
    "pass-through": "Pass the licence on",
    "attribution": "Attribution",
    "naming": "Naming",
    "acceptable-use": "Acceptable-use policy",
    "use-restrictions": "Use restrictions",
    "user-threshold": "User threshold",
    "revenue-threshold": "Revenue threshold",
    "region-restriction": "Region restriction",
    "state-changes": "State changes",
    "no-training-other-models": "No training of other models",
    "share-alike": "Share alike",
    "source-disclosure": "Source disclosure",
    "non-commercial": "Non-commercial",
    "no-derivatives": "No derivatives",
}
_DISTRIBUTION = {
    "hosted": "hosted (the models run as a service; weights are not handed over)",
    "on-prem": "on-prem (the models run at the customer's site: the weights are handed over)",
    "weights": "weights (the weights are handed to others)",
}


def kind_label(kind: str) -> str:
    return _KIND_LABEL.get(kind, kind)


def headline(notice: Notice) -> str:
    """``12 models ship; 6 are left out (3 denied, 3 waiting for legal review).``"""
    n = len(notice.ships)
    text = f"{n} model{'s' if n != 1 else ''} ship{'s' if n == 1 else ''}"
    if notice.left_out:
        denied = sum(1 for x in notice.left_out if x.verdict == "deny")
        review = sum(1 for x in notice.left_out if x.verdict == "review")
        parts = [f"{denied} denied"] * bool(denied) + [f"{review} waiting for legal review"] * bool(review)
        other = len(notice.left_out) - denied - review
        parts += [f"{other} with no verdict"] * bool(other)
        text += f"; {len(notice.left_out)} {'is' if len(notice.left_out) == 1 else 'are'} left out ({', '.join(parts)})"
    return text + "."


def distribution_label(notice: Notice) -> str:
    if notice.distribution is None:
        return "not declared (every duty is listed)"
    return _DISTRIBUTION.get(notice.distribution, notice.distribution)


def _hosted(notice: Notice) -> bool:
    return notice.distribution == "hosted"


# -- Markdown ---------------------------------------------------------------------------------------------


_JOINED_AT = re.compile("(?<=[\\w.-])@\u2060")


def md_escape(value: Any, limit: int = 200) -> str:
    """The Markdown report's escaping, less the word joiner after an '@' inside a word (``org/x@v1.0``).

    GitHub mentions only an '@' that starts a word; a notice is also a file people copy names from,
    where an invisible character inside a name would be a defect.
    """
    return _JOINED_AT.sub("@", markdown.md_escape(value, limit))


def _url(url: str) -> str:
    """A URL that stays one Markdown link target: brackets, parentheses, spaces and quotes percent-encoded."""
    return quote(url, safe=":/?#@!$&*+,;=%~-._")


def _md_link(text: str, url: str | None, limit: int = 200) -> str:
    label = md_escape(text, limit)
    return f"[{label}]({_url(url)})" if url else label


def _md_reach(reach: Iterable[Reach]) -> str:
    parts = []
    for r in reach:
        via = f" (through {', '.join(md_escape(v, 120) for v in r.via)})" if r.via else ""
        parts.append(md_escape(r.model, 160) + via)
    return "; ".join(parts)


def _title(d: Duty, quote_phrase: Any) -> str:
    if d.display:
        verb = "Prefix model names with" if d.kind == "naming" else "Display"
        return f"{verb} {' or '.join(quote_phrase(p) for p in d.display)}"
    return kind_label(d.kind)


def _extras(d: Duty) -> list[str]:
    return [
        x
        for x in (
            d.watch,
            ("regions: " + ", ".join(d.regions)) if d.regions else None,
            f"applies to {d.applies_to} models" if d.applies_to else None,
        )
        if x
    ]


def _md_duty(d: Duty) -> list[str]:
    title = _title(d, lambda p: '"' + md_escape(p, 80) + '"')
    box = "- " if d.not_applicable else "- [ ] "  # nothing to check off for a duty that does not bind
    lines = [f"{box}**{md_escape(title, 300) if not d.display else title}**"]
    extras = [md_escape(x, 300) for x in _extras(d)]
    if extras:
        lines[0] += " · " + " · ".join(extras)
    if d.summary:
        lines[0] += f": {md_escape(d.summary, 1000)}"
    for s in d.sources:
        licence = f"{md_escape(s.license_name, 160)} (`{md_escape(s.license_id, 80)}`" + (
            f", [text]({_url(s.license_url)}))" if s.license_url else ")"
        )
        wording = "" if d.summary else f": {md_escape(s.summary, 1000)}"
        policy = f" Policy: [{md_escape(s.link, 200)}]({_url(s.link)})." if s.link else ""
        lines.append(f"  - {licence}{wording}{policy} — binds {_md_reach(s.models)}.")
    if d.not_applicable:
        lines.append(f"  - Does not apply: it {md_escape(d.not_applicable, 400)}.")
    return lines


def render_notice_markdown(notice: Notice) -> str:
    out = ["# Release notice: AI models", ""]
    scanned = ", ".join(f"`{md_escape(m, 200)}`" for m in notice.manifests) or "no manifest"
    policy = f"`{md_escape(notice.policy, 200)}`" if notice.policy else "none"
    out += [
        f"Scan of {scanned} at {md_escape(notice.generated_at, 40)} (licscan {md_escape(notice.tool_version, 40)}) "
        f"· policy {policy} · distribution: {md_escape(distribution_label(notice), 200)}",
        "",
        f"**{md_escape(headline(notice), 300)}**",
        "",
    ]
    out += [f"> {md_escape(note, 500)}" for note in notice.notes]
    if notice.notes:
        out.append("")
    out += ["## Release checklist", ""]
    hosted = _hosted(notice)
    if not hosted and (notice.licences or notice.files):
        out += ["### Licence texts and files to include", ""]
        out += [_md_licence(t) for t in notice.licences]
        out += _md_files(notice)
        out.append("")
    for group in notice.groups:
        out += [f"### {md_escape(group.title, 200)}", "", md_escape(group.what, 300), ""]
        for duty in group.duties:
            out += _md_duty(duty)
        out.append("")
    if not notice.groups and not notice.licences:
        out += ["No duty binds the models that ship.", ""]
    if notice.not_applicable:
        out += ["## Not required for this release", ""]
        for duty in notice.not_applicable:
            out += _md_duty(duty)
        out.append("")
    if hosted and (notice.licences or notice.files):
        out += ["## Licences of the models that ship (for reference)", ""]
        out += [_md_licence(t, box=False) for t in notice.licences]
        out += _md_files(notice, box=False)
        out.append("")
    if notice.unknown:
        out += ["## Shipping with unknown duties", ""]
        out += [
            f"- [ ] {md_escape(s.label, 200)} ({md_escape(s.manifest, 200)}): {md_escape(s.unknown, 300)}"
            for s in notice.unknown
        ]
        out.append("")
    if notice.left_out:
        out += ["## Left out of the release", "", "| Model | Manifest | Verdict | Why |", "|---|---|---|---|"]
        out += [
            f"| {md_escape(x.label, 200)} | {md_escape(x.manifest, 200)} | {md_escape(x.verdict, 20)} | "
            f"{md_escape(x.why, 600)} |"
            for x in notice.left_out
        ]
        out.append("")
    out += ["## Attribution", "", "This release includes the following third-party AI models.", ""]
    for s in notice.ships:
        out += [f"### {md_escape(s.label, 200)}", ""]
        out.append(
            f"- Source: {_md_link(s.repo_id, s.url)}" + (f" at `{md_escape(s.revision, 80)}`" if s.revision else "")
        )
        if s.license_id:
            licence = _md_link(f"{s.license_name} ({s.license_id})", s.license_url, 300)
            inherited = f", inherited from {md_escape(s.license_source, 200)}" if s.license_source else ""
            out.append(f"- Licence: {licence}{inherited}")
        else:
            out.append(f"- Licence: not identified ({md_escape(s.unknown or '', 300)})")
        for credit in _credits(notice, s.label):
            out.append(f"- {md_escape(credit, 1000)}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _md_licence(t: Any, box: bool = True) -> str:
    link = f": <{_url(t.url)}>" if t.url else ": no text URL in licscan's database"
    prefix = "- [ ] " if box else "- "
    return f"{prefix}**{md_escape(t.name, 200)}** (`{md_escape(t.id, 80)}`){link} · for " + "; ".join(
        md_escape(m, 160) for m in t.models
    )


def _md_files(notice: Notice, box: bool = True) -> list[str]:
    by_model: dict[str, list[str]] = {}
    for f in notice.files:
        by_model.setdefault(f.model, []).append(f"[{md_escape(f.name, 120)}]({_url(f.url)})")
    prefix = "- [ ] " if box else "- "
    return [f"{prefix}files of {md_escape(model, 200)}: {', '.join(links)}" for model, links in by_model.items()]


def _credits(notice: Notice, label: str) -> list[str]:
    """The notices and credits a shipping model requires, for its attribution entry."""
    out = []
    for group in notice.groups:
        for d in group.duties:
            if d.kind not in ("notice", "attribution", "naming"):
                continue
            for s in d.sources:
                if any(r.model == label for r in s.models):
                    out.append(f"{kind_label(d.kind)} ({s.license_id}): {s.summary}")
    return out


# -- plain text --------------------------------------------------------------------------------------------


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(
        display(text, 4000).replace("\n", " "),
        width=_WIDTH,
        initial_indent=first if first is not None else indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first or indent]


def _text_reach(reach: Iterable[Reach]) -> str:
    return "; ".join(r.model + (f" (through {', '.join(r.via)})" if r.via else "") for r in reach)


def _text_duty(d: Duty) -> list[str]:
    out = _wrap(_title(d, lambda p: f'"{p}"'), "        ", "    - " if d.not_applicable else "    [ ] ")
    for extra in _extras(d):
        out += _wrap(extra, "        ")
    if d.summary:
        out += _wrap(d.summary, "        ")
    for s in d.sources:
        out += _wrap(
            f"{s.license_name} ({s.license_id})" + ("" if d.summary else f": {s.summary}"), "          ", "        - "
        )
        if s.license_url:
            out += _wrap(f"licence text: {s.license_url}", "          ")
        if s.link:
            out += _wrap(f"policy: {s.link}", "          ")
        out += _wrap(f"binds: {_text_reach(s.models)}", "          ")
    if d.not_applicable:
        out += _wrap(f"does not apply: it {d.not_applicable}", "        ")
    return out


def render_notice_text(notice: Notice) -> str:
    out = ["RELEASE NOTICE: AI MODELS", ""]
    out += _wrap(
        f"Scan of {', '.join(notice.manifests) or 'no manifest'} at {notice.generated_at} "
        f"(licscan {notice.tool_version}); policy {notice.policy or 'none'}",
        "",
    )
    out += _wrap(f"Distribution: {distribution_label(notice)}", "")
    out += _wrap(headline(notice), "")
    for note in notice.notes:
        out += _wrap(note, "  ", "! ")
    out += ["", "RELEASE CHECKLIST", ""]
    hosted = _hosted(notice)
    if not hosted and (notice.licences or notice.files):
        out.append("Licence texts and files to include")
        out += _text_licences(notice, "    [ ] ")
        out.append("")
    for group in notice.groups:
        out.append(display(group.title, 200))
        out += _wrap(group.what, "    ")
        for duty in group.duties:
            out += _text_duty(duty)
        out.append("")
    if notice.not_applicable:
        out.append("NOT REQUIRED FOR THIS RELEASE")
        for duty in notice.not_applicable:
            out += _text_duty(duty)
        out.append("")
    if hosted and (notice.licences or notice.files):
        out.append("LICENCES OF THE MODELS THAT SHIP (for reference)")
        out += _text_licences(notice, "    ")
        out.append("")
    if notice.unknown:
        out.append("SHIPPING WITH UNKNOWN DUTIES")
        for s in notice.unknown:
            out += _wrap(f"{s.label} ({s.manifest}): {s.unknown}", "        ", "    [ ] ")
        out.append("")
    if notice.left_out:
        out.append("LEFT OUT OF THE RELEASE")
        for x in notice.left_out:
            out += _wrap(f"{x.label} ({x.manifest}), {x.verdict}: {x.why}", "        ", "    - ")
        out.append("")
    out += ["ATTRIBUTION", "", "This release includes the following third-party AI models.", ""]
    for s in notice.ships:
        out.append(display(s.label, 300))
        out += _wrap(f"Source: {s.url}" + (f" at {s.revision}" if s.revision else ""), "    ")
        if s.license_id:
            inherited = f", inherited from {s.license_source}" if s.license_source else ""
            out += _wrap(f"Licence: {s.license_name} ({s.license_id}){inherited}", "    ")
            if s.license_url:
                out += _wrap(f"Licence text: {s.license_url}", "    ")
        else:
            out += _wrap(f"Licence: not identified ({s.unknown})", "    ")
        for credit in _credits(notice, s.label):
            out += _wrap(credit, "      ", "    - ")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _text_licences(notice: Notice, prefix: str) -> list[str]:
    out = []
    for t in notice.licences:
        out += _wrap(f"{t.name} ({t.id})", " " * len(prefix), prefix)
        out += _wrap(f"text: {t.url or 'no text URL in licscan database'}", " " * (len(prefix) + 4))
        out += _wrap(f"for: {'; '.join(t.models)}", " " * (len(prefix) + 4))
    by_model: dict[str, list[str]] = {}
    for f in notice.files:
        by_model.setdefault(f.model, []).append(f.url)
    for model, urls in by_model.items():
        out += _wrap(f"files of {model}:", " " * len(prefix), prefix)
        for url in urls:
            out += _wrap(url, " " * (len(prefix) + 4))
    return out


# -- JSON ----------------------------------------------------------------------------------------------------


def notice_json(notice: Notice) -> dict[str, Any]:
    """The notice as a versioned JSON document (``kind: licscan-notice``; fields only added within a version)."""
    return {
        "schema_version": NOTICE_SCHEMA_VERSION,
        "kind": "licscan-notice",
        "tool": {"name": "licscan", "version": notice.tool_version},
        "generated_at": notice.generated_at,
        "manifests": list(notice.manifests),
        "policy": notice.policy,
        "context": dict(notice.context) if notice.context else None,
        "distribution": notice.distribution,
        "summary": {
            "ships": len(notice.ships),
            "left_out": len(notice.left_out),
            "unknown_duties": len(notice.unknown),
        },
        "notes": list(notice.notes),
        "ships": [
            {
                "model": s.label,
                "repo_id": s.repo_id,
                "revision": s.revision,
                "manifest": s.manifest,
                "url": s.url,
                "verdict": s.verdict,
                "license": s.license_id,
                "license_name": s.license_name,
                "license_url": s.license_url,
                "license_source": s.license_source,
                "unknown": s.unknown,
            }
            for s in notice.ships
        ],
        "left_out": [
            {"model": x.label, "manifest": x.manifest, "verdict": x.verdict, "why": x.why} for x in notice.left_out
        ],
        "licenses": [
            {"id": t.id, "name": t.name, "spdx_id": t.spdx_id, "url": t.url, "models": list(t.models)}
            for t in notice.licences
        ],
        "files": [{"model": f.model, "name": f.name, "url": f.url} for f in notice.files],
        "groups": [
            {"id": g.id, "title": g.title, "what": g.what, "duties": [_duty_json(d) for d in g.duties]}
            for g in notice.groups
        ],
        "not_applicable": [_duty_json(d) for d in notice.not_applicable],
    }


def _duty_json(d: Duty) -> dict[str, Any]:
    return {
        "kind": d.kind,
        "display": list(d.display),
        "threshold": d.threshold,
        "regions": list(d.regions),
        "applies_to": d.applies_to,
        "watch": d.watch,
        "not_applicable": d.not_applicable,
        "sources": [
            {
                "license": s.license_id,
                "license_name": s.license_name,
                "license_url": s.license_url,
                "summary": s.summary,
                "link": s.link,
                "models": [{"model": r.model, "via": list(r.via)} for r in s.models],
            }
            for s in d.sources
        ],
    }


def render_notice_json(notice: Notice) -> str:
    return json.dumps(notice_json(notice), indent=2, ensure_ascii=False) + "\n"


NOTICE_FORMATS = {
    "markdown": render_notice_markdown,
    "text": render_notice_text,
    "json": render_notice_json,
}
