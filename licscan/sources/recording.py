"""A wrapper that writes everything a source answers into a snapshot folder."""

from __future__ import annotations

from licscan.manifest.refs import COMMIT
from licscan.sources.base import MetadataSource, SourceError
from licscan.sources.store import Store
from licscan.types import ModelRecord


class RecordingSource:
    def __init__(self, inner: MetadataSource, store: Store) -> None:
        self.inner = inner
        self.store = store
        store.initialise()

    @property
    def description(self) -> str:
        return self.inner.description

    def fetch(self, repo_id: str, revision: str | None) -> ModelRecord:
        try:
            record = self.inner.fetch(repo_id, revision)
        except SourceError as exc:
            self.store.write_failure(repo_id, revision, exc.failure)
            raise
        if record.sha:
            self.store.write_record(record)
            if not (revision and COMMIT.match(revision)):
                self.store.write_ref(repo_id, revision, record.sha)
        return record

    def fetch_file(self, record: ModelRecord, filename: str) -> str:
        text = self.inner.fetch_file(record, filename)
        if record.sha:
            self.store.write_file(record.repo_id, record.sha, filename, text)
        return text
