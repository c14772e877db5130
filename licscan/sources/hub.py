"""The Hugging Face Hub source: the only module that imports huggingface_hub.

Requests go through the client's own HTTP session (``get_session()``), with
its headers (``build_hf_headers``: token, user agent), its endpoint handling
and its typed errors (``hf_raise_for_status``), so ``HF_ENDPOINT``,
``HF_TOKEN`` and the client's settings are honoured. What licscan adds, and
why the calls are not ``HfApi.model_info`` / ``hf_hub_download``:

* **Deadlines.** ``--timeout`` bounds a whole request and its retries, enforced
  here (``deadline.run_before``) whatever the client does with per-read
  timeouts, and the licence files of one model share one such budget.
* **Bounds.** Bodies are streamed and cut at ``licscan.limits`` (on the wire
  and after decompression); error bodies are read only up to a small cap
  before the client turns them into its typed errors.
* **One request per licence file**: one streamed GET of the resolve URL,
  instead of ``hf_hub_download``'s HEAD + GET + file lock + cache write;
  licscan keeps its own commit-keyed cache.
* **One retry layer**: licscan's (``licscan.sources.retry``). The session is
  used directly, so the client's ``http_backoff`` ("Rate limited. Waiting
  ...") never runs, and its progress bars and logging are silenced.
* **Validation and scrubbing** at the boundary (``validate``, ``secrets``):
  nothing an endpoint says reaches a record, a file text or an error message
  before its shape is checked and the token is masked.

The endpoint is read when the source is built, not when huggingface_hub is
imported, so a caller (or a test) may set it late.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from licscan import __version__, limits
from licscan.concurrency import MAX_JOBS
from licscan.sources import transport
from licscan.sources.base import SourceError
from licscan.sources.deadline import DeadlineExceeded, Interrupted, run_before
from licscan.sources.retry import BudgetExceeded, RetryPolicy, call_with_retry
from licscan.sources.secrets import Scrubber, environment_secrets
from licscan.sources.validate import Malformed, parse_json, record_from_info, refs_from_info, require_safe_name
from licscan.types import DATASET, MODEL, FetchErrorCode, ModelRecord, RepoRefs

DEFAULT_ENDPOINT = "https://huggingface.co"
MAX_FILE_BYTES = limits.FILE_BYTES  # kept for callers of the old name
_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_NETWORK_MODULES = ("httpx", "httpx2", "httpcore", "requests", "urllib3")
# Network errors that another try cannot fix.
_PERMANENT_NETWORK_ERRORS = frozenset({"DecodingError", "TooManyRedirects", "InvalidURL", "UnsupportedProtocol"})
# Encodings decoded in bounded pieces (httpx2 drains zlib in 1 MiB steps); others are refused.
_ENCODINGS = frozenset({"", "identity", "gzip", "deflate"})
_ACCEPT_ENCODING = "gzip, deflate"
_DROPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def environment_token() -> str | None:
    return os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN") or None


class Refused(Exception):
    """An answer licscan will not take (too large, an unknown encoding): retrying cannot help."""


_quiet_lock = threading.Lock()
_quiet = False


def quiet_client() -> None:
    """Silence the client's progress bars, log lines and telemetry: licscan reports progress and retries itself."""
    global _quiet
    with _quiet_lock:
        if _quiet:
            return
        from huggingface_hub import constants
        from huggingface_hub.utils.tqdm import disable_progress_bars

        disable_progress_bars()
        # Telemetry off: building the headers would otherwise fetch the client's agent registry from the
        # endpoint (read whole, outside licscan's deadlines and caps) to decorate the user agent.
        constants.HF_HUB_DISABLE_TELEMETRY = True
        # What huggingface_hub.utils.logging.set_verbosity_error() does: its loggers all hang off this one.
        logging.getLogger("huggingface_hub").setLevel(logging.ERROR)
        _quiet = True


_NEVER = threading.Event()  # the cancel flag of a request that its transport bounds itself: never set
_pool_lock = threading.Lock()
_pool_size = 0


def size_connection_pool(size: int) -> None:
    """Give the client's shared session licscan's transport (``transport.thread_pools``), for ``size`` threads.

    The session licscan installs is the client's own (the same class, request hooks, redirects and
    timeouts); only its transport is replaced: a small pool per request thread, whose connects and reads
    are bounded by the request's deadline (see ``licscan.sources.transport``). With a proxy configured the
    client keeps its own transport, one shared pool sized to the scan (whose default of 20 kept-alive
    connections would make every answer past the 20th close its connection). The session is installed
    once, and again only for a larger scan.
    """
    global _pool_size
    with _pool_lock:
        if size <= _pool_size:
            return
        from huggingface_hub import get_session, set_client_factory

        base = get_session()
        library = sys.modules[type(base).__module__.split(".")[0]]
        hooks = {name: list(found) for name, found in base.event_hooks.items()}

        proxied = transport.proxy_configured()

        def factory() -> Any:
            if proxied:
                limits = library.Limits(max_connections=size, max_keepalive_connections=size)
                return type(base)(
                    event_hooks=hooks, follow_redirects=base.follow_redirects, timeout=base.timeout, limits=limits
                )
            return type(base)(
                event_hooks=hooks,
                follow_redirects=base.follow_redirects,
                timeout=base.timeout,
                transport=transport.thread_pools(library),
            )

        set_client_factory(factory)
        _pool_size = size


class HubSource:
    def __init__(
        self,
        *,
        endpoint: str | None = None,
        token: str | None = None,
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        pool_size: int = MAX_JOBS,  # connections open on demand: a big pool costs nothing idle
    ) -> None:
        # Lazy: keeps `licscan --help` instant. (A public name the package re-exports without `as`.)
        from huggingface_hub.utils import build_hf_headers  # type: ignore[attr-defined]

        quiet_client()
        size_connection_pool(pool_size)
        self.endpoint = (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
        self.policy = policy or RetryPolicy()
        self._clock = clock
        # token=None lets the client find one (HF_TOKEN, the stored login), as HfApi does.
        self._headers = build_hf_headers(
            token=token or environment_token(), library_name="licscan", library_version=__version__
        )
        self._headers["Accept-Encoding"] = _ACCEPT_ENCODING
        sent = self._headers.get("authorization", self._headers.get("Authorization", ""))
        sent_token = sent[7:] if sent.lower().startswith("bearer ") else None
        self.scrub = Scrubber([token, sent_token, *environment_secrets()])
        self.has_token = bool(sent_token)  # gated repos: "no token" and "no access" are different advice
        self._file_budgets: dict[str, float] = {}
        self._budget_lock = threading.Lock()

    @property
    def description(self) -> str:
        return f"hub {self.endpoint}"

    def fetch(self, repo_id: str, revision: str | None) -> ModelRecord:
        return self._info(repo_id, revision, MODEL)

    def fetch_dataset(self, repo_id: str, revision: str | None) -> ModelRecord:
        """``GET /api/datasets/{repo}[/revision/{rev}]``, the endpoint ``HfApi.dataset_info`` calls."""
        return self._info(repo_id, revision, DATASET)

    def _info(self, repo_id: str, revision: str | None, repo_type: str) -> ModelRecord:
        dataset = repo_type == DATASET
        what = f"{'datasets/' if dataset else ''}{repo_id}@{revision or 'main'}"
        url = f"{self.endpoint}/api/{'datasets' if dataset else 'models'}/{repo_id}"
        if revision is not None:
            url += f"/revision/{quote(revision, safe='')}"
        payload = self._call(what, url, limits.INFO_WIRE_BYTES, limits.INFO_BYTES, self._clock() + self.policy.budget)
        try:
            data = parse_json(payload)
            if dataset and isinstance(data, dict) and isinstance(data.get("cardData"), dict):
                from licscan.datasets.card import trim_dataset_card

                # Only the licence part of a dataset card is kept, and before validation: the rest
                # (dataset_info, configs) is bulky, deeply nested and says nothing about the licence.
                data["cardData"] = trim_dataset_card(data["cardData"])
            record = record_from_info(repo_id, revision, data, self.scrub)
        except Malformed as exc:
            message = self._message(f"{what}: malformed {'dataset' if dataset else 'model'} info: {exc}")
            raise SourceError(FetchErrorCode.FETCH_FAILED, message) from None
        return replace(record, repo_type=DATASET, pipeline_tag=None) if dataset else record

    def fetch_refs(self, record: ModelRecord) -> RepoRefs:
        """``GET /api/models/{repo}/refs``, the endpoint ``HfApi.list_repo_refs`` calls: one request, bounded
        and retried like model info."""
        what = f"{record.repo_id} refs"
        url = f"{self.endpoint}/api/models/{record.repo_id}/refs"
        payload = self._call(what, url, limits.INFO_WIRE_BYTES, limits.INFO_BYTES, self._clock() + self.policy.budget)
        try:
            return refs_from_info(record.repo_id, parse_json(payload), self.scrub)
        except Malformed as exc:
            raise SourceError(FetchErrorCode.FETCH_FAILED, self._message(f"{what}: malformed answer: {exc}")) from None

    def fetch_file(self, record: ModelRecord, filename: str) -> str:
        from huggingface_hub import hf_hub_url

        prefix = "datasets/" if record.repo_type == DATASET else ""
        what = f"{prefix}{record.repo_id}/{filename}"
        require_safe_name(record.repo_id, filename)  # before the name comes near a URL
        if not record.sha:
            raise SourceError(FetchErrorCode.FETCH_FAILED, f"{what}: no commit to read it at")
        url = hf_hub_url(
            record.repo_id, filename, repo_type=record.repo_type, revision=record.sha, endpoint=self.endpoint
        )
        payload = self._call(what, url, limits.FILE_WIRE_BYTES, limits.FILE_BYTES, self._file_deadline(record))
        return self.scrub.text(payload.decode("utf-8-sig", errors="replace"))

    def _file_deadline(self, record: ModelRecord) -> float:
        """The licence files of one model share one ``--timeout``, from the first one asked for."""
        key = f"{record.repo_id.lower()}@{record.sha}"
        with self._budget_lock:
            start = self._file_budgets.setdefault(key, self._clock())
        return start + self.policy.budget

    # -- one bounded request, retried ------------------------------------------------------------
    def _call(self, what: str, url: str, wire_cap: int, cap: int, deadline: float) -> bytes:
        if self._clock() >= deadline:
            raise SourceError(FetchErrorCode.FETCH_FAILED, f"{what}: the model's time budget is spent")

        def attempt(timeout: float) -> bytes:
            from huggingface_hub import get_session

            if transport.bounds_deadlines(get_session()):  # the request's own thread, bounded where it waits
                with transport.request_deadline(timeout):
                    return self._get(url, wire_cap, cap, timeout, _NEVER)
            return run_before(  # a transport that cannot bound it: a helper thread, abandoned at the deadline
                self._clock() + timeout,
                lambda cancelled: self._get(url, wire_cap, cap, timeout, cancelled),
                clock=self._clock,
            )

        try:
            return call_with_retry(attempt, _classify, self.policy, clock=self._clock, deadline=deadline)
        except SourceError:
            raise
        except Interrupted:
            raise SourceError(FetchErrorCode.FETCH_FAILED, f"{what}: interrupted") from None
        except BudgetExceeded as exc:
            message = f"{what}: gave up after {exc.attempts} attempts: {_describe(exc.last)}"
            raise SourceError(FetchErrorCode.FETCH_FAILED, self._message(message)) from None
        except Exception as exc:
            raise SourceError(_code(exc), self._message(f"{what}: {_describe(exc)}")) from None

    def _get(self, url: str, wire_cap: int, cap: int, timeout: float, cancelled: threading.Event) -> bytes:
        from huggingface_hub import get_session, hf_raise_for_status

        deadline = self._clock() + timeout
        with get_session().stream("GET", url, headers=self._headers, timeout=timeout) as response:
            encoding = response.headers.get("content-encoding", "").strip().lower()
            if encoding not in _ENCODINGS:
                raise Refused(f"unsupported Content-Encoding {encoding[:40]!r}")
            if response.status_code >= 400:
                body = self._read(response, limits.ERROR_BODY_BYTES, deadline, cancelled, truncate=True)
                # A plain (non-streamed) copy of the answer, its body already bounded: the client reads the
                # body of a streamed error answer to the end, however large, to build its message.
                headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _DROPPED_HEADERS]
                copy = type(response)(response.status_code, headers=headers, content=body, request=response.request)
                hf_raise_for_status(copy)
                raise Refused(f"HTTP {response.status_code}")  # hf_raise_for_status raises for every 4xx/5xx
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > wire_cap:
                raise Refused(f"answer of {int(declared)} bytes; the limit is {wire_cap}")
            return self._read(response, cap, deadline, cancelled, wire_cap=wire_cap)

    def _read(
        self,
        response: Any,
        cap: int,
        deadline: float,
        cancelled: threading.Event,
        *,
        wire_cap: int | None = None,
        truncate: bool = False,
    ) -> bytes:
        """The decoded body, checked against the deadline and both caps at every piece that arrives."""
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            if cancelled.is_set() or self._clock() > deadline:
                raise DeadlineExceeded("the answer did not arrive before the deadline")
            size += len(chunk)
            if size > cap or (wire_cap is not None and response.num_bytes_downloaded > wire_cap):
                if truncate:
                    chunks.append(chunk[: max(0, cap - (size - len(chunk)))])
                    break
                raise Refused(f"answer larger than {cap if size > cap else wire_cap} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _message(self, message: str) -> str:
        """A token must never reach any output, even through a server's echo."""
        return self.scrub.text(message)


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def _classify(exc: BaseException) -> tuple[bool, float | None]:
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    if isinstance(exc, (SourceError, OfflineModeIsEnabled, Refused, Interrupted)):
        return False, None
    if isinstance(exc, HfHubHTTPError):
        status = _status(exc)
        return status in _TRANSIENT_STATUS, _retry_after(exc)
    if isinstance(exc, (DeadlineExceeded, ConnectionError, TimeoutError)):
        return True, None
    module = type(exc).__module__.split(".")[0]
    return module in _NETWORK_MODULES and type(exc).__name__ not in _PERMANENT_NETWORK_ERRORS, None


def _code(exc: BaseException) -> FetchErrorCode:
    from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError, RevisionNotFoundError

    if isinstance(exc, GatedRepoError):  # a subclass of RepositoryNotFoundError: test it first
        return FetchErrorCode.GATED
    if isinstance(exc, RevisionNotFoundError):
        return FetchErrorCode.REVISION_NOT_FOUND
    if isinstance(exc, RepositoryNotFoundError):
        return FetchErrorCode.NOT_FOUND
    return FetchErrorCode.FETCH_FAILED


def _describe(exc: BaseException) -> str:
    from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError, RevisionNotFoundError

    if isinstance(exc, GatedRepoError):
        return "gated repo: access must be requested on the Hub and a token with access given (HF_TOKEN)"
    if isinstance(exc, RevisionNotFoundError):
        return "revision not found"
    if isinstance(exc, RepositoryNotFoundError):
        return "repository not found (or private, and the token given cannot read it)"
    status = _status(exc)
    first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    return f"HTTP {status}: {first_line}" if status else f"{type(exc).__name__}: {first_line}"
