"""``licscan lock MANIFEST...``: write ``models.lock`` for legal to review in the pull request.

The scan itself is the ``scan`` command's: the same sources, cache and
policy, through the shared plumbing of ``licscan.cli.common``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from licscan.cli import common as cli
from licscan.cli.options import cache_options, jobs_opt, manifest_arg, snapshot_opt, timeout_opt
from licscan.errors import EXIT_FETCH_FAILED, EXIT_OK


@click.command("lock")
@manifest_arg
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Lock file to write (default: models.lock).",
)
@click.option(
    "--policy",
    "policy_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Policy whose verdicts are recorded (default: ./licscan.policy.yaml when present).",
)
@snapshot_opt
@jobs_opt
@timeout_opt
@cache_options
def lock_command(
    manifests: tuple[Path, ...],
    output: Path | None,
    policy_path: Path | None,
    snapshot: Path | None,
    jobs: int | str,
    timeout: float,
    cache_dir: Path | None,
    no_cache: bool,
    cache_ttl: float,
) -> None:
    """Write models.lock: per model its commit, licences, class, verdict and reasons.

    Stable order and layout, so its diff shows what changed. `licscan scan
    --locked` then fails on a locked model whose commit or licence moved, and
    judges every model by the policy as any scan does (a lock records what was
    reviewed; signed-off deviations are policy exceptions). Branch and tag
    lookups are never taken from the cache. Nothing is written when a model
    cannot be fetched (exit 3): a lock records only what could be reviewed.

    \b
    Examples:
      licscan lock models.txt --policy licscan.policy.yaml
      licscan lock models.txt -o release/models.lock
    """
    from licscan.lock import DEFAULT_LOCK_FILE, build_lock, render_lock

    output = output or Path(DEFAULT_LOCK_FILE)
    refs, warnings = cli.load_refs(manifests)
    db = cli.load_db()
    policy, policy_file = cli.read_policy_option(policy_path, db)
    # A lock must see a relicense upstream at once: branch and tag lookups are never taken from the
    # cache (records at a commit still are: they cannot change).
    source = cli.build_source(snapshot, cache_dir, no_cache, 0.0, timeout)
    result = cli.scan_models(refs, source, db, jobs, manifests, warnings)
    result = cli.apply_policy(result, policy, policy_file)
    failed = [m for m in result.models if m.failure is not None]
    if failed:
        for model in failed:
            cli.warn(
                f"{model.ref.path}:{model.ref.line}: {model.ref}: {model.failure.message if model.failure else ''}"
            )
        click.echo(f"licscan: error: {output} not written: {len(failed)} model(s) could not be fetched", err=True)
        sys.exit(EXIT_FETCH_FAILED)
    for model in result.models:
        if model.verdict in ("deny", "review"):
            why = next((r.message for r in model.reasons if r.decision == model.verdict), "")
            cli.warn(
                f"{model.ref.path}:{model.ref.line}: {model.ref} is locked with verdict {model.verdict}: the lock "
                f"records it, it does not approve it; `scan --locked` still judges it by the policy. {why}"
            )
    text = render_lock(build_lock(result, output.parent))
    try:
        previous = output.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        previous = None
    cli.write_output(text, output)
    state = "unchanged" if previous == text else "updated" if previous is not None else "written"
    click.echo(f"{output}: {len(result.models)} models, {state}", err=True)
    sys.exit(EXIT_OK)
