"""``licscan policy init|check``: write and validate policy files."""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

import click

from licscan.cli.common import DEFAULT_POLICY_FILENAME, fail
from licscan.errors import EXIT_INPUT_ERROR, EXIT_OK


@click.group("policy")
def policy_group() -> None:
    """Write and check policy files (see docs/policy.md).

    \b
    Examples:
      licscan policy init
      licscan policy check licscan.policy.yaml
    """


@policy_group.command("init")
@click.argument(
    "path", required=False, default=DEFAULT_POLICY_FILENAME, type=click.Path(path_type=Path, dir_okay=False)
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a commented starter policy to PATH (default: licscan.policy.yaml).

    \b
    Examples:
      licscan policy init
      licscan policy init legal/models.policy.yaml --force
    """
    from licscan.policy.starter import STARTER_POLICY

    if path.exists() and not force:
        fail(f"{path} exists; pass --force to overwrite it")
    try:
        path.write_text(STARTER_POLICY, encoding="utf-8")
    except OSError as exc:
        fail(f"{path}: cannot write: {exc.strerror or exc}")
    click.echo(f"wrote {path}; edit it, then run: licscan policy check {path}", err=True)


@policy_group.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def check(file: Path) -> None:
    """Validate a policy FILE: every problem with its line. Exit 2 on any error.

    \b
    Examples:
      licscan policy check licscan.policy.yaml
    """
    from licscan.policy.load import check_policy

    problems = check_policy(file, _dt.date.today())
    for problem in problems:
        click.echo(str(problem))
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if errors:
        click.echo(f"{file}: {errors} error(s), {warnings} warning(s)", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    click.echo(f"{file}: ok" + (f" ({warnings} warning(s))" if warnings else ""), err=True)
    sys.exit(EXIT_OK)
