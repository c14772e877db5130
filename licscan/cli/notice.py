"""``licscan notice SCAN.json | MANIFEST...``: the release checklist and attribution file of what ships.

Arguments ending in ``.json`` are saved scans (``licscan scan --format json``),
read with no network and with the verdicts they were saved with; any other
argument is a manifest, scanned here and judged with the policy, exactly as
``licscan scan`` would. Both may be mixed: the notice covers every model.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from licscan.cli import common as cli
from licscan.cli.options import cache_options, jobs_opt, snapshot_opt, timeout_opt
from licscan.errors import EXIT_OK, InputError

NOTICE_FORMATS = ("markdown", "text", "json")
# licscan.policy.model.DISTRIBUTIONS, spelled out: importing the policy package here would cost `--help` 50 ms
# (tests/test_notice.py holds the two equal).
DISTRIBUTIONS = ("hosted", "on-prem", "weights")


@click.command("notice")
@click.argument(
    "inputs", nargs=-1, required=True, metavar="SCAN.json|MANIFEST...", type=click.Path(path_type=Path, dir_okay=False)
)
@click.option("--format", "fmt", type=click.Choice(NOTICE_FORMATS), default="markdown", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write the notice here.")
@click.option(
    "--policy",
    "policy_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Policy for the verdicts of scanned manifests and for context.distribution "
    "(default: ./licscan.policy.yaml when present; a saved scan keeps its own verdicts).",
)
@click.option(
    "--distribution",
    type=click.Choice(DISTRIBUTIONS),
    help="How this release hands the models over, instead of the policy's context.distribution "
    "(hosted: duties that bind only when weights are handed over are listed as not applying).",
)
@jobs_opt
@timeout_opt
@snapshot_opt
@cache_options
def notice(
    inputs: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    policy_path: Path | None,
    distribution: str | None,
    jobs: int,
    timeout: float,
    snapshot: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
    cache_ttl: float,
) -> None:
    """Write the release checklist and attribution file for the models that ship.

    Every obligation of every allowed model and of its base models, merged
    and grouped by what to do (licence texts and NOTICE files to include,
    "Built with ..." credits to display, naming rules, use policies to pass
    on, thresholds to watch), each with its licence and a link to the
    licence's text. Denied and review models are left out, each with its
    reason. With distribution hosted, the duties that bind only when weights
    are handed over are listed as not applying, and why.

    \b
    Examples:
      licscan scan models.txt --format json -o scan.json && licscan notice scan.json
      licscan notice models.txt --policy licscan.policy.yaml -o NOTICE.md
      licscan notice scan.json --format text --distribution weights -o THIRD_PARTY_NOTICES.txt
      licscan notice scan.json --format json | jq '.groups[].duties[].summary'
    """
    from licscan.compare import read_scan_document
    from licscan.notice import build_notice, merge_documents
    from licscan.report.json_report import to_json
    from licscan.report.notice import NOTICE_FORMATS as RENDERERS

    saved = [p for p in inputs if p.suffix.lower() == ".json"]
    manifests = tuple(p for p in inputs if p.suffix.lower() != ".json")
    docs: list[dict[str, Any]] = []
    for path in saved:
        try:
            docs.append(read_scan_document(path))
        except InputError as exc:
            cli.fail(str(exc))
    db = None
    policy, policy_file = None, None
    if manifests or policy_path is not None:
        db = cli.load_db()
        policy, policy_file = cli.read_policy_option(policy_path, db)
    if manifests:

        assert db is not None
        refs, warnings = cli.load_refs(manifests)
        source = cli.build_source(snapshot, cache_dir, no_cache, cache_ttl, timeout)
        result = cli.scan_models(refs, source, db, jobs, manifests, warnings)
        docs.append(to_json(cli.apply_policy(result, policy, policy_file)))
    for path, doc in zip(saved, docs, strict=False):
        if doc.get("policy") is None:
            cli.warn(f"{path} was scanned without a policy: no model is left out (scan with --policy to judge them)")
    doc = merge_documents(docs)
    context: dict[str, Any] | None = None
    if policy is not None:
        from licscan.policy.evaluate import context_json

        context = context_json(policy)
    if distribution is not None:
        context = {**(context or doc.get("policy_context") or {}), "distribution": distribution}
    licences = None
    if not isinstance(doc.get("licenses"), dict):  # a scan saved before the document carried its licences
        from licscan.report.json_report import licence_entry

        licences = {lic.id: licence_entry(lic) for lic in (db or cli.load_db()).licenses}
    built = build_notice(doc, context, licences)
    cli.write_output(RENDERERS[fmt](built), output)
    if output is not None:
        from licscan.report.notice import headline

        click.echo(f"licscan: {headline(built)[:-1]}; {fmt} notice written to {output}", err=True)
    sys.exit(EXIT_OK)
