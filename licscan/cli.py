"""Command line interface: the one place that picks implementations.

Heavy modules (huggingface_hub, the renderers) are imported inside the
commands so that ``licscan --help`` stays instant.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

import click

from licscan import __version__
from licscan.cli_options import cache_options, jobs_opt, manifest_arg, snapshot_opt, timeout_opt
from licscan.diff_cli import diff_command as _diff_command
from licscan.errors import EXIT_FETCH_FAILED, EXIT_GATE_FAILED, EXIT_INPUT_ERROR, EXIT_OK, InputError
from licscan.lock_cli import lock_command as _lock_command
from licscan.policy_cli import gate_failed, policy_group, resolve_policy_path
from licscan.report import FORMATS
from licscan.report_cli import report

_TRUE = ("1", "true", "yes", "on")


def _fail(message: str) -> NoReturn:
    click.echo(f"licscan: error: {message}", err=True)
    sys.exit(EXIT_INPUT_ERROR)


def _warn(message: str) -> None:
    click.echo(f"licscan: warning: {message}", err=True)


def _offline() -> bool:
    return any(os.environ.get(v, "").strip().lower() in _TRUE for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def _default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("LICSCAN_CACHE_DIR") or user_cache_dir("licscan"))


def _endpoint() -> str:
    from licscan.sources.hub import DEFAULT_ENDPOINT

    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def _build_source(
    snapshot: Path | None, cache_dir: Path | None, no_cache: bool, cache_ttl: float, timeout: float
) -> Any:
    """Pick the metadata source: a snapshot, or the Hub behind the cache."""
    from licscan.sources.store import Store, StoreError

    if snapshot is not None:
        from licscan.sources.snapshot import SnapshotSource

        try:
            return SnapshotSource(snapshot)
        except StoreError as exc:
            _fail(str(exc))
    endpoint = _endpoint()
    # One cache folder per endpoint: records of a mirror never mix with the Hub's.
    root = (cache_dir or _default_cache_dir()) / quote(endpoint.split("://", 1)[-1], safe="")
    from licscan.sources.cached import CachedSource

    if _offline():
        if no_cache:
            _fail("HF_HUB_OFFLINE is set and --no-cache leaves nothing to read; use --snapshot DIR")
        return CachedSource(None, Store(root, "cache"), ttl=cache_ttl)
    from licscan.sources.hub import HubSource
    from licscan.sources.retry import RetryPolicy

    hub = HubSource(endpoint=endpoint, policy=RetryPolicy(budget=timeout))
    if no_cache:
        return hub
    return CachedSource(hub, Store(root, "cache"), ttl=cache_ttl)


def _progress_printer() -> Any:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, label: str) -> None:
        end = "\n" if done == total else ""
        click.echo(f"\r\x1b[K[{done}/{total}] {label}"[:200] + end, err=True, nl=False)

    return show


def _load_refs(manifests: tuple[Path, ...]) -> tuple[list[Any], list[str]]:
    from licscan.manifest import read_manifests

    try:
        return read_manifests(manifests)
    except InputError as exc:
        _fail(str(exc))


def _load_db() -> Any:
    from licscan.licensedb import DatabaseError, load_database

    try:
        return load_database()
    except DatabaseError as exc:
        _fail(str(exc))


def _read_policy_option(option: Path | None, db: Any) -> tuple[Any, Path | None]:
    """The policy named by ``--policy`` (else ./licscan.policy.yaml), loaded, or (None, None)."""
    path = resolve_policy_path(option)
    return (_load_policy(path, db), path) if path is not None else (None, None)


def _apply_policy(result: Any, policy: Any, path: Path | None) -> Any:
    """Verdicts for every model (no-op without a policy); exception warnings go to stderr."""
    if policy is None:
        return result
    from licscan.policy import evaluate

    outcome = evaluate(result, policy, today=datetime.date.today(), policy_name=str(path))
    for warning in outcome.warnings:
        _warn(warning)
    return outcome.result


def _load_policy(path: Path, db: Any) -> Any:
    """The policy in ``path``, or exit 2 naming its first error; warnings go to stderr."""
    from licscan.policy import read_policy

    # No date: expired exceptions are reported once, by the evaluation, for the models they match.
    policy, problems = read_policy(path, db=db)
    for problem in sorted(problems, key=lambda p: p.severity != "error"):
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        (_fail if problem.severity == "error" else _warn)(f"{where}: {problem.message}")
    return policy


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"{output}: cannot write: {exc.strerror}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="licscan")
def main() -> None:
    """Licence compliance scanner for AI models on the Hugging Face Hub.

    Exit codes: 0 scan complete; 1 the policy gate failed; 2 usage or input
    error (nothing scanned); 3 scan complete but some models could not be fetched.
    """


@main.command()
@manifest_arg
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here.")
@jobs_opt
@timeout_opt
@snapshot_opt
@cache_options
@click.option(
    "--policy",
    "policy_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Policy file giving each model a verdict (default: ./licscan.policy.yaml when present).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["deny", "review"]),
    default=None,
    help="Exit 1 when a model's verdict is this or worse (default: deny). Needs a policy.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A saved JSON scan (e.g. of the base branch): only models added or changed since it can fail the gate.",
)
@click.option(
    "--locked",
    is_flag=True,
    help="Compare with the lock file: unchanged entries count as reviewed; a locked model whose commit or licence "
    "changed fails (license-changed).",
)
@click.option(
    "--lock-file",
    default="models.lock",
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Lock file read by --locked (written by `licscan lock`).",
)
@click.option(
    "--verify-text",
    is_flag=True,
    help="Read the licence files of every model, not only those whose metadata names no known licence.",
)
def scan(
    manifests: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    jobs: int,
    timeout: float,
    snapshot: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
    cache_ttl: float,
    policy_path: Path | None,
    fail_on: str | None,
    baseline: Path | None,
    locked: bool,
    lock_file: Path,
    verify_text: bool,
) -> None:
    """Scan the models listed in MANIFESTS (models.txt or YAML)."""
    refs, warnings = _load_refs(manifests)
    for warning in warnings:
        _warn(warning)
    db = _load_db()
    # The policy is read before any source is built: a broken one stops the run with no network call.
    policy, policy_file = _read_policy_option(policy_path, db)
    if policy_file is None and fail_on is not None:
        _fail("--fail-on needs a policy: pass --policy FILE or add ./licscan.policy.yaml")
    if baseline is not None and locked:
        _fail("--baseline and --locked are alternatives: compare with a saved scan or with the lock file")
    from licscan.diff_cli import load_prior

    try:  # read before any network call, like the policy
        prior = load_prior(baseline, lock_file if locked else None)
    except InputError as exc:
        _fail(str(exc))
    source = _build_source(snapshot, cache_dir, no_cache, cache_ttl, timeout)
    from licscan.report import get_renderer
    from licscan.scan import scan as run_scan

    result = run_scan(
        refs,
        source,
        db,
        jobs=jobs,
        progress=_progress_printer(),
        manifests=tuple(str(m) for m in manifests),
        warnings=tuple(warnings),
        verify_text=verify_text,
    )
    result = _apply_policy(result, policy, policy_file)
    gate = policy is not None and gate_failed(result, fail_on or "deny")
    color = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    from licscan.report.json_report import to_json

    if prior is not None:  # --baseline / --locked: only added and changed models are judged
        from licscan.diff_cli import compared_output

        text, code = compared_output(result, prior, fmt, fail_on or "deny", get_renderer(fmt, color=color), _warn)
        _write(text, output)
        sys.exit(code)
    _write(get_renderer(fmt, color=color)(to_json(result)), output)
    sys.exit(EXIT_GATE_FAILED if gate else EXIT_FETCH_FAILED if result.fetch_failed else EXIT_OK)


@main.command()
@manifest_arg
@click.option(
    "--output", "-o", required=True, type=click.Path(path_type=Path, file_okay=False), help="Snapshot folder to write."
)
@jobs_opt
@timeout_opt
def snapshot(manifests: tuple[Path, ...], output: Path, jobs: int, timeout: float) -> None:
    """Write the metadata and licence files of MANIFESTS' models and their bases to a folder.

    ``licscan scan --snapshot DIR`` then scans with no network at all.
    """
    refs, warnings = _load_refs(manifests)
    for warning in warnings:
        _warn(warning)
    db = _load_db()
    if _offline():
        _fail("HF_HUB_OFFLINE is set: a snapshot needs the Hub")
    from licscan.scan import scan as run_scan
    from licscan.sources.base import SourceError
    from licscan.sources.hub import HubSource
    from licscan.sources.recording import RecordingSource
    from licscan.sources.retry import RetryPolicy
    from licscan.sources.store import Store
    from licscan.textscan import text_files

    hub = HubSource(endpoint=_endpoint(), policy=RetryPolicy(budget=timeout))
    recorder = RecordingSource(hub, Store(output, "snapshot"))
    result = run_scan(refs, recorder, db, jobs=jobs, progress=_progress_printer())
    records = {}
    for model in result.models:
        if model.record is not None:
            records[(model.record.repo_id, model.record.sha)] = model.record
        for base in model.base_models:
            if base.revision:
                stored = recorder.store.read_record(base.repo_id, base.revision)
                if stored is not None:
                    records[(stored.repo_id, stored.sha)] = stored
    files = 0
    for record in records.values():
        # The files the scan would read, so that text detection works offline too.
        for name in text_files(record):
            try:
                recorder.fetch_file(record, name)
                files += 1
            except SourceError as exc:
                _warn(exc.failure.message)
    failed = sum(1 for m in result.models if m.failure is not None)
    click.echo(
        f"wrote {len(records)} model records and {files} licence files to {output}"
        + (f"; {failed} models could not be fetched" if failed else ""),
        err=True,
    )
    sys.exit(EXIT_FETCH_FAILED if failed else EXIT_OK)


main.add_command(policy_group)
main.add_command(_diff_command)
main.add_command(_lock_command)
main.add_command(report)

from licscan.explain_cli import detect as _detect_command  # noqa: E402
from licscan.explain_cli import explain as _explain_command  # noqa: E402

main.add_command(_detect_command)
main.add_command(_explain_command)
