"""A caching wrapper around any metadata source.

Records at a commit are immutable, so they are kept for good: rescanning a
pinned manifest makes no model-info calls. Branch and tag lookups (the bases
of a lineage usually come unpinned) are reused for ``ttl`` seconds. A corrupt
entry reads as a miss and is refetched. In offline mode only the cache
answers, whatever the age of its entries.

The cache is an optimisation: a folder that cannot be created, read or
written (read-only, a file in the way, a full disk) costs one warning and the
time of fetching, never the scan.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from licscan.manifest.refs import COMMIT
from licscan.sources.base import MetadataSource, NotCached, SourceError
from licscan.sources.store import Store, StoreError
from licscan.sources.validate import require_safe_name
from licscan.types import DATASET, MODEL, FetchErrorCode, FetchFailure, ModelRecord, RepoRefs

T = TypeVar("T")


class CachedSource:
    def __init__(
        self,
        inner: MetadataSource | None,
        store: Store,
        *,
        ttl: float = 86400.0,
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        self.inner = inner  # None: offline, the cache alone answers
        self.store = store
        self.ttl = ttl
        self._on_warning = on_warning
        self._lock = threading.Lock()
        self.usable = True  # False once the folder proved unusable: no more reads or writes
        self.writable = True
        try:
            store.initialise()
        except (OSError, StoreError) as exc:
            self._give_up(f"cannot use the cache folder {store.root}: {_why(exc)}; scanning without a cache")

    @property
    def description(self) -> str:
        return self.inner.description if self.inner else f"cache {self.store.root} (offline)"

    @property
    def offline(self) -> bool:
        return self.inner is None

    @property
    def has_token(self) -> bool:
        return bool(getattr(self.inner, "has_token", False))

    def fetch_refs(self, record: ModelRecord) -> RepoRefs:
        """Cached by the record's commit, like the rest: a repo that moves on gets its refs read again."""
        return self._refs(record, look=True)

    def _refs(self, record: ModelRecord, *, look: bool) -> RepoRefs:
        sha = record.sha
        cached = self._held_refs(record) if look and self.usable else None
        if cached is not None:
            return cached
        if self.inner is None:
            message = f"{record.repo_id} refs: offline (HF_HUB_OFFLINE) and not in cache"
            raise SourceError(FetchErrorCode.FETCH_FAILED, message)
        refs = self.inner.fetch_refs(record)
        if sha:
            self._write(lambda: self.store.write_refs(record, refs))
        return refs

    def local_view(self) -> _CacheOnly | None:
        """This cache without what is behind it (``base.local_view``); None once the folder proved unusable."""
        return _CacheOnly(self) if self.usable else None

    def behind_view(self) -> _Behind:
        """This cache for what its cache-only view lacks (``base.behind_view``): not asked again."""
        return _Behind(self)

    def fetch(self, repo_id: str, revision: str | None) -> ModelRecord:
        return self._fetch(repo_id, revision, MODEL, self.inner.fetch if self.inner else None)

    def fetch_dataset(self, repo_id: str, revision: str | None) -> ModelRecord:
        # Cached like model info, under its own folders: by commit for good, by branch for the TTL.
        return self._fetch(repo_id, revision, DATASET, self.inner.fetch_dataset if self.inner else None)

    def _fetch(
        self,
        repo_id: str,
        revision: str | None,
        repo_type: str,
        upstream: Callable[[str, str | None], ModelRecord] | None,
        *,
        look: bool = True,
    ) -> ModelRecord:
        cached = self._lookup(repo_id, revision, repo_type) if look and self.usable else None
        if cached is not None:
            return cached
        if upstream is None:
            what = f"{'datasets/' if repo_type == DATASET else ''}{repo_id}@{revision or 'main'}"
            raise SourceError(FetchErrorCode.FETCH_FAILED, f"{what}: offline (HF_HUB_OFFLINE) and not in cache")
        record = upstream(repo_id, revision)
        if record.sha and COMMIT.match(record.sha):
            self._write(lambda: self._store_record(record, revision))
        return record

    def _store_record(self, record: ModelRecord, revision: str | None) -> None:
        self.store.write_record(record)
        if record.sha and not (revision and COMMIT.match(revision)):
            self.store.write_ref(record.repo_id, revision, record.sha, record.repo_type)

    def _lookup(self, repo_id: str, revision: str | None, repo_type: str = MODEL) -> ModelRecord | None:
        if revision and COMMIT.match(revision):
            return self.store.read_record(repo_id, revision, repo_type)
        ref = self.store.read_ref(repo_id, revision, repo_type)
        if ref is None:
            return None
        commit, fetched_at = ref
        if isinstance(commit, FetchFailure):
            return None
        if self.inner is not None and time.time() - fetched_at > self.ttl:
            return None
        return self.store.read_record(repo_id, commit, repo_type)

    def fetch_file(self, record: ModelRecord, filename: str) -> str:
        return self._file(record, filename, look=True)

    def _file(self, record: ModelRecord, filename: str, *, look: bool) -> str:
        require_safe_name(record.repo_id, filename)  # before the name comes near a path
        held = self._held_file(record, filename) if look and self.usable else None
        if held is not None:
            return held
        if self.inner is None:
            raise SourceError(FetchErrorCode.FETCH_FAILED, f"{record.repo_id}: {filename}: offline and not in cache")
        text = self.inner.fetch_file(record, filename)
        sha = record.sha
        if sha:
            self._write(lambda: self.store.write_file(record.repo_id, sha, filename, text, record.repo_type))
        return text

    def _held_refs(self, record: ModelRecord) -> RepoRefs | None:
        return self.store.read_refs(record.repo_id, record.sha) if record.sha else None

    def _held_file(self, record: ModelRecord, filename: str) -> str | None:
        """The file as the cache holds it for the record's commit (the name already checked safe)."""
        return self.store.read_file(record.repo_id, record.sha, filename, record.repo_type) if record.sha else None

    def _write(self, action: Callable[[], None]) -> None:
        if not (self.usable and self.writable):
            return
        try:
            action()
        except (OSError, StoreError) as exc:
            with self._lock:
                if not self.writable:
                    return
                self.writable = False
            self._warn(f"cannot write to the cache folder {self.store.root}: {_why(exc)}; not caching this run")

    def _give_up(self, message: str) -> None:
        self.usable = self.writable = False
        self._warn(message)

    def _warn(self, message: str) -> None:
        if self._on_warning is not None:
            self._on_warning(message)


class _View:
    """A part of a ``CachedSource`` that a scan asks on its own (``base.local_view``, ``base.behind_view``)."""

    def __init__(self, cache: CachedSource) -> None:
        self._cache = cache

    @property
    def description(self) -> str:
        return self._cache.description


class _CacheOnly(_View):
    """What ``CachedSource`` answers from its folder alone: a miss raises NotCached (never a failure)."""

    def fetch(self, repo_id: str, revision: str | None) -> ModelRecord:
        return self._found(self._cache._lookup(repo_id, revision, MODEL))

    def fetch_dataset(self, repo_id: str, revision: str | None) -> ModelRecord:
        return self._found(self._cache._lookup(repo_id, revision, DATASET))

    def fetch_file(self, record: ModelRecord, filename: str) -> str:
        require_safe_name(record.repo_id, filename)
        return self._found(self._cache._held_file(record, filename))

    def fetch_refs(self, record: ModelRecord) -> RepoRefs:
        return self._found(self._cache._held_refs(record))

    def _found(self, value: T | None) -> T:
        if value is None or not self._cache.usable:
            raise NotCached
        return value


class _Behind(_View):
    """What ``CachedSource`` fetches once its cache-only view has said it lacks it: from the source behind,
    written to the folder, and the folder not asked a second time (a scan's worker threads use this)."""

    def fetch(self, repo_id: str, revision: str | None) -> ModelRecord:
        inner = self._cache.inner
        return self._cache._fetch(repo_id, revision, MODEL, inner.fetch if inner else None, look=False)

    def fetch_dataset(self, repo_id: str, revision: str | None) -> ModelRecord:
        inner = self._cache.inner
        return self._cache._fetch(repo_id, revision, DATASET, inner.fetch_dataset if inner else None, look=False)

    def fetch_file(self, record: ModelRecord, filename: str) -> str:
        return self._cache._file(record, filename, look=False)

    def fetch_refs(self, record: ModelRecord) -> RepoRefs:
        return self._cache._refs(record, look=False)


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
