"""Offline snapshot source: reads a folder written by ``licscan snapshot``."""

from __future__ import annotations

from pathlib import Path

from licscan.manifest.refs import COMMIT
from licscan.sources.base import SourceError
from licscan.sources.store import Store
from licscan.sources.validate import require_safe_name
from licscan.types import DATASET, MODEL, FetchErrorCode, FetchFailure, ModelRecord, RepoRefs


class SnapshotSource:
    """No network at all: everything comes from the snapshot folder."""

    def __init__(self, root: Path) -> None:
        self.store = Store(root, "snapshot")
        self.store.check()

    offline = True  # nothing beyond the folder can answer

    def local_view(self) -> SnapshotSource:
        """All of it: a snapshot answers from its folder, in the scan's own thread (``base.local_view``)."""
        return self

    @property
    def description(self) -> str:
        return f"snapshot {self.store.root}"

    def fetch_refs(self, record: ModelRecord) -> RepoRefs:
        refs = self.store.read_refs(record.repo_id, record.sha) if record.sha else None
        if refs is None:
            raise SourceError(
                FetchErrorCode.FETCH_FAILED,
                f"{record.repo_id}: its branches are not in the snapshot (write it with --openness-refs)",
            )
        return refs

    def fetch(self, repo_id: str, revision: str | None) -> ModelRecord:
        return self._read(repo_id, revision, MODEL)

    def fetch_dataset(self, repo_id: str, revision: str | None) -> ModelRecord:
        return self._read(repo_id, revision, DATASET)

    def _read(self, repo_id: str, revision: str | None, repo_type: str) -> ModelRecord:
        name = f"datasets/{repo_id}" if repo_type == DATASET else repo_id
        commit: str | None = revision if revision and COMMIT.match(revision) else None
        if commit is None:
            ref = self.store.read_ref(repo_id, revision, repo_type)
            if ref is None:
                raise SourceError(FetchErrorCode.NOT_FOUND, f"{name}@{revision or 'main'} is not in the snapshot")
            target, _ = ref
            if isinstance(target, FetchFailure):
                raise SourceError(target.code, target.message)
            commit = target
        record = self.store.read_record(repo_id, commit, repo_type)
        if record is None:
            raise SourceError(FetchErrorCode.NOT_FOUND, f"{name}@{commit} is not in the snapshot")
        return record

    def fetch_file(self, record: ModelRecord, filename: str) -> str:
        require_safe_name(record.repo_id, filename)  # before the name comes near a path
        sha = record.sha
        text = self.store.read_file(record.repo_id, sha, filename, record.repo_type) if sha else None
        if text is None:
            raise SourceError(FetchErrorCode.FETCH_FAILED, f"{record.repo_id}: {filename} is not in the snapshot")
        return text
