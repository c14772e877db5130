"""Shared pytest fixtures for licscan.

* ``fixtures_dir``: the fake-Hub repository documents (``tests/fixtures/hub``).
* ``fake_hub``: a running :class:`tests.fakehub.FakeHub` loaded with them, with the environment isolated from
  the user's Hugging Face setup (endpoint, token, offline flag, cache).
* ``shared_data``: ``<project root>/../shared/data`` (reference data kept outside the repo), or a skip.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = TESTS_DIR.parent

# Make `import fakehub` work whatever the rootdir / import mode.
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from fakehub import FakeHub  # noqa: E402


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """Folder of the fake-Hub repository documents (one YAML file per repo)."""
    return TESTS_DIR / "fixtures" / "hub"


def _isolate_hf_env(monkeypatch: pytest.MonkeyPatch, home: Path, endpoint: str) -> None:
    """Point huggingface_hub at ``endpoint`` and a private HF home, with no token and online mode.

    huggingface_hub reads most variables once, at import, into ``huggingface_hub.constants``; the cache and
    token paths are then read from those module attributes at call time, so they are patched too (as
    huggingface_hub's own test-suite does). ``ENDPOINT`` is deliberately NOT patched (the download URL
    template was built from it at import): always pass ``endpoint=`` explicitly.
    """
    cache = home / "hub"
    cache.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HF_OIDC_RESOURCE", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    try:
        from huggingface_hub import constants
    except ImportError:  # pragma: no cover - huggingface_hub is a hard dependency
        return
    patches: dict[str, object] = {
        "HF_HOME": str(home),
        "HF_HUB_CACHE": str(cache),
        "HUGGINGFACE_HUB_CACHE": str(cache),
        "HF_TOKEN_PATH": str(home / "token"),
        "HF_STORED_TOKENS_PATH": str(home / "stored_tokens"),
        "HF_HUB_OFFLINE": False,
    }
    for name, value in patches.items():
        if hasattr(constants, name):
            monkeypatch.setattr(constants, name, value)


@pytest.fixture
def fake_hub(fixtures_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    """A started fake Hub serving every fixture repo; stopped after the test."""
    hub = FakeHub(fixtures_dir).start()
    try:
        _isolate_hf_env(monkeypatch, tmp_path / "hf_home", hub.url)
        yield hub
    finally:
        hub.stop()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``<project root>/../shared/data``: reference data (licence texts, Hub licence ids, API notes)."""
    path = PROJECT_ROOT.parent / "shared" / "data"
    if not path.is_dir():
        pytest.skip(f"../shared/data not present: {path} does not exist")
    return path


@pytest.fixture
def hostile_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A started :class:`tests.hostilehub.HostileHub` (nothing scripted yet), the environment isolated."""
    from hostilehub import HostileHub

    hub = HostileHub().start()
    try:
        _isolate_hf_env(monkeypatch, tmp_path / "hf_home", hub.url)
        yield hub
    finally:
        hub.stop()
