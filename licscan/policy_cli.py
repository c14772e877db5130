"""``licscan policy init|check`` and the helpers ``scan`` uses to apply a policy.

Kept apart from ``licscan.policy`` so that the engine stays free of click.
The engine is imported inside the functions: ``licscan --help`` stays instant.
"""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from licscan.errors import EXIT_INPUT_ERROR, EXIT_OK

if TYPE_CHECKING:
    from licscan.types import ScanResult

DEFAULT_FILENAME = "licscan.policy.yaml"  # looked for in the working directory
FAIL_ON = ("deny", "review")


def resolve_policy_path(option: Path | None) -> Path | None:
    """The ``--policy`` file, else ``./licscan.policy.yaml`` if present, else None."""
    if option is not None:
        return option
    default = Path(DEFAULT_FILENAME)
    return default if default.is_file() else None


def gate_failed(result: ScanResult, fail_on: str) -> bool:
    """True when a model's verdict is at least as severe as ``fail_on``.

    A model without a verdict (no policy applied) never fails the gate.
    """
    from licscan.policy.model import Decision

    threshold = Decision(fail_on)
    return any(m.verdict is not None and Decision(m.verdict) >= threshold for m in result.models)


@click.group("policy")
def policy_group() -> None:
    """Write and check policy files (see docs/policy.md)."""


@policy_group.command("init")
@click.argument("path", required=False, default=DEFAULT_FILENAME, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a commented starter policy to PATH (default: licscan.policy.yaml)."""
    from licscan.policy.starter import STARTER_POLICY

    if path.exists() and not force:
        click.echo(f"licscan: error: {path} exists; pass --force to overwrite it", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    try:
        path.write_text(STARTER_POLICY, encoding="utf-8")
    except OSError as exc:
        click.echo(f"licscan: error: {path}: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    click.echo(f"wrote {path}; edit it, then run: licscan policy check {path}", err=True)


@policy_group.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def check(file: Path) -> None:
    """Validate a policy FILE: every problem with its line. Exit 2 on any error."""
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
