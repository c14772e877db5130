"""``licscan detect FILE...``: classify local licence texts with the scan's engine."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from licscan.cli.common import fail, load_db
from licscan.errors import EXIT_OK
from licscan.text import clip


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def detect(files: tuple[Path, ...], fmt: str) -> None:
    """Classify local licence texts (private checkpoints, vendored models) with the scan's engine.

    \b
    Examples:
      licscan detect vendor/model/LICENSE
      licscan detect LICENSE NOTICE USE_POLICY.md --format json
    """
    from licscan.detect import detect_text, detection_findings

    db = load_db()
    rows: list[dict[str, Any]] = []
    from licscan import limits
    from licscan.files import LocalFileError, read_regular

    for path in files:
        try:  # a regular file within its limit: `detect /dev/zero` is an input error, not a MemoryError
            text = read_regular(path, limits.DETECT_BYTES).decode("utf-8-sig", errors="replace")
        except LocalFileError as exc:
            fail(str(exc))
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
                "shared_with": list(found.shared_with),
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
