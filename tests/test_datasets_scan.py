"""Datasets through the real huggingface_hub client against the loopback fake Hub (tests/fixtures/hub-datasets):
listed datasets, the training data of models and their bases, cost, cache, snapshot and bad input."""

from __future__ import annotations

import json
from collections import Counter
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
from licscan.sources.snapshot import SnapshotSource
from licscan.sources.store import Store
from licscan.types import ScanResult

DATASET_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hub-datasets"


@pytest.fixture
def hub(fake_hub: Any) -> Any:
    fake_hub.load_dir(DATASET_FIXTURES)
    return fake_hub


def manifest(tmp_path: Path, entries: list[str]) -> Path:
    path = tmp_path / "models.txt"
    path.write_text("\n".join(entries) + "\n", encoding="utf-8")
    return path


def source_for(hub_url: str, cache: Path | None = None, budget: float = 20) -> Any:
    source: Any = HubSource(endpoint=hub_url, policy=RetryPolicy(budget=budget, base_delay=0.01, max_delay=0.05))
    return CachedSource(source, Store(cache, "cache")) if cache is not None else source


def run(tmp_path: Path, entries: list[str], hub_url: str, cache: Path | None = None, source: Any = None) -> ScanResult:
    refs, warnings = read_manifests([manifest(tmp_path, entries)])
    return scan(refs, source or source_for(hub_url, cache), load_database(), warnings=tuple(warnings))


def training(model: Any) -> list[tuple[str | None, str, str | None, str, str]]:
    """(repo id, class, licence id, declared by, value) of each entry."""
    return [
        (
            t.repo_id,
            t.license_class.value,
            t.classification.license.id if t.classification and t.classification.license else None,
            t.declared_by,
            t.value,
        )
        for t in model.training_data
    ]


def codes(item: Any) -> list[str]:
    return [f.code for f in item.findings]


def dataset_requests(hub: Any) -> Counter[str | None]:
    return Counter(r.repo_id for r in hub.requests if r.kind == "dataset_info")


# -- datasets the manifests list ----------------------------------------------------------------------

LISTED = {
    # listed as -> (class, licence id, finding codes, exactly)
    "datasets/allenai/c4": ("permissive", "odc-by", ["license-ambiguous"]),  # odc-by is the Hub's family id
    "https://huggingface.co/datasets/HuggingFaceFW/fineweb": ("permissive", "odc-by", ["license-ambiguous"]),
    "datasets/OpenAssistant/oasst1": ("permissive", "apache-2.0", []),
    "datasets/databricks/databricks-dolly-15k": ("copyleft", "cc-by-sa-3.0", []),
    "datasets/tatsu-lab/alpaca": ("non-commercial", "cc-by-nc-4.0", []),
    "datasets/argilla/magpie-ultra-v0.1": ("open-weights-restricted", "llama3.1", []),
    # renamed: the Hub redirects; two licences, both apply (gfdl is the Hub's family id)
    "datasets/wikipedia": ("copyleft", "cc-by-sa-3.0", ["license-ambiguous"]),
    "datasets/bookcorpus": ("unknown", "unknown", []),  # license: [unknown]: the database's "unknown" entry
    "datasets/bigcode/the-stack-dedup": ("unknown", None, ["license-unrecognized", "gated", "dataset-gated"]),
    "datasets/lmsys/lmsys-chat-1m": ("unknown", None, ["license-missing", "gated", "dataset-gated"]),
    "datasets/data-lab/legacy-card-corpus": ("permissive", "cc-by-4.0", []),
    "datasets/data-lab/license-file-only": ("non-commercial", "cc-by-nc-4.0", ["license-from-text"]),
    "datasets/example-org/support-tickets-2024": ("unknown", None, ["not-found"]),  # private, no token
    "datasets/nobody/no-such-dataset": ("unknown", None, ["not-found"]),
    "datasets/example-org/relicensed-corpus@v1.0": ("permissive", "cc-by-4.0", []),
    "datasets/example-org/relicensed-corpus": ("non-commercial", "cc-by-nc-4.0", []),
}


def test_listed_datasets_are_classified_from_their_cards(hub: Any, tmp_path: Path) -> None:
    result = run(tmp_path, list(LISTED), hub.url)
    assert result.models == ()
    assert [str(d.ref) for d in result.datasets] == [
        "datasets/HuggingFaceFW/fineweb" if "fineweb" in k else k.replace("https://huggingface.co/", "")
        for k in LISTED
    ]
    for listed, dataset in zip(LISTED, result.datasets, strict=True):
        cls, licence, found = LISTED[listed]
        assert dataset.license_class.value == cls, (listed, dataset.evidence)
        assert (dataset.license.id if dataset.license else None) == licence, listed
        assert codes(dataset) == found, listed
        assert dataset.base_models == () and dataset.training_data == ()
    by_ref = {str(d.ref): d for d in result.datasets}
    wikipedia = by_ref["datasets/wikipedia"]
    assert [lic.id for lic in wikipedia.declared.licenses] == ["cc-by-sa-3.0", "gfdl"]
    assert {o.license_id for o in wikipedia.obligations} >= {"cc-by-sa-3.0"}
    legacy = by_ref["datasets/data-lab/legacy-card-corpus"]
    assert legacy.evidence[0].source == "card:licenses"
    relicensed = by_ref["datasets/example-org/relicensed-corpus@v1.0"]
    assert relicensed.revision == "efaef6ca60a42b5142f0d051a4505bf465cf36e1"
    assert by_ref["datasets/example-org/relicensed-corpus"].revision == "0f84167784387055f626057bc4e3ff6bdb0ec3b9"
    assert result.fetch_failed  # a listed dataset that cannot be fetched makes the scan incomplete (exit 3)


def test_datasets_go_through_the_clients_dataset_endpoints(hub: Any, tmp_path: Path) -> None:
    run(tmp_path, ["datasets/data-lab/license-file-only", "datasets/wikipedia"], hub.url)
    info = [(r.path, r.status) for r in hub.requests if r.kind == "dataset_info"]
    assert ("/api/datasets/data-lab/license-file-only", 200) in info
    assert ("/api/datasets/wikipedia", 307) in info  # the legacy id, redirected by the Hub
    assert ("/api/datasets/legacy-datasets/wikipedia", 200) in info
    files = [(r.method, r.path) for r in hub.requests if r.kind == "dataset_file"]
    commit = hub.commit_of("data-lab/license-file-only", repo_type="dataset")
    base = f"/datasets/data-lab/license-file-only/resolve/{commit}"
    # One GET per licence file, at the commit, under the client's datasets/ URL prefix (hf_hub_url).
    assert sorted(files) == [("GET", f"{base}/LICENSE"), ("GET", f"{base}/README.md")]
    assert all(r.kind != "model_info" for r in hub.requests)
    assert all("licscan" in (r.user_agent or "") for r in hub.requests if r.kind == "dataset_info")


def test_a_model_and_a_dataset_may_share_an_id(hub: Any, tmp_path: Path) -> None:
    hub.add_repo({"id": "allenai/c4", "cardData": {"license": "mit"}})  # a model repo of the same id
    result = run(tmp_path, ["allenai/c4", "datasets/allenai/c4"], hub.url)
    (model,) = result.models
    (dataset,) = result.datasets
    assert (model.license.id if model.license else None, dataset.license.id if dataset.license else None) == (
        "mit",
        "odc-by",
    )
    assert model.revision != dataset.revision


# -- training data ---------------------------------------------------------------------------------------


def test_zephyr_lists_its_training_data_with_classes(hub: Any, tmp_path: Path) -> None:
    (model,) = run(tmp_path, ["HuggingFaceH4/zephyr-7b-beta"], hub.url).models
    assert model.license_class.value == "permissive"
    assert training(model) == [
        (
            "HuggingFaceH4/ultrachat_200k",
            "permissive",
            "mit",
            "HuggingFaceH4/zephyr-7b-beta",
            "HuggingFaceH4/ultrachat_200k",
        ),
        (
            "HuggingFaceH4/ultrafeedback_binarized",
            "permissive",
            "mit",
            "HuggingFaceH4/zephyr-7b-beta",
            "HuggingFaceH4/ultrafeedback_binarized",
        ),
    ]
    assert [t.revision for t in model.training_data] == [
        hub.commit_of("HuggingFaceH4/ultrachat_200k", repo_type="dataset"),
        hub.commit_of("HuggingFaceH4/ultrafeedback_binarized", repo_type="dataset"),
    ]
    assert codes(model) == []


def test_non_commercial_data_of_a_base_is_reported_and_the_class_is_untouched(hub: Any, tmp_path: Path) -> None:
    (model,) = run(tmp_path, ["example-org/alpaca-lora-support"], hub.url).models
    assert model.license_class.value == "permissive"  # the data's licence does not bind the weights
    assert model.license is not None and model.license.id == "apache-2.0"
    assert training(model) == [
        ("OpenAssistant/oasst1", "permissive", "apache-2.0", "example-org/alpaca-lora-support", "OpenAssistant/oasst1"),
        ("tatsu-lab/alpaca", "non-commercial", "cc-by-nc-4.0", "example-org/alpaca-7b-replica", "tatsu-lab/alpaca"),
    ]
    (finding,) = [f for f in model.findings if f.code.startswith("training-data")]
    assert finding.code == "training-data-non-commercial" and finding.severity.value == "warning"
    assert finding.message.startswith(
        "base model example-org/alpaca-7b-replica names training data tatsu-lab/alpaca under cc-by-nc-4.0"
    )


def test_free_names_urls_and_legacy_ids(hub: Any, tmp_path: Path) -> None:
    (model,) = run(tmp_path, ["example-org/chat-free-names"], hub.url).models
    entries = {t.value: t for t in model.training_data}
    assert list(entries) == [
        "ShareGPT",
        "https://huggingface.co/datasets/databricks/databricks-dolly-15k",
        "our internal support transcripts (2023)",
        "https://github.com/tatsu-lab/stanford_alpaca",
        "wikipedia",
        "bookcorpus",
    ]
    assert entries["ShareGPT"].repo_id == "ShareGPT" and not entries["ShareGPT"].resolved
    assert entries["ShareGPT"].failure == (
        "no dataset ShareGPT on the Hub: a free name, a private or deleted dataset, or a model id"
    )
    assert entries["our internal support transcripts (2023)"].repo_id is None
    assert entries["https://github.com/tatsu-lab/stanford_alpaca"].failure == (
        "a link outside the Hub, not a Hub dataset id"
    )
    assert entries["https://huggingface.co/datasets/databricks/databricks-dolly-15k"].license_class.value == "copyleft"
    assert entries["wikipedia"].license_class.value == "copyleft"  # followed the Hub's redirect
    assert entries["bookcorpus"].license_class.value == "unknown"
    assert Counter(codes(model)) == Counter({"training-data-unresolved": 3, "training-data-unknown": 1})
    # Only syntactic Hub ids are looked up; the free text and the GitHub URL cost nothing.
    assert set(dataset_requests(hub)) == {
        "ShareGPT",
        "databricks/databricks-dolly-15k",
        "wikipedia",
        "legacy-datasets/wikipedia",
        "bookcorpus",
        "bookcorpus/bookcorpus",
    }


def test_a_model_id_a_gated_and_a_private_dataset(hub: Any, tmp_path: Path) -> None:
    (model,) = run(tmp_path, ["example-org/model-as-dataset"], hub.url).models
    entries = {t.value: t for t in model.training_data}
    assert entries["meta-llama/Llama-3.1-8B"].failure == "meta-llama/Llama-3.1-8B is a model on the Hub, not a dataset"
    chat = entries["lmsys/lmsys-chat-1m"]
    assert (chat.resolved, chat.gated, chat.license_class.value) == (True, "auto", "unknown")
    stack = entries["bigcode/the-stack-dedup"]
    assert (stack.resolved, stack.gated, stack.license_class.value) == (True, "auto", "unknown")
    assert Counter(codes(model)) == Counter(
        {"training-data-unresolved": 1, "training-data-unknown": 2, "training-data-gated": 2}
    )
    assert model.license_class.value == "open-weights-restricted"


def test_a_dataset_whose_metadata_is_gated_is_unresolved_and_gated(hub: Any, tmp_path: Path) -> None:
    hub.add_repo({"type": "dataset", "id": "data-lab/locked", "api_access": "gated-denied"})
    hub.add_repo({"id": "data-lab/locked-model", "cardData": {"license": "mit", "datasets": ["data-lab/locked"]}})
    (model,) = run(tmp_path, ["data-lab/locked-model"], hub.url).models
    (entry,) = model.training_data
    assert (entry.resolved, entry.gated) == (False, True)
    assert (entry.failure or "").startswith("gated: ")
    assert codes(model) == ["training-data-unresolved", "training-data-gated"]


def test_a_private_dataset_is_read_with_a_token(hub: Any, tmp_path: Path, monkeypatch: Any) -> None:
    (without,) = run(tmp_path, ["example-org/llama-3.1-8b-support-bot"], hub.url).models
    assert [(t.repo_id, t.resolved) for t in without.training_data] == [("example-org/support-tickets-2024", False)]
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    (with_token,) = run(tmp_path, ["example-org/llama-3.1-8b-support-bot"], hub.url).models
    (entry,) = with_token.training_data
    assert entry.resolved and entry.license_class.value == "unknown"  # license: other / internal-use-only
    assert codes(with_token).count("training-data-unknown") == 1


@pytest.mark.parametrize(
    ("repo", "message"),
    [
        ("example-org/odd-datasets", "the card's datasets field is not a dataset id or a list of them: 42"),
        ("example-org/dict-datasets", "the card's datasets field is not a dataset id or a list of them: {\"train\""),
    ],
)
def test_a_datasets_field_of_the_wrong_type_is_a_finding(hub: Any, tmp_path: Path, repo: str, message: str) -> None:
    (model,) = run(tmp_path, [repo, "mistralai/Mistral-7B-v0.1"], hub.url).models[:1]
    (entry,) = model.training_data
    assert entry.repo_id is None and (entry.failure or "").startswith(message)
    assert codes(model) == ["training-data-unresolved"]
    assert model.license_class.value == "permissive"
    assert dataset_requests(hub) == Counter()


def test_a_list_with_values_of_every_kind(hub: Any, tmp_path: Path) -> None:
    (model,) = run(tmp_path, ["example-org/mixed-datasets"], hub.url).models
    assert [(t.value, t.resolved) for t in model.training_data] == [
        ("allenai/c4", True),
        ('{"name": "tatsu-lab/alpaca"}', False),
        ("7", False),
        ("null", False),
    ]
    assert dataset_requests(hub) == Counter({"allenai/c4": 1})


def test_a_ten_thousand_entry_list_reads_the_first_64_and_says_so(hub: Any, tmp_path: Path) -> None:
    hub.add_repo(
        {"id": "example-org/hoarder", "cardData": {"license": "mit", "datasets": [f"org/d{i}" for i in range(10_000)]}}
    )
    result = run(tmp_path, ["example-org/hoarder", "microsoft/phi-2"], hub.url)
    hoarder, phi = result.models
    assert len(hoarder.training_data) == 65  # the problem, then the first 64 entries
    assert hoarder.training_data[0].failure == "the card names 10000 datasets; only the first 64 are read"
    assert sum(dataset_requests(hub).values()) == 64
    assert phi.license_class.value == "permissive" and phi.failure is None


def test_training_data_of_every_base_along_the_lineage(hub: Any, tmp_path: Path) -> None:
    hub.add_repo(
        {
            "id": "example-org/alpaca-lora-merged",
            "cardData": {"license": "apache-2.0", "base_model": "example-org/alpaca-lora-support"},
        }
    )
    (model,) = run(tmp_path, ["example-org/alpaca-lora-merged"], hub.url).models
    assert [(t.repo_id, t.declared_by) for t in model.training_data] == [
        ("OpenAssistant/oasst1", "example-org/alpaca-lora-support"),
        ("tatsu-lab/alpaca", "example-org/alpaca-7b-replica"),
    ]


# -- cost ----------------------------------------------------------------------------------------------------


def test_each_dataset_is_fetched_once_per_run_however_many_cards_name_it(hub: Any, tmp_path: Path) -> None:
    run(
        tmp_path,
        [
            "HuggingFaceH4/zephyr-7b-beta",
            "swap-uniba/LLaMAntino-3-ANITA-8B-Inst-DPO-ITA",
            "datasets/HuggingFaceH4/ultrachat_200k",
            "example-org/alpaca-7b-replica",
            "example-org/alpaca-lora-support",
            "datasets/tatsu-lab/alpaca",
        ],
        hub.url,
    )
    requests = dataset_requests(hub)
    assert requests["HuggingFaceH4/ultrachat_200k"] == 1
    assert requests["HuggingFaceH4/ultrafeedback_binarized"] == 1
    assert requests["tatsu-lab/alpaca"] == 1
    assert set(requests.values()) == {1}
    # Card metadata named every licence: no dataset file was read.
    assert [r for r in hub.requests if r.kind == "dataset_file"] == []


def test_a_pinned_warm_rescan_makes_no_call(hub: Any, tmp_path: Path) -> None:
    pinned = [
        f"{repo}@{hub.commit_of(repo)}" for repo in ("HuggingFaceH4/zephyr-7b-beta", "example-org/alpaca-lora-support")
    ]
    listed = hub.commit_of("data-lab/license-file-only", repo_type="dataset")
    pinned.append(f"datasets/data-lab/license-file-only@{listed}")
    cache = tmp_path / "cache"
    first = to_json(run(tmp_path, pinned, hub.url, cache=cache))
    assert sum(dataset_requests(hub).values()) >= 4
    root = cache / "datasets" / "HuggingFaceH4" / "ultrachat_200k"
    assert (root / hub.commit_of("HuggingFaceH4/ultrachat_200k", repo_type="dataset") / "record.json").is_file()
    assert (cache / "dataset-refs" / "HuggingFaceH4" / "ultrachat_200k" / "main.json").is_file()
    hub.reset_log()
    second = to_json(run(tmp_path, pinned, hub.url, cache=cache))
    # Models and the listed dataset by commit, training data by branch within the TTL. (The only requests
    # left are the lineage reads of the gated Mistral base's files, which fail and so are never cached.)
    assert {r.kind for r in hub.requests} <= {"file"}
    assert {r.repo_id for r in hub.requests} <= {"mistralai/Mistral-7B-v0.1"}
    first.pop("generated_at")
    second.pop("generated_at")
    assert second == first


def test_transient_failures_on_dataset_info_are_retried(hub: Any, tmp_path: Path) -> None:
    calm = to_json(run(tmp_path, ["HuggingFaceH4/zephyr-7b-beta", "datasets/tatsu-lab/alpaca"], hub.url))
    hub.reset_log()
    hub.fault_filter = lambda method, kind, repo: kind in ("dataset_info", "dataset_file")
    hub.fail_next = [503, 429, 0]
    stormy = to_json(run(tmp_path, ["HuggingFaceH4/zephyr-7b-beta", "datasets/tatsu-lab/alpaca"], hub.url))
    assert [r.fault for r in hub.requests if r.fault] == ["status", "status", "drop"]
    for doc in (calm, stormy):
        doc.pop("generated_at")
    assert stormy == calm


# -- offline: snapshot and cache ---------------------------------------------------------------------------


def test_a_snapshot_holds_the_datasets_and_scans_the_same_offline(hub: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    entries = ["example-org/alpaca-lora-support", "datasets/data-lab/license-file-only", "datasets/nobody/gone"]
    path = manifest(tmp_path, entries)
    snap = tmp_path / "snap"
    made = CliRunner().invoke(main, ["snapshot", str(path), "-o", str(snap)])
    assert made.exit_code == 3, made.output  # nobody/gone cannot be fetched
    assert "3 dataset records" in made.stderr
    commit = hub.commit_of("data-lab/license-file-only", repo_type="dataset")
    assert (snap / "datasets" / "data-lab" / "license-file-only" / commit / "files" / "LICENSE").is_file()
    gone = json.loads((snap / "dataset-refs" / "nobody" / "gone" / "main.json").read_text())
    assert gone["error"]["code"] == "not-found"
    online = to_json(run(tmp_path, entries, hub.url))
    hub.reset_log()
    offline = to_json(run(tmp_path, entries, hub.url, source=SnapshotSource(snap)))
    assert hub.requests == []
    for doc in (online, offline):
        doc.pop("generated_at")
        doc.pop("source")
    assert offline == online


def test_offline_with_an_empty_cache_says_so(hub: Any, tmp_path: Path) -> None:
    source = CachedSource(None, Store(tmp_path / "empty", "cache"))
    result = run(tmp_path, ["datasets/allenai/c4"], hub.url, source=source)
    (dataset,) = result.datasets
    assert dataset.failure is not None
    assert dataset.failure.message == "datasets/allenai/c4@main: offline (HF_HUB_OFFLINE) and not in cache"


def test_bulky_dataset_cards_keep_only_their_licence_part(hub: Any, tmp_path: Path) -> None:
    nested: Any = {"dtype": "string"}
    for _ in range(60):  # deeper than a model card may nest (limits.CARD_DEPTH): dropped before validation
        nested = {"feature": nested}
    configs = [{"config_name": f"lang-{i}", "data_files": [{"split": "train", "path": f"{i}/*"}]} for i in range(3000)]
    card = {"license": "cc-by-sa-4.0", "pretty_name": "Big", "dataset_info": nested, "configs": configs}
    hub.add_repo({"type": "dataset", "id": "data-lab/big-card", "cardData": card})
    (dataset,) = run(tmp_path, ["datasets/data-lab/big-card"], hub.url).datasets
    assert dataset.failure is None
    assert dataset.license is not None and dataset.license.id == "cc-by-sa-4.0"
    assert dataset.record is not None and dict(dataset.record.card_data) == {
        "license": "cc-by-sa-4.0",
        "pretty_name": "Big",
    }
