"""The on-disk folder format shared by offline snapshots and the fetch cache.

Layout (documented in README.md, "Snapshot format")::

    licscan-store.json                         {"format": 1, "kind": "snapshot"|"cache", ...}
    refs/<org>/<name>/<quoted ref>.json        {"commit": "<sha>", "fetched_at": <unix time>}
                                               or {"error": {"code": ..., "message": ...}}
    models/<org>/<name>/<commit>/record.json   the ModelRecord (card data, siblings, tags, ...)
    models/<org>/<name>/<commit>/files/<name>  licence files fetched from the repo
    dataset-refs/<org>/<name>/<quoted ref>.json   the same for dataset repos, whose ids may equal a model's
    datasets/<org>/<name>/<commit>/...             (record.json: the licence part of the card only)

Repo ids without an org (``gpt2``) use ``~`` as org, which no Hub id can hold.
Records under a commit are immutable; refs (branches, tags) move, so the
cache honours a time-to-live for them. Every write is atomic (temp + rename),
so concurrent scans never see half a file, and every read is validated: a
corrupt entry reads as missing.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from licscan import limits
from licscan.files import read_regular
from licscan.jsonfmt import pretty_sorted
from licscan.manifest.refs import COMMIT
from licscan.sources.secrets import Scrubber
from licscan.sources.validate import (
    Malformed,
    checked_record,
    commit_problem,
    file_name_problem,
    parse_json,
    refs_from_info,
    too_deep,
)
from licscan.types import DATASET, MODEL, FetchErrorCode, FetchFailure, ModelRecord, RepoRefs

FORMAT = 1
MARKER = "licscan-store.json"
DEFAULT_REF = "main"


class StoreError(Exception):
    pass


# Top folders per repo type: (refs, records).
_FOLDERS = {MODEL: ("refs", "models"), DATASET: ("dataset-refs", "datasets")}


def _repo_dir(repo_id: str) -> Path:
    org, _, name = repo_id.rpartition("/")
    return Path(org or "~") / name


_NO_SECRETS = Scrubber(())  # records on disk were scrubbed when fetched; this only mends lone surrogates


def _safe_filename(filename: str) -> str:
    problem = file_name_problem(filename)
    if problem:
        raise StoreError(f"{problem}: {filename[:80]!r}")
    return filename


def record_to_json(record: ModelRecord) -> dict[str, Any]:
    return {
        "repo_id": record.repo_id,
        "sha": record.sha,
        "gated": record.gated,
        "private": record.private,
        "pipeline_tag": record.pipeline_tag,
        "tags": list(record.tags),
        "siblings": list(record.siblings),
        "card_data": dict(record.card_data),
        "library_name": record.library_name,
        "config": dict(record.config),
    }


def record_from_json(data: Any) -> ModelRecord:
    """A record read back from a store, checked like an endpoint's answer (a snapshot may come from anyone)."""
    if not isinstance(data, dict) or not isinstance(data.get("repo_id"), str):
        raise StoreError("record is not a mapping with a repo_id")
    sha = data.get("sha")
    card = data.get("card_data") or {}
    tags = data.get("tags") or []
    siblings = data.get("siblings") or []
    if commit_problem(sha, None) or not isinstance(card, dict) or not isinstance(tags, list):
        raise StoreError("record has fields of the wrong type")
    if not isinstance(siblings, list) or len(siblings) > limits.FILES_PER_REPO or too_deep(card, limits.CARD_DEPTH):
        raise StoreError("record has fields of the wrong type or size")
    return checked_record(
        data["repo_id"],
        str(sha),
        card,
        gated=data.get("gated", False),
        private=data.get("private", False),
        pipeline_tag=data.get("pipeline_tag"),
        tags=tags,
        siblings=siblings,
        scrub=_NO_SECRETS,
        library_name=data.get("library_name"),
        config=data.get("config"),
    )


class Store:
    def __init__(self, root: Path, kind: str) -> None:
        self.root = root
        self.kind = kind

    # -- creation and checks -------------------------------------------------
    def initialise(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        marker = self.root / MARKER
        if not marker.exists():
            self._write_json(marker, {"format": FORMAT, "kind": self.kind, "created_at": _now_iso()})

    def check(self) -> None:
        """Raise StoreError unless ``root`` holds a store this version reads."""
        marker = self.root / MARKER
        try:
            meta = json.loads(read_regular(marker, limits.ERROR_BODY_BYTES))
        except FileNotFoundError:
            raise StoreError(f"{self.root}: not a licscan snapshot (no {MARKER})") from None
        except (OSError, ValueError) as exc:
            raise StoreError(f"{marker}: unreadable: {exc}") from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise StoreError(f"{marker}: unsupported format {meta.get('format') if isinstance(meta, dict) else meta!r}")

    # -- refs ------------------------------------------------------------------
    def _ref_path(self, repo_id: str, revision: str | None, repo_type: str = MODEL) -> Path:
        top = _FOLDERS[repo_type][0]
        return self.root / top / _repo_dir(repo_id) / (quote(revision or DEFAULT_REF, safe="") + ".json")

    def read_ref(
        self, repo_id: str, revision: str | None, repo_type: str = MODEL
    ) -> tuple[str | FetchFailure, float] | None:
        """The commit (or recorded failure) a ref pointed to, and when; None if absent or corrupt."""
        data = self._read_json(self._ref_path(repo_id, revision, repo_type))
        if not isinstance(data, dict):
            return None
        fetched_at = data.get("fetched_at")
        when = float(fetched_at) if isinstance(fetched_at, (int, float)) else 0.0
        commit = data.get("commit")
        if isinstance(commit, str) and COMMIT.match(commit):
            return commit, when
        error = data.get("error")
        if isinstance(error, dict):
            try:
                return FetchFailure(FetchErrorCode(error.get("code")), str(error.get("message", ""))), when
            except ValueError:
                return None
        return None

    def write_ref(self, repo_id: str, revision: str | None, commit: str, repo_type: str = MODEL) -> None:
        self._write_json(self._ref_path(repo_id, revision, repo_type), {"commit": commit, "fetched_at": time.time()})

    def write_failure(
        self, repo_id: str, revision: str | None, failure: FetchFailure, repo_type: str = MODEL
    ) -> None:
        payload = {"error": {"code": failure.code.value, "message": failure.message}, "fetched_at": time.time()}
        self._write_json(self._ref_path(repo_id, revision, repo_type), payload)

    # -- records and files -------------------------------------------------------
    def _model_dir(self, repo_id: str, commit: str, repo_type: str = MODEL) -> Path:
        if not COMMIT.match(commit):
            raise StoreError(f"{commit!r} is not a commit")
        return self.root / _FOLDERS[repo_type][1] / _repo_dir(repo_id) / commit

    def read_record(self, repo_id: str, commit: str, repo_type: str = MODEL) -> ModelRecord | None:
        data = self._read_json(self._model_dir(repo_id, commit, repo_type) / "record.json")
        if data is None:
            return None
        try:
            record = record_from_json(data)
        except StoreError:
            return None
        # The folder says the repo type: record.json has the same fields for both.
        return replace(record, repo_type=repo_type) if record.sha == commit else None

    def write_record(self, record: ModelRecord) -> None:
        if record.sha is None:
            raise StoreError(f"{record.repo_id}: a record without a commit cannot be stored")
        folder = self._model_dir(record.repo_id, record.sha, record.repo_type)
        self._write_json(folder / "record.json", record_to_json(record))

    def read_refs(self, repo_id: str, commit: str) -> RepoRefs | None:
        """The branches and tags recorded with the repo at ``commit``; None if absent or corrupt."""
        data = self._read_json(self._model_dir(repo_id, commit) / "refs.json")
        if data is None:
            return None
        try:
            return refs_from_info(repo_id, data, _NO_SECRETS)
        except Malformed:
            return None

    def write_refs(self, record: ModelRecord, refs: RepoRefs) -> None:
        if record.sha is None:
            raise StoreError(f"{record.repo_id}: refs without a commit cannot be stored")
        data = {"branches": [{"name": b} for b in refs.branches], "tags": [{"name": t} for t in refs.tags]}
        self._write_json(self._model_dir(record.repo_id, record.sha) / "refs.json", data)

    def read_file(self, repo_id: str, commit: str, filename: str, repo_type: str = MODEL) -> str | None:
        path = self._model_dir(repo_id, commit, repo_type) / "files" / _safe_filename(filename)
        try:
            return read_regular(path, limits.FILE_BYTES).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def write_file(self, repo_id: str, commit: str, filename: str, text: str, repo_type: str = MODEL) -> None:
        path = self._model_dir(repo_id, commit, repo_type) / "files" / _safe_filename(filename)
        self._write_bytes(path, text.encode("utf-8"))

    # -- primitives ----------------------------------------------------------------
    @staticmethod
    def _read_json(path: Path) -> Any:
        """The JSON in ``path``; None when absent, unreadable, oversized or corrupt (a miss, refetched)."""
        try:
            return parse_json(read_regular(path, limits.INFO_BYTES))  # a snapshot may be a stranger's
        except (OSError, ValueError, RecursionError):
            return None

    def _write_json(self, path: Path, data: Any) -> None:
        # orjson (jsonfmt): with an indent the standard library encodes in Python, and a cold scan writes
        # an entry for every model it fetches. What is stored was parsed from JSON: no NaN to change.
        self._write_bytes(path, pretty_sorted(data).encode("utf-8"))

    @staticmethod
    def _write_bytes(path: Path, payload: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
