"""The snapshot/cache folder format and the sources built on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licscan.sources.base import SourceError
from licscan.sources.cached import CachedSource
from licscan.sources.snapshot import SnapshotSource
from licscan.sources.store import Store, StoreError
from licscan.types import FetchErrorCode, FetchFailure, ModelRecord

SHA = "a" * 40
SHA2 = "b" * 40


def record(repo: str = "org/model", sha: str = SHA, license: str = "mit") -> ModelRecord:
    return ModelRecord(repo_id=repo, sha=sha, card_data={"license": license}, siblings=("LICENSE", "README.md"))


class CountingSource:
    """A stand-in upstream for the cache tests (the Hub path has its own fake-Hub tests)."""

    def __init__(self, records: dict[tuple[str, str | None], ModelRecord]) -> None:
        self.records = records
        self.calls: list[tuple[str, str | None]] = []
        self.file_calls: list[str] = []

    @property
    def description(self) -> str:
        return "counting"

    def fetch(self, repo_id: str, revision: str | None) -> ModelRecord:
        self.calls.append((repo_id, revision))
        try:
            return self.records[(repo_id, revision)]
        except KeyError:
            raise SourceError(FetchErrorCode.NOT_FOUND, "nope") from None

    def fetch_file(self, rec: ModelRecord, filename: str) -> str:
        self.file_calls.append(filename)
        return f"text of {filename}"


def test_round_trip_records_refs_files_and_failures(tmp_path: Path) -> None:
    store = Store(tmp_path, "snapshot")
    store.initialise()
    store.write_record(record())
    store.write_ref("org/model", None, SHA)
    store.write_ref("org/model", "refs/pr/1", SHA)
    store.write_file("org/model", SHA, "LICENSE", "MIT License")
    store.write_failure("org/gone", None, FetchFailure(FetchErrorCode.GATED, "gated"))
    store.write_record(record("gpt2"))  # a legacy id without an org
    source = SnapshotSource(tmp_path)
    assert source.fetch("org/model", None) == record()
    assert source.fetch("org/model", "refs/pr/1").sha == SHA
    assert source.fetch("org/model", SHA).card_data == {"license": "mit"}
    assert source.fetch_file(record(), "LICENSE") == "MIT License"
    assert (tmp_path / "models" / "~" / "gpt2" / SHA / "record.json").exists()
    with pytest.raises(SourceError) as info:
        source.fetch("org/gone", None)
    assert info.value.failure.code is FetchErrorCode.GATED
    with pytest.raises(SourceError) as info:
        source.fetch("org/absent", None)
    assert info.value.failure.code is FetchErrorCode.NOT_FOUND


def test_a_folder_that_is_not_a_snapshot_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not a licscan snapshot"):
        SnapshotSource(tmp_path)
    (tmp_path / "licscan-store.json").write_text('{"format": 99}')
    with pytest.raises(StoreError, match="unsupported format"):
        SnapshotSource(tmp_path)


def test_unsafe_file_names_are_refused(tmp_path: Path) -> None:
    store = Store(tmp_path, "snapshot")
    for name in ("../escape", "/abs", "a/../../b", ""):
        with pytest.raises(StoreError):
            store.write_file("org/model", SHA, name, "x")


def test_pinned_records_are_served_from_cache(tmp_path: Path) -> None:
    upstream = CountingSource({("org/model", SHA): record()})
    cache = CachedSource(upstream, Store(tmp_path, "cache"))
    assert cache.fetch("org/model", SHA) == record()
    assert CachedSource(upstream, Store(tmp_path, "cache")).fetch("org/model", SHA) == record()
    assert upstream.calls == [("org/model", SHA)]


def test_branch_lookups_honour_the_ttl(tmp_path: Path) -> None:
    upstream = CountingSource({("org/model", None): record()})
    CachedSource(upstream, Store(tmp_path, "cache"), ttl=3600).fetch("org/model", None)
    CachedSource(upstream, Store(tmp_path, "cache"), ttl=3600).fetch("org/model", None)
    assert len(upstream.calls) == 1
    CachedSource(upstream, Store(tmp_path, "cache"), ttl=0).fetch("org/model", None)
    assert len(upstream.calls) == 2


def test_corrupt_entries_are_refetched_not_fatal(tmp_path: Path) -> None:
    upstream = CountingSource({("org/model", SHA): record()})
    store = Store(tmp_path, "cache")
    CachedSource(upstream, store).fetch("org/model", SHA)
    path = tmp_path / "models" / "org" / "model" / SHA / "record.json"
    for garbage in ("{not json", "[]", json.dumps({"repo_id": "org/model", "sha": SHA2}), ""):
        path.write_text(garbage)
        assert CachedSource(upstream, store).fetch("org/model", SHA) == record()
    assert len(upstream.calls) == 5
    assert json.loads(path.read_text())["sha"] == SHA  # repaired


def test_offline_cache_answers_whatever_the_age(tmp_path: Path) -> None:
    upstream = CountingSource({("org/model", None): record()})
    CachedSource(upstream, Store(tmp_path, "cache")).fetch("org/model", None)
    offline = CachedSource(None, Store(tmp_path, "cache"), ttl=0)
    assert offline.fetch("org/model", None) == record()
    with pytest.raises(SourceError) as info:
        offline.fetch("org/other", None)
    assert info.value.failure.code is FetchErrorCode.FETCH_FAILED
    assert "offline" in info.value.failure.message


def test_files_are_cached_by_commit(tmp_path: Path) -> None:
    upstream = CountingSource({})
    cache = CachedSource(upstream, Store(tmp_path, "cache"))
    assert cache.fetch_file(record(), "LICENSE") == "text of LICENSE"
    assert cache.fetch_file(record(), "LICENSE") == "text of LICENSE"
    assert upstream.file_calls == ["LICENSE"]


def test_the_local_view_answers_what_the_cache_holds_and_nothing_else(tmp_path: Path) -> None:
    from licscan.sources.base import NotCached, local_view

    upstream = CountingSource({("org/model", SHA): record(), ("org/model", None): record()})
    cache = CachedSource(upstream, Store(tmp_path, "cache"), ttl=3600)
    local = local_view(cache)
    assert local is not None
    with pytest.raises(NotCached):  # a miss is never a failure: the scan asks the source behind the cache
        local.fetch("org/model", SHA)
    with pytest.raises(NotCached):
        local.fetch_file(record(), "LICENSE")
    cache.fetch("org/model", SHA)
    cache.fetch("org/model", None)
    assert local.fetch("org/model", SHA) == record()
    assert local.fetch("org/model", None) == record()  # the branch lookup, within its TTL
    assert len(upstream.calls) == 2  # the view itself never asked upstream
    stale = local_view(CachedSource(upstream, Store(tmp_path, "cache"), ttl=0))
    assert stale is not None
    with pytest.raises(NotCached):  # past the TTL a branch is the network's to answer
        stale.fetch("org/model", None)
    assert local_view(upstream) is None  # a source without a local part


class CountingStore(Store):
    """A cache folder that counts what it is asked (licscan's own class, to see the lookups a miss costs)."""

    def __init__(self, root: Path) -> None:
        super().__init__(root, "cache")
        self.asked: list[str] = []

    def read_record(self, repo_id: str, commit: str, repo_type: str = "model") -> ModelRecord | None:
        self.asked.append(f"record {repo_id}@{commit}")
        return super().read_record(repo_id, commit, repo_type)

    def read_ref(
        self, repo_id: str, revision: str | None, repo_type: str = "model"
    ) -> tuple[str | FetchFailure, float] | None:
        self.asked.append(f"ref {repo_id}@{revision}")
        return super().read_ref(repo_id, revision, repo_type)

    def read_file(self, repo_id: str, commit: str, filename: str, repo_type: str = "model") -> str | None:
        self.asked.append(f"file {repo_id}@{commit}/{filename}")
        return super().read_file(repo_id, commit, filename, repo_type)


def test_a_miss_of_the_local_view_is_not_looked_up_again_by_the_fetch_after_it(tmp_path: Path) -> None:
    from licscan.sources.base import NotCached, behind_view, local_view

    store = CountingStore(tmp_path)
    upstream = CountingSource({("org/model", SHA): record(), ("org/model", None): record()})
    cache = CachedSource(upstream, store)
    local, behind = local_view(cache), behind_view(cache)
    assert local is not None and behind is not None
    for ask in (lambda: local.fetch("org/model", None), lambda: local.fetch_file(record(), "LICENSE")):
        with pytest.raises(NotCached):
            ask()
    assert behind.fetch("org/model", None) == record()  # the scan's worker: straight to the source behind
    assert behind.fetch_file(record(), "LICENSE") == "text of LICENSE"
    assert store.asked == ["ref org/model@None", f"file org/model@{SHA}/LICENSE"]  # each miss asked once
    assert upstream.calls == [("org/model", None)] and upstream.file_calls == ["LICENSE"]
    store.asked.clear()  # what was written is read back, and the cache itself asks its folder first
    assert cache.fetch("org/model", None) == record() and cache.fetch_file(record(), "LICENSE") == "text of LICENSE"
    assert store.asked == ["ref org/model@None", f"record org/model@{SHA}", f"file org/model@{SHA}/LICENSE"]
    assert upstream.calls == [("org/model", None)]
    offline = behind_view(CachedSource(None, store))
    assert offline is not None
    with pytest.raises(SourceError):  # offline, what the folder lacks is a failure, not a fetch
        offline.fetch("org/other", None)
