"""The client session licscan installs: a pool per request thread, or the client's own proxy-aware pool."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

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


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a test certificate")
def test_https_through_the_per_thread_pools_with_a_deadline_on_tls_reads(
    fresh_pools: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real Hub is HTTPS: the TLS context honours SSL_CERT_FILE, and a stalled TLS answer meets its deadline."""
    import http.server
    import socket
    import ssl
    import subprocess

    from huggingface_hub import get_session

    from licscan.sources import transport
    from licscan.sources.deadline import DeadlineExceeded

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    class Answer(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    silent = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def handshake_then_silence() -> None:
        held.append(context.wrap_socket(silent.accept()[0], server_side=True))

    threading.Thread(target=handshake_then_silence, daemon=True).start()
    try:
        hub.size_connection_pool(8)
        session = get_session()
        assert transport.bounds_deadlines(session)
        url = f"https://127.0.0.1:{server.server_address[1]}/"
        with transport.request_deadline(10):
            assert [session.get(url).content for _ in range(2)] == [b"{}", b"{}"]  # the kept-alive TLS connection
        with pytest.raises(DeadlineExceeded), transport.request_deadline(0.5):
            session.get(f"https://127.0.0.1:{silent.getsockname()[1]}/")  # handshake done, the answer never comes
    finally:
        server.shutdown()
        server.server_close()
        for connection in held:
            connection.close()
        silent.close()
