"""Click arguments and options shared by the commands that fetch models.

One definition each, so ``scan``, ``snapshot``, ``lock`` and ``explain``
spell, default and document them alike.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])

manifest_arg = click.argument("manifests", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
jobs_opt = click.option(
    "--jobs", "-j", default=8, show_default=True, type=click.IntRange(1, 64), help="Parallel fetches."
)
timeout_opt = click.option(
    "--timeout",
    default=120.0,
    show_default=True,
    type=click.FloatRange(1, 3600),
    help="Seconds allowed for one Hub request, retries included, before the model is marked fetch-failed.",
)
snapshot_opt = click.option(
    "--snapshot", type=click.Path(path_type=Path, file_okay=False), help="Read from an offline snapshot, no network."
)


def cache_options(command: F) -> F:
    """``--cache-dir``, ``--no-cache`` and ``--cache-ttl``."""
    for option in reversed(
        (
            click.option(
                "--cache-dir", type=click.Path(path_type=Path, file_okay=False), help="Metadata cache folder."
            ),
            click.option("--no-cache", is_flag=True, help="Neither read nor write the metadata cache."),
            click.option(
                "--cache-ttl",
                default=86400.0,
                show_default=True,
                type=click.FloatRange(0),
                help="Seconds a branch or tag lookup is reused (records at a commit never expire).",
            ),
        )
    ):
        command = option(command)
    return command
