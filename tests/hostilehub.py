"""A loopback Hub that answers like an attacker (or a broken mirror) would, for the hostile-input tests.

Unlike ``fakehub.py``, which models the real Hub faithfully, every answer here is
scripted per repo: any JSON (or raw bytes) as model info, any status, headers
and body, bodies that trickle a byte at a time, gzip bombs, answers that echo
the caller's token. Anything not scripted is a plain 404 ``RepoNotFound``.

    hub = HostileHub().start()
    hub.model("good/model", info(card={"license": "mit"}))
    hub.model("evil/sha", info(sha="../../../../tmp/owned"))
    hub.model("evil/slow", Answer(body=b"{}", trickle=0.5))
    hub.file("good/model", "LICENSE", "MIT License ...")

Only ``127.0.0.1`` is bound; ``stop()`` closes every connection. Importable without pytest.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from fakehub import _Handler

TOKEN = "hf_hostileTestToken0123456789abcdefXYZ"  # what the tests hand licscan as HF_TOKEN


def commit(seed: str) -> str:
    return hashlib.sha1(seed.encode()).hexdigest()


@dataclass
class Answer:
    """One scripted answer. ``body`` may be a function of the request's token (to echo it)."""

    status: int = 200
    body: bytes | Callable[[str | None], bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    trickle: float = 0.0  # seconds between bytes: a body that never quite arrives
    trickle_headers: float = 0.0  # seconds between bytes of the status line and headers
    content_length: bool = True  # False: chunked, no Content-Length
    echo_header: str | None = None  # a header that repeats the caller's token ("token <token> refused")
    repeat: int = 0  # serve this answer for the first N requests only (0: always), then `after`
    after: Answer | None = None


def info(
    repo_id: str = "",
    *,
    sha: Any = None,
    card: Any = None,
    siblings: Any = None,
    tags: Any = None,
    **extra: Any,
) -> dict[str, Any]:
    """Model-info JSON shaped like the Hub's; every field can be replaced by anything."""
    data: dict[str, Any] = {
        "id": repo_id,
        "sha": commit(repo_id or "x") if sha is None else sha,
        "private": False,
        "gated": False,
        "pipeline_tag": "text-generation",
        "tags": ["transformers"] if tags is None else tags,
        "siblings": [{"rfilename": "README.md"}] if siblings is None else siblings,
        "cardData": {"license": "mit"} if card is None else card,
    }
    data.update(extra)
    return data


def json_answer(value: Any, **kwargs: Any) -> Answer:
    return Answer(body=json.dumps(value).encode(), headers={"Content-Type": "application/json"}, **kwargs)


def echo_token_answer(make: Callable[[str], Any]) -> Answer:
    """Model info built from the token the request carried (what a hostile endpoint would echo)."""
    headers = {"Content-Type": "application/json"}
    return Answer(body=lambda token: json.dumps(make(token or "")).encode(), headers=headers)


def gzip_bomb(decoded_bytes: int) -> Answer:
    """A gzip body of ~1/1000 of ``decoded_bytes`` that inflates to JSON-ish filler."""
    payload = gzip.compress(b"[" + b" " * decoded_bytes + b"]", compresslevel=9)
    return Answer(body=payload, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    token: str | None
    complete: bool  # the whole body was sent (False: the client went away first)


class HostileHub:
    def __init__(self) -> None:
        self._models: dict[str, Answer] = {}
        self._files: dict[tuple[str, str], Answer] = {}
        self._served: dict[int, int] = {}
        self._lock = threading.Lock()
        self.seen: list[Seen] = []  # answered (or abandoned) requests
        self.arrived = 0  # requests received, answered or not
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()

    # -- scripting -------------------------------------------------------------------------------
    def model(self, repo_id: str, answer: Answer | dict[str, Any]) -> None:
        """Model info of ``repo_id`` (at any revision)."""
        if isinstance(answer, dict):
            answer = json_answer({**answer, "id": answer.get("id") or repo_id})
        self._models[repo_id] = answer

    def file(self, repo_id: str, filename: str, answer: Answer | str) -> None:
        self._files[(repo_id, filename)] = answer if isinstance(answer, Answer) else Answer(body=answer.encode())

    def requests(self, kind: str = "") -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if kind in s.path]

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> HostileHub:
        # fakehub's handler: keep-alive, no Nagle, quiet, connections tracked; requests go to `_handle`.
        handler = type("_Bound", (_Handler,), {"hub": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> HostileHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _track(self, conn: socket.socket, alive: bool) -> None:
        with self._lock:
            (self._connections.add if alive else self._connections.discard)(conn)

    # -- serving ---------------------------------------------------------------------------------
    def _route(self, path: str) -> Answer | None:
        segments = [unquote(s) for s in urlsplit(path).path.split("/") if s]
        if segments[:2] == ["api", "models"]:
            rest = segments[2:]
            if "revision" in rest:
                rest = rest[: rest.index("revision")]
            return self._models.get("/".join(rest))
        if "resolve" in segments:
            at = segments.index("resolve")
            return self._files.get(("/".join(segments[:at]), "/".join(segments[at + 2 :])))
        return None

    def _pick(self, answer: Answer) -> Answer:
        with self._lock:
            served = self._served.get(id(answer), 0)
            self._served[id(answer)] = served + 1
        if answer.repeat and served >= answer.repeat and answer.after is not None:
            return answer.after
        return answer

    def _handle(self, h: _Handler, method: str) -> None:
        with self._lock:
            self.arrived += 1
        auth = h.headers.get("Authorization") or ""
        token = auth[7:] if auth.lower().startswith("bearer ") else None
        found = self._route(h.path)
        if found is None:
            answer = Answer(
                404,
                json.dumps({"error": "Repository not found"}).encode(),
                {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"},
            )
        else:
            answer = self._pick(found)
        body = answer.body(token) if callable(answer.body) else answer.body
        if answer.echo_header:
            answer = Answer(**{**answer.__dict__, "headers": {**answer.headers, answer.echo_header: f"token {token}"}})
        complete = self._send(h, method, answer, body)
        with self._lock:
            self.seen.append(Seen(method, unquote(urlsplit(h.path).path), token, complete))

    def _send(self, h: _Handler, method: str, answer: Answer, body: bytes) -> bool:
        if answer.trickle_headers:
            return self._trickle_headers(h, answer, body)
        try:
            h.send_response(answer.status)
            headers = {"Content-Type": "application/json", **answer.headers}
            for name, value in headers.items():
                h.send_header(name, value)
            if answer.content_length:
                h.send_header("Content-Length", str(len(body)))
            else:
                h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            if method == "HEAD":
                return True
            step = 1 if answer.trickle else 64 * 1024
            for start in range(0, len(body), step):
                piece = body[start : start + step]
                h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if not answer.content_length else piece)
                h.wfile.flush()
                if answer.trickle and self._stopping.wait(answer.trickle):
                    return False
            if not answer.content_length:
                h.wfile.write(b"0\r\n\r\n")
            h.wfile.flush()
            return True
        except (BrokenPipeError, ConnectionResetError, OSError):
            h.close_connection = True
            return False

    def _trickle_headers(self, h: _Handler, answer: Answer, body: bytes) -> bool:
        """The status line and headers a byte at a time: no read ever times out, the answer never arrives."""
        head = f"HTTP/1.1 {answer.status} OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        h.close_connection = True
        try:
            for byte in head.encode():
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                if self._stopping.wait(answer.trickle_headers):
                    return False
            h.wfile.write(body)
            h.wfile.flush()
            return True
        except (BrokenPipeError, ConnectionResetError, OSError):
            return False


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` passes (for server-side effects that lag the client)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
