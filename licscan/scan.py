"""Run a scan: fetch every model and its bases, then classify (pure) in order.

Fetching goes in waves: the manifest's models first, then every base they
name, then the bases of those, up to the lineage depth. Each repo is fetched
once per run whatever number of models share it, and a wave runs ``jobs``
fetches at a time; no worker ever waits on another, so there is no deadlock
however the lineage is shaped.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from licscan import __version__
from licscan.classify import classify_card
from licscan.licensedb import LicenseDB
from licscan.lineage import MAX_DEPTH, base_model_ids, chain_obligations, effective_license, resolve_lineage
from licscan.sources.base import MetadataSource, SourceError
from licscan.textscan import classify_with_texts, needs_text, text_files
from licscan.types import (
    Classification,
    FetchErrorCode,
    FetchFailure,
    Finding,
    LicenseClass,
    ModelRecord,
    ModelRef,
    ModelResult,
    ScanResult,
    Severity,
)

Progress = Callable[[int, int, str], None]


def _fetch(source: MetadataSource, repo_id: str, revision: str | None) -> ModelRecord | FetchFailure:
    try:
        return source.fetch(repo_id, revision)
    except SourceError as exc:
        return exc.failure


class Fetcher:
    """Fetches (repo, revision) pairs in parallel waves, each pair once."""

    def __init__(self, source: MetadataSource, jobs: int, progress: Progress | None = None) -> None:
        self.source = source
        self.jobs = max(1, jobs)
        self.progress = progress
        self.outcomes: dict[tuple[str, str | None], ModelRecord | FetchFailure] = {}
        self._done = 0
        self._total = 0

    def fetch_all(self, keys: Iterable[tuple[str, str | None]]) -> None:
        todo = list(dict.fromkeys(k for k in keys if _norm(k) not in self.outcomes))
        if not todo:
            return
        self._total += len(todo)
        with ThreadPoolExecutor(max_workers=min(self.jobs, len(todo))) as pool:
            for key, outcome in zip(todo, pool.map(lambda k: _fetch(self.source, *k), todo), strict=False):
                self.outcomes[_norm(key)] = outcome
                self._done += 1
                if self.progress:
                    self.progress(self._done, self._total, f"{key[0]}@{key[1] or 'main'}")

    def get(self, repo_id: str, revision: str | None = None) -> ModelRecord | FetchFailure | None:
        return self.outcomes.get(_norm((repo_id, revision)))

    def read_texts(self, wanted: Callable[[ModelRecord], bool]) -> dict[str, dict[str, FetchFailure]]:
        """Read the licence texts of every fetched record that ``wanted`` picks.

        Texts land in the record's ``files``; files that could not be read
        are returned per record (``repo@sha``) so classification can say so.
        """
        jobs = [
            (key, record, name)
            for key, record in self.outcomes.items()
            if isinstance(record, ModelRecord) and wanted(record)
            for name in text_files(record)
        ]
        unread: dict[str, dict[str, FetchFailure]] = {}
        texts: dict[tuple[str, str | None], dict[str, str]] = {}

        def read(job: tuple[tuple[str, str | None], ModelRecord, str]) -> str | FetchFailure:
            try:
                return self.source.fetch_file(job[1], job[2])
            except SourceError as exc:
                return exc.failure

        if jobs:
            with ThreadPoolExecutor(max_workers=min(self.jobs, len(jobs))) as pool:
                for (key, record, name), text in zip(jobs, pool.map(read, jobs), strict=True):
                    if isinstance(text, FetchFailure):
                        unread.setdefault(_record_key(record), {})[name] = text
                    else:
                        texts.setdefault(key, {})[name] = text
        for key, files in texts.items():
            current = self.outcomes[key]
            if isinstance(current, ModelRecord):
                self.outcomes[key] = replace(current, files={**current.files, **files})
        return unread


def _record_key(record: ModelRecord) -> str:
    return f"{record.repo_id.lower()}@{record.sha}"


def _norm(key: tuple[str, str | None]) -> tuple[str, str | None]:
    return (key[0].lower(), key[1])


def scan(
    refs: list[ModelRef],
    source: MetadataSource,
    db: LicenseDB,
    *,
    jobs: int = 8,
    max_depth: int = MAX_DEPTH,
    progress: Progress | None = None,
    manifests: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
    now: _dt.datetime | None = None,
    verify_text: bool = False,
) -> ScanResult:
    fetcher = Fetcher(source, jobs, progress)
    fetcher.fetch_all((ref.repo_id, ref.revision) for ref in refs)
    frontier = [o for o in (fetcher.get(r.repo_id, r.revision) for r in refs) if isinstance(o, ModelRecord)]
    for _ in range(max_depth):
        wanted = [(base, None) for rec in frontier for base in base_model_ids(rec.card_data)[0]]
        new = [k for k in dict.fromkeys(wanted) if fetcher.get(*k) is None]
        if not new:
            break
        fetcher.fetch_all(new)
        frontier = [o for o in (fetcher.get(*k) for k in new) if isinstance(o, ModelRecord)]

    cards: dict[str, Classification] = {}

    def from_card(record: ModelRecord) -> Classification:
        # Asked twice per record (does it need its texts? then to classify): read the card once.
        key = _record_key(record)
        if key not in cards:
            cards[key] = classify_card(db, record.card_data, record.repo_id)
        return cards[key]

    unread = fetcher.read_texts(lambda record: needs_text(from_card(record), verify_text))
    memo: dict[str, Classification] = {}

    def classify(record: ModelRecord) -> Classification:
        key = _record_key(record)
        if key not in memo:
            declared = from_card(record)
            if needs_text(declared, verify_text):
                declared = classify_with_texts(db, record, declared, unread.get(key, {}))
            memo[key] = declared
        return memo[key]

    results = tuple(
        build_result(ref, fetcher.get(ref.repo_id, ref.revision), lambda rid: fetcher.get(rid), classify, max_depth)
        for ref in refs
    )
    stamp = (now or _dt.datetime.now(_dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ScanResult(
        models=results,
        manifests=manifests,
        tool_version=__version__,
        database_version=db.version,
        generated_at=stamp,
        source=source.description,
        warnings=warnings,
    )


def build_result(
    ref: ModelRef,
    outcome: ModelRecord | FetchFailure | None,
    lookup: Callable[[str], ModelRecord | FetchFailure | None],
    classify: Callable[[ModelRecord], Classification],
    max_depth: int = MAX_DEPTH,
) -> ModelResult:
    """Everything concluded about one manifest entry (pure, given the lookups)."""
    if not isinstance(outcome, ModelRecord):
        failure = outcome or FetchFailure(FetchErrorCode.FETCH_FAILED, "not fetched")
        unknown = Classification(None, LicenseClass.UNKNOWN, None)
        return ModelResult(
            ref=ref,
            revision=None,
            record=None,
            failure=failure,
            declared=unknown,
            license=None,
            license_source=None,
            license_class=LicenseClass.UNKNOWN,
            findings=(Finding(failure.code.value, Severity.ERROR, failure.message),),
        )
    declared = classify(outcome)
    lineage = resolve_lineage(outcome, lookup, classify, max_depth)
    effective = effective_license(ref.repo_id, declared, lineage.bases)
    return ModelResult(
        ref=ref,
        revision=outcome.sha,
        record=outcome,
        failure=None,
        declared=declared,
        license=effective.license,
        license_source=effective.source,
        license_class=effective.license_class,
        base_models=lineage.bases,
        obligations=chain_obligations(declared, lineage.bases),
        evidence=declared.evidence + lineage.evidence + effective.evidence,
        findings=declared.findings + lineage.findings + effective.findings,
    )
