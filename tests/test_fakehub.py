"""The fake Hub must satisfy the REAL huggingface_hub client (never mocked here).

huggingface_hub reads HF_ENDPOINT at import time, so every call passes ``endpoint=`` explicitly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakehub import DEFAULT_TOKEN, FakeHub, git_blob_sha1
from huggingface_hub import HfApi, ModelCard, get_hf_file_metadata, hf_hub_download, hf_hub_url
from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

httpx2 = pytest.importorskip("httpx2")  # transport of huggingface_hub 2.x


@pytest.fixture
def api(fake_hub: FakeHub) -> HfApi:
    return HfApi(endpoint=fake_hub.url)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "dl-cache"


# --------------------------------------------------------------------------- fixtures & environment


def test_fixture_set_is_large_and_every_repo_is_served(fake_hub: FakeHub, api: HfApi) -> None:
    ids = fake_hub.repo_ids
    assert len(ids) >= 40
    for repo_id in ids:
        info = api.model_info(repo_id, token=DEFAULT_TOKEN)  # token: private / gated-denied repos too
        assert info.id == repo_id
        assert info.sha == fake_hub.commit_of(repo_id)
        assert "README.md" in [s.rfilename for s in info.siblings or []]
        assert "region:us" in (info.tags or [])


def test_fake_hub_fixture_isolates_environment(fake_hub: FakeHub, tmp_path: Path) -> None:
    from huggingface_hub import constants

    assert os.environ["HF_ENDPOINT"] == fake_hub.url
    assert "HF_TOKEN" not in os.environ and "HF_HUB_OFFLINE" not in os.environ
    assert Path(os.environ["HF_HUB_CACHE"]).is_relative_to(tmp_path)
    assert Path(constants.HF_HUB_CACHE).is_relative_to(tmp_path)
    assert Path(constants.HF_TOKEN_PATH).is_relative_to(tmp_path)
    assert fake_hub.url.startswith("http://127.0.0.1:")


def test_fakehub_module_does_not_need_pytest() -> None:
    code = "import sys, fakehub; assert 'pytest' not in sys.modules; fakehub.FakeHub().start().stop()"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=30)


def test_context_manager_and_add_repo() -> None:
    with FakeHub(seed=1) as hub:
        hub.add_repo({"id": "solo", "cardData": {"license": "mit"}})
        hub.add_repo({"id": "org/x", "cardData": {"license": "mit"}})
        hub.add_repo({"id": "org/x", "cardData": {"license": "gpl-3.0"}})  # replaces
        api = HfApi(endpoint=hub.url)
        assert api.model_info("org/x").card_data.license == "gpl-3.0"
        assert api.model_info("solo").id == "solo"  # legacy id without namespace
        assert api.model_info("solo", revision="main").card_data.license == "mit"
        url = hub.url
    with pytest.raises(httpx2.ConnectError):  # stopped: connection refused
        HfApi(endpoint=url).model_info("org/x")


# ------------------------------------------------------------------------------------ model info


def test_model_info_fields(fake_hub: FakeHub, api: HfApi) -> None:
    info = api.model_info("meta-llama/Llama-3.1-8B-Instruct")
    assert info.sha == fake_hub.commit_of("meta-llama/Llama-3.1-8B-Instruct")
    assert info.author == "meta-llama"
    assert info.gated == "manual"
    assert info.pipeline_tag == "text-generation"
    assert info.library_name == "transformers"
    assert info.card_data is not None
    assert info.card_data.license == "llama3.1"
    assert info.card_data.base_model == "meta-llama/Llama-3.1-8B"
    assert info.card_data.get("extra_gated_prompt", "").startswith("### LLAMA 3.1 COMMUNITY LICENSE AGREEMENT")
    files = [s.rfilename for s in info.siblings or []]
    assert {"LICENSE", "USE_POLICY.md", "README.md", "config.json"} <= set(files)
    tags = info.tags or []
    for tag in (
        "license:llama3.1",
        "base_model:meta-llama/Llama-3.1-8B",
        "base_model:finetune:meta-llama/Llama-3.1-8B",
        "region:us",
        "llama",
    ):
        assert tag in tags


@pytest.mark.parametrize(
    ("repo_id", "relation", "base"),
    [
        ("someuser/Llama-3.2-1B-Instruct-GGUF", "quantized", "meta-llama/Llama-3.2-1B-Instruct"),
        ("merge-lab/qwen-llama-slerp-7b", "merge", "Qwen/Qwen2.5-7B-Instruct"),
        ("example-org/llama-3.1-8b-lora-nolicense", "adapter", "meta-llama/Llama-3.1-8B-Instruct"),
    ],
)
def test_base_model_relation_tags(api: HfApi, repo_id: str, relation: str, base: str) -> None:
    assert f"base_model:{relation}:{base}" in (api.model_info(repo_id).tags or [])


def test_license_list_gives_one_tag_each_and_hostile_card_is_served(api: HfApi) -> None:
    tags = api.model_info("example-org/dual-license-list").tags or []
    assert "license:apache-2.0" in tags and "license:mit" in tags
    hostile = api.model_info("example-org/hostile-card")
    assert hostile.card_data is not None
    assert hostile.card_data.license == 42
    assert "\x1b[31m" in hostile.card_data.license_name
    assert len(hostile.card_data.license_link) > 20_000
    assert not [t for t in hostile.tags or [] if t.startswith(("base_model:", "license:"))]
    assert api.model_info("example-org/bare-repo").card_data is None


def test_revision_by_tag_commit_and_pr_ref(fake_hub: FakeHub, api: HfApi) -> None:
    repo = "example-org/relicensed-model"
    old = fake_hub.commit_of(repo, "v1.0")
    assert old != fake_hub.commit_of(repo)
    main = api.model_info(repo)
    assert main.card_data.license == "cc-by-nc-4.0"
    by_tag = api.model_info(repo, revision="v1.0")
    assert (by_tag.sha, by_tag.card_data.license) == (old, "apache-2.0")
    by_commit = api.model_info(repo, revision=old)
    assert (by_commit.sha, by_commit.card_data.license) == (old, "apache-2.0")
    assert api.model_info(repo, revision=main.sha).card_data.license == "cc-by-nc-4.0"
    assert api.model_info(repo, revision="refs/pr/1").card_data.license == "mit"  # sent as refs%2Fpr%2F1
    assert fake_hub.requests[-1].revision == "refs/pr/1"


def test_rename_redirect(fake_hub: FakeHub, api: HfApi, cache: Path) -> None:
    info = api.model_info("bert-base-uncased")
    assert info.id == "google-bert/bert-base-uncased"
    assert info.sha == "86b5e0934494bd15c9632b12f734a8a67f723594"
    assert [(r.path, r.status) for r in fake_hub.requests] == [
        ("/api/models/bert-base-uncased", 307),
        ("/api/models/google-bert/bert-base-uncased", 200),
    ]
    assert api.model_info("CohereForAI/c4ai-command-r-v01", revision="main").id == "CohereLabs/c4ai-command-r-v01"
    path = hf_hub_download("gpt2", "README.md", endpoint=fake_hub.url, cache_dir=cache)
    assert "license: mit" in Path(path).read_text()


# ------------------------------------------------------------------------------------- downloads


def test_download_file_and_headers(fake_hub: FakeHub, cache: Path) -> None:
    path = hf_hub_download("Qwen/Qwen2.5-7B", "LICENSE", endpoint=fake_hub.url, cache_dir=cache)
    content = Path(path).read_bytes()
    assert content == fake_hub.file_bytes("Qwen/Qwen2.5-7B", "LICENSE")
    assert fake_hub.commit_of("Qwen/Qwen2.5-7B") in path
    meta = get_hf_file_metadata(hf_hub_url("Qwen/Qwen2.5-7B", "LICENSE", endpoint=fake_hub.url))
    assert meta.etag == git_blob_sha1(content)
    assert meta.size == len(content)
    assert meta.commit_hash == fake_hub.commit_of("Qwen/Qwen2.5-7B")
    assert [r.method for r in fake_hub.requests] == ["HEAD", "GET", "HEAD"]
    # Placeholder body for a sibling without text, at a pinned older revision.
    old = hf_hub_download(
        "example-org/relicensed-model", "LICENSE", revision="v1.0", endpoint=fake_hub.url, cache_dir=cache
    )
    assert "Apache License" in Path(old).read_text()


def test_readme_rendered_from_card_data(fake_hub: FakeHub, api: HfApi, cache: Path) -> None:
    for repo_id in ("black-forest-labs/FLUX.1-dev", "example-org/hostile-card", "huggyllama/llama-7b"):
        path = hf_hub_download(repo_id, "README.md", endpoint=fake_hub.url, cache_dir=cache, token=DEFAULT_TOKEN)
        card = ModelCard.load(path)
        assert card.data.to_dict() == api.model_info(repo_id).card_data.to_dict()


def test_missing_repo_revision_and_file(fake_hub: FakeHub, api: HfApi, cache: Path) -> None:
    with pytest.raises(RepositoryNotFoundError) as exc:
        api.model_info("vanished-org/deleted-base-7b")
    assert exc.value.response.status_code == 404
    with pytest.raises(RevisionNotFoundError):
        api.model_info("Qwen/Qwen2.5-7B", revision="v9.9")
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download("Qwen/Qwen2.5-7B", "LICENSE", revision="nope", endpoint=fake_hub.url, cache_dir=cache)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download("vanished-org/deleted-base-7b", "README.md", endpoint=fake_hub.url, cache_dir=cache)
    with pytest.raises(RemoteEntryNotFoundError):
        hf_hub_download("Qwen/Qwen2.5-7B", "NOTICE", endpoint=fake_hub.url, cache_dir=cache)


def test_gated_files_need_token_but_model_info_does_not(fake_hub: FakeHub, api: HfApi, cache: Path) -> None:
    repo = "black-forest-labs/FLUX.1-dev"
    assert api.model_info(repo).gated == "auto"
    with pytest.raises(GatedRepoError) as exc:
        hf_hub_download(repo, "LICENSE.md", endpoint=fake_hub.url, cache_dir=cache)
    assert exc.value.response.status_code == 403
    assert fake_hub.requests[-1].has_auth is False
    path = hf_hub_download(repo, "LICENSE.md", endpoint=fake_hub.url, cache_dir=cache, token=DEFAULT_TOKEN)
    assert Path(path).read_text().startswith("FLUX.1 [dev] Non-Commercial License")
    assert fake_hub.requests[-1].has_auth and fake_hub.requests[-1].token_accepted
    with pytest.raises(GatedRepoError):
        hf_hub_download(repo, "POLICY.md", endpoint=fake_hub.url, cache_dir=cache, token="hf_someone_else")


def test_private_and_gated_denied_repos(api: HfApi) -> None:
    with pytest.raises(RepositoryNotFoundError) as exc:
        api.model_info("example-org/private-internal-model")
    assert not isinstance(exc.value, GatedRepoError)
    assert exc.value.response.status_code == 401
    assert api.model_info("example-org/private-internal-model", token=DEFAULT_TOKEN).private is True
    with pytest.raises(GatedRepoError) as gated:
        api.model_info("example-org/restricted-preview")
    assert gated.value.response.status_code == 403
    assert api.model_info("example-org/restricted-preview", token=DEFAULT_TOKEN).gated == "manual"


# ------------------------------------------------------------------------------- fault injection


@pytest.mark.parametrize("status", [429, 503])
def test_injected_status_raises_hf_http_error(fake_hub: FakeHub, api: HfApi, status: int) -> None:
    fake_hub.fail_rate = 1.0
    fake_hub.fail_statuses = (status,)
    with pytest.raises(HfHubHTTPError) as exc:
        api.model_info("Qwen/Qwen2.5-7B")
    assert not isinstance(exc.value, RepositoryNotFoundError)
    response = exc.value.response
    assert response.status_code == status
    assert response.headers.get("Retry-After") == "0"
    assert "X-Error-Code" not in response.headers
    with pytest.raises(HfHubHTTPError) as file_exc:  # HEAD without retries (get_hf_file_metadata's default)
        get_hf_file_metadata(hf_hub_url("Qwen/Qwen2.5-7B", "LICENSE", endpoint=fake_hub.url))
    assert file_exc.value.response.status_code == status
    assert [(r.status, r.fault) for r in fake_hub.requests] == [(status, "status"), (status, "status")]
    fake_hub.retry_after = None
    with pytest.raises(HfHubHTTPError) as bare:
        api.model_info("Qwen/Qwen2.5-7B")
    assert "Retry-After" not in bare.value.response.headers


def test_request_counter(fake_hub: FakeHub, api: HfApi, cache: Path) -> None:
    api.model_info("microsoft/phi-2")
    api.model_info("microsoft/phi-2", revision="main")
    api.model_info("openai-community/gpt2")
    hf_hub_download("microsoft/phi-2", "LICENSE", endpoint=fake_hub.url, cache_dir=cache)
    assert fake_hub.count() == 3
    assert fake_hub.count("model_info", "microsoft/phi-2") == 2
    assert fake_hub.count("file", "microsoft/phi-2") == 2  # HEAD + GET
    assert fake_hub.count("file", "openai-community/gpt2") == 0
    fake_hub.reset_log()
    assert fake_hub.count() == 0 and fake_hub.requests == []


def _failures(hub: FakeHub, n: int) -> int:
    api = HfApi(endpoint=hub.url)
    failures = 0
    for _ in range(n):
        try:
            api.model_info("EleutherAI/pythia-160m")
        except HfHubHTTPError as exc:
            assert exc.response.status_code in (429, 503)
            failures += 1
    return failures


def test_fail_rate_is_roughly_respected_and_deterministic(fixtures_dir: Path, fake_hub: FakeHub) -> None:
    fake_hub.fail_rate = 0.2
    failures = _failures(fake_hub, 200)
    assert 25 <= failures <= 55
    assert sum(1 for r in fake_hub.requests if r.fault == "status") == failures
    with FakeHub(fixtures_dir, seed=0) as again:  # same seed, same sequence
        again.fail_rate = 0.2
        assert _failures(again, 200) == failures


def test_scripted_faults_and_filter(fake_hub: FakeHub, api: HfApi, cache: Path) -> None:
    fake_hub.fail_next = [503, 0]
    with pytest.raises(HfHubHTTPError):
        api.model_info("microsoft/phi-2")
    with pytest.raises(httpx2.RemoteProtocolError):  # dropped connection
        api.model_info("microsoft/phi-2")
    assert api.model_info("microsoft/phi-2").id == "microsoft/phi-2"
    fake_hub.fault_filter = lambda method, kind, repo_id: kind == "file"
    fake_hub.fail_rate = 1.0
    assert api.model_info("microsoft/phi-2").id == "microsoft/phi-2"  # model info is spared
    with pytest.raises(HfHubHTTPError):
        get_hf_file_metadata(hf_hub_url("microsoft/phi-2", "LICENSE", endpoint=fake_hub.url))
    assert [r.fault for r in fake_hub.requests] == ["status", "drop", None, None, "status"]


def test_drop_latency_and_timeout(fake_hub: FakeHub, api: HfApi) -> None:
    fake_hub.drop_rate = 1.0
    with pytest.raises(httpx2.RemoteProtocolError):
        api.model_info("microsoft/phi-2")
    assert fake_hub.requests[-1].status == 0 and fake_hub.requests[-1].fault == "drop"
    fake_hub.drop_rate = 0.0
    fake_hub.latency = 0.3
    with pytest.raises(httpx2.TimeoutException):
        api.model_info("microsoft/phi-2", timeout=0.05)
    assert api.model_info("microsoft/phi-2", timeout=5).id == "microsoft/phi-2"
