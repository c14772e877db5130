"""``licscan explain REPO[@REV]``: the whole reasoning for one model."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from licscan.cli.common import (
    apply_attestations,
    apply_policy,
    build_source,
    fail,
    load_db,
    load_upstream_table,
    read_attestations_option,
    read_policy_option,
)
from licscan.cli.options import attestations_opt, cache_options, openness_refs_opt, snapshot_opt
from licscan.errors import EXIT_FETCH_FAILED, EXIT_OK


@click.command()
@click.argument("reference")
@snapshot_opt
@cache_options
@click.option("--verify-text", is_flag=True, help="Read the licence files even when the metadata is clear.")
@click.option("--policy", "policy_path", type=click.Path(path_type=Path, dir_okay=False), help="Policy file.")
@openness_refs_opt
@attestations_opt
def explain(
    reference: str,
    snapshot: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
    cache_ttl: float,
    verify_text: bool,
    policy_path: Path | None,
    openness_refs: bool,
    attestations_path: Path | None,
) -> None:
    """Print the whole reasoning for REPO[@REV] (or datasets/REPO[@REV]): metadata, files, detection, lineage,
    training data, obligations, openness.

    
    Examples:
      licscan explain meta-llama/Llama-3.2-1B@main
      licscan explain example-org/llama-3.1-8b-support-bot --snapshot examples/snapshot
      licscan explain datasets/allenai/c4
    """
    from licscan.manifest.refs import split_repo_reference
    from licscan.scan import scan
    from licscan.types import DATASET, ModelRef

    repo_type, repo_id, revision, problem = split_repo_reference(reference.strip())
    if problem:
        fail(f"{reference}: {problem}")
    db = load_db()
    policy, policy_file = read_policy_option(policy_path, db)
    attestations = read_attestations_option(attestations_path, db)
    source = build_source(snapshot, cache_dir, no_cache, cache_ttl, 120.0)
    ref = ModelRef(repo_id=repo_id, revision=revision, path="<command line>", line=0, repo_type=repo_type)
    result = scan(
        [ref], source, db, jobs=4, verify_text=verify_text, upstreams=load_upstream_table(), openness_refs=openness_refs
    )
    result = apply_attestations(result, attestations, policy, db)
    result = apply_policy(result, policy, policy_file)
    from licscan.report.explain import render_explanation
    from licscan.report.json_report import model_json
    from licscan.text import terminal

    item = result.datasets[0] if repo_type == DATASET else result.models[0]
    # Card values and error bodies are a stranger's text: nothing in them may drive the terminal.
    click.echo(terminal(render_explanation(model_json(item), item.record)))
    sys.exit(EXIT_FETCH_FAILED if result.fetch_failed else EXIT_OK)
