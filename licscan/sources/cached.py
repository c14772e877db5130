"""A caching wrapper around any metadata source.

Records at a commit are immutable, so they are kept for good: rescanning a
pinned manifest makes no model-info calls. Branch and tag lookups (the bases
of a lineage usually come unpinned) are reused for ``ttl`` seconds. A corrupt
entry reads as a miss and is refetched. In offline mode only the cache
answers, whatever the age of its entries.
"""

from __future__ import annotations

import contextlib
import time

from licscan.manifest.refs import COMMIT
from licscan.sources.base import MetadataSource, SourceError
from licscan.sources.store import Store, StoreError
from licscan.types import FetchErrorCode, FetchFailure, ModelRecord


class CachedSource:
    def __init__(self, inner: MetadataSource | None, store: Store, *, ttl: float = 86400.0) -> None:
        self.inner = inner  # None: offline, the cache alone answers
        self.store = store
        self.ttl = ttl
        store.initialise()

    @property
    def description(self) -> str:
        return self.inner.description if self.inner else f"cache {self.store.root} (offline)"

    def fetch(self, repo_id: str, revision: str | None) -> ModelRecord:
        cached = self._lookup(repo_id, revision)
        if cached is not None:
            return cached
        if self.inner is None:
            raise SourceError(
                FetchErrorCode.FETCH_FAILED,
                f"{repo_id}@{revision or 'main'}: offline (HF_HUB_OFFLINE) and not in cache",
            )
        record = self.inner.fetch(repo_id, revision)
        if record.sha and COMMIT.match(record.sha):
            try:
                self.store.write_record(record)
                if not (revision and COMMIT.match(revision)):
                    self.store.write_ref(repo_id, revision, record.sha)
            except (OSError, StoreError):
                pass  # a cache that cannot be written only costs time
        return record

    def _lookup(self, repo_id: str, revision: str | None) -> ModelRecord | None:
        if revision and COMMIT.match(revision):
            return self.store.read_record(repo_id, revision)
        ref = self.store.read_ref(repo_id, revision)
        if ref is None:
            return None
        commit, fetched_at = ref
        if isinstance(commit, FetchFailure):
            return None
        if self.inner is not None and time.time() - fetched_at > self.ttl:
            return None
        return self.store.read_record(repo_id, commit)

    def fetch_file(self, record: ModelRecord, filename: str) -> str:
        if record.sha:
            text = self.store.read_file(record.repo_id, record.sha, filename)
            if text is not None:
                return text
        if self.inner is None:
            raise SourceError(FetchErrorCode.FETCH_FAILED, f"{record.repo_id}: {filename}: offline and not in cache")
        text = self.inner.fetch_file(record, filename)
        if record.sha:
            with contextlib.suppress(OSError, StoreError):
                self.store.write_file(record.repo_id, record.sha, filename, text)
        return text
