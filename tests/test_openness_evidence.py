"""The pure parts of the openness grade: what a record shows, which licences are open, levels and blocks."""

from __future__ import annotations

from typing import Any

import pytest

from licscan.licensedb import load_database
from licscan.openness import evidence as ev
from licscan.openness.grade import finish, grade
from licscan.openness.licences import OPEN_DATA, OPENMDW, OSI, open_basis
from licscan.openness.model import (
    ABSENT,
    COMPONENTS,
    OPEN,
    RESTRICTED,
    UNKNOWN,
    Component,
)
from licscan.types import (
    Classification,
    FetchErrorCode,
    FetchFailure,
    LicenseClass,
    ModelRecord,
    ModelRef,
    ModelResult,
    RepoRefs,
)

DB = load_database()


def record(**fields: Any) -> ModelRecord:
    fields.setdefault("sha", "a" * 40)
    return ModelRecord(repo_id=fields.pop("repo_id", "org/model"), **fields)


def result(
    rec: ModelRecord | None, licence: str | None = "apache-2.0", failure: FetchFailure | None = None
) -> ModelResult:
    lic = DB.get(licence) if licence else None
    cls = lic.license_class if lic else LicenseClass.UNKNOWN
    declared = Classification(lic, cls, licence)
    return ModelResult(
        ref=ModelRef("org/model", None, "models.txt", 1),
        revision=rec.sha if rec else None,
        record=rec,
        failure=failure,
        declared=declared,
        license=lic,
        license_source="org/model" if lic else None,
        license_class=cls,
    )


# -- weight files --------------------------------------------------------------------------------------


def test_weight_files_leave_training_state_and_tokenizers_out() -> None:
    rec = record(
        siblings=(
            "model.safetensors",
            "pytorch_model.bin",
            "training_args.bin",
            "optimizer.pt",
            "checkpoint-10/rng_state.pth",
            "checkpoint-10/scheduler.pt",
            "tokenizer.model",
            "sentencepiece.bpe.model",
            "onnx/model.onnx",
            "onnx/model.onnx_data",
            "q4.gguf",
            "config.json",
        )
    )
    assert ev.weight_files(rec) == ["model.safetensors", "pytorch_model.bin", "onnx/model.onnx",
                                    "onnx/model.onnx_data", "q4.gguf"]


def test_checkpoint_folders_and_branches() -> None:
    assert ev.checkpoint_folders(["checkpoint-500/model.safetensors", "model.safetensors", "ckpt_3/x.bin",
                                  "checkpoint-500/pytorch_model.bin"]) == ["checkpoint-500/", "ckpt_3/"]
    branches = ["main", "step143000", "stage1-step928646-tokens3896B", "ckpt_000", "checkpoint-fix", "v1.0",
                "stepwise-docs"]
    assert ev.checkpoint_refs(branches) == ["step143000", "stage1-step928646-tokens3896B", "ckpt_000"]


# -- arXiv ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "papers", "methods", "placeholders"),
    [
        ("arxiv:2501.00656", ("2501.00656",), (), ()),
        ("arxiv:2501.00656v2", ("2501.00656",), (), ()),
        ("arxiv:0704.0001", ("0704.0001",), (), ()),
        ("arxiv:hep-th/9901001", ("hep-th/9901001",), (), ()),
        ("arxiv:0000.00000", (), (), ("0000.00000",)),
        ("arxiv:2401.00000", (), (), ("2401.00000",)),  # number 0 is never assigned
        ("arxiv:1234.56789", (), (), ("1234.56789",)),  # month 34
        ("arxiv:0703.0001", (), (), ("0703.0001",)),  # before new-style ids
        ("arxiv:1401.12345", (), (), ("1401.12345",)),  # five digits only from 2015
        ("arxiv:xxxx.xxxxx", (), (), ("xxxx.xxxxx",)),
        ("arxiv:2305.18290", (), ("2305.18290",), ()),  # DPO
    ],
)
def test_arxiv_ids(tag: str, papers: tuple[str, ...], methods: tuple[str, ...], placeholders: tuple[str, ...]) -> None:
    found = ev.arxiv(record(tags=(tag,)))
    assert (found.papers, found.methods, found.placeholders) == (papers, methods, placeholders)


def test_a_report_next_to_a_method_paper_counts() -> None:
    rec = record(tags=("arxiv:2305.18290", "arxiv:2310.16944"), siblings=("model.safetensors",))
    tech = grade(result(rec), None).component("technical-report")
    assert (tech.state, tech.reason) == (OPEN, None)
    assert tech.evidence.startswith("arXiv:2310.16944 linked")


# -- licences ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("licence", "basis"),
    [
        ("apache-2.0", OSI),
        ("mit", OSI),
        ("gpl-3.0", OSI),
        ("agpl-3.0", OSI),
        ("mpl-2.0", OSI),
        ("lgpl", OSI),  # every LGPL is OSI-approved
        ("cc-by-4.0", OPEN_DATA),
        ("cc-by-sa-4.0", OPEN_DATA),
        ("cc0-1.0", OPEN_DATA),
        ("odc-by", OPEN_DATA),
        ("odbl", OPEN_DATA),
        ("cdla-permissive-2.0", OPEN_DATA),
        ("openmdw-1.0", OPENMDW),
        ("openmdw-1.1", OPENMDW),
        ("wtfpl", None),  # permissive, but neither OSI-approved nor open data
        ("apple-ascl", None),
        ("bsd", None),  # a family: which BSD is not said
        ("gpl", None),  # GPL-1.0 is not OSI-approved
        ("llama3.1", None),
        ("gemma", None),
        ("openrail++", None),
        ("cc-by-nc-4.0", None),
    ],
)
def test_open_basis(licence: str, basis: str | None) -> None:
    lic = DB.get(licence)
    assert lic is not None, licence
    assert open_basis(lic) == basis


# -- components from a record ------------------------------------------------------------------------


def test_a_family_licence_is_unknown_not_open() -> None:
    rec = record(siblings=("model.safetensors",), library_name="transformers")
    weights = grade(result(rec, "bsd"), None).component("weights")
    assert (weights.state, weights.reason) == (UNKNOWN, "LICENSE_UNKNOWN")
    assert "bsd names a family of licences" in weights.evidence


def test_a_permissive_licence_that_is_not_open_is_restricted() -> None:
    rec = record(siblings=("model.safetensors",), library_name="transformers")
    openness = grade(result(rec, "wtfpl"), None)
    assert openness.component("weights").state == RESTRICTED
    assert openness.level == "restricted-weights"
    assert openness.osaid == "fails"


def test_no_readme_is_an_absent_card() -> None:
    rec = record(siblings=("model.safetensors",), library_name="transformers")
    card = grade(result(rec), None).component("model-card")
    assert (card.state, card.reason) == (ABSENT, "NO_MODEL_CARD")


def test_a_short_readme_is_an_empty_card_and_an_unread_one_is_unknown() -> None:
    short = record(siblings=("README.md", "model.safetensors"), files={"README.md": "---\nlicense: mit\n---\n# x\n"})
    assert grade(result(short), None).component("model-card").reason == "CARD_EMPTY"
    unread = record(siblings=("README.md", "model.safetensors"), card_data={"license": "mit", "language": ["en"]})
    card = grade(result(unread), None).component("model-card")
    assert (card.state, card.reason) == (UNKNOWN, "CARD_NOT_READ")
    assert card.evidence == "README.md is listed with metadata: language; its text was not read"


def test_architecture_from_tags_when_library_name_is_absent_and_from_custom_code_without_config() -> None:
    rec = record(siblings=("model.safetensors",), tags=("diffusers", "safetensors"))
    arch = grade(result(rec), None).component("architecture")
    assert (arch.state, arch.evidence) == (OPEN, "diffusers (Apache-2.0, OSI-approved) implements it")
    old = record(siblings=("model.safetensors", "modeling_x.py", "sub/helper.py"), tags=("transformers", "custom_code"))
    arch = grade(result(old, "llama3.1"), None).component("architecture")
    assert (arch.state, arch.reason) == (RESTRICTED, "LICENSE_NOT_OPEN")
    assert arch.evidence.startswith("remote code in the repo (auto_map: modeling_x.py), under the repo's licence")


def test_a_fetch_failure_makes_every_component_unknown_with_its_reason() -> None:
    gated = FetchFailure(FetchErrorCode.GATED, "org/model: gated repo")
    openness = grade(result(None, None, gated), None)
    assert {c.reason for c in openness.components} == {"GATED_NO_TOKEN"}
    assert openness.level == "unknown"
    from licscan.openness.grade import GradeContext

    with_token = grade(result(None, None, gated), None, context=GradeContext(token=True))
    assert {c.reason for c in with_token.components} == {"GATED_NO_ACCESS"}
    offline = FetchFailure(FetchErrorCode.NOT_FOUND, "org/model@main is not in the snapshot")
    assert grade(result(None, None, offline), None, context=GradeContext(offline=True)).component("weights").reason \
        == "OFFLINE"
    assert grade(result(None, None, offline), None).component("weights").reason == "NOT_FOUND"


def test_refs_failure_and_no_checkpoint_branch() -> None:
    rec = record(siblings=("model.safetensors",))
    failed = grade(result(rec), None, FetchFailure(FetchErrorCode.FETCH_FAILED, "HTTP 500"))
    assert failed.component("intermediate-checkpoints").reason == "REFS_UNREADABLE"
    none = grade(result(rec), None, RepoRefs("org/model", ("main", "v2")))
    ckpt = none.component("intermediate-checkpoints")
    assert (ckpt.reason, ckpt.evidence) == ("NO_CHECKPOINT_BRANCHES", "2 branches, none named like a training step")


# -- levels, blocks, class -----------------------------------------------------------------------------


def components(**states: str) -> tuple[Component, ...]:
    return tuple(
        Component(name, states.get(name.replace("-", "_"), UNKNOWN), None if states.get(name.replace("-", "_")) == OPEN
                  else "NOT_ON_HUB", "")
        for name in COMPONENTS
    )


def test_levels_are_never_rounded_up() -> None:
    class_iii = {"architecture": OPEN, "weights": OPEN, "model_card": OPEN, "evaluation_results": OPEN,
                 "data_card": OPEN, "technical_report": OPEN}
    assert finish(components(**class_iii)).level == "open-model"
    assert finish(components(**class_iii)).mof_class == "III"
    assert finish(components(**{**class_iii, "data_card": UNKNOWN})).level == "open-weights"
    assert finish(components(**{**class_iii, "architecture": UNKNOWN})).level == "restricted-weights"
    assert finish(components(**{**class_iii, "weights": ABSENT})).level == "unknown"


def test_an_open_model_is_blocked_from_class_ii_by_what_the_hub_never_holds() -> None:
    done = finish(components(architecture=OPEN, weights=OPEN, model_card=OPEN, evaluation_results=OPEN,
                             data_card=OPEN, technical_report=OPEN))
    assert [(b.level, b.component) for b in done.blocks] == [
        ("class-II", "training-code"),
        ("class-II", "inference-code"),
        ("class-II", "evaluation-code"),
        ("class-II", "evaluation-data"),
    ]
    assert done.osaid == "undetermined"


def test_a_dataset_the_snapshot_does_not_hold_is_offline_not_unresolved() -> None:
    from licscan.openness.grade import GradeContext, TrainingEntry

    rec = record(siblings=("model.safetensors",), card_data={"datasets": ["org/data"]})
    entry = TrainingEntry("org/data", "org/data", failure="no dataset org/data on the Hub", fetch_code="not-found",
                          fetch_message="datasets/org/data@main is not in the snapshot")
    offline = grade(result(rec), [entry], context=GradeContext(offline=True)).component("data-card")
    assert (offline.state, offline.reason) == (UNKNOWN, "OFFLINE")
    online = grade(result(rec), [entry]).component("data-card")
    assert online.reason == "DATASET_UNRESOLVED"
    no_card = TrainingEntry("org/data", "org/data", resolved=True, has_card=False)
    card = grade(result(rec), [no_card]).component("data-card")
    assert (card.state, card.reason, card.evidence) == (ABSENT, "DATASET_NO_CARD", "no README.md in org/data")
