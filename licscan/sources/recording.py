"""A wrapper that writes everything a source answers into a snapshot folder.

The snapshot is an output: a record or file that cannot be written there makes
its model fail (``fetch-failed``, saying so), so the scan never reports as
captured what the folder does not hold.
"""

from __future__ import annotations

from collections.abc import Callable

from licscan.manifest.refs import COMMIT
from licscan.sources.base import MetadataSource, SourceError
from licscan.sources.store import Store, StoreError
from licscan.sources.validate import require_safe_name
from licscan.types import DATASET, MODEL, FetchErrorCode, ModelRecord, RepoRefs


class RecordingSource:
    def __init__(self, inner: MetadataSource, store: Store) -> None:
        self.inner = inner
        self.store = store
        store.initialise()  # OSError / StoreError: the caller says the folder cannot be written

    @property
    def description(self) -> str:
        return self.inner.description

    def fetch(self, repo_id: str, revision: str | None) -> ModelRecord:
        return self._record(repo_id, revision, MODEL)

    def fetch_dataset(self, repo_id: str, revision: str | None) -> ModelRecord:
        return self._record(repo_id, revision, DATASET)

    def _record(self, repo_id: str, revision: str | None, repo_type: str) -> ModelRecord:
        fetch = self.inner.fetch_dataset if repo_type == DATASET else self.inner.fetch
        what = f"{'datasets/' if repo_type == DATASET else ''}{repo_id}@{revision or 'main'}"
        try:
            record = fetch(repo_id, revision)
        except SourceError as exc:
            failure = exc.failure
            self._write(what, lambda: self.store.write_failure(repo_id, revision, failure, repo_type))
            raise
        sha = record.sha
        if sha:

            def write() -> None:
                self.store.write_record(record)
                if not (revision and COMMIT.match(revision)):
                    self.store.write_ref(repo_id, revision, sha, repo_type)

            self._write(what, write)
        return record

    def fetch_file(self, record: ModelRecord, filename: str) -> str:
        require_safe_name(record.repo_id, filename)  # before the name comes near a path
        text = self.inner.fetch_file(record, filename)
        sha = record.sha
        if sha:
            self._write(
                f"{record.repo_id}/{filename}",
                lambda: self.store.write_file(record.repo_id, sha, filename, text, record.repo_type),
            )
        return text

    def fetch_refs(self, record: ModelRecord) -> RepoRefs:
        refs = self.inner.fetch_refs(record)
        if record.sha:
            self._write(f"{record.repo_id} refs", lambda: self.store.write_refs(record, refs))
        return refs

    def _write(self, what: str, action: Callable[[], None]) -> None:
        try:
            action()
        except (OSError, StoreError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise SourceError(
                FetchErrorCode.FETCH_FAILED, f"{what}: could not be written to the snapshot {self.store.root}: {why}"
            ) from None
