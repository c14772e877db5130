"""``licscan diff OLD.json NEW.json``: the changes between two saved scans, with the same gate."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from licscan.cli.common import fail
from licscan.compare import read_scan_document
from licscan.diff import annotate, diff_documents, exit_code
from licscan.errors import InputError
from licscan.report.changes import render_changes_json, render_changes_markdown, render_changes_table


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--fail-on",
    type=click.Choice(["deny", "review"]),
    default=None,
    help="Exit 1 when an added or changed model's verdict is this or worse (default: deny). Needs verdicts in NEW.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
def diff_command(old: Path, new: Path, fail_on: str | None, fmt: str) -> None:
    """Compare two saved JSON scans: models added, removed, changed or unchanged.

    Only added and changed models can fail the gate; removed ones are listed
    and never fail it. Exit 1 when the gate fails, 3 when an added or changed
    model could not be fetched, 2 when a file is not a licscan JSON report.

    \b
    Examples:
      licscan diff base.json head.json
      licscan diff base.json head.json --format markdown --fail-on review
    """
    try:
        old_doc = read_scan_document(old)
        new_doc = read_scan_document(new)
    except InputError as exc:
        fail(str(exc))
    if fail_on is not None and new_doc.get("policy") is None:
        fail(f"--fail-on needs verdicts, and {new} was scanned without a policy")
    threshold = fail_on or "deny"
    changes = diff_documents(old_doc, new_doc)
    annotate(new_doc, changes, str(old), old_apis=old_doc.get("apis"))
    if fmt == "json":
        click.echo(render_changes_json(changes, str(old), str(new), threshold, new_doc), nl=False)
    elif fmt == "markdown":
        click.echo(render_changes_markdown(changes, str(old), threshold), nl=False)
    else:
        click.echo(render_changes_table(changes, str(old), threshold), nl=False)
    sys.exit(exit_code(new_doc, threshold))
