"""The Hugging Face Hub source: the only module that imports huggingface_hub.

It uses the real client (``HfApi.model_info``, ``hf_hub_download``) and so
honours ``HF_ENDPOINT``, ``HF_TOKEN`` and the client's own settings. The
endpoint is read when the source is built, not when huggingface_hub is
imported, so a caller (or a test) may set it late.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from licscan import __version__
from licscan.sources.base import SourceError
from licscan.sources.retry import BudgetExceeded, RetryPolicy, call_with_retry
from licscan.types import FetchErrorCode, ModelRecord

DEFAULT_ENDPOINT = "https://huggingface.co"
MAX_FILE_BYTES = 2 * 1024 * 1024  # a licence file larger than this is not a licence
_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_NETWORK_MODULES = ("httpx", "httpx2", "httpcore", "requests", "urllib3")


def environment_token() -> str | None:
    return os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN") or None


class HubSource:
    def __init__(
        self,
        *,
        endpoint: str | None = None,
        token: str | None = None,
        policy: RetryPolicy | None = None,
        download_dir: Path | None = None,
    ) -> None:
        from huggingface_hub import HfApi  # lazy: keeps `licscan --help` instant

        self.endpoint = (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
        self._token = token or environment_token()
        self.policy = policy or RetryPolicy()
        self.download_dir = download_dir
        self._api = HfApi(
            endpoint=self.endpoint, token=self._token, library_name="licscan", library_version=__version__
        )

    @property
    def description(self) -> str:
        return f"hub {self.endpoint}"

    def fetch(self, repo_id: str, revision: str | None) -> ModelRecord:
        def attempt(timeout: float) -> Any:
            return self._api.model_info(repo_id, revision=revision, timeout=timeout)

        info = self._call(attempt, f"{repo_id}@{revision or 'main'}")
        return _record(repo_id, info)

    def fetch_file(self, record: ModelRecord, filename: str) -> str:
        from huggingface_hub import hf_hub_download

        def attempt(timeout: float) -> str:
            path = hf_hub_download(
                record.repo_id,
                filename,
                revision=record.sha,
                endpoint=self.endpoint,
                token=self._token,
                cache_dir=self.download_dir,
                etag_timeout=timeout,
            )
            with open(path, "rb") as handle:
                payload = handle.read(MAX_FILE_BYTES + 1)
            if len(payload) > MAX_FILE_BYTES:
                raise SourceError(FetchErrorCode.FETCH_FAILED, f"{filename} is larger than {MAX_FILE_BYTES} bytes")
            return payload.decode("utf-8", errors="replace")

        result: str = self._call(attempt, f"{record.repo_id}/{filename}")
        return result

    def _call(self, attempt: Any, what: str) -> Any:
        try:
            return call_with_retry(attempt, _classify, self.policy)
        except SourceError:
            raise
        except BudgetExceeded as exc:
            raise SourceError(
                FetchErrorCode.FETCH_FAILED,
                self._scrub(f"{what}: gave up after {exc.attempts} attempts: {_describe(exc.last)}"),
            ) from None
        except Exception as exc:
            code = _code(exc)
            raise SourceError(code, self._scrub(f"{what}: {_describe(exc)}")) from None

    def _scrub(self, message: str) -> str:
        """A token must never reach any output, even through a server's echo."""
        if self._token:
            message = message.replace(self._token, "***")
        return message


def _record(repo_id: str, info: Any) -> ModelRecord:
    card = info.card_data.to_dict() if getattr(info, "card_data", None) is not None else {}
    siblings = tuple(s.rfilename for s in (info.siblings or []) if getattr(s, "rfilename", None))
    return ModelRecord(
        repo_id=repo_id,
        sha=info.sha,
        card_data=card,
        gated=info.gated if isinstance(info.gated, (bool, str)) else False,
        private=bool(info.private),
        pipeline_tag=info.pipeline_tag if isinstance(info.pipeline_tag, str) else None,
        tags=tuple(str(t) for t in (info.tags or [])),
        siblings=siblings,
    )


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
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, OfflineModeIsEnabled

    if isinstance(exc, (SourceError, OfflineModeIsEnabled)):
        return False, None
    if isinstance(exc, HfHubHTTPError):
        status = _status(exc)
        return status in _TRANSIENT_STATUS, _retry_after(exc)
    if isinstance(exc, LocalEntryNotFoundError):
        # hf_hub_download turns a 5xx or a dropped connection on its HEAD
        # request into this when nothing is cached: worth another try.
        return True, None
    module = type(exc).__module__.split(".")[0]
    return module in _NETWORK_MODULES or isinstance(exc, (ConnectionError, TimeoutError)), None


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
