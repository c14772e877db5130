"""Click arguments and options shared by the commands that fetch models.

One definition each, so ``scan``, ``snapshot``, ``lock`` and ``explain``
spell, default and document them alike.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from licscan.concurrency import MAX_JOBS

F = TypeVar("F", bound=Callable[..., object])

_ALLOW_OUTSIDE = "licscan.allow_outside_includes"


def _remember_allow_outside(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta[_ALLOW_OUTSIDE] = value
    return value


def manifest_arg(command: F) -> F:
    """The MANIFESTS argument, and ``--allow-outside-includes`` for the ``-r`` lines in them.

    The option is read by ``common.load_refs`` (through the click context), so every command that
    reads manifests has it without a parameter of its own.
    """
    command = click.option(
        "--allow-outside-includes",
        is_flag=True,
        expose_value=False,
        callback=_remember_allow_outside,
        help="Let `-r` includes read files outside the manifest's repository (its git top level, else its folder).",
    )(command)
    return click.argument("manifests", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))(
        command
    )


def allow_outside_includes() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx.meta.get(_ALLOW_OUTSIDE)) if ctx is not None else False


if TYPE_CHECKING:  # click's ParamType is generic from 8.2 on; older ones cannot be subscripted at run time
    _ParamType = click.ParamType[int | str]
else:
    _ParamType = click.ParamType


class JobsType(_ParamType):
    """``auto`` or a number of requests in flight, 1-256."""

    name = "N|auto"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int | str:
        if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
            number = int(value)
            if 1 <= number <= MAX_JOBS:
                return number
        elif isinstance(value, str) and value.strip().lower() == "auto":
            return "auto"
        self.fail(f"{value!r} is not 'auto' or a number from 1 to 256", param, ctx)


jobs_opt = click.option(
    "--jobs",
    "-j",
    default="auto",
    show_default=True,
    type=JobsType(),
    help="Requests in flight: a number, or auto (start at 8, grow while the Hub answers clean and fast, "
    "halve on 429/503 or rising latency, at most 64).",
)
timeout_opt = click.option(
    "--timeout",
    default=120.0,
    show_default=True,
    type=click.FloatRange(1, 3600),
    help="Seconds allowed for one Hub request (connect, headers, body), retries included, and for all the licence "
    "files of one model, before the model is marked fetch-failed.",
)
root_opt = click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    help="Repository root that SARIF paths are relative to (default: the git repository of the working "
    "directory, else the working directory).",
)
openness_refs_opt = click.option(
    "--openness-refs",
    is_flag=True,
    help="List each manifest model's branches (one more request per model, cached by commit) to find intermediate "
    "checkpoints (step*/ckpt* branches) for the openness grade.",
)
attestations_opt = click.option(
    "--attestations",
    "attestations_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Openness attestations: what the team vouches for that the Hub does not show (default: ./openness.yaml "
    "when present; the policy's openness.attestations are read too).",
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
