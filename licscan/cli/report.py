"""``licscan report SCAN.json --format FORMAT``: render a saved JSON scan again, with no network.

Every renderer reads only the schema-v1 document, so a saved scan renders
exactly as the scan itself would have.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from licscan.cli.common import fail, renderer, write_output
from licscan.cli.options import root_opt
from licscan.errors import EXIT_OK
from licscan.report import FORMATS
from licscan.text import clip

SUPPORTED_SCHEMA_VERSIONS = (1,)
_REQUIRED = ("schema_version", "tool", "summary", "models")


def load_scan(path: Path) -> dict[str, Any]:
    """The scan document in ``path``; exit 2 naming the problem when it is not one licscan can render.

    The file may come from anywhere, so it is read bounded (a regular file within
    ``limits.SCAN_DOCUMENT_BYTES``) and checked against the schema (``licscan.schema``) before any
    renderer sees it.
    """
    from licscan import limits
    from licscan.files import LocalFileError, read_regular
    from licscan.schema import document_problems
    from licscan.sources.validate import too_deep

    try:
        text = read_regular(path, limits.SCAN_DOCUMENT_BYTES).decode("utf-8")
    except LocalFileError as exc:
        fail(str(exc))
    except UnicodeDecodeError as exc:
        fail(f"{path}: not UTF-8 text (byte {exc.start})")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}")
    except (RecursionError, ValueError):
        fail(f"{path}: not a licscan scan (JSON nested too deep, or a number too long)")
    if not isinstance(doc, dict):
        fail(f"{path}: not a licscan scan (expected a JSON object, from `licscan scan --format json`)")
    version = doc.get("schema_version")
    if version not in SUPPORTED_SCHEMA_VERSIONS:
        supported = ", ".join(str(v) for v in SUPPORTED_SCHEMA_VERSIONS)
        fail(
            f"{path}: unsupported schema_version {clip(version, 20)} (this licscan reads {supported}); "
            "render it with the licscan version that wrote it"
        )
    missing = [key for key in _REQUIRED if key not in doc]
    if missing or not isinstance(doc["models"], list):
        fail(f"{path}: not a licscan scan: missing {', '.join(missing) or 'a list of models'}")
    if too_deep(doc, limits.SCAN_DOCUMENT_DEPTH):
        fail(f"{path}: not a licscan scan: nested deeper than {limits.SCAN_DOCUMENT_DEPTH} levels")
    problems = document_problems(doc)
    if problems:
        shown = "; ".join(problems[:5]) + ("; ..." if len(problems) > 5 else "")
        fail(f"{path}: not a complete licscan scan: {shown}")
    return doc


@click.command("report")
@click.argument("scan_file", metavar="SCAN.json", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here.")
@root_opt
def report(scan_file: Path, fmt: str, output: Path | None, root: Path | None) -> None:
    """Render a saved JSON scan in another format, with no network.

    SCAN.json is the output of `licscan scan --format json`.

    \b
    Examples:
      licscan report scan.json --format html -o report.html
      licscan report scan.json --format sarif -o licscan.sarif --root .
      licscan report scan.json --format cyclonedx -o bom.json   # needs licscan[sbom]
    """
    render = renderer(fmt, output, root)
    doc = load_scan(scan_file)
    try:
        text = render(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # A document that passed the checks above but lacks a field some renderer needs.
        fail(f"{scan_file}: not a complete licscan scan ({type(exc).__name__}: {exc})")
    write_output(text, output)
    if output is not None:
        from licscan.report.summary import summary_line

        click.echo(summary_line(doc, str(output), fmt), err=True)
    sys.exit(EXIT_OK)
