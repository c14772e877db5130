"""Openness grades of real-shaped repos, scanned through the real huggingface_hub client and the fake Hub."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from licscan.cli import main
from licscan.licensedb import load_database
from licscan.openness.model import Openness
from licscan.scan import scan
from licscan.sources.cached import CachedSource
from licscan.sources.hub import HubSource
from licscan.sources.retry import RetryPolicy
from licscan.sources.store import Store
from licscan.types import ModelRef

OPENNESS_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hub-openness"


@pytest.fixture
def hub(fake_hub: Any) -> Any:
    fake_hub.load_dir(OPENNESS_FIXTURES)
    return fake_hub


def grades(hub: Any, *repos: str, refs: bool = False, source: Any = None) -> dict[str, Openness]:
    source = source or HubSource(endpoint=hub.url, policy=RetryPolicy(budget=10, base_delay=0.01, max_delay=0.05))
    result = scan([ModelRef(r, None, "models.txt", i + 1) for i, r in enumerate(repos)], source, load_database(),
                  openness_refs=refs)
    out = {}
    for m in result.models:
        assert m.openness is not None
        out[m.ref.repo_id] = m.openness
    return out


def states(openness: Openness, *names: str) -> dict[str, tuple[str, str | None]]:
    return {n: (openness.component(n).state, openness.component(n).reason) for n in names}


CLASS_III = ("architecture", "weights", "model-card", "evaluation-results", "data-card", "technical-report")


def test_llama_is_restricted_weights_and_fails_osaid(hub: Any) -> None:
    llama = grades(hub, "meta-llama/Llama-3.1-8B-Instruct")["meta-llama/Llama-3.1-8B-Instruct"]
    assert llama.level == "restricted-weights"
    assert llama.osaid == "fails"
    assert states(llama, "weights", "architecture") == {
        "weights": ("restricted", "LICENSE_NOT_OPEN"),
        "architecture": ("open", None),
    }
    assert [b.message for b in llama.blocks] == [
        "cannot reach open-weights: weights not openly licensed (LICENSE_NOT_OPEN: model-00001-of-00004.safetensors, "
        "model-00002-of-00004.safetensors, model-00003-of-00004.safetensors, ... (4 files); llama3.1 "
        "(open-weights-restricted) is not an open licence)"
    ]


def test_a_fine_tune_that_declares_apache_over_llama_is_restricted(hub: Any) -> None:
    bot = grades(hub, "example-org/llama-3.1-8b-support-bot")["example-org/llama-3.1-8b-support-bot"]
    assert bot.level == "restricted-weights"
    assert "under llama3.1, inherited from meta-llama/Llama-3.1-8B-Instruct" in bot.component("weights").evidence


def test_an_apache_model_without_datasets_or_evaluation_results_stops_at_open_weights(hub: Any) -> None:
    qwen = grades(hub, "Qwen/Qwen2.5-0.5B")["Qwen/Qwen2.5-0.5B"]
    assert qwen.level == "open-weights"
    assert qwen.osaid == "undetermined"
    assert states(qwen, *CLASS_III) == {
        "architecture": ("open", None),
        "weights": ("open", None),
        "model-card": ("open", None),
        "evaluation-results": ("unknown", "NO_EVAL_RESULTS"),
        "data-card": ("unknown", "NO_DATASETS_FIELD"),
        "technical-report": ("open", None),
    }
    assert [b.message for b in qwen.blocks] == [
        "cannot reach open-model: evaluation-results undetermined (NO_EVAL_RESULTS: the card has no model-index)",
        "cannot reach open-model: data-card undetermined (NO_DATASETS_FIELD: the card has no datasets: field)",
    ]


def test_placeholder_and_method_papers_are_no_report(hub: Any) -> None:
    found = grades(hub, "example-org/sentiment-tiny", "example-org/mistral-7b-dpo-lora")
    assert states(found["example-org/sentiment-tiny"], "technical-report") == {
        "technical-report": ("unknown", "ARXIV_PLACEHOLDER")
    }
    lora = found["example-org/mistral-7b-dpo-lora"]
    assert states(lora, "technical-report", "model-card", "weights") == {
        "technical-report": ("unknown", "ARXIV_METHOD_PAPER"),
        "model-card": ("unknown", "CARD_NOT_READ"),  # an adapter over a base: its card is not read
        "weights": ("open", None),
    }
    assert lora.component("technical-report").evidence == (
        "only method papers are linked: arXiv:2305.18290 (DPO); arXiv:2106.09685 (LoRA)"
    )


def test_gguf_only_weights_run_by_llama_cpp(hub: Any) -> None:
    gguf = grades(hub, "Qwen/Qwen2.5-0.5B-Instruct-GGUF")["Qwen/Qwen2.5-0.5B-Instruct-GGUF"]
    assert gguf.level == "open-weights"
    assert gguf.component("architecture").evidence == "gguf (MIT, OSI-approved) implements it"
    assert gguf.component("weights").evidence.startswith(
        "qwen2.5-0.5b-instruct-fp16.gguf, qwen2.5-0.5b-instruct-q4_k_m.gguf, qwen2.5-0.5b-instruct-q8_0.gguf; "
    )


def test_remote_code_takes_the_repo_licence_and_code_elsewhere_is_unknown(hub: Any) -> None:
    found = grades(hub, "microsoft/Phi-3-mini-4k-instruct", "example-org/phi-2-support-ft")
    phi3 = found["microsoft/Phi-3-mini-4k-instruct"]
    assert phi3.component("architecture").state == "open"
    assert phi3.component("architecture").evidence == (
        "remote code in the repo (auto_map: configuration_phi3.Phi3Config, modeling_phi3.Phi3ForCausalLM) "
        "(Phi3ForCausalLM), under the repo's licence; mit is OSI-approved"
    )
    ft = found["example-org/phi-2-support-ft"]
    assert states(ft, "architecture") == {"architecture": ("unknown", "REMOTE_CODE_ELSEWHERE")}
    assert ft.level == "restricted-weights"  # weights exist; open-weights needs the architecture evidenced


def test_template_cards_unreviewed_libraries_and_missing_weights(hub: Any) -> None:
    found = grades(hub, "example-org/distilbert-imdb-ft", "example-org/sentis-digits", "example-org/weights-elsewhere")
    assert states(found["example-org/distilbert-imdb-ft"], "model-card", "evaluation-results") == {
        "model-card": ("absent", "CARD_EMPTY"),
        "evaluation-results": ("unknown", "NO_EVAL_RESULTS"),
    }
    assert found["example-org/distilbert-imdb-ft"].component("evaluation-results").evidence == (
        "model-index lists no metric values (a template's empty results)"
    )
    assert states(found["example-org/sentis-digits"], "architecture") == {
        "architecture": ("unknown", "LIBRARY_NOT_REVIEWED")
    }
    elsewhere = found["example-org/weights-elsewhere"]
    assert elsewhere.level == "unknown"
    assert [b.message for b in elsewhere.blocks] == [
        "cannot reach restricted-weights: weights absent (NO_WEIGHT_FILES: none of the 3 files the repo lists is a "
        "weight file)"
    ]


def test_a_missing_repo_is_unknown_throughout(hub: Any) -> None:
    gone = grades(hub, "nobody/no-such-model")["nobody/no-such-model"]
    assert gone.level == "unknown"
    assert {c.reason for c in gone.components} == {"NOT_FOUND"}


# -- intermediate checkpoints and what they cost ------------------------------------------------------------


def test_checkpoint_branches_only_with_openness_refs_one_request_per_manifest_model(hub: Any) -> None:
    repos = ("LLM360/Amber", "example-org/tiny-run-with-checkpoints", "example-org/llama-3.1-8b-support-bot")
    without = grades(hub, *repos)
    assert hub.count("refs") == 0
    assert states(without["LLM360/Amber"], "intermediate-checkpoints") == {
        "intermediate-checkpoints": ("unknown", "REFS_NOT_READ")
    }
    # Folders are in the file list: free evidence, no request.
    tiny = without["example-org/tiny-run-with-checkpoints"].component("intermediate-checkpoints")
    assert (tiny.state, tiny.evidence) == (
        "open",
        "checkpoints in the repo: 2 folders (checkpoint-1000/, checkpoint-500/); mit is OSI-approved",
    )
    hub.reset_log()
    found = grades(hub, *repos, refs=True)
    assert hub.count("refs") == 3  # the manifest's models only, never the bases the lineage fetched
    assert hub.count("model_info") == 5  # the three models and the support bot's two Llama bases
    amber = found["LLM360/Amber"].component("intermediate-checkpoints")
    assert (amber.state, amber.evidence) == (
        "open",
        "checkpoints in the repo: 4 branches (ckpt_000, ckpt_001, ckpt_180); apache-2.0 is OSI-approved",
    )
    # Every Class III component is evidenced (its data card included): MOF Class III, and never more, since
    # Class II needs training code the Hub does not hold.
    assert (found["LLM360/Amber"].level, found["LLM360/Amber"].mof_class) == ("open-model", "III")
    assert states(found["example-org/llama-3.1-8b-support-bot"], "intermediate-checkpoints") == {
        "intermediate-checkpoints": ("unknown", "NO_CHECKPOINT_BRANCHES")
    }


def test_refs_are_cached_by_commit(hub: Any, tmp_path: Path) -> None:
    def cached() -> CachedSource:
        inner = HubSource(endpoint=hub.url, policy=RetryPolicy(budget=10, base_delay=0.01, max_delay=0.05))
        return CachedSource(inner, Store(tmp_path / "cache", "cache"))

    first = grades(hub, "LLM360/Amber", refs=True, source=cached())
    assert hub.count("refs") == 1
    hub.reset_log()
    again = grades(hub, "LLM360/Amber", refs=True, source=cached())
    assert hub.count("refs") == 0  # same commit: the refs stored with it answer
    assert again == first


def test_snapshot_keeps_refs_and_an_offline_scan_says_when_they_are_missing(hub: Any, tmp_path: Path) -> None:
    manifest = tmp_path / "models.txt"
    manifest.write_text("LLM360/Amber\n", encoding="utf-8")
    with_refs, without = tmp_path / "snap-refs", tmp_path / "snap"
    runner = CliRunner()
    assert runner.invoke(main, ["snapshot", str(manifest), "-o", str(with_refs), "--openness-refs"]).exit_code == 0
    assert runner.invoke(main, ["snapshot", str(manifest), "-o", str(without)]).exit_code == 0

    def checkpoints(snapshot: Path) -> dict[str, Any]:
        done = runner.invoke(main, ["scan", str(manifest), "--snapshot", str(snapshot), "--openness-refs",
                                    "--format", "json"])
        assert done.exit_code == 0, done.output
        component: dict[str, Any] = json.loads(done.stdout)["models"][0]["openness"]["components"][
            "intermediate-checkpoints"]
        return component

    assert checkpoints(with_refs)["state"] == "open"
    offline = checkpoints(without)
    assert (offline["state"], offline["reason"]) == ("unknown", "OFFLINE")
    assert offline["evidence"] == "LLM360/Amber: its branches are not in the snapshot (write it with --openness-refs)"


# -- training data: the data card (Class III) and the data's licences (Class I) ----------------------------


def test_a_fully_documented_model_with_open_data_is_an_open_model(hub: Any) -> None:
    amber = grades(hub, "LLM360/Amber")["LLM360/Amber"]
    assert (amber.level, amber.mof_class, amber.osaid) == ("open-model", "III", "undetermined")
    assert {n: amber.component(n).state for n in CLASS_III} == dict.fromkeys(CLASS_III, "open")
    assert amber.component("data-card").evidence == "every training dataset has a card: LLM360/AmberDatasets"
    datasets = amber.component("datasets")
    assert (datasets.state, datasets.evidence) == ("open", "open-data or OSI licences: LLM360/AmberDatasets (odc-by)")
    assert [b.component for b in amber.blocks] == ["training-code", "inference-code", "evaluation-code",
                                                   "evaluation-data"]


def test_training_data_that_is_gone_other_or_gated_is_never_open(hub: Any) -> None:
    found = grades(hub, "EleutherAI/gpt-neo-125m", "example-org/code-completion-350m",
                   "example-org/clinical-notes-summarizer")
    neo = found["EleutherAI/gpt-neo-125m"]
    assert neo.level == "open-weights"
    assert [b.message for b in neo.blocks][1] == (
        "cannot reach open-model: data-card undetermined (DATASET_UNRESOLVED: the_pile: no dataset the_pile on the "
        "Hub: a free name, a private or deleted dataset, or a model id)"
    )
    code = found["example-org/code-completion-350m"]
    assert states(code, "data-card", "datasets") == {
        "data-card": ("open", None),  # the card is there; what the data allows is Class I's matter
        "datasets": ("unknown", "DATASET_LICENSE_UNKNOWN"),
    }
    assert code.component("datasets").evidence == "bigcode/the-stack-dedup (no licence identified)"
    clinical = found["example-org/clinical-notes-summarizer"]
    assert states(clinical, "data-card", "datasets") == {
        "data-card": ("unknown", "GATED_NO_TOKEN"),
        "datasets": ("unknown", "GATED_NO_TOKEN"),
    }


def test_each_dataset_is_read_once_whatever_number_of_models_name_it(hub: Any) -> None:
    hub.reset_log()
    grades(hub, "LLM360/Amber", "example-org/code-completion-350m", "example-org/clinical-notes-summarizer")
    assert hub.count("dataset_info") == 3
    assert hub.count("refs") == 0  # the grade asks for nothing of its own
