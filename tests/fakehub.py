"""A loopback fake of the Hugging Face Hub, good enough for the real ``huggingface_hub`` client.

The server is a stdlib ``ThreadingHTTPServer`` on ``127.0.0.1`` (ephemeral port) running in a daemon
thread. It serves the endpoint families licscan needs:

* ``GET /api/models/{repo_id}[/revision/{quoted revision}]`` (model info JSON),
* ``GET /api/models/{repo_id}/refs`` (``list_repo_refs``: branches from ``main`` and ``revisions``, or a
  document's ``refs: {branches: [...], tags: [...]}``), and
* ``HEAD``/``GET /{repo_id}/resolve/{quoted revision}/{quoted filename}`` (file metadata / download),
* and the same for dataset repos (documents with ``type: dataset``), as ``HfApi.dataset_info`` and
  ``hf_hub_download(repo_type="dataset")`` ask for them: ``GET /api/datasets/{repo_id}[/revision/{rev}]``
  and ``HEAD``/``GET /datasets/{repo_id}/resolve/{rev}/{filename}``. Datasets live in their own namespace:
  a dataset may have the id of a model.

with the response headers and ``X-Error-Code`` values the client needs to raise its typed errors
(``RepositoryNotFoundError``, ``RevisionNotFoundError``, ``GatedRepoError``, ``RemoteEntryNotFoundError``).

Repositories come from YAML documents (``tests/fixtures/hub/*.yaml``, format in that folder's README)
or from :meth:`FakeHub.add_repo`. Transient faults (429/503 answers, dropped connections, latency) can
be injected at any time; they are drawn from a seeded ``random.Random`` so runs are reproducible.

This module must stay importable without pytest (scripts and benchmarks use it too)::

    with FakeHub(Path("tests/fixtures/hub")) as hub:
        HfApi(endpoint=hub.url).model_info("meta-llama/Llama-3.1-8B")
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import random
import re
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, unquote, urlsplit

import yaml

from licscan.yamlsafe import safe_load

__all__ = [
    "DEFAULT_TOKEN",
    "FakeHub",
    "RepoNotFound",
    "RequestLog",
    "git_blob_sha1",
    "iter_fixture_docs",
    "load_fixture",
    "render_readme",
]

#: Token accepted by default for gated files, private repos and ``api_access: gated-denied`` repos.
DEFAULT_TOKEN = "hf_test_token"

_HEX40 = re.compile(r"^[0-9a-f]{40}$")
_REPO_PART = re.compile(r"^[\w\-.]{1,96}$", re.ASCII)
_VALID_RELATIONS = ("adapter", "merge", "quantized", "finetune")
# Model-info keys copied verbatim from a fixture document when present.
_PASSTHROUGH_KEYS = (
    "config",
    "gguf",
    "safetensors",
    "transformersInfo",
    "model-index",
    "widgetData",
    "spaces",
    "inference",
    "downloadsAllTime",
    "trendingScore",
    "usedStorage",
    "mask_token",
)
# Same regex as huggingface_hub.repocard.REGEX_YAML_BLOCK (and the Hub).
_YAML_BLOCK = re.compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")


_REASONS = {
    408: "Request Timeout",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class RepoNotFound(KeyError):
    """Raised by :meth:`FakeHub.get_repo` for an unknown repo id."""


@dataclass(frozen=True)
class RequestLog:
    """One request as seen by the fake Hub.

    ``path`` is the %-unquoted URL path (no query string). ``status`` is the status answered, ``0`` when the
    connection was dropped. ``fault`` is ``"status"`` for an injected 429/503, ``"drop"`` for an injected
    dropped connection, ``None`` for a normal answer (including real 4xx errors and redirects).
    """

    method: str
    path: str
    status: int
    kind: str  # "model_info" | "refs" | "file" | "dataset_info" | "dataset_file" | "other"
    repo_id: str | None  # repo id as requested (before any rename redirect)
    revision: str | None  # unquoted; None when the URL had no revision (model info of main)
    filename: str | None
    has_auth: bool  # an ``Authorization: Bearer ...`` header was sent
    token_accepted: bool  # ...and its token is in ``accepted_tokens``
    user_agent: str | None
    fault: str | None = None


def git_blob_sha1(content: bytes) -> str:
    """The git blob id of ``content`` (what the Hub sends as ``ETag`` for non-LFS files)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def render_readme(repo_id: str, card_data: Mapping[str, Any] | None) -> str:
    """README.md rendered from card metadata, as a fixture without an explicit README.md gets it."""
    name = repo_id.rsplit("/", 1)[-1]
    if not card_data:
        return f"# {name}\n"
    meta = yaml.safe_dump(dict(card_data), sort_keys=False, allow_unicode=True)
    return f"---\n{meta}---\n\n# {name}\n"


def _card_data_from_readme(text: str) -> dict[str, Any] | None:
    match = _YAML_BLOCK.search(text)
    if match is None:
        return None
    try:
        data = yaml.safe_load(match.group(2))
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def _gated_message(repo_id: str, repo_type: str = "model") -> str:
    page = f"datasets/{repo_id}" if repo_type == "dataset" else repo_id
    return (
        f"Access to {repo_type} {repo_id} is restricted and you are not in the authorized list. "
        f"Visit https://huggingface.co/{page} to ask for access."
    )


def _fake_commit(*parts: str) -> str:
    return hashlib.sha1(":".join(("licscan-fakehub", *parts)).encode()).hexdigest()


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _looks_like_repo_id(value: Any) -> bool:
    if not isinstance(value, str) or value.count("/") > 1:
        return False
    return all(_REPO_PART.match(part) and "--" not in part and ".." not in part for part in value.split("/"))


class _Repo:
    """A loaded repository document, with its revisions resolved."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        if not isinstance(doc, Mapping) or not isinstance(doc.get("id"), str) or not doc["id"]:
            raise ValueError(f"repo document needs a string 'id': {doc!r:.200}")
        self.doc: dict[str, Any] = copy.deepcopy(dict(doc))
        self.id: str = self.doc["id"]
        self.repo_type: str = str(self.doc.get("type") or "model")
        if self.repo_type not in ("model", "dataset"):
            raise ValueError(f"{self.id}: 'type' must be model or dataset, got {self.repo_type!r}")
        if self.id.count("/") > 1:
            raise ValueError(f"repo id must have at most one '/': {self.id!r}")
        namespace = ("datasets",) if self.repo_type == "dataset" else ()  # a dataset's commits differ from a model's
        sha = self.doc.get("sha") or _fake_commit(*namespace, self.id, "main")
        if not _HEX40.match(str(sha)):
            raise ValueError(f"{self.id}: 'sha' must be 40 lowercase hex digits, got {sha!r}")
        self.sha: str = str(sha)
        self.refs: dict[str, str] = {"main": self.sha}
        for ref, commit in (self.doc.get("revisions") or {}).items():
            if not _HEX40.match(str(commit)):
                raise ValueError(f"{self.id}: revision {ref!r} must map to a 40-hex commit, got {commit!r}")
            self.refs[str(ref)] = str(commit)
        self.revision_docs: dict[str, dict[str, Any]] = {
            str(k): dict(v or {}) for k, v in (self.doc.get("revision_docs") or {}).items()
        }
        self.commits: set[str] = set(self.refs.values()) | set(self.revision_docs)
        self.renamed_from: list[str] = [str(x) for x in _as_list(self.doc.get("renamed_from"))]
        self._views: dict[str, _RepoView] = {}

    @property
    def private(self) -> bool:
        return bool(self.doc.get("private", False))

    @property
    def api_access(self) -> str:
        return str(self.doc.get("api_access") or "open")

    def resolve(self, revision: str | None) -> str | None:
        """Commit for a branch/tag/commit, or None if the revision does not exist."""
        if revision is None:
            return self.sha
        if revision in self.refs:
            return self.refs[revision]
        if revision in self.commits:
            return revision
        return None

    def refs_info(self) -> dict[str, Any]:
        """The ``list_repo_refs`` answer: every branch and tag with the commit it points to."""
        listed = self.doc.get("refs") or {}
        branches = listed.get("branches") or [r for r in self.refs if not r.startswith("refs/")]
        tags = listed.get("tags") or []
        def entry(name: str, kind: str) -> dict[str, str]:
            return {"name": name, "ref": f"refs/{kind}/{name}", "targetCommit": self.refs.get(name, self.sha)}

        return {
            "branches": [entry(b, "heads") for b in branches],
            "converts": [],
            "tags": [entry(t, "tags") for t in tags],
        }

    def view(self, commit: str) -> _RepoView:
        if commit not in self._views:
            self._views[commit] = _RepoView(self, commit)
        return self._views[commit]


class _RepoView:
    """The repository as it is at one commit: card data, files, model-info JSON."""

    def __init__(self, repo: _Repo, commit: str) -> None:
        doc = dict(repo.doc)
        override = repo.revision_docs.get(commit) if commit != repo.sha else None
        if override:
            files = dict(doc.get("files") or {})
            files.update(override.get("files") or {})
            doc.update(override)
            doc["files"] = files
        self.repo = repo
        self.commit = commit
        self.doc = doc
        files_doc: dict[str, Any] = {str(k): v for k, v in (doc.get("files") or {}).items()}
        card_data = doc.get("cardData")
        if card_data is None and isinstance(files_doc.get("README.md"), str):
            card_data = _card_data_from_readme(files_doc["README.md"])
        self.card_data: dict[str, Any] | None = card_data if isinstance(card_data, dict) else None
        names = [str(s) for s in _as_list(doc.get("siblings"))]
        names += [n for n in files_doc if n not in names]
        if "README.md" not in names:
            names.append("README.md")
        self.filenames: list[str] = sorted(set(names))
        self.files: dict[str, bytes] = {}
        for name in self.filenames:
            body = files_doc.get(name)
            if name == "README.md" and body is None:
                body = render_readme(repo.id, self.card_data)
            elif body is None:
                body = f"placeholder content of {name} in {repo.id} (licscan fake Hub)\n"
            self.files[name] = body.encode("utf-8") if isinstance(body, str) else bytes(body)

    def base_model_relation(self) -> str:
        card = self.card_data or {}
        declared = card.get("base_model_relation")
        if declared in _VALID_RELATIONS:
            return str(declared)
        # The Hub infers the relation when it is not declared (from the files and the number of bases).
        bases = [b for b in _as_list(card.get("base_model")) if isinstance(b, str)]
        if len(bases) > 1:
            return "merge"
        card_tags = [t for t in _as_list(card.get("tags")) if isinstance(t, str)]
        if "adapter_config.json" in self.filenames or "lora" in card_tags:
            return "adapter"
        if any(name.endswith(".gguf") for name in self.filenames):
            return "quantized"
        return "finetune"

    def tags(self) -> list[str]:
        card = self.card_data or {}
        tags: list[str] = [str(t) for t in _as_list(self.doc.get("tags")) if isinstance(t, (str, int, float))]
        tags += [str(t) for t in _as_list(card.get("tags")) if isinstance(t, str)]
        if self.doc.get("pipeline_tag"):
            tags.append(str(self.doc["pipeline_tag"]))
        for dataset in _as_list(card.get("datasets")):
            if isinstance(dataset, str):
                tags.append(f"dataset:{dataset}")
        relation = self.base_model_relation()
        for base in _as_list(card.get("base_model")):
            if _looks_like_repo_id(base):  # the Hub only links valid repo ids (not URLs, not dicts)
                tags += [f"base_model:{base}", f"base_model:{relation}:{base}"]
        for lic in _as_list(card.get("license")):
            if isinstance(lic, str) and lic:
                tags.append(f"license:{lic}")
        tags.append("region:us")
        return list(dict.fromkeys(tags))

    def model_info(self, *, blobs: bool = False, expand: list[str] | None = None) -> dict[str, Any]:
        repo, doc = self.repo, self.doc
        siblings: list[dict[str, Any]] = []
        for name in self.filenames:
            entry: dict[str, Any] = {"rfilename": name}
            if blobs:
                entry["blobId"] = git_blob_sha1(self.files[name])
                entry["size"] = len(self.files[name])
            siblings.append(entry)
        gated = doc.get("gated", False)
        info: dict[str, Any] = {
            "_id": hashlib.sha1(repo.id.encode()).hexdigest()[:24],
            "id": repo.id,
            "modelId": repo.id,
            "author": repo.id.split("/", 1)[0] if "/" in repo.id else None,
            "sha": self.commit,
            "lastModified": doc.get("lastModified", "2024-09-25T14:00:00.000Z"),
            "createdAt": doc.get("createdAt", "2024-01-01T00:00:00.000Z"),
            "private": repo.private,
            "gated": gated if gated in ("auto", "manual") else False,
            "disabled": bool(doc.get("disabled", False)),
            "downloads": int(doc.get("downloads", 0)),
            "likes": int(doc.get("likes", 0)),
            "library_name": doc.get("library_name"),
            "pipeline_tag": doc.get("pipeline_tag"),
            "tags": self.tags(),
            "siblings": siblings,
        }
        if info["author"] is None:
            del info["author"]
        if self.card_data is not None:
            info["cardData"] = self.card_data
        for key in _PASSTHROUGH_KEYS:
            if key in doc:
                info[key] = doc[key]
        info = {k: v for k, v in info.items() if v is not None}
        if expand:
            info = {k: v for k, v in info.items() if k in ("_id", "id") or k in expand}
        return info


    def dataset_info(self, *, blobs: bool = False, expand: list[str] | None = None) -> dict[str, Any]:
        """``GET /api/datasets/...``: the model-info shape minus what only models have (pipeline, library)."""
        info = self.model_info(blobs=blobs)
        for key in ("modelId", "library_name", "pipeline_tag", "mask_token", "widgetData", "transformersInfo"):
            info.pop(key, None)
        card = self.card_data or {}
        tags = [str(t) for t in _as_list(self.doc.get("tags")) if isinstance(t, (str, int, float))]
        tags += [str(t) for t in _as_list(card.get("tags")) if isinstance(t, str)]
        tags += [f"task_categories:{t}" for t in _as_list(card.get("task_categories")) if isinstance(t, str)]
        tags += [f"license:{lic}" for lic in _as_list(card.get("license")) if isinstance(lic, str) and lic]
        info["tags"] = list(dict.fromkeys([*tags, "region:us"]))
        if expand:
            info = {k: v for k, v in info.items() if k in ("_id", "id") or k in expand}
        return info


class _Fault:
    NONE = "none"
    STATUS = "status"
    DROP = "drop"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # header and body are separate writes: avoid 40 ms Nagle/delayed-ACK stalls
    server_version = "licscan-fakehub/1.0"
    hub: ClassVar[FakeHub]  # set on a per-server subclass

    def setup(self) -> None:
        super().setup()
        self.hub._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.hub._track(self.connection, False)

    # Silence the default stderr access log.
    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self.hub._handle(self, "GET")

    def do_HEAD(self) -> None:
        self.hub._handle(self, "HEAD")

    def do_POST(self) -> None:
        self.hub._handle(self, "POST")


@dataclass
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes = b""
    error_code: str | None = None


class FakeHub:
    """A fake Hugging Face Hub on 127.0.0.1.

    Thread-safe: the fault-injection attributes may be changed while requests are in flight.
    """

    def __init__(self, fixtures_dir: Path | None = None, *, seed: int = 0) -> None:
        self.fixtures_dir = Path(fixtures_dir) if fixtures_dir is not None else None
        self.seed = seed
        self.fail_rate: float = 0.0
        self.fail_statuses: tuple[int, ...] = (429, 503)
        self.retry_after: str | None = "0"
        self.latency: float = 0.0
        self.drop_rate: float = 0.0
        self.accepted_tokens: set[str] = {DEFAULT_TOKEN}
        #: Scripted faults, consumed in order by the next eligible requests before any random fault:
        #: a status code (answered like an injected fault) or 0 (connection dropped).
        self.fail_next: list[int] = []
        #: Which requests faults may hit: ``fault_filter(method, kind, repo_id)``; None means all.
        self.fault_filter: Callable[[str, str, str | None], bool] | None = None
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._log: list[RequestLog] = []
        self._repos: dict[str, _Repo] = {}
        self._renames: dict[str, str] = {}
        self._datasets: dict[str, _Repo] = {}  # a namespace of its own: a dataset may share a model's id
        self._dataset_renames: dict[str, str] = {}
        self._request_counter = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        if self.fixtures_dir is not None:
            self.load_dir(self.fixtures_dir)

    # ------------------------------------------------------------------ repos

    def load_dir(self, directory: Path) -> int:
        """Load every ``*.yaml`` document of ``directory`` (sorted); returns how many were loaded."""
        count = 0
        for path, doc in iter_fixture_docs(directory):
            try:
                self.add_repo(doc)
            except ValueError as exc:
                raise ValueError(f"{path}: {exc}") from exc
            count += 1
        return count

    def _tables(self, repo_type: str) -> tuple[dict[str, _Repo], dict[str, str]]:
        return (self._datasets, self._dataset_renames) if repo_type == "dataset" else (self._repos, self._renames)

    def add_repo(self, doc: dict[str, Any]) -> None:
        """Add or replace one repository document (same shape as a fixture file; ``type: dataset`` for a dataset)."""
        repo = _Repo(doc)
        with self._lock:
            repos, renames = self._tables(repo.repo_type)
            old = repos.get(repo.id)
            if old is not None:
                for name in old.renamed_from:
                    renames.pop(name, None)
            repos[repo.id] = repo
            for name in repo.renamed_from:
                renames[name] = repo.id

    def remove_repo(self, repo_id: str, repo_type: str = "model") -> None:
        with self._lock:
            repos, renames = self._tables(repo_type)
            repo = repos.pop(repo_id, None)
            if repo is not None:
                for name in repo.renamed_from:
                    renames.pop(name, None)

    def get_repo(self, repo_id: str, repo_type: str = "model") -> dict[str, Any]:
        """A copy of the stored document of ``repo_id`` (raises :class:`RepoNotFound`)."""
        with self._lock:
            repo = self._tables(repo_type)[0].get(repo_id)
        if repo is None:
            raise RepoNotFound(repo_id)
        return copy.deepcopy(repo.doc)

    @property
    def repo_ids(self) -> list[str]:
        with self._lock:
            return sorted(self._repos)

    @property
    def dataset_ids(self) -> list[str]:
        with self._lock:
            return sorted(self._datasets)

    def commit_of(self, repo_id: str, revision: str | None = None, repo_type: str = "model") -> str:
        """The commit a revision of ``repo_id`` resolves to (raises KeyError if unknown)."""
        with self._lock:
            repo = self._tables(repo_type)[0].get(repo_id)
        commit = repo.resolve(revision) if repo is not None else None
        if commit is None:
            raise RepoNotFound(f"{repo_id}@{revision}")
        return commit

    def file_bytes(self, repo_id: str, filename: str, revision: str | None = None, repo_type: str = "model") -> bytes:
        """The exact bytes served for a file (e.g. to compare with a download)."""
        with self._lock:
            repo = self._tables(repo_type)[0][repo_id]
        commit = repo.resolve(revision)
        if commit is None:
            raise RepoNotFound(f"{repo_id}@{revision}")
        return repo.view(commit).files[filename]

    # -------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeHub is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeHub:
        if self._server is not None:
            return self
        handler = type("_BoundHandler", (_Handler,), {"hub": self})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        self._stopping.clear()
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="licscan-fakehub", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()  # wakes handlers sleeping for `latency`
        server.shutdown()
        server.server_close()
        # Keep-alive connections outlive serve_forever(): close them so clients see the Hub go away.
        with self._lock:
            connections = list(self._connections)
            self._connections.clear()
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def _track(self, conn: socket.socket, alive: bool) -> None:
        with self._lock:
            if alive:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -------------------------------------------------------------------- log

    @property
    def requests(self) -> list[RequestLog]:
        """Snapshot of the request log (oldest first)."""
        with self._lock:
            return list(self._log)

    def count(self, kind: str = "model_info", repo_id: str | None = None) -> int:
        """Requests of ``kind`` ("model_info", "file", "other"), all statuses and faults included."""
        with self._lock:
            return sum(1 for r in self._log if r.kind == kind and (repo_id is None or r.repo_id == repo_id))

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()

    # --------------------------------------------------------------- serving

    def _draw_fault(self, method: str, kind: str, repo_id: str | None) -> tuple[str, int]:
        eligible = self.fault_filter is None or self.fault_filter(method, kind, repo_id)
        # Always draw three numbers so the sequence depends neither on the rates nor on the filter.
        with self._lock:
            drop, fail, pick = self._rng.random(), self._rng.random(), self._rng.random()
            drop_rate, fail_rate, statuses = self.drop_rate, self.fail_rate, tuple(self.fail_statuses)
            scripted = self.fail_next.pop(0) if eligible and self.fail_next else None
        if scripted is not None:
            return (_Fault.DROP, 0) if scripted == 0 else (_Fault.STATUS, scripted)
        if not eligible:
            return _Fault.NONE, 0
        if drop < drop_rate:
            return _Fault.DROP, 0
        if statuses and fail < fail_rate:
            return _Fault.STATUS, statuses[min(int(pick * len(statuses)), len(statuses) - 1)]
        return _Fault.NONE, 0

    def _handle(self, h: _Handler, method: str) -> None:
        split = urlsplit(h.path)
        raw_segments = [s for s in split.path.split("/") if s != ""]
        query = parse_qs(split.query)
        auth = h.headers.get("Authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        with self._lock:
            token_ok = token is not None and token in self.accepted_tokens
            self._request_counter += 1
            request_id = f"fakehub-{self._request_counter:06d}"
        route = self._route(raw_segments)
        kind, repo_id, revision, filename = route[0], route[1], route[2], route[3]
        latency = self.latency
        if latency > 0:
            self._stopping.wait(latency)
        fault, fault_status = self._draw_fault(method, kind, repo_id)

        def log(status: int, fault_name: str | None = None) -> None:
            entry = RequestLog(
                method=method,
                path=unquote(split.path),
                status=status,
                kind=kind,
                repo_id=repo_id,
                revision=revision,
                filename=filename,
                has_auth=bool(auth),
                token_accepted=token_ok,
                user_agent=h.headers.get("User-Agent"),
                fault=fault_name,
            )
            with self._lock:
                self._log.append(entry)

        if fault == _Fault.DROP:
            log(0, _Fault.DROP)
            h.close_connection = True
            with contextlib.suppress(OSError):
                h.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault == _Fault.STATUS:
            headers = {}
            if self.retry_after is not None and fault_status in (429, 503):
                headers["Retry-After"] = self.retry_after
            reason = _REASONS.get(fault_status, "Injected failure")
            answer = _Answer(fault_status, headers, json.dumps({"error": f"{reason} (injected)"}).encode())
            log(fault_status, _Fault.STATUS)  # log first: the client may act as soon as it has the answer
            self._send(h, method, answer, request_id)
            return

        answer = self._answer(method, kind, raw_segments, route, token_ok, query)
        log(answer.status)
        self._send(h, method, answer, request_id)

    @staticmethod
    def _json_error(status: int, code: str | None, message: str, extra: dict[str, str] | None = None) -> _Answer:
        headers = {"X-Error-Message": message, **(extra or {})}
        if code is not None:
            headers["X-Error-Code"] = code
        return _Answer(status, headers, json.dumps({"error": message}).encode(), code)

    def _route(self, seg: list[str]) -> tuple[str, str | None, str | None, str | None, list[str]]:
        """(kind, repo_id, revision, filename, repo_segments) from the raw (still quoted) path segments."""
        if len(seg) >= 3 and seg[0] == "api" and seg[1] in ("models", "datasets"):
            kind = "model_info" if seg[1] == "models" else "dataset_info"
            rest = seg[2:]
            if seg[1] == "models" and len(rest) in (2, 3) and rest[-1] == "refs":
                return "refs", unquote("/".join(rest[:-1])), None, None, rest[:-1]
            if len(rest) in (1, 2):
                return kind, unquote("/".join(rest)), None, None, rest
            # Prefer a namespaced repo (`ns/name/revision/x`), fall back to a legacy id (`name/revision/x`).
            if len(rest) == 4 and rest[2] == "revision":
                return kind, unquote("/".join(rest[:2])), unquote(rest[3]), None, rest[:2]
            if len(rest) == 3 and rest[1] == "revision":
                return kind, unquote(rest[0]), unquote(rest[2]), None, rest[:1]
            return "other", None, None, None, []
        kind, repos, renames = "file", self._repos, self._renames
        if seg and seg[0] == "datasets":  # /datasets/{repo_id}/resolve/...: hf_hub_url prefixes the repo type
            kind, repos, renames, seg = "dataset_file", self._datasets, self._dataset_renames, seg[1:]
        candidates: list[int] = []
        if len(seg) >= 5 and seg[2] == "resolve":
            candidates.append(2)
        if len(seg) >= 4 and seg[1] == "resolve":
            candidates.append(1)
        if candidates and seg[0] not in ("api", "datasets", "spaces"):
            with self._lock:
                known = set(repos) | set(renames)
            chosen = candidates[0]
            for n in candidates:
                if unquote("/".join(seg[:n])) in known:
                    chosen = n
                    break
            repo_id = unquote("/".join(seg[:chosen]))
            revision = unquote(seg[chosen + 1])
            filename = unquote("/".join(seg[chosen + 2 :]))
            return kind, repo_id, revision, filename, seg[:chosen]
        return "other", None, None, None, []

    def _answer(
        self,
        method: str,
        kind: str,
        seg: list[str],
        route: tuple[str, str | None, str | None, str | None, list[str]],
        token_ok: bool,
        query: dict[str, list[str]],
    ) -> _Answer:
        _, repo_id, revision, filename, repo_segments = route
        if kind == "other" or repo_id is None or method not in ("GET", "HEAD"):
            return self._json_error(404, None, "Sorry, we can't find the page you are looking for.")
        info = kind in ("model_info", "dataset_info", "refs")
        if info and method != "GET":
            return self._json_error(404, None, "Sorry, we can't find the page you are looking for.")
        repo_type = "dataset" if kind.startswith("dataset") else "model"
        with self._lock:
            repos, renames = self._tables(repo_type)
            repo = repos.get(repo_id)
            new_id = renames.get(repo_id) if repo is None else None
        if repo is None and new_id is not None:
            # Renamed repo: same path with the new id, relative Location (same origin), like the Hub.
            prefix = {
                "model_info": "/api/models/", "refs": "/api/models/", "dataset_info": "/api/datasets/",
                "dataset_file": "/datasets/",
            }
            skip = {"model_info": 2, "refs": 2, "dataset_info": 2, "dataset_file": 1}.get(kind, 0)
            tail = seg[skip + len(repo_segments) :]
            location = prefix.get(kind, "/") + quote(new_id, safe="/") + ("/" + "/".join(tail) if tail else "")
            return _Answer(307, {"Location": location}, b"")
        if repo is None:
            return self._json_error(404, "RepoNotFound", "Repository not found")
        if repo.private and not token_ok:  # the Hub does not reveal that a private repo exists
            return self._json_error(401, "RepoNotFound", "Repository not found")
        if repo.api_access == "gated-denied" and not token_ok:
            return self._json_error(403, "GatedRepo", _gated_message(repo.id, repo_type))
        if kind == "refs":
            body = json.dumps(repo.refs_info()).encode("utf-8")
            return _Answer(200, {"Content-Type": "application/json; charset=utf-8"}, body)
        commit = repo.resolve(revision)
        if commit is None:
            return self._json_error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
        view = repo.view(commit)
        if info:
            expand = query.get("expand") or query.get("expand[]")
            blobs = (query.get("blobs") or ["false"])[0].lower() in ("1", "true")
            answer = view.model_info if kind == "model_info" else view.dataset_info
            body = json.dumps(answer(blobs=blobs, expand=expand), ensure_ascii=False).encode("utf-8")
            return _Answer(200, {"Content-Type": "application/json; charset=utf-8"}, body)
        # file
        gated = view.doc.get("gated", False) in ("auto", "manual") or repo.api_access == "gated-denied"
        if gated and not token_ok:
            message = _gated_message(repo.id, repo_type)
            return self._json_error(403, "GatedRepo", message, {"X-Repo-Commit": commit})
        assert filename is not None
        content = view.files.get(filename)
        if content is None:
            return self._json_error(404, "EntryNotFound", "Entry not found", {"X-Repo-Commit": commit})
        headers = {
            "X-Repo-Commit": commit,
            "ETag": f'"{git_blob_sha1(content)}"',
            "Content-Type": "text/plain; charset=utf-8",
            "Accept-Ranges": "bytes",
        }
        return _Answer(200, headers, content)

    def _send(self, h: _Handler, method: str, answer: _Answer, request_id: str) -> None:
        try:
            h.send_response(answer.status)
            headers = {"Content-Type": "application/json; charset=utf-8", **answer.headers}
            headers.setdefault("X-Request-Id", request_id)
            headers["Content-Length"] = str(len(answer.body))
            for name, value in headers.items():
                h.send_header(name, value)
            h.end_headers()
            if method != "HEAD" and answer.body:
                h.wfile.write(answer.body)
            h.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # client went away (e.g. timed out)
            h.close_connection = True


_PARSED: dict[tuple[str, int, int], Any] = {}  # (path, mtime_ns, size) -> parsed document
_PARSED_LOCK = threading.Lock()


def load_fixture(path: Path) -> Any:
    """Parse one fixture file (memoised on path, mtime and size; callers get a deep copy)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    with _PARSED_LOCK:
        if key not in _PARSED:
            _PARSED[key] = safe_load(path.read_text(encoding="utf-8"))
        return copy.deepcopy(_PARSED[key])


def iter_fixture_docs(fixtures_dir: Path) -> Iterator[tuple[Path, Any]]:
    """(path, document) for every fixture file, sorted by file name."""
    for path in sorted(Path(fixtures_dir).glob("*.yaml")):
        yield path, load_fixture(path)
