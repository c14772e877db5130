"""``licscan snapshot MANIFEST... -o DIR``: everything a scan reads, in a folder, for air-gapped machines."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from licscan.cli.common import endpoint, fail, load_db, load_refs, load_upstream_table, offline, progress_printer, warn
from licscan.cli.options import jobs_opt, manifest_arg, openness_refs_opt, timeout_opt
from licscan.errors import EXIT_FETCH_FAILED, EXIT_OK


@click.command()
@manifest_arg
@click.option(
    "--output", "-o", required=True, type=click.Path(path_type=Path, file_okay=False), help="Snapshot folder to write."
)
@jobs_opt
@timeout_opt
@openness_refs_opt
def snapshot(manifests: tuple[Path, ...], output: Path, jobs: int | str, timeout: float, openness_refs: bool) -> None:
    """Write the metadata and licence files of MANIFESTS' models, their bases and the datasets they use
    (listed, or named as training data) to a folder.

    ``licscan scan --snapshot DIR`` then scans with no network at all.

    \b
    Examples:
      licscan snapshot models.txt -o snap/
      licscan scan models.txt --snapshot snap/
    """
    refs, _ = load_refs(manifests)
    db = load_db()
    if offline():
        fail("HF_HUB_OFFLINE is set: a snapshot needs the Hub")
    from licscan.classify import classify_card
    from licscan.cli.progress import quiet_hub_client
    from licscan.lineage import files_for_lineage
    from licscan.scan import scan as run_scan
    from licscan.sources.base import SourceError
    from licscan.sources.hub import HubSource
    from licscan.sources.recording import RecordingSource
    from licscan.sources.retry import RetryPolicy
    from licscan.sources.store import Store, StoreError
    from licscan.textscan import text_files
    from licscan.types import DATASET

    quiet_hub_client()
    hub = HubSource(endpoint=endpoint(), policy=RetryPolicy(budget=timeout))
    try:
        recorder = RecordingSource(hub, Store(output, "snapshot"))
    except (OSError, StoreError) as exc:
        fail(f"{output}: cannot write the snapshot: {getattr(exc, 'strerror', None) or exc}")
    upstreams = load_upstream_table()
    with progress_printer() as progress:
        result = run_scan(
            refs, recorder, db, jobs=jobs, progress=progress, upstreams=upstreams, openness_refs=openness_refs
        )
    records = {}
    for model in result.models:
        if model.record is not None:
            records[(model.record.repo_id, model.record.sha)] = model.record
        for base in model.base_models:
            if base.revision:
                stored = recorder.store.read_record(base.repo_id, base.revision)
                if stored is not None:
                    records[(stored.repo_id, stored.sha)] = stored
    datasets = {}
    for item in result.datasets:
        if item.record is not None:
            datasets[(item.record.repo_id, item.record.sha)] = item.record
    for model in result.models:
        for entry in model.training_data:
            if entry.repo_id and entry.revision:
                stored = recorder.store.read_record(entry.repo_id, entry.revision, DATASET)
                if stored is not None:
                    datasets[(stored.repo_id, stored.sha)] = stored
    files = 0
    for record in datasets.values():
        for name in text_files(record):  # a dataset has no lineage: its licence texts are all a scan reads
            try:
                recorder.fetch_file(record, name)
                files += 1
            except SourceError as exc:
                warn(exc.failure.message)
    for record in records.values():
        # Every file a scan could read (licence texts with --verify-text, lineage evidence), so that
        # scanning the snapshot reaches the same answers offline.
        declared = classify_card(db, record.card_data, record.repo_id).license_class
        for name in dict.fromkeys([*text_files(record), *sorted(files_for_lineage(record, declared, upstreams))]):
            try:
                recorder.fetch_file(record, name)
                files += 1
            except SourceError as exc:
                warn(exc.failure.message)
    failed = sum(1 for m in (*result.models, *result.datasets) if m.failure is not None)
    click.echo(
        f"wrote {len(records)} model records, {len(datasets)} dataset records and {files} licence files to {output}"
        + (f"; {failed} models or datasets could not be fetched" if failed else ""),
        err=True,
    )
    sys.exit(EXIT_FETCH_FAILED if failed else EXIT_OK)
