"""``licscan discover PATH...``: the models, hosted APIs and datasets a codebase uses."""

from __future__ import annotations

from pathlib import Path

import click

from licscan.cli.common import fail, warn, write_output


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "manifest"]), default="table",
              show_default=True, help="manifest: a models.txt of the discovered models (`>> models.txt` to adopt).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write the result here.")
def discover(paths: tuple[Path, ...], fmt: str, output: Path | None) -> None:
    """Find the Hub models, hosted model APIs and datasets the code in PATHS loads or calls.

    Reads Python (by AST), notebooks, YAML/JSON/TOML configs, Dockerfiles, compose files, shell scripts,
    Procfiles, Ollama Modelfiles, TypeScript/JavaScript and GGUF headers. Files that cannot be read are
    skipped with a warning; the rest are still read.

    \b
    Examples:
      licscan discover src/ notebooks/
      licscan discover . --format manifest >> models.txt
      licscan discover . --format json -o discovered.json
    """
    from licscan import __version__
    from licscan.discover.engine import discover as run
    from licscan.discover.render import render_json, render_manifest, render_table

    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        fail(f"{missing[0]}: no such file or folder")
    result = run(paths)
    for warning in result.warnings:
        warn(warning)
    if fmt == "json":
        text = render_json(result, __version__)
    elif fmt == "manifest":
        text = render_manifest(result)
    else:
        text = render_table(result)
    write_output(text, output)
