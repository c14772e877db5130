"""The client session licscan installs: a pool per request thread, or the client's own proxy-aware pool."""

from __future__ import annotations

import threading

import pytest

from licscan.sources import hub


@pytest.fixture
def fresh_pools(monkeypatch: pytest.MonkeyPatch) -> object:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(hub, "_pool_size", 0)
    yield None
    monkeypatch.undo()  # the environment first, so the session reinstalled below is the proxy-less one
    hub._pool_size = 0
    hub.size_connection_pool(64)


def test_without_a_proxy_each_thread_gets_its_own_pool(fresh_pools: object) -> None:
    from huggingface_hub import get_session

    hub.size_connection_pool(8)
    transport = get_session()._transport
    assert type(transport).__name__ == "ThreadPools"
    seen: list[object] = []

    def pool_of_this_thread() -> None:
        seen.append(transport._pool())

    threads = [threading.Thread(target=pool_of_this_thread) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(pool) for pool in seen}) == 3


def test_a_proxy_in_the_environment_keeps_the_clients_own_transport(
    fresh_pools: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huggingface_hub import get_session

    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    hub.size_connection_pool(8)
    session = get_session()
    assert type(session._transport).__name__ != "ThreadPools"
    assert any("https" in str(pattern.pattern) for pattern in session._mounts), "the proxy is mounted"
