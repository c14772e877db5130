"""A low-CPU loopback Hub for throughput benchmarks: asyncio, answers serialised once, latency by timer.

``tests/fakehub.py`` is a faithful fake (error headers, renames, fault injection) but costs CPU per
request, and on a 2-core machine that CPU is taken from the scanner being measured. This server is an
asyncio protocol (no stream objects, no task per request): it finds the request line in what arrives,
answers with a whole response (status line, headers and body) serialised at start, and waits its
latency as a timer on the event loop, so thousands of concurrent requests cost it almost nothing.
It speaks what licscan and huggingface_hub need: model info (``/api/models/<id>[/revision/<rev>]``) and files
(``/<id>/resolve/<rev>/<name>``, GET and HEAD, with the ETag / X-Repo-Commit headers the client reads).
Every request is logged (method, path) so a reference client can replay exactly the same requests.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote


@dataclass
class Repo:
    repo_id: str
    sha: str
    card: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    siblings: tuple[str, ...] = ()


def _info(repo: Repo) -> bytes:
    names = sorted({*repo.siblings, *repo.files, "README.md"})
    tags = [f"license:{repo.card['license']}"] if isinstance(repo.card.get("license"), str) else []
    base = repo.card.get("base_model")
    if isinstance(base, str):
        tags += [f"base_model:{base}", f"base_model:finetune:{base}"]
    doc = {
        "_id": repo.sha[:24],
        "id": repo.repo_id,
        "modelId": repo.repo_id,
        "author": repo.repo_id.split("/")[0],
        "sha": repo.sha,
        "private": False,
        "gated": False,
        "disabled": False,
        "downloads": 0,
        "likes": 0,
        "library_name": "transformers",
        "pipeline_tag": "text-generation",
        "tags": ["transformers", *tags, "region:us"],
        "cardData": repo.card,
        "siblings": [{"rfilename": n} for n in names],
        "lastModified": "2024-09-25T14:00:00.000Z",
        "createdAt": "2024-01-01T00:00:00.000Z",
    }
    return json.dumps(doc).encode()


_NOT_FOUND = (b'{"error":"Repository not found"}', {"X-Error-Code": "RepoNotFound", "Content-Type": "application/json"})


def _response(status: str, body: bytes, headers: dict[str, str], head: bool) -> bytes:
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (b"" if head else body)


class _Connection(asyncio.Protocol):
    """One client connection: each request found in what arrives is answered ``latency`` later."""

    def __init__(self, hub: LowCpuHub) -> None:
        self.hub = hub
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.hub._open.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.hub._open.discard(self)
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            try:
                method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            except ValueError:
                if self.transport is not None:
                    self.transport.close()
                return
            path = unquote(target.split("?", 1)[0])
            self.hub.log.append((method, path))
            answer = self.hub.answer(method, path)
            self.hub._loop.call_later(self.hub.latency, self._send, answer)  # type: ignore[union-attr]

    def _send(self, answer: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(answer)


class LowCpuHub:
    def __init__(self, repos: list[Repo], latency: float = 0.05) -> None:
        self.latency = latency
        self.log: list[tuple[str, str]] = []
        self._answers: dict[str, tuple[bytes, dict[str, str]]] = {}
        for repo in repos:
            info = _info(repo)
            for path in (
                f"/api/models/{repo.repo_id}",
                f"/api/models/{repo.repo_id}/revision/{repo.sha}",
                f"/api/models/{repo.repo_id}/revision/main",
            ):
                self._answers[path] = (info, {"Content-Type": "application/json"})
            files = dict(repo.files)
            files.setdefault("README.md", b"---\n" + json.dumps(repo.card).encode() + b"\n---\n")
            for name, body in files.items():
                etag = hashlib.sha1(b"blob %d\0" % len(body) + body).hexdigest()
                headers = {"ETag": f'"{etag}"', "X-Repo-Commit": repo.sha, "Content-Type": "text/plain"}
                for rev in (repo.sha, "main"):
                    self._answers[f"/{repo.repo_id}/resolve/{rev}/{name}"] = (body, headers)
        # Whole responses, serialised now: a request then costs a dict lookup and a write.
        self._responses = {
            (method, path): _response("200 OK", body, headers, method == "HEAD")
            for path, (body, headers) in self._answers.items()
            for method in ("GET", "HEAD")
        }
        self._not_found = {m: _response("404 Not Found", *_NOT_FOUND, m == "HEAD") for m in ("GET", "HEAD")}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._open: set[_Connection] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, method: str, path: str) -> bytes:
        """The whole response to ``method path``."""
        found = self._responses.get((method, path))
        return found if found is not None else self._not_found.get(method, self._not_found["GET"])

    def start(self) -> LowCpuHub:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            self._server = loop.run_until_complete(
                loop.create_server(lambda: _Connection(self), "127.0.0.1", 0, backlog=1024)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()
            for connection in list(self._open):  # the keep-alive connections still open, closed quietly
                if connection.transport is not None:
                    connection.transport.close()
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()

        self._thread = threading.Thread(target=run, name="lowcpu-hub", daemon=True)
        self._thread.start()
        ready.wait()
        return self

    def stop(self) -> None:
        if self._loop is not None and self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)


@contextmanager
def running(repos: list[Repo], latency: float) -> Iterator[LowCpuHub]:
    hub = LowCpuHub(repos, latency).start()
    try:
        yield hub
    finally:
        hub.stop()


def synthetic_repos(n: int, seed: int = 0) -> tuple[list[Repo], list[str]]:
    """``n`` models shaped like a real manifest, plus the shared bases they name; returns (repos, manifest).

    Per 20 models: 12 fine-tunes that declare a permissive licence over one of 50 shared restricted bases
    (one model-info call each, the bases shared), 4 that declare a restricted licence, 3 permissive ones
    with no base (their card and config are read for lineage), 1 with no licence metadata and a LICENSE
    file (the file is read).
    """
    import random

    rng = random.Random(seed)
    bases = [Repo(f"base-org/base-{j}", _sha(f"b{j}"), {"license": "llama3.1"}) for j in range(50)]
    models: list[Repo] = []
    for i in range(n):
        sha = _sha(f"m{i}")
        kind = i % 20
        rid = f"bench-{i % 97}/model-{i}"
        if kind < 12:
            card: dict[str, Any] = {
                "license": rng.choice(["apache-2.0", "mit"]),
                "base_model": rng.choice(bases).repo_id,
            }
            models.append(Repo(rid, sha, card, siblings=("config.json", "model.safetensors")))
        elif kind < 16:
            models.append(Repo(rid, sha, {"license": rng.choice(["llama3.2", "gemma", "cc-by-nc-4.0"])}))
        elif kind < 19:
            models.append(Repo(rid, sha, {"license": "apache-2.0"}, {"config.json": b'{"model_type": "x"}'}))
        else:
            text = b"Permission is hereby granted, free of charge, to any person obtaining a copy of this software"
            models.append(Repo(rid, sha, {"language": "en"}, {"LICENSE": text}))
    return [*models, *bases], [m.repo_id for m in models]


def _sha(seed: str) -> str:
    return hashlib.sha1(seed.encode()).hexdigest()
