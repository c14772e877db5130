"""The HTTP transport licscan gives the client's session: a connection pool per thread, with deadlines.

Two costs of a scan's request path sit below huggingface_hub, in its HTTP library (httpx or httpx2):

* **One pool, one lock.** The client's default transport is one connection pool shared by every
  thread; at 64 requests in flight its lock is the busiest object of a scan. Requests run one at a
  time per thread, so each thread gets a small pool of its own (``thread_pools``).
* **Deadlines.** The library's timeouts are per read: a server that trickles a byte every few seconds
  holds a request far past any of them. Handing each request to a helper thread that can be abandoned
  (``deadline.run_before``) bounds it, at the price of two thread hand-offs per request. The pools here
  bound it where the waiting happens instead: every connect, read and write of a request is given at
  most the time left before the deadline its thread set (``request_deadline``), reads wake up every
  ``POLL`` seconds to see whether the run was interrupted (Ctrl-C), and past the deadline the request
  fails with ``DeadlineExceeded``. Only name resolution, inside the socket library, is not bounded.

The pools are the library's own classes (its connection pool, its transport, its TLS context built as
it builds it, so ``SSL_CERT_FILE`` and the like are honoured), given a network backend that wraps the
library's own. A client built with a transport ignores the proxy variables of the environment
(``HTTPS_PROXY`` and the like): with one set, licscan keeps the client's own transport (``proxy_configured``)
and its requests go through ``run_before``.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from licscan.sources.deadline import DeadlineExceeded, Interrupted, interrupted

POLL = 0.25  # how often a waiting read looks at the interrupt flag
_THREAD_CONNECTIONS = 4  # one request at a time per thread; room for a connection being replaced
# Kept alive per thread: the Hub's API host, and the CDN host a large file's resolve URL redirects to.
_THREAD_KEEPALIVE = 2


class _Local(threading.local):
    deadline: float | None = None  # time.monotonic() by which the thread's request must be done


_LOCAL = _Local()


@contextmanager
def request_deadline(seconds: float) -> Iterator[None]:
    """The requests this thread makes inside the block must be done within ``seconds``."""
    previous = _LOCAL.deadline
    _LOCAL.deadline = time.monotonic() + max(0.0, seconds)
    try:
        yield
    finally:
        _LOCAL.deadline = previous


def bounds_deadlines(session: Any) -> bool:
    """Whether ``session``'s transport enforces ``request_deadline`` (else use ``run_before``)."""
    return bool(getattr(getattr(session, "_transport", None), "licscan_deadlines", False))


def proxy_configured() -> bool:
    """Whether the environment names a proxy (the variables the HTTP library reads), in any case."""
    names = ("http_proxy", "https_proxy", "all_proxy")
    return any(value.strip() for key, value in os.environ.items() if key.lower() in names)


def _left(timeout: float | None) -> float | None:
    """The time one network operation may take: its own timeout, cut to what is left of the deadline."""
    deadline = _LOCAL.deadline
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded("no complete answer before the deadline")
    return left if timeout is None else min(timeout, left)


def thread_pools(library: Any) -> Any:
    """A transport of ``library`` (httpx or httpx2) keeping one deadline-bound connection pool per thread."""
    core = importlib.import_module(library.HTTPTransport.__module__.split(".")[0].replace("httpx", "httpcore"))
    read_timeout = core.ReadTimeout

    class Stream(core.NetworkStream):  # type: ignore[misc,name-defined]
        def __init__(self, inner: Any) -> None:
            self._inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            start = time.monotonic()
            while True:
                own = None if timeout is None else timeout - (time.monotonic() - start)
                if own is not None and own <= 0:
                    raise read_timeout("timed out")
                wait = _left(own)
                try:
                    data: bytes = self._inner.read(max_bytes, POLL if wait is None else min(wait, POLL))
                    return data
                except read_timeout:
                    if interrupted():
                        raise Interrupted("interrupted") from None
                    continue  # a poll ran out: the loop looks at both timeouts again

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._inner.write(buffer, _left(timeout))

        def close(self) -> None:
            self._inner.close()

        def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
            return Stream(self._inner.start_tls(ssl_context, server_hostname, _left(timeout)))

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class Backend(core.NetworkBackend):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            self._inner = core.SyncBackend()

        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Any = None,
        ) -> Any:
            return Stream(self._inner.connect_tcp(host, port, _left(timeout), local_address, socket_options))

        def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
            return Stream(self._inner.connect_unix_socket(path, _left(timeout), socket_options))

        def sleep(self, seconds: float) -> None:
            self._inner.sleep(seconds)

    class ThreadPools(library.BaseTransport):  # type: ignore[misc]
        licscan_deadlines = True

        def __init__(self) -> None:
            self._local = threading.local()
            self._lock = threading.Lock()
            self._pools: list[Any] = []
            self._tls: Any = None

        def handle_request(self, request: Any) -> Any:
            return self._pool().handle_request(request)

        def _pool(self) -> Any:
            pool = getattr(self._local, "pool", None)
            if pool is None:
                with self._lock:
                    if self._tls is None:  # building a context reads the CA bundle: once, shared
                        self._tls = library.create_ssl_context()
                    limits = library.Limits(
                        max_connections=_THREAD_CONNECTIONS, max_keepalive_connections=_THREAD_KEEPALIVE
                    )
                    pool = library.HTTPTransport(verify=self._tls, limits=limits)
                    # The library's own pool, as its transport builds it, over the deadline-bound backend.
                    pool._pool = core.ConnectionPool(
                        ssl_context=self._tls,
                        max_connections=_THREAD_CONNECTIONS,
                        max_keepalive_connections=_THREAD_KEEPALIVE,
                        keepalive_expiry=limits.keepalive_expiry,
                        network_backend=Backend(),
                    )
                    self._local.pool = pool
                    self._pools.append(pool)
            return pool

        def close(self) -> None:
            with self._lock:
                pools, self._pools = self._pools, []
            for pool in pools:
                pool.close()

    return ThreadPools()
