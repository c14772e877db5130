"""Plumbing every command shares: messages, exit, sources, manifests, policy, output.

The CLI is the one place that picks implementations (which metadata source,
which renderer); commands import this module and never each other.
Heavy modules are imported inside the functions so ``licscan --help`` stays
instant.
"""

from __future__ import annotations

import datetime
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

import click

from licscan.errors import EXIT_INPUT_ERROR, EXIT_INTERNAL_ERROR, InputError
from licscan.text import terminal

_TRUE = ("1", "true", "yes", "on")
DEFAULT_POLICY_FILENAME = "licscan.policy.yaml"  # looked for in the working directory


def say(message: str) -> None:
    """One message on stderr, safe for a terminal and a CI log: no token, no escape sequences."""
    from licscan.sources.secrets import Scrubber, environment_secrets

    click.echo(terminal(Scrubber(environment_secrets()).text(message)), err=True)


def fail(message: str) -> NoReturn:
    say(f"licscan: error: {message}")
    sys.exit(EXIT_INPUT_ERROR)


_warned: set[str] = set()
_warned_lock = threading.Lock()


# Where warnings go instead of stderr: a scan process of a split scan sends them to the parent (``scan_models``).
_warn_to: Callable[[str], None] | None = None


def warn(message: str) -> None:
    if _warn_to is not None:
        _warn_to(message)
        return
    say(f"licscan: warning: {message}")


def warn_once(message: str) -> None:
    """``warn``, but each message only once per run (sources may hit the same problem from many threads)."""
    with _warned_lock:
        if message in _warned:
            return
        _warned.add(message)
    warn(message)


# What a command has obtained so far, so that an internal error can still hand it over.
_obtained: dict[str, Any] = {}


def remember(result: Any) -> None:
    """Keep the scan result (and the command's --output) for ``internal_error``."""
    _obtained["result"] = result
    ctx = click.get_current_context(silent=True)
    _obtained["output"] = ctx.params.get("output") if ctx is not None else None


def internal_error(exc: BaseException, *, debug: bool) -> NoReturn:
    """A licscan bug: one line (the traceback with --debug), the results obtained so far, exit 70."""
    if debug:
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    saved = _save_obtained()
    first_line = (str(exc).strip().splitlines() or [""])[0][:300]
    say(
        f"licscan: internal error: {type(exc).__name__}: {first_line}. This is a licscan bug; please report it"
        + ("" if debug else " (run with --debug for the traceback)")
        + (f". The results obtained so far are in {saved}" if saved else "")
    )
    sys.exit(EXIT_INTERNAL_ERROR)


def _save_obtained() -> str | None:
    result = _obtained.pop("result", None)
    output = _obtained.pop("output", None)
    if result is None:
        return None
    try:
        from licscan.report.json_report import render_document, to_json

        text = render_document(to_json(result))
        if isinstance(output, Path):
            target = output.with_name(output.name + ".partial.json")
            target.write_text(text, encoding="utf-8")
            return str(target)
        click.echo(text, nl=False)
        return "the JSON document on stdout"
    except Exception:  # the results themselves may be what broke: the exit code still says so
        return None


def offline() -> bool:
    return any(os.environ.get(v, "").strip().lower() in _TRUE for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("LICSCAN_CACHE_DIR") or user_cache_dir("licscan"))


def endpoint() -> str:
    from licscan.sources.hub import DEFAULT_ENDPOINT

    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def make_source(snapshot: Path | None, cache_dir: Path | None, no_cache: bool, cache_ttl: float, timeout: float) -> Any:
    """The metadata source: a snapshot, or the Hub behind the cache. InputError when none can be built."""
    from licscan.sources.store import Store, StoreError

    if snapshot is not None:
        from licscan.sources.snapshot import SnapshotSource

        try:
            return SnapshotSource(snapshot)
        except StoreError as exc:
            raise InputError(str(snapshot), None, str(exc)) from None
    hub_endpoint = endpoint()
    # One cache folder per endpoint: records of a mirror never mix with the Hub's.
    root = (cache_dir or default_cache_dir()) / quote(hub_endpoint.split("://", 1)[-1], safe="")
    from licscan.sources.cached import CachedSource

    if offline():
        if no_cache:
            message = "HF_HUB_OFFLINE is set and --no-cache leaves nothing to read; use --snapshot DIR"
            raise InputError("HF_HUB_OFFLINE", None, message)
        return CachedSource(None, Store(root, "cache"), ttl=cache_ttl, on_warning=warn_once)
    from licscan.cli.progress import quiet_hub_client

    quiet_hub_client()
    from licscan.sources.hub import HubSource
    from licscan.sources.retry import RetryPolicy

    hub = HubSource(endpoint=hub_endpoint, policy=RetryPolicy(budget=timeout))
    if no_cache:
        return hub
    cached = CachedSource(hub, Store(root, "cache"), ttl=cache_ttl, on_warning=warn_once)
    return cached if cached.usable else hub  # a cache that cannot be used only costs time


def build_source(
    snapshot: Path | None, cache_dir: Path | None, no_cache: bool, cache_ttl: float, timeout: float
) -> Any:
    """``make_source``, or exit 2 with its message."""
    try:
        return make_source(snapshot, cache_dir, no_cache, cache_ttl, timeout)
    except InputError as exc:
        fail(exc.message if exc.path == "HF_HUB_OFFLINE" else str(exc))


def progress_printer() -> Any:
    """The scan's progress display on stderr (``licscan.cli.progress``); use it as a context manager."""
    from licscan.cli.progress import ProgressDisplay

    return ProgressDisplay()


def scan_models(
    refs: list[Any],
    source: Any,
    db: Any,
    jobs: Any,
    manifests: tuple[Path, ...],
    warnings: list[str],
    verify_text: bool = False,
    openness_refs: bool = False,
) -> Any:
    """The scan every fetching command runs, with the progress display and the reviewed upstream table;
    split across processes when it is large enough to be CPU-bound (``licscan.shards``)."""
    from licscan import shards
    from licscan.scan import scan

    options: dict[str, Any] = {
        "manifests": tuple(str(m) for m in manifests),
        "warnings": tuple(warnings),
        "verify_text": verify_text,
        "upstreams": load_upstream_table(),
        "openness_refs": openness_refs,
    }
    setting = os.environ.get(shards.ENV)
    if setting is not None and setting.strip() and shards.requested(setting) is None:
        warn(f"{shards.ENV}={setting!r} is not a number of processes; ignored")
    processes = shards.process_count(len(refs), jobs, env=setting)
    if processes <= 1:
        with progress_printer() as progress:
            return scan(refs, source, db, jobs=jobs, progress=progress, **options)

    def run(part: Any, limiter: Any, report: Any, tell: Any) -> Any:
        global _warn_to
        _warn_to = tell  # in the child: its warnings go to the parent, which says each once
        return scan(list(part), source, db, jobs=jobs, limiter=limiter, progress=report, **options)

    from licscan.scan import scan_envelope

    def envelope() -> Any:
        return scan_envelope(source, db, manifests=options["manifests"], warnings=options["warnings"])

    return shards.scan_in_processes(
        refs, run, jobs=jobs, processes=processes, envelope=envelope, display=progress_printer(), warn=warn_once
    )


DEFAULT_ATTESTATIONS_FILENAME = "openness.yaml"  # looked for in the working directory, like the policy


def read_attestations_option(option: Path | None, db: Any) -> tuple[Any, ...]:
    """The attestations of ``--attestations`` (else ./openness.yaml if present); exit 2 naming the first error."""
    path = option if option is not None else Path(DEFAULT_ATTESTATIONS_FILENAME)
    if option is None and not path.is_file():
        return ()
    from licscan.policy.load import read_attestations

    found, problems = read_attestations(path, db=db)
    for problem in sorted(problems, key=lambda p: p.severity != "error"):
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        (fail if problem.severity == "error" else warn)(f"{where}: {problem.message}")
    return found or ()


def apply_attestations(result: Any, attestations: tuple[Any, ...], policy: Any, db: Any) -> Any:
    """The openness grades with the attestations of the file and of the policy applied; warnings on stderr."""
    given = (*attestations, *(policy.attestations if policy is not None else ()))
    if not given:
        return result
    from licscan.openness import apply_attestations as attest

    result, warnings = attest(result, given, db)
    for warning in warnings:
        warn(warning)
    return result


def load_refs(manifests: tuple[Path, ...]) -> tuple[list[Any], list[str]]:
    """Every reference of the manifests, warnings shown on stderr; exit 2 on a malformed manifest.

    ``--allow-outside-includes`` (``options.manifest_arg``) lets ``-r`` leave the manifest's repository.
    """
    from licscan.cli.options import allow_outside_includes
    from licscan.manifest import read_manifests

    try:
        refs, warnings = read_manifests(manifests, allow_outside_includes=allow_outside_includes())
    except InputError as exc:
        fail(str(exc))
    for warning in warnings:
        warn(warning)
    return refs, warnings


def load_db() -> Any:
    from licscan.licensedb import DatabaseError, load_database

    try:
        return load_database()
    except DatabaseError as exc:
        fail(str(exc))


def load_upstream_table() -> Any:
    """The reviewed table of known upstream models (license_db/models/), for lineage by name; exit 2 if broken."""
    from licscan.upstream import UpstreamError, load_upstreams

    try:
        return load_upstreams()
    except UpstreamError as exc:
        fail(str(exc))


def resolve_policy_path(option: Path | None) -> Path | None:
    """The ``--policy`` file, else ``./licscan.policy.yaml`` if present, else None."""
    if option is not None:
        return option
    default = Path(DEFAULT_POLICY_FILENAME)
    return default if default.is_file() else None


def load_policy(path: Path, db: Any) -> Any:
    """The policy in ``path``, or exit 2 naming its first error; warnings go to stderr."""
    from licscan.policy import read_policy

    # No date: expired exceptions are reported once, by the evaluation, for the models they match.
    policy, problems = read_policy(path, db=db)
    for problem in sorted(problems, key=lambda p: p.severity != "error"):
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        (fail if problem.severity == "error" else warn)(f"{where}: {problem.message}")
    return policy


def read_policy_option(option: Path | None, db: Any) -> tuple[Any, Path | None]:
    """The policy named by ``--policy`` (else ./licscan.policy.yaml), loaded, or (None, None)."""
    path = resolve_policy_path(option)
    return (load_policy(path, db), path) if path is not None else (None, None)


def apply_policy(result: Any, policy: Any, path: Path | None) -> Any:
    """Verdicts for every model (no-op without a policy); exception warnings go to stderr."""
    remember(result)
    if policy is None:
        return result
    from licscan.policy import evaluate

    outcome = evaluate(result, policy, today=datetime.date.today(), policy_name=str(path))
    for warning in outcome.warnings:
        warn(warning)
    remember(outcome.result)
    return outcome.result


def write_output(text: str | Iterable[str], output: Path | None) -> None:
    """``text`` (or its pieces) to stdout, or to ``output`` (exit 2 when it cannot be written)."""
    pieces = [text] if isinstance(text, str) else text
    if output is None:
        # On a terminal, no stranger's text may drive it (JSON leaves C1 controls and bidi overrides as they are).
        tty = sys.stdout.isatty()
        for piece in pieces:
            click.echo(terminal(piece) if tty else piece, nl=False)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as handle:
            handle.writelines(pieces)
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror}")


def use_color(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def renderer(fmt: str, output: Path | None, root: Path | None = None) -> Any:
    """The renderer of ``fmt`` for this output; exit 2 when the format needs an extra that is missing."""
    from licscan.report import MissingExtra, get_renderer

    try:
        return get_renderer(
            fmt,
            color=use_color(output),
            root=repo_root(root) if fmt == "sarif" else None,
            width=table_width(output) if fmt == "table" else None,
        )
    except MissingExtra as exc:
        fail(str(exc))


def table_width(output: Path | None) -> int:
    """The terminal's width when the table goes to one narrower than 120 columns, else 120."""
    import shutil

    from licscan.report.table import WIDTH

    if output is None and sys.stdout.isatty():
        return max(40, min(WIDTH, shutil.get_terminal_size((WIDTH, 24)).columns))
    return WIDTH


def repo_root(option: Path | None) -> str:
    """``--root``, else the top of the git repository holding the working directory, else the working directory."""
    if option is not None:
        return str(option)
    import subprocess

    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False)
    except OSError:  # no git on this machine
        return os.getcwd()
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else os.getcwd()
