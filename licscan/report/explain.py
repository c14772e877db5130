"""The text of ``licscan explain``: one model's whole reasoning, for a person at a terminal."""

from __future__ import annotations

from typing import Any

from licscan.text import clip


def render_explanation(m: dict[str, Any], record: Any) -> str:
    out: list[str] = []
    say = out.append
    say(f"{m['repo_id']}@{m['requested_revision'] or 'main'}  (commit {m['revision'] or 'not resolved'})")
    say("")
    say("Metadata seen:")
    card = record.card_data if record is not None else {}
    for key in ("license", "licenses", "license_name", "license_link", "base_model", "base_model_relation", "datasets"):
        if key in card:
            say(f"  {key}: {clip(card[key], 160)}")
    if record is not None:
        kind = f"pipeline_tag: {record.pipeline_tag}" if record.repo_type != "dataset" else "a dataset repo"
        say(f"  gated: {record.gated}; {kind}")
        files = sorted(record.files) if record.files else []
        say("Files read: " + (", ".join(files) if files else "none (card metadata was enough)"))
    say("")
    say("Evidence:")
    for e in m["evidence"]:
        say(f"  [{e['source']}] {e['detail']}")
    say("")
    declared = m["declared_license"]["id"] if m["declared_license"] else "none known"
    effective = m["license"]["id"] if m["license"] else "none known"
    say(f"Declared: {declared} ({m['declared_class']})")
    say(f"Effective: {effective} ({m['class']})" + (f", from {m['license']['source']}" if m["license"] else ""))
    say("")
    say("Lineage:" if m["base_models"] else "Lineage: no base model")
    for base in m["base_models"]:
        lic = base["license"]["id"] if base["license"] else "no known licence"
        state = "" if base["resolved"] else " (could not be read)"
        say(f"  {'  ' * (base['depth'] - 1)}└ {base['repo_id']}: {lic} ({base['class']}){state}")
    say("")
    say("Obligations:" if m["obligations"] else "Obligations: none")
    for o in m["obligations"]:
        data = ", ".join(f"{k}={o[k]}" for k in ("threshold", "regions", "applies_to", "link") if k in o)
        say(f"  [ ] {o['kind']} ({o['license']}): {o['summary']}" + (f" [{data}]" if data else ""))
    say("")
    trained = m.get("training_data") or []
    say(
        "Training data (it does not change the class; the policy's training_data: decides):"
        if trained
        else "Training data: none named"
    )
    for t in trained:
        name = t["repo_id"] or repr(t["value"])
        lic = t["license"]["id"] if t.get("license") else "no known licence"
        origin = "" if str(t["from"]).lower() == str(m["repo_id"]).lower() else f", named by base {t['from']}"
        state = f" (could not be read: {t['failure']})" if not t["resolved"] else ""
        gated = f", gated ({t['gated']})" if t.get("gated") else ""
        say(f"  - {clip(name, 120)}: {lic} ({t['class']}{gated}{origin}){clip(state, 300)}")
    say("")
    say("Findings:" if m["findings"] else "Findings: none")
    for f in m["findings"]:
        say(f"  {f['severity']}: {f['code']}: {f['message']}")
    if m["verdict"]:
        say("")
        say(f"Verdict: {m['verdict']}")
        for r in m["reasons"]:
            say(f"  {r['decision']} [{r['rule']}] {r['message']}")
    out += openness_lines(m)
    return "\n".join(out) + "\n"


def openness_lines(m: dict[str, Any]) -> list[str]:
    """The grade's reasoning: each component's state and evidence, what blocks the next level, OSAID."""
    from licscan.report.openness_json import blocks_of, components_of, level_of

    parts = components_of(m)
    if not parts:
        return []
    openness = m["openness"]
    head = f"Openness: {level_of(m)}" + (f" (MOF Class {openness['mof_class']})" if openness.get("mof_class") else "")
    out = ["", head + " — graded from the model info already fetched; nothing is guessed"]
    never = [name for name, c in parts if c.get("reason") == "NOT_ON_HUB" and not c.get("attested")]
    for name, c in parts:
        if name in never:
            continue
        reason = f"{c['reason']}: " if c.get("reason") else ""
        mark = " [attested]" if c.get("attested") else ""
        out.append(f"  {name:<25} {c.get('state', '?'):<10} {reason}{clip(c.get('evidence') or '', 300)}{mark}")
    if never:
        out.append(f"  not on the Hub (attest them in openness.yaml): {', '.join(never)}")
    for block in blocks_of(m):
        out.append(f"  {block.get('message')}")
    out.append(f"  OSAID: {openness.get('osaid')}: {openness.get('osaid_reason') or ''}")
    return out
