"""Lineage beyond ``base_model`` (issue 9): every source of evidence, through the real client and the fake Hub.

The repos are in tests/fixtures/hub-lineage/ (their bases in tests/fixtures/hub/); each is written the way
real cards of its kind are (the Trainer's card, unsloth's, a GGUF quantiser's, mergekit's, PEFT's
adapter_config.json, ...). Also the cases that must not be inferred, and code-versus-weights statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from licscan.classify import classify_card
from licscan.detect.scope import scoped_statements
from licscan.licensedb import LicenseDB, load_database
from licscan.lineage import Plan, plan
from licscan.lineage.claims import repo_from_local_path
from licscan.lineage.prose import prose_bases
from licscan.manifest.refs import split_reference
from licscan.scan import scan
from licscan.sources.hub import HubSource
from licscan.sources.retry import RetryPolicy
from licscan.types import LicenseClass, ModelRecord, ModelRef, ModelResult

LINEAGE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hub-lineage"


@dataclass(frozen=True)
class _Upstream:
    repo_id: str
    name: str
    license_id: str
    family: str


class TinyTable:
    """A two-entry stand-in for license_db/models/ (the real table is tested in tests/test_upstream.py)."""

    entries = (
        _Upstream("meta-llama/Llama-3.2-1B-Instruct", "Llama-3.2-1B-Instruct", "llama3.2", "llama"),
        _Upstream("meta-llama/Llama-2-7b-hf", "Llama-2-7b-hf", "llama2", "llama"),
    )

    def match(self, repo_id: str) -> _Upstream | None:
        name = repo_id.rsplit("/", 1)[-1].lower()
        hits = [e for e in self.entries if e.name.lower() in name]
        return max(hits, key=lambda e: len(e.name)) if hits else None


@pytest.fixture(scope="module")
def db() -> LicenseDB:
    return load_database()


def run(hub: Any, repos: list[str], upstreams: Any = None, verify_text: bool = False) -> dict[str, ModelResult]:
    hub.load_dir(LINEAGE_FIXTURES)
    refs = []
    for line, text in enumerate(repos, start=1):
        repo_id, revision, problem = split_reference(text)
        assert problem is None
        refs.append(ModelRef(repo_id, revision, "models.txt", line))
    source = HubSource(endpoint=hub.url, policy=RetryPolicy(budget=20, base_delay=0.01, max_delay=0.05))
    result = scan(refs, source, load_database(), upstreams=upstreams, verify_text=verify_text)
    return {m.ref.repo_id: m for m in result.models}


def codes(model: ModelResult) -> set[str]:
    return {f.code for f in model.findings}


def bases(model: ModelResult) -> list[tuple[str, str, int]]:
    return [(b.repo_id, b.source, b.depth) for b in model.base_models]


# -- each source of evidence, end to end -------------------------------------------------------------


def test_the_trainer_sentence_names_the_base(fake_hub: Any) -> None:
    model = run(fake_hub, ["trainer-folk/llama2-7b-sentiment"])["trainer-folk/llama2-7b-sentiment"]
    assert model.license_class.value == "open-weights-restricted"
    assert model.license is not None and model.license.id == "llama2"
    assert model.declared.license is not None and model.declared.license.id == "apache-2.0"
    assert bases(model) == [("meta-llama/Llama-2-7b-hf", "card:prose", 1)]
    assert {"lineage-inferred", "base-license-conflict"} <= codes(model)
    inferred = next(f for f in model.findings if f.code == "lineage-inferred")
    assert "card prose, line 17" in inferred.message and "fine-tuned version of" in inferred.message
    # One model-info call each, and the card of the fine-tune (read because it declared no base).
    assert fake_hub.count("model_info", "trainer-folk/llama2-7b-sentiment") == 1
    files = {(r.repo_id, r.filename) for r in fake_hub.requests if r.kind == "file"}
    assert files == {("trainer-folk/llama2-7b-sentiment", "README.md")}


def test_a_local_checkpoint_path_as_base_fails_closed(fake_hub: Any) -> None:
    model = run(fake_hub, ["trainer-folk/bert-local-ckpt"])["trainer-folk/bert-local-ckpt"]
    assert model.declared.license_class.value == "permissive"
    assert model.license_class.value == "unknown" and model.license is None
    assert "lineage-unresolved" in codes(model)
    assert any("checkpoint-final" in f.message for f in model.findings if f.code == "lineage-unresolved")
    assert any("undetermined" in e.detail for e in model.evidence)


@pytest.mark.parametrize(
    ("repo", "base", "source", "licence"),
    [
        ("quantfolk/Meta-Llama-3.1-8B-Instruct-GGUF", "meta-llama/Llama-3.1-8B-Instruct", "card:prose", "llama3.1"),
        ("quantfolk/Llama-2-7B-GGUF", "meta-llama/Llama-2-7b-hf", "card:prose", "llama2"),
        ("peft-user/gemma-2-9b-support-lora", "google/gemma-2-9b", "adapter_config.json", "gemma"),
        ("merge-lab/llama-mistral-ties", "meta-llama/Llama-3.1-8B", "mergekit_config.yml", "llama3.1"),
        ("merge-lab/qwen-command-r-slerp", "CohereLabs/c4ai-command-r-v01", "card:yaml-block", "cc-by-nc-4.0"),
        ("tagged-org/qwen-72b-domain", "Qwen/Qwen2.5-72B-Instruct", "hub:tags", "qwen"),
        ("cfg-org/gemma-chat", "google/gemma-2-9b-it", "config.json", "gemma"),
    ],
)
def test_each_source_of_lineage_evidence(fake_hub: Any, repo: str, base: str, source: str, licence: str) -> None:
    model = run(fake_hub, [repo])[repo]
    found = {b.repo_id: b for b in model.base_models}
    assert base in found, bases(model)
    assert found[base].source == source and found[base].depth == 1
    assert model.license is not None and model.license.id == licence, (model.evidence, model.findings)
    assert "lineage-inferred" in codes(model)
    assert model.license_class.value != "permissive"


def test_a_fine_tune_of_a_fine_tune_named_in_unsloths_card(fake_hub: Any) -> None:
    model = run(fake_hub, ["alpaca-fan/llama3-8b-alpaca"])["alpaca-fan/llama3-8b-alpaca"]
    assert bases(model) == [
        ("unsloth/llama-3-8b-bnb-4bit", "card:prose", 1),
        ("meta-llama/Meta-Llama-3-8B", "card:base_model", 2),
    ]
    assert model.license is not None and model.license.id == "llama3"


def test_an_adapter_over_a_permissive_base_stays_permissive(fake_hub: Any) -> None:
    model = run(fake_hub, ["peft-user/mistral-7b-lora"])["peft-user/mistral-7b-lora"]
    assert bases(model) == [("mistralai/Mistral-7B-v0.1", "adapter_config.json", 1)]
    assert model.license_class.value == "permissive" and model.base_models[0].relation == "adapter"
    # The adapter config only: the card is never read when a cheaper source named the base.
    files = {r.filename for r in fake_hub.requests if r.kind == "file" and r.repo_id == "peft-user/mistral-7b-lora"}
    assert files == {"adapter_config.json", "README.md"}


def test_the_repo_name_names_a_known_upstream(fake_hub: Any) -> None:
    repo = "someone/Llama-3.2-1B-Instruct-finetune"
    model = run(fake_hub, [repo], upstreams=TinyTable())[repo]
    assert bases(model) == [
        ("meta-llama/Llama-3.2-1B-Instruct", "repo-name", 1),
        ("meta-llama/Llama-3.2-1B", "card:base_model", 2),
    ]
    assert model.base_models[0].confidence == pytest.approx(0.3)
    assert model.license is not None and model.license.id == "llama3.2"
    assert "lineage-inferred" in codes(model)


def test_without_the_table_a_name_alone_decides_nothing(fake_hub: Any) -> None:
    repo = "someone/Llama-3.2-1B-Instruct-finetune"
    model = run(fake_hub, [repo])[repo]
    assert model.base_models == () and model.license_class.value == "permissive"


@pytest.mark.parametrize("repo", ["someone/tinyllama-chat-v1", "eval-lab/bert-imdb-scratch"])
def test_fragments_datasets_and_comparisons_are_not_bases(fake_hub: Any, repo: str) -> None:
    model = run(fake_hub, [repo], upstreams=TinyTable())[repo]
    assert model.base_models == ()
    assert "lineage-inferred" not in codes(model)
    assert model.license_class.value == "permissive"


# -- code versus weights ---------------------------------------------------------------------------


def test_weights_terms_that_are_no_known_licence_make_the_model_unknown(fake_hub: Any) -> None:
    model = run(fake_hub, ["weights-terms/chat-7b"])["weights-terms/chat-7b"]
    assert model.license_class.value == "unknown" and model.license is None
    assert "license-unrecognized" in codes(model)
    quoted = [e.detail for e in model.evidence if e.source == "card:weights-terms"]
    assert quoted and "model weights are fully open for academic research" in quoted[0]


def test_non_commercial_weights_beside_mit_code(fake_hub: Any) -> None:
    model = run(fake_hub, ["weights-terms/nc-weights"])["weights-terms/nc-weights"]
    assert model.license is not None and model.license.id == "cc-by-nc-4.0"
    assert model.license_class.value == "non-commercial"
    assert "license-mismatch" in codes(model)


def test_the_codes_licence_is_not_the_models(fake_hub: Any) -> None:
    model = run(fake_hub, ["weights-terms/code-only"])["weights-terms/code-only"]
    assert model.license_class.value == "unknown" and model.license is None
    assert any("is the code's licence" in e.detail for e in model.evidence)


# -- the pure parts ----------------------------------------------------------------------------------


def test_prose_phrasings_real_cards_use() -> None:
    readme = "\n".join(
        [
            "---",
            "base_model_relation: finetune",
            "---",
            "This model is a fine-tuned version of [gpt2](https://huggingface.co/gpt2) on an unknown dataset.",
            "- **Finetuned from model [optional]:** meta-llama/Llama-2-7b-hf",
            "This is a fine-tuned model based on [bert-base-cased](https://huggingface.co/google-bert/bert-base-cased).",
            "This model was merged using the [TIES](https://arxiv.org/abs/2306.01708) merge method using "
            "[Qwen/Qwen2.5-7B](https://huggingface.co/Qwen/Qwen2.5-7B) as a base.",
            "This is a LoRA adapter for base `Llama-2-7b-hf`.",
            "| [Mistral-7B](https://huggingface.co/mistralai/Mistral-7B-v0.1) | 61.2 |",
            "See also [our other model](https://huggingface.co/someone/other).",
            "```",
            "Original model: https://huggingface.co/in/a-code-block",
            "```",
        ]
    )
    found = [(b.kind, b.value, b.repo_id, b.line) for b in prose_bases(readme)]
    assert found == [
        ("trainer", "gpt2", "gpt2", 4),
        ("finetuned-from", "meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf", 5),
        ("based-on", "google-bert/bert-base-cased", "google-bert/bert-base-cased", 6),
        ("merge-base", "Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-7B", 7),
        ("adapter-for", "Llama-2-7b-hf", None, 8),
    ]


def test_hostile_readmes_give_no_claims() -> None:
    assert prose_bases("x" * 3_000_000) == []
    assert prose_bases("```yaml\nmerge_method: [\n```") == []
    assert len(prose_bases("\n".join(f"Original model: a/m{i}" for i in range(500)))) == 32


def test_local_paths_that_still_name_their_repo() -> None:
    assert repo_from_local_path(r"C:\Users\A\.cache\modelscope\hub\models\Qwen\Qwen3-0.6B") == "Qwen/Qwen3-0.6B"
    assert repo_from_local_path("/root/.cache/huggingface/hub/models--meta-llama--Llama-3.2-1B/snapshots/x") == (
        "meta-llama/Llama-3.2-1B"
    )
    assert repo_from_local_path("../model/checkpoint-final") is None
    assert repo_from_local_path("/content/drive/MyDrive/out") is None


def test_scoped_statements() -> None:
    readme = "\n".join(
        [
            "The code is licensed under Apache-2.0, while model weights are fully open for academic research.",
            "This code repository is licensed under the MIT License. The use of DeepSeek-V2 Base/Chat models is "
            "subject to the Model License.",
            "Code: Apache 2.0 | Weights: CC-BY-NC-4.0",
            "This model is released under the Apache 2.0 license.",
            "Our evaluation follows the protocol of the Open LLM Leaderboard.",
        ]
    )
    found = [(s.scope, s.value, s.line) for s in scoped_statements(readme)]
    assert found == [
        ("code", "Apache-2.0", 1),
        ("weights", "academic research.", 1),
        ("code", "the MIT License.", 2),
        ("weights", "the Model License.", 2),
        ("code", "Apache 2.0", 3),
        ("weights", "CC-BY-NC-4.0", 3),
        ("weights", "the Apache 2.0 license.", 4),
    ]


def test_the_plan_reads_nothing_for_a_declared_or_restricted_model(db: LicenseDB) -> None:
    def record(card: dict[str, Any], siblings: tuple[str, ...] = ("README.md", "config.json")) -> ModelRecord:
        return ModelRecord("x/y", "0" * 40, card_data=card, siblings=siblings)

    declared = record({"license": "mit", "base_model": "a/b"})
    assert plan(declared, classify_card(db, declared.card_data).license_class).files == ()
    restricted = record({"license": "llama3.1"})
    assert classify_card(db, restricted.card_data).license_class is LicenseClass.OPEN_WEIGHTS_RESTRICTED
    assert plan(restricted, LicenseClass.OPEN_WEIGHTS_RESTRICTED) == Plan((), ())
    permissive = record({"license": "mit"}, ("README.md", "config.json", "adapter_config.json"))
    first = plan(permissive, classify_card(db, permissive.card_data).license_class)
    assert first.files == ("adapter_config.json", "README.md") and first.claims == ()
    second = plan(permissive, classify_card(db, permissive.card_data).license_class, None, frozenset(first.files))
    assert second.files == ("config.json",)


def test_too_many_bases_leave_the_lineage_unresolved(db: LicenseDB) -> None:
    record = ModelRecord("x/y", "0" * 40, card_data={"license": "mit", "base_model": [f"o/m{i}" for i in range(40)]})
    steps = plan(record, classify_card(db, record.card_data).license_class)
    assert len(steps.claims) == 32 and steps.problems and "40 base models" in steps.problems[0]


def test_the_shipped_upstream_table_names_the_base(fake_hub: Any) -> None:
    from licscan.upstream import load_upstreams

    repo = "someone/Llama-3.2-1B-Instruct-finetune"
    model = run(fake_hub, [repo, "someone/tinyllama-chat-v1"], upstreams=load_upstreams())
    assert [b[0] for b in bases(model[repo])][:1] == ["meta-llama/Llama-3.2-1B-Instruct"]
    assert model[repo].license is not None and model[repo].license.id == "llama3.2"
    assert model["someone/tinyllama-chat-v1"].base_models == ()


def test_an_official_upstream_is_not_searched_for_a_base(fake_hub: Any) -> None:
    from licscan.upstream import load_upstreams

    run(fake_hub, ["Qwen/Qwen2.5-7B"], upstreams=load_upstreams())
    # A root the table knows declares its own licence: no card or config is read for lineage.
    assert fake_hub.count("file") == 0
