"""The release notice: what a release of the models that ship must do, merged across every model and base.

Pure: it reads a finished scan document (schema v1, see ``report.json_report``)
and the policy's context, and returns a ``Notice`` that the renderers
(``report.notice`` for Markdown, text and JSON, ``report.html`` for its
section) only lay out.

* **Which models ship.** With verdicts, the allowed ones; denied and review
  models are left out, each with the reason that decided it. Without
  verdicts (no policy) nothing is left out: the checklist fails closed and
  covers every model listed. A model that ships although its licence is
  unknown (an exception, ``on_fetch_error: allow``) is named apart: its
  duties are not in the database, so legal must supply them.
* **What to do.** Every obligation of every licence along each shipping
  model's lineage (the scan has already attached its bases' obligations),
  merged per licence and kind, and grouped by what a person must do: include
  licence texts and notices, display attributions, name derived models, pass
  on use policies, watch thresholds, and so on. Each duty names its licence,
  the licence's text URL (the document's ``licenses`` catalogue), the models
  it binds and the base it comes through.
* **Hosted distribution.** Duties that bind only when weights or files are
  handed over (the policy engine's ``REDISTRIBUTION_KINDS``) are listed apart
  as not applying, with the reason, so that verdicts and notice agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from licscan.policy.evaluate import REDISTRIBUTION_KINDS
from licscan.report.common import hub_base, hub_url, model_label

# Groups in the order a release manager works through them: id, title, what to do.
GROUPS: tuple[tuple[str, str, str], ...] = (
    (
        "texts",
        "Include these licence texts and notices",
        "Ship the text of each licence, the repos' licence and NOTICE files, and the notices the licences require.",
    ),
    ("attribution", "Display these attributions", "Show the credit each licence asks for where it asks for it."),
    ("naming", "Name derived models as the licences require", "Apply these names to models you build from them."),
    (
        "use-policies",
        "Pass on these use policies and restrictions",
        "Bind your users (and anyone you hand the models to) to these terms.",
    ),
    ("thresholds", "Watch these thresholds", "A separate licence is needed once the product passes them."),
    ("regions", "Respect these regional restrictions", "The licences grant no rights in these regions."),
    ("changes", "Mark what you changed", "Modified files must say that they were changed."),
    (
        "training",
        "Do not train other models on outputs",
        "These licences restrict using outputs to improve other models.",
    ),
    ("copyleft", "Share alike and disclose source", "Derivatives go out under the same terms, with their source."),
    (
        "limits",
        "Keep within these limits of use",
        "Non-commercial use only, or no derivatives: check the product fits.",
    ),
    ("other", "Other duties", "Read each one: licscan has no group for it."),
)
_GROUP_OF_KIND = {
    "notice": "texts",
    "pass-through": "texts",
    "attribution": "attribution",
    "naming": "naming",
    "acceptable-use": "use-policies",
    "use-restrictions": "use-policies",
    "user-threshold": "thresholds",
    "revenue-threshold": "thresholds",
    "region-restriction": "regions",
    "state-changes": "changes",
    "no-training-other-models": "training",
    "share-alike": "copyleft",
    "source-disclosure": "copyleft",
    "non-commercial": "limits",
    "no-derivatives": "limits",
}
# A quoted phrase in a duty's summary is the exact text to display or prefix ("Built with Llama", "Llama 3").
_QUOTED = re.compile(r"[\"“]([^\"“”\n]{2,80})[\"”]")
_FETCH_CODES = frozenset({"not-found", "gated", "revision-not-found", "fetch-failed"})
HOSTED_WHY = (
    "binds only when the weights or files are handed over, and the policy declares hosted distribution "
    "(context.distribution: hosted)"
)


@dataclass(frozen=True)
class Reach:
    """A model a duty binds, and the bases its licence comes through (empty: the model's own licence)."""

    model: str  # org/name[@revision] as the manifest lists it
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """One licence behind a duty: its wording of the duty and the shipping models it binds."""

    license_id: str
    license_name: str
    license_url: str | None
    summary: str
    models: tuple[Reach, ...]
    link: str | None = None  # the document the licence points to for this duty (an acceptable-use policy)


@dataclass(frozen=True)
class Duty:
    """One thing to do, merged over every licence that asks for it and every shipping model it binds.

    Duties merge when they ask for the same act: the same words to display or prefix ("Built with
    Llama" from Llama 3.1, 3.2, 3.3 and 4 is one box), the same threshold, the same regions, or the
    same kind of duty (every acceptable-use policy to pass on is one box, each policy a source). Each
    source keeps its licence's own wording and link.
    """

    kind: str
    group: str
    sources: tuple[Source, ...]
    display: tuple[str, ...] = ()  # quoted phrases to show or prefix, taken from the summary
    threshold: int | None = None
    regions: tuple[str, ...] = ()
    applies_to: str | None = None
    watch: str | None = None  # thresholds: how the policy's declared figure compares
    not_applicable: str | None = None  # why the duty does not bind this release, or None when it does

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.model for s in self.sources for r in s.models))

    @property
    def license_ids(self) -> tuple[str, ...]:
        return tuple(s.license_id for s in self.sources)

    @property
    def summary(self) -> str | None:
        """The wording all sources share, or None when the licences word the duty differently."""
        wordings = {s.summary for s in self.sources}
        return wordings.pop() if len(wordings) == 1 else None


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    what: str
    duties: tuple[Duty, ...]


@dataclass(frozen=True)
class LicenceText:
    id: str
    name: str
    spdx_id: str | None
    url: str | None
    models: tuple[str, ...]


@dataclass(frozen=True)
class RepoFile:
    """A licence or notice file a shipping repo lists, at the scanned commit."""

    model: str
    name: str
    url: str


@dataclass(frozen=True)
class Shipped:
    label: str
    repo_id: str
    revision: str | None
    manifest: str
    url: str
    license_id: str | None
    license_name: str | None
    license_url: str | None
    license_source: str | None  # the base the effective licence comes from, when not the model itself
    verdict: str | None
    unknown: str | None = None  # why its duties are unknown (no licence identified), or None


@dataclass(frozen=True)
class LeftOut:
    label: str
    manifest: str
    verdict: str
    why: str


@dataclass(frozen=True)
class Notice:
    generated_at: str
    tool_version: str
    manifests: tuple[str, ...]
    policy: str | None
    context: Mapping[str, Any] | None
    distribution: str | None
    ships: tuple[Shipped, ...]
    left_out: tuple[LeftOut, ...]
    groups: tuple[Group, ...]  # only groups with duties that apply, in GROUPS order
    not_applicable: tuple[Duty, ...]
    licences: tuple[LicenceText, ...]
    files: tuple[RepoFile, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def unknown(self) -> tuple[Shipped, ...]:
        return tuple(s for s in self.ships if s.unknown)


def build_notice(
    doc: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    licences: Mapping[str, Mapping[str, Any]] | None = None,
) -> Notice:
    """The notice for ``doc``. ``context`` overrides the document's ``policy_context``; ``licences`` fills
    in catalogue entries the document lacks (a scan saved before it carried them)."""
    ctx = dict(context) if context is not None else _mapping(doc.get("policy_context"))
    catalogue = {**(licences or {}), **_mapping(doc.get("licenses"))}
    distribution = ctx.get("distribution") if ctx else None
    models = [m for m in doc.get("models") or [] if isinstance(m, dict)]
    judged = any(m.get("verdict") for m in models)
    ships: list[Shipped] = []
    left_out: list[LeftOut] = []
    shipping: list[dict[str, Any]] = []
    for m in models:
        verdict = m.get("verdict")
        if judged and verdict != "allow":
            left_out.append(_left_out(m))
            continue
        shipping.append(m)
        ships.append(_shipped(doc, m, catalogue))

    # key -> {"ob": the first obligation, "sources": {(licence, summary): [Reach, ...]}}
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for m in shipping:
        for ob in m.get("obligations") or []:
            if not isinstance(ob, dict) or not ob.get("kind"):
                continue
            entry = merged.setdefault(_merge_key(ob), {"ob": ob, "sources": {}})
            source_key = (str(ob.get("license")), str(ob.get("summary") or ""), _http(ob.get("link")))
            reach = entry["sources"].setdefault(source_key, [])
            item = Reach(model_label(m), _via(m, str(ob.get("license"))))
            if item not in reach:
                reach.append(item)
    duties = [_duty(e["ob"], e["sources"], catalogue, ctx, distribution) for e in merged.values()]
    applying = [d for d in duties if d.not_applicable is None]
    groups = tuple(
        Group(gid, title, what, tuple(sorted((d for d in applying if d.group == gid), key=_duty_order)))
        for gid, title, what in GROUPS
        if any(d.group == gid for d in applying)
    )
    notes = _notes(doc, judged, distribution, ships)
    return Notice(
        generated_at=str(doc.get("generated_at") or ""),
        tool_version=str((doc.get("tool") or {}).get("version") or ""),
        manifests=tuple(str(x) for x in doc.get("manifests") or []),
        policy=str(doc["policy"]) if doc.get("policy") else None,
        context=ctx or None,
        distribution=str(distribution) if distribution else None,
        ships=tuple(ships),
        left_out=tuple(left_out),
        groups=groups,
        not_applicable=tuple(sorted((d for d in duties if d.not_applicable), key=_duty_order)),
        licences=_licence_texts(shipping, catalogue),
        files=tuple(_files(doc, shipping)),
        notes=notes,
    )


# -- which models ship ---------------------------------------------------------------------------------


def _left_out(m: dict[str, Any]) -> LeftOut:
    verdict = str(m.get("verdict") or "none")
    deciding = next((r for r in m.get("reasons") or [] if r.get("decision") == verdict), None)
    reason = str(deciding.get("message")) if deciding else "no reason recorded"
    if verdict == "deny":
        why = f"denied by the policy: {reason}"
    elif verdict == "review":
        why = f"waiting for legal review (it ships once legal clears it, as a policy exception): {reason}"
    else:
        why = f"no verdict although the scan has a policy: {reason}"
    return LeftOut(model_label(m), _where(m), verdict, why)


def _shipped(doc: Mapping[str, Any], m: dict[str, Any], catalogue: Mapping[str, Any]) -> Shipped:
    lic = m.get("license") if isinstance(m.get("license"), dict) else None
    lic_id = str(lic["id"]) if lic and lic.get("id") else None
    source = str(lic.get("source")) if lic and lic.get("source") else None
    unknown = None
    if _fetch_failed(m):
        unknown = "its metadata could not be fetched, so its licence and duties are unknown"
    elif m.get("class") == "unknown" or lic_id is None:
        unknown = "no licence could be identified, so its duties are unknown"
    return Shipped(
        label=model_label(m),
        repo_id=str(m.get("repo_id")),
        revision=str(m["revision"]) if m.get("revision") else None,
        manifest=_where(m),
        url=hub_url(dict(doc), str(m.get("repo_id")), m.get("revision")),
        license_id=lic_id,
        license_name=str(lic.get("name")) if lic else None,
        license_url=_text_url(catalogue, lic_id),
        license_source=source if source and source.lower() != str(m.get("repo_id")).lower() else None,
        verdict=str(m["verdict"]) if m.get("verdict") else None,
        unknown=unknown,
    )


def _fetch_failed(m: Mapping[str, Any]) -> bool:
    return m.get("revision") is None and any(f.get("code") in _FETCH_CODES for f in m.get("findings") or [])


# -- duties --------------------------------------------------------------------------------------------


def _via(m: Mapping[str, Any], license_id: str) -> tuple[str, ...]:
    """The bases a licence comes through; empty when the model itself declares it."""
    declared = m.get("declared_license") if isinstance(m.get("declared_license"), dict) else None
    if declared and declared.get("id") == license_id:
        return ()
    carriers = [
        b
        for b in m.get("base_models") or []
        if isinstance(b.get("license"), dict) and b["license"].get("id") == license_id
    ]
    if not carriers:
        # No base carries it: it came from the model's own card (an expression or a list names several).
        return ()
    # The nearest carriers only: a Llama fine-tune is bound through its parent, not again through the root.
    depths = [b.get("depth") if isinstance(b.get("depth"), int) else 99 for b in carriers]
    nearest = min(depths)
    return tuple(dict.fromkeys(str(b.get("repo_id")) for b, d in zip(carriers, depths, strict=True) if d == nearest))


def _display(ob: Mapping[str, Any]) -> tuple[str, ...]:
    if ob.get("kind") not in ("attribution", "naming"):
        return ()
    return tuple(dict.fromkeys(p.strip() for p in _QUOTED.findall(str(ob.get("summary") or ""))))


def _merge_key(ob: Mapping[str, Any]) -> tuple[Any, ...]:
    kind = str(ob.get("kind"))
    display = _display(ob)
    if display:
        return (kind, "display", display)
    if kind in ("user-threshold", "revenue-threshold") and isinstance(ob.get("threshold"), int):
        return (kind, "threshold", ob["threshold"])
    if kind == "region-restriction":
        return (kind, "regions", tuple(ob.get("regions") or ()), ob.get("applies_to"))
    if kind in ("attribution", "naming"):
        # A credit without a quoted text is worded by each licence its own way: one duty per wording.
        return (kind, "wording", str(ob.get("summary") or ""))
    return (kind,)


def _duty(
    ob: Mapping[str, Any],
    sources: Mapping[tuple[str, str, str | None], list[Reach]],
    catalogue: Mapping[str, Any],
    ctx: Mapping[str, Any],
    distribution: Any,
) -> Duty:
    kind = str(ob.get("kind"))
    threshold = ob.get("threshold") if isinstance(ob.get("threshold"), int) else None
    return Duty(
        kind=kind,
        group=_GROUP_OF_KIND.get(kind, "other"),
        sources=tuple(
            sorted(
                (
                    Source(
                        lic_id,
                        str(_mapping(catalogue.get(lic_id)).get("name") or lic_id),
                        _text_url(catalogue, lic_id),
                        summary,
                        tuple(reach),
                        link,
                    )
                    for (lic_id, summary, link), reach in sources.items()
                ),
                key=lambda s: (s.license_name.lower(), s.summary),
            )
        ),
        display=_display(ob),
        threshold=threshold,
        regions=tuple(str(r) for r in ob.get("regions") or []),
        applies_to=str(ob["applies_to"]) if ob.get("applies_to") else None,
        watch=_watch(kind, threshold, ctx),
        not_applicable=HOSTED_WHY if kind in REDISTRIBUTION_KINDS and distribution == "hosted" else None,
    )


def _watch(kind: str, threshold: int | None, ctx: Mapping[str, Any]) -> str | None:
    if threshold is None or kind not in ("user-threshold", "revenue-threshold"):
        return None
    key, unit = (
        ("monthly_active_users", "monthly active users")
        if kind == "user-threshold"
        else ("annual_revenue_usd", "USD of annual revenue")
    )
    declared = ctx.get(key)
    if not isinstance(declared, int) or isinstance(declared, bool):
        return f"threshold {threshold:,} {unit}; the policy does not declare context.{key}: track it"
    if declared > threshold:
        return (
            f"threshold {threshold:,} {unit}; the policy declares {declared:,}: ABOVE it, a separate licence is needed"
        )
    share = 100 * declared / threshold if threshold else 100.0
    return f"threshold {threshold:,} {unit}; the policy declares {declared:,} ({share:.2g} % of it)"


def _duty_order(d: Duty) -> tuple[str, str, str]:
    first = d.sources[0] if d.sources else Source("", "", None, "", ())
    return (first.license_name.lower(), d.kind, first.summary)


# -- licence texts and files ------------------------------------------------------------------------------


def _licence_texts(shipping: Iterable[dict[str, Any]], catalogue: Mapping[str, Any]) -> tuple[LicenceText, ...]:
    """Every licence that binds a shipping model (its own, inherited, or a base's), with the models it binds."""
    found: dict[str, list[str]] = {}
    for m in shipping:
        ids = [str(ob.get("license")) for ob in m.get("obligations") or [] if ob.get("license")]
        for lic in (
            m.get("license"),
            m.get("declared_license"),
            *(b.get("license") for b in m.get("base_models") or []),
        ):
            if isinstance(lic, dict) and lic.get("id"):
                ids.append(str(lic["id"]))
        for lic_id in dict.fromkeys(ids):
            found.setdefault(lic_id, [])
            if model_label(m) not in found[lic_id]:
                found[lic_id].append(model_label(m))
    out = []
    for lic_id, labels in found.items():
        entry = _mapping(catalogue.get(lic_id))
        spdx = entry.get("spdx_id")
        out.append(
            LicenceText(
                lic_id,
                str(entry.get("name") or lic_id),
                str(spdx) if spdx else None,
                _text_url(catalogue, lic_id),
                tuple(labels),
            )
        )
    return tuple(sorted(out, key=lambda t: t.name.lower()))


def _files(doc: Mapping[str, Any], shipping: Iterable[dict[str, Any]]) -> Iterable[RepoFile]:
    for m in shipping:
        revision = m.get("revision")
        for name in m.get("license_files") or []:
            if not isinstance(name, str) or not revision:
                continue
            url = f"{hub_base(dict(doc))}/{quote(str(m['repo_id']), safe='/')}/blob/{quote(str(revision), safe='')}/"
            yield RepoFile(model_label(m), name, url + quote(name, safe="/"))


def _text_url(catalogue: Mapping[str, Any], lic_id: str | None) -> str | None:
    if not lic_id:
        return None
    urls = _mapping(catalogue.get(lic_id)).get("urls")
    if isinstance(urls, list):
        for url in urls:
            if _http(url):
                return str(url)
    return None


# -- notes ---------------------------------------------------------------------------------------------------


def _notes(doc: Mapping[str, Any], judged: bool, distribution: Any, ships: list[Shipped]) -> tuple[str, ...]:
    notes = []
    if not judged:
        notes.append(
            "The scan has no verdicts (no policy), so no model is left out: the checklist covers every model listed."
        )
    if distribution is None:
        notes.append(
            "The policy does not say how the models are distributed (context.distribution), so every duty is "
            "listed, including those that bind only when weights are handed over."
        )
    unknown = sum(1 for s in ships if s.unknown)
    if unknown:
        notes.append(
            f"{unknown} model{'s' if unknown != 1 else ''} ship{'' if unknown != 1 else 's'} with no licence "
            "identified: legal must supply their duties before the release."
        )
    return tuple(notes)


def _where(m: Mapping[str, Any]) -> str:
    manifest = _mapping(m.get("manifest"))
    line = manifest.get("line")
    return f"{manifest.get('path')}:{line}" if line else str(manifest.get("path"))


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _http(url: Any) -> str | None:
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) and len(url) < 2000 else None


def merge_documents(docs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Several scan documents as one, for a notice over all of them (models in order, catalogues merged)."""
    docs = list(docs)
    if len(docs) == 1:
        return dict(docs[0])
    merged: dict[str, Any] = dict(docs[0]) if docs else {}
    merged["models"] = [m for d in docs for m in d.get("models") or []]
    merged["manifests"] = list(dict.fromkeys(str(x) for d in docs for x in d.get("manifests") or []))
    merged["licenses"] = {k: v for d in reversed(docs) for k, v in _mapping(d.get("licenses")).items()}
    merged["generated_at"] = max(str(d.get("generated_at") or "") for d in docs)
    merged["policy"] = next((d["policy"] for d in docs if d.get("policy")), None)
    merged["policy_context"] = next((d["policy_context"] for d in docs if d.get("policy_context")), None)
    return merged
