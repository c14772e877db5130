"""End-to-end scans through the real huggingface_hub client against the loopback fake Hub."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from licscan.cli import main
from licscan.licensedb import load_database
from licscan.manifest import read_manifests
from licscan.report.json_report import to_json
from licscan.scan import scan
from licscan.sources.cached import CachedSource
from licscan.sources.hub import HubSource
from licscan.sources.retry import RetryPolicy
from licscan.sources.store import Store

# repo (as listed) -> (effective class, effective licence id or None, finding codes that must be present)
EXPECTED: dict[str, tuple[str, str | None, set[str]]] = {
    "meta-llama/Llama-3.1-8B-Instruct": ("open-weights-restricted", "llama3.1", set()),
    "example-org/llama-3.1-8b-support-bot": ("open-weights-restricted", "llama3.1", {"base-license-conflict"}),
    "someuser/Llama-3.2-1B-Instruct-GGUF": ("open-weights-restricted", "llama3.2", {"base-license-conflict"}),
    "merge-lab/qwen-llama-slerp-7b": ("open-weights-restricted", "llama3.1", {"base-license-conflict"}),
    "example-org/llama-3.1-8b-lora-nolicense": ("open-weights-restricted", "llama3.1", {"license-missing"}),
    "mistralai/Mistral-7B-v0.1": ("permissive", "apache-2.0", set()),
    "example-org/mistral-7b-url-base": ("permissive", None, set()),
    "allenai/OLMo-2-1124-7B": ("permissive", "apache-2.0", set()),
    "microsoft/phi-2": ("permissive", "mit", set()),
    "black-forest-labs/FLUX.1-dev": ("non-commercial", "flux-1-dev-non-commercial-license", set()),
    "pixel-forge/flux-pixelart-finetune": ("non-commercial", "flux-1-dev-non-commercial-license", set()),
    "google/gemma-2-9b-it": ("open-weights-restricted", "gemma", set()),
    "huggyllama/llama-7b": ("non-commercial", "llama1", set()),
    "CohereLabs/c4ai-command-r-v01": ("non-commercial", None, set()),
    "example-org/conflicted-card": ("non-commercial", "cc-by-nc-4.0", {"license-mismatch"}),
    "example-org/hostile-card": ("unknown", None, {"license-invalid"}),
    "example-org/bare-repo": ("unknown", None, {"license-missing"}),
    "cycle-org/a": ("permissive", None, {"lineage-cycle"}),
    # Declares apache-2.0 over a base that no longer exists: what binds it cannot be known (fail closed).
    "example-org/orphan-finetune": ("unknown", None, {"lineage-unresolved"}),
    "example-org/restricted-preview": ("unknown", None, {"gated"}),
    "example-org/private-internal-model": ("unknown", None, {"not-found"}),
    "nobody/no-such-model": ("unknown", None, {"not-found"}),
    "example-org/relicensed-model@no-such-branch": ("unknown", None, {"revision-not-found"}),
    "example-org/relicensed-model@v1.0": ("permissive", "apache-2.0", set()),
    "example-org/relicensed-model": ("non-commercial", "cc-by-nc-4.0", set()),
}


def manifest(tmp_path: Path, entries: list[str]) -> Path:
    path = tmp_path / "models.txt"
    path.write_text("# test manifest\n" + "\n".join(entries) + "\n", encoding="utf-8")
    return path


def run_scan(
    path: Path, hub_url: str, cache: Path | None = None, jobs: int | str = 8, budget: float = 30
) -> Any:
    refs, _ = read_manifests([path])
    source: Any = HubSource(endpoint=hub_url, policy=RetryPolicy(budget=budget, base_delay=0.01, max_delay=0.05))
    if cache is not None:
        source = CachedSource(source, Store(cache, "cache"))
    return scan(refs, source, load_database(), jobs=jobs, manifests=(str(path),))


def comparable(result: Any) -> dict[str, Any]:
    data = to_json(result)
    data.pop("generated_at")
    return data


def test_scan_classifies_every_model_with_its_lineage(fake_hub: Any, tmp_path: Path) -> None:
    path = manifest(tmp_path, list(EXPECTED))
    result = run_scan(path, fake_hub.url)
    assert [str(m.ref) for m in result.models] == list(EXPECTED)  # manifest order kept
    for model in result.models:
        cls, license_id, codes = EXPECTED[str(model.ref)]
        found = {f.code for f in model.findings}
        assert model.license_class.value == cls, (str(model.ref), model.evidence, model.findings)
        if license_id is not None:
            assert model.license is not None and model.license.id == license_id, str(model.ref)
        assert codes <= found, (str(model.ref), found)
        assert model.evidence or model.failure, str(model.ref)
    line_of = {str(m.ref): m.ref.line for m in result.models}
    assert line_of["meta-llama/Llama-3.1-8B-Instruct"] == 2


def test_each_base_is_fetched_once_per_run(fake_hub: Any, tmp_path: Path) -> None:
    path = manifest(
        tmp_path,
        ["example-org/llama-3.1-8b-support-bot", "merge-lab/qwen-llama-slerp-7b", "meta-llama/Llama-3.1-8B-Instruct"],
    )
    run_scan(path, fake_hub.url)
    for repo in ("meta-llama/Llama-3.1-8B-Instruct", "example-org/llama-3.1-8b-support-bot"):
        assert fake_hub.count("model_info", repo) == 1, repo
    # Card metadata named every licence. Only a permissive root that names no base has files read:
    # its card and config for lineage evidence, its licence file to check the metadata (issue 9).
    read = {(r.repo_id, r.filename) for r in fake_hub.requests if r.kind == "file"}
    assert {name for _, name in read} <= {"README.md", "config.json", "LICENSE"}, read
    assert {repo for repo, _ in read} <= {"Qwen/Qwen2.5-7B"}, read


def test_a_base_is_asked_for_before_manifest_entries_still_waiting(fake_hub: Any, tmp_path: Path) -> None:
    # A fine-tune's base is asked for as soon as its card names it, not behind every manifest entry not
    # yet asked for: with 2 requests at a time and 30 entries, the first entry's base comes long before
    # the last entry.
    for i in range(30):
        card = {"license": "apache-2.0", "base_model": f"queue-org/base-{i}"}
        fake_hub.add_repo({"id": f"queue-org/ft-{i}", "cardData": card})
        fake_hub.add_repo({"id": f"queue-org/base-{i}", "cardData": {"license": "llama3.1"}})
    path = manifest(tmp_path, [f"queue-org/ft-{i}" for i in range(30)])
    result = run_scan(path, fake_hub.url, jobs=2)
    asked = [r.repo_id for r in fake_hub.requests if r.kind == "model_info"]
    assert asked.index("queue-org/base-0") < asked.index("queue-org/ft-10") < asked.index("queue-org/ft-29")
    assert [m.license.id for m in result.models] == ["llama3.1"] * 30


@pytest.mark.parametrize("jobs", [8, "auto"])  # auto halves on every 429/503: the answers must not change
def test_transient_failures_do_not_change_the_result(fake_hub: Any, tmp_path: Path, jobs: int | str) -> None:
    path = manifest(tmp_path, list(EXPECTED))
    calm = comparable(run_scan(path, fake_hub.url, jobs=jobs))
    fake_hub.reset_log()
    fake_hub.fail_rate = 0.2
    fake_hub.fail_statuses = (429, 503)
    stormy = comparable(run_scan(path, fake_hub.url, jobs=jobs))
    injected = [r for r in fake_hub.requests if r.status in (429, 503)]
    assert len(injected) >= 5, "the storm should have hit"
    assert stormy == calm


def test_dropped_connections_and_latency_are_retried(fake_hub: Any, tmp_path: Path) -> None:
    path = manifest(tmp_path, ["mistralai/Mistral-7B-v0.1", "microsoft/phi-2", "google/gemma-2-9b-it"])
    calm = comparable(run_scan(path, fake_hub.url))
    fake_hub.drop_rate = 0.3
    fake_hub.latency = 0.01
    assert comparable(run_scan(path, fake_hub.url)) == calm


def test_a_hub_that_never_recovers_marks_fetch_failed_within_the_budget(fake_hub: Any, tmp_path: Path) -> None:
    fake_hub.fail_rate = 1.0
    result = run_scan(manifest(tmp_path, ["microsoft/phi-2"]), fake_hub.url, budget=1.0)
    (model,) = result.models
    assert model.failure is not None and model.failure.code.value == "fetch-failed"
    assert "gave up after" in model.failure.message


def test_rescanning_a_pinned_manifest_makes_no_model_info_calls(fake_hub: Any, tmp_path: Path) -> None:
    pinned = [
        f"{repo}@{fake_hub.commit_of(repo)}"
        for repo in ("example-org/llama-3.1-8b-support-bot", "mistralai/Mistral-7B-v0.1", "google/gemma-2-9b-it")
    ]
    path = manifest(tmp_path, pinned)
    cache = tmp_path / "cache"
    first = comparable(run_scan(path, fake_hub.url, cache=cache))
    assert fake_hub.count("model_info") > 0
    fake_hub.reset_log()
    assert comparable(run_scan(path, fake_hub.url, cache=cache)) == first
    assert fake_hub.count("model_info") == 0


def test_cli_scan_json_exit_codes_and_no_token_leak(fake_hub: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    path = manifest(tmp_path, ["mistralai/Mistral-7B-v0.1", "nobody/no-such-model", "black-forest-labs/FLUX.1-dev"])
    out = tmp_path / "scan.json"
    result = CliRunner().invoke(
        main, ["scan", str(path), "--format", "json", "--output", str(out), "--cache-dir", str(tmp_path / "c")]
    )
    assert result.exit_code == 3, result.output
    text = out.read_text()
    assert "hf_test_token" not in text and "hf_test_token" not in result.output
    data = json.loads(text)
    assert data["schema_version"] == 1
    assert [m["repo_id"] for m in data["models"]] == [
        "mistralai/Mistral-7B-v0.1",
        "nobody/no-such-model",
        "black-forest-labs/FLUX.1-dev",
    ]
    assert data["summary"]["by_class"]["non-commercial"] == 1
    assert data["summary"]["fetch_failures"] == 1
    assert any(r.has_auth for r in fake_hub.requests), "HF_TOKEN is sent to the Hub"


def test_cli_table_is_the_default(fake_hub: Any, tmp_path: Path) -> None:
    path = manifest(tmp_path, ["mistralai/Mistral-7B-v0.1", "example-org/llama-3.1-8b-support-bot"])
    result = CliRunner().invoke(main, ["scan", str(path), "--no-cache"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # Issue 12: the table fits 120 columns, the reason under its own header (no policy: no VERDICT column).
    assert lines[0].split() == ["#", "MODEL", "CLASS", "LICENCE", "WHY"]
    row = " ".join(" ".join(line.split()) for line in lines[2:6])
    assert "llama3.1" in row and "(inherited;" in row and "apache-2.0)" in row
    assert max(len(line) for line in lines) <= 120
    assert "\x1b[" not in result.output, "no colour when not on a TTY"


def test_offline_mode_reads_only_the_cache(fake_hub: Any, tmp_path: Path, monkeypatch: Any) -> None:
    path = manifest(tmp_path, ["mistralai/Mistral-7B-v0.1"])
    cache = ["--cache-dir", str(tmp_path / "c")]
    assert CliRunner().invoke(main, ["scan", str(path), *cache]).exit_code == 0
    fake_hub.reset_log()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert CliRunner().invoke(main, ["scan", str(path), *cache]).exit_code == 0
    other = manifest(tmp_path, ["microsoft/phi-2"])
    result = CliRunner().invoke(main, ["scan", str(other), "--format", "json", *cache])
    assert result.exit_code == 3
    assert "offline" in result.output
    assert fake_hub.requests == []


def test_snapshot_then_scan_offline_gives_the_same_result(fake_hub: Any, tmp_path: Path) -> None:
    path = manifest(tmp_path, list(EXPECTED))
    snap = tmp_path / "snap"
    runner = CliRunner()
    made = runner.invoke(main, ["snapshot", str(path), "--output", str(snap)])
    assert made.exit_code == 3, made.output  # the manifest lists repos that cannot be fetched
    assert (snap / "licscan-store.json").exists()
    assert (snap / "models" / "meta-llama" / "Llama-3.1-8B-Instruct").is_dir()
    online = runner.invoke(main, ["scan", str(path), "--format", "json", "--no-cache"])
    fake_hub.stop()  # no network at all from here on
    offline = runner.invoke(main, ["scan", str(path), "--format", "json", "--snapshot", str(snap)])
    assert offline.exit_code == online.exit_code == 3
    a, b = json.loads(online.output), json.loads(offline.output)
    for data in (a, b):
        data.pop("generated_at")
        data.pop("source")
    assert a == b


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("org/name/extra\n", "models.txt:1: "),
        ("ok/model\nbad model id here\n", "models.txt:2: "),
    ],
)
def test_cli_bad_manifest_is_exit_2_before_any_request(
    fake_hub: Any, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "models.txt"
    path.write_text(content)
    result = CliRunner().invoke(main, ["scan", str(path)])
    assert result.exit_code == 2
    assert message in result.output
    assert fake_hub.requests == []


def test_cli_missing_manifest_and_bad_snapshot(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["scan", str(tmp_path / "absent.txt")])
    assert result.exit_code == 2 and "no such manifest file" in result.output
    path = manifest(tmp_path, ["a/b"])
    result = runner.invoke(main, ["scan", str(path), "--snapshot", str(tmp_path)])
    assert result.exit_code == 2 and "not a licscan snapshot" in result.output
    assert runner.invoke(main, ["scan"]).exit_code == 2
    assert runner.invoke(main, ["scan", str(path), "--jobs", "0"]).exit_code == 2
