"""The metadata-source interface every source implements."""

from __future__ import annotations

from typing import Protocol

from licscan.types import FetchErrorCode, FetchFailure, ModelRecord, RepoRefs


class SourceError(Exception):
    """A per-model failure; the scan records it and goes on."""

    def __init__(self, code: FetchErrorCode, message: str) -> None:
        super().__init__(message)
        self.failure = FetchFailure(code, message)


class MetadataSource(Protocol):
    """Gives a model's or a dataset's record at a revision, and the files it lists."""

    @property
    def description(self) -> str:
        """Where records come from, for reports (never includes a token)."""
        ...

    def fetch(self, repo_id: str, revision: str | None) -> ModelRecord:
        """The record at ``revision`` (None: default branch). Raises SourceError."""
        ...

    def fetch_dataset(self, repo_id: str, revision: str | None) -> ModelRecord:
        """A dataset repo's record (``repo_type`` "dataset") at ``revision``. Raises SourceError."""
        ...

    def fetch_file(self, record: ModelRecord, filename: str) -> str:
        """Text of a file the record lists (of a model or a dataset), at the record's commit. Raises SourceError."""
        ...

    def fetch_refs(self, record: ModelRecord) -> RepoRefs:
        """The repo's branches and tags as they were when it was at the record's commit (``--openness-refs``).
        Raises SourceError."""
        ...


class NotCached(Exception):
    """A source's local view cannot answer from what it holds: ask the source itself (over the network)."""


def local_view(source: object) -> MetadataSource | None:
    """The part of ``source`` that answers without the network (a cache, a snapshot), if it has one.

    Its methods answer what is held at once, and raise NotCached for the rest. A scan asks it first, in
    its own thread: a warm cache answers thousands of records without a thread hand-off each.
    """
    return _view(source, "local_view")


def behind_view(source: object) -> MetadataSource | None:
    """What fetches the tasks ``local_view(source)`` said it lacks, without asking the local part again
    (a cache: the source behind it, and the answer written to the folder); None: ask ``source`` itself."""
    return _view(source, "behind_view")


def _view(source: object, name: str) -> MetadataSource | None:
    """``source.<name>()`` when the source offers that view (an optional part of the protocol), else None."""
    view = getattr(source, name, None)
    found: MetadataSource | None = view() if callable(view) else None
    return found
