"""`licscan explain` (the whole reasoning for one model) and `licscan detect` (local texts)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from licscan.cli_options import cache_options, snapshot_opt
from licscan.errors import EXIT_FETCH_FAILED, EXIT_OK
from licscan.text import clip


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def detect(files: tuple[Path, ...], fmt: str) -> None:
    """Classify local licence texts (private checkpoints, vendored models) with the scan's engine."""
    from licscan.cli import _fail, _load_db
    from licscan.detect import detect_text, detection_findings

    db = _load_db()
    rows: list[dict[str, Any]] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError as exc:
            _fail(f"{path}: cannot read: {exc.strerror}")
        found = detect_text(text, db)
        lic = found.license
        rows.append(
            {
                "file": str(path),
                "license": {"id": lic.id, "name": lic.name, "spdx_id": lic.spdx_id} if lic else None,
                "class": lic.license_class.value if lic else "unknown",
                "kind": found.kind,
                "confidence": round(found.confidence, 3),
                "coverage": round(found.coverage, 3),
                "matched_phrases": list(found.matched_phrases),
                "candidates": [{"id": c.id, "score": round(c.score, 3)} for c in found.candidates],
                "document": found.document,
                "findings": [
                    {"code": f.code, "severity": f.severity.value, "message": f.message}
                    for f in detection_findings(found)
                ],
            }
        )
    if fmt == "json":
        click.echo(json.dumps({"schema_version": 1, "files": rows}, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            lic_id = row["license"]["id"] if row["license"] else "unknown"
            click.echo(f"{row['file']}: {lic_id} ({row['class']}; {row['kind']}, confidence {row['confidence']:.2f})")
            if row["document"]:
                click.echo(f"  a policy document: {row['document']}")
            for phrase in row["matched_phrases"][:6]:
                click.echo(f"  matched: {clip(phrase, 100)}")
            if row["candidates"]:
                click.echo("  candidates: " + ", ".join(f"{c['id']} ({c['score']:.2f})" for c in row["candidates"]))
            for finding in row["findings"]:
                click.echo(f"  {finding['code']}: {clip(finding['message'], 600)}")
    sys.exit(EXIT_OK)


@click.command()
@click.argument("reference")
@snapshot_opt
@cache_options
@click.option("--verify-text", is_flag=True, help="Read the licence files even when the metadata is clear.")
@click.option("--policy", "policy_path", type=click.Path(path_type=Path, dir_okay=False), help="Policy file.")
def explain(
    reference: str,
    snapshot: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
    cache_ttl: float,
    verify_text: bool,
    policy_path: Path | None,
) -> None:
    """Print the whole reasoning for REPO[@REV]: metadata, files, detection, lineage, obligations."""
    from licscan.cli import _apply_policy, _build_source, _fail, _load_db, _read_policy_option
    from licscan.manifest.refs import split_reference
    from licscan.scan import scan
    from licscan.types import ModelRef

    repo_id, revision, problem = split_reference(reference.strip())
    if problem:
        _fail(f"{reference}: {problem}")
    db = _load_db()
    policy, policy_file = _read_policy_option(policy_path, db)
    source = _build_source(snapshot, cache_dir, no_cache, cache_ttl, 120.0)
    ref = ModelRef(repo_id=repo_id, revision=revision, path="<command line>", line=0)
    result = scan([ref], source, db, jobs=4, verify_text=verify_text)
    result = _apply_policy(result, policy, policy_file)
    from licscan.report.json_report import model_json

    click.echo(render_explanation(model_json(result.models[0]), result.models[0].record))
    sys.exit(EXIT_FETCH_FAILED if result.fetch_failed else EXIT_OK)


def render_explanation(m: dict[str, Any], record: Any) -> str:
    out: list[str] = []
    say = out.append
    say(f"{m['repo_id']}@{m['requested_revision'] or 'main'}  (commit {m['revision'] or 'not resolved'})")
    say("")
    say("Metadata seen:")
    card = record.card_data if record is not None else {}
    for key in ("license", "license_name", "license_link", "base_model", "base_model_relation"):
        if key in card:
            say(f"  {key}: {clip(card[key], 160)}")
    if record is not None:
        say(f"  gated: {record.gated}; pipeline_tag: {record.pipeline_tag}")
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
    say("Findings:" if m["findings"] else "Findings: none")
    for f in m["findings"]:
        say(f"  {f['severity']}: {f['code']}: {f['message']}")
    if m["verdict"]:
        say("")
        say(f"Verdict: {m['verdict']}")
        for r in m["reasons"]:
            say(f"  {r['decision']} [{r['rule']}] {r['message']}")
    return "\n".join(out) + "\n"


__all__ = ["detect", "explain", "render_explanation"]
