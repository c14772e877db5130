"""``licscan scan MANIFEST...``: the main job, from manifests to a report and a gate."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from licscan.cli.common import (
    apply_attestations,
    apply_policy,
    build_source,
    fail,
    load_db,
    load_refs,
    read_attestations_option,
    read_policy_option,
    renderer,
    scan_models,
    warn,
    write_output,
)
from licscan.cli.options import (
    attestations_opt,
    cache_options,
    jobs_opt,
    manifest_arg,
    openness_refs_opt,
    root_opt,
    snapshot_opt,
    timeout_opt,
)
from licscan.errors import EXIT_FETCH_FAILED, EXIT_GATE_FAILED, EXIT_INTERNAL_ERROR, EXIT_OK, InputError
from licscan.report import FORMATS


@click.command()
@manifest_arg
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here.")
@root_opt
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
    "--require-policy",
    is_flag=True,
    help="Exit 2 when no policy is found, instead of scanning without verdicts (the pre-commit hook sets it).",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A saved JSON scan (e.g. of the base branch): only models added or changed since it can fail the gate.",
)
@click.option(
    "--locked",
    is_flag=True,
    help="Compare with the lock file: a locked model whose commit or licence changed fails (license-changed); "
    "every model is still judged by the policy.",
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
@click.option(
    "--discover",
    "discover_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Also scan the models the code under this path loads (repeatable); those no manifest lists get the "
    "finding unlisted-model, and the report lists the hosted APIs and datasets the code uses.",
)
@openness_refs_opt
@attestations_opt
def scan(
    manifests: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    root: Path | None,
    jobs: int | str,
    timeout: float,
    snapshot: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
    cache_ttl: float,
    policy_path: Path | None,
    fail_on: str | None,
    require_policy: bool,
    baseline: Path | None,
    locked: bool,
    lock_file: Path,
    verify_text: bool,
    discover_paths: tuple[Path, ...],
    openness_refs: bool,
    attestations_path: Path | None,
) -> None:
    """Scan the models listed in MANIFESTS (models.txt or YAML).

    Each model gets its effective licence (its own, or a base model's), class,
    obligations and, with a policy, a verdict. Exit 0 scan complete; 1 the
    policy gate failed; 2 bad input; 3 some models could not be fetched.

    \b
    Examples:
      licscan scan models.txt
      licscan scan models.txt --policy licscan.policy.yaml --fail-on review
      licscan scan models.txt --format html -o report.html
      licscan scan models.txt --format json -o scan.json --baseline base.json
      licscan scan models.txt --locked
      licscan scan examples/models.txt --snapshot examples/snapshot
    """
    refs, warnings = load_refs(manifests)
    render = renderer(fmt, output, root)  # before any network call: a format that cannot be written stops here
    discovery, unlisted = discover_code(discover_paths, refs)
    db = load_db()
    # The policy is read before any source is built: a broken one stops the run with no network call.
    policy, policy_file = read_policy_option(policy_path, db)
    attestations = read_attestations_option(attestations_path, db)
    if policy_file is None and require_policy:
        fail(
            "no policy found: pass --policy FILE or add ./licscan.policy.yaml (`licscan policy init` writes one); "
            "a licence gate needs rules"
        )
    if policy_file is None and fail_on is not None:
        fail("--fail-on needs a policy: pass --policy FILE or add ./licscan.policy.yaml")
    if baseline is not None and locked:
        fail("--baseline and --locked are alternatives: compare with a saved scan or with the lock file")
    from licscan.compare import load_prior

    try:  # read before any network call, like the policy
        prior = load_prior(baseline, lock_file if locked else None)
    except InputError as exc:
        fail(str(exc))
    # Against a lock, a relicense upstream must be seen at once: no cached branch or tag lookup.
    source = build_source(snapshot, cache_dir, no_cache, 0.0 if locked else cache_ttl, timeout)
    from licscan.policy import gate_failed

    result = scan_models(refs + unlisted, source, db, jobs, manifests, warnings, verify_text, openness_refs)
    if discovery is not None:
        from licscan.discover.gate import mark_unlisted

        result = mark_unlisted(result, unlisted, discovery)
    result = apply_attestations(result, attestations, policy, db)
    result = apply_policy(result, policy, policy_file)
    gate = policy is not None and gate_failed(result, fail_on or "deny")
    threshold = fail_on or "deny"
    text: str | Iterable[str]
    if prior is not None:  # --baseline: only added and changed models are judged; --locked: all, plus changes
        text, code, doc = compared_output(result, prior, fmt, threshold, render, warn)
        gate = code == EXIT_GATE_FAILED
    else:
        from licscan.report import piece_renderer
        from licscan.report.json_report import to_json

        doc = to_json(result)
        text = piece_renderer(fmt, render)(doc)
        code = EXIT_GATE_FAILED if gate else EXIT_FETCH_FAILED if result.fetch_failed else EXIT_OK
    write_output(text, output)
    if output is not None:  # the report went to a file: say in one line what it holds, and the gate's outcome
        from licscan.report.summary import summary_line

        outcome = (f"FAILED (fail on {threshold})" if gate else "passed") if policy is not None else None
        click.echo(summary_line(doc, str(output), fmt, outcome), err=True)
    sys.exit(_bug_or(result, code))


def _bug_or(result: Any, code: int) -> int:
    """70 when licscan failed to classify a model (the report says which), else ``code``."""
    from licscan.scan import INTERNAL_ERROR

    broken = [m for m in (*result.models, *result.datasets) if any(f.code == INTERNAL_ERROR for f in m.findings)]
    if not broken:
        return code
    warn(
        f"{len(broken)} model(s) could not be classified because of a licscan bug (finding {INTERNAL_ERROR}); "
        "the other models' results are in the report"
    )
    return EXIT_INTERNAL_ERROR


def discover_code(paths: tuple[Path, ...], refs: list[Any]) -> tuple[Any, list[Any]]:
    """``--discover``: the discovery (paths relative to the working directory) and the unlisted models' and
    datasets' refs (the datasets are scanned like listed ones)."""
    if not paths:
        return None, []
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"--discover {missing[0]}: no such file or folder")
    from licscan.discover.engine import discover
    from licscan.discover.gate import rebase, unlisted_dataset_refs, unlisted_refs

    discovery = rebase(discover(paths))
    for warning in discovery.warnings:
        warn(warning)
    return discovery, unlisted_refs(discovery, refs) + unlisted_dataset_refs(discovery, refs)


def compared_output(
    result: Any,
    prior: Any,
    fmt: str,
    fail_on: str,
    renderer: Callable[[dict[str, Any]], str],
    show_warning: Callable[[str], None],
) -> tuple[str, int, dict[str, Any]]:
    """``scan --baseline/--locked``: the report (changes appended to a table or Markdown) and the exit code."""
    from licscan.compare import compare
    from licscan.diff import exit_code
    from licscan.report.changes import render_changes_markdown, render_changes_table

    doc, changes, warnings = compare(result, prior)
    for warning in warnings:
        show_warning(warning)
    text = renderer(doc)
    if fmt == "table":
        text += "\n" + render_changes_table(changes, prior.path, fail_on)
    elif fmt == "markdown":
        text += "\n" + render_changes_markdown(changes, prior.path, fail_on)
    return text, exit_code(doc, fail_on), doc
