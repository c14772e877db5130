"""Datasets in manifests and in cards (pure): datasets/org/name lines, Hub dataset URLs, YAML datasets:,
a model card's datasets: entries, a dataset card's licence fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from licscan.datasets.card import MAX_TRAINING_DATASETS, dataset_licence_card, training_claims, trim_dataset_card
from licscan.errors import InputError
from licscan.manifest import read_manifest, read_manifests
from licscan.manifest.refs import split_repo_reference
from licscan.types import DATASET, MODEL, ModelRef

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("datasets/allenai/c4", (DATASET, "allenai/c4", None)),
        ("datasets/squad@v1.1", (DATASET, "squad", "v1.1")),  # a legacy id without an org
        (f"datasets/tatsu-lab/alpaca@{COMMIT}", (DATASET, "tatsu-lab/alpaca", COMMIT)),
        ("https://huggingface.co/datasets/allenai/c4", (DATASET, "allenai/c4", None)),
        ("https://huggingface.co/datasets/allenai/c4/tree/v2?x=1#top", (DATASET, "allenai/c4", "v2")),
        ("hf.co/datasets/squad/tree/main", (DATASET, "squad", "main")),
        ("https://huggingface.co/datasets/allenai/c4/blob/main/README.md", (DATASET, "allenai/c4", "main")),
        ("allenai/c4", (MODEL, "allenai/c4", None)),  # no prefix: a model, as models.txt always read it
        ("https://huggingface.co/gpt2/tree/main", (MODEL, "gpt2", "main")),
    ],
)
def test_references_name_their_repo_type(text: str, expected: tuple[str, str, str | None]) -> None:
    repo_type, repo_id, revision, problem = split_repo_reference(text)
    assert problem is None
    assert (repo_type, repo_id, revision) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("datasets/", "must be followed by a dataset id"),
        ("datasets/a/b/c", "more than one '/'"),
        ("datasets/org/na me", "not a Hub repo id"),
        ("datasets/org/x@", "empty revision"),
        ("https://huggingface.co/spaces/org/app", "spaces are neither models nor datasets"),
    ],
)
def test_bad_dataset_references_say_why(text: str, message: str) -> None:
    assert message in (split_repo_reference(text)[3] or "")


def test_text_manifest_lists_models_and_datasets_in_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "models.txt",
        "meta-llama/Llama-3.1-8B\n"
        "datasets/allenai/c4   # pre-training data we fine-tune on\n"
        "https://huggingface.co/datasets/tatsu-lab/alpaca\n"
        "allenai/c4\n",
    )
    refs = read_manifest(path)
    assert [(r.repo_type, r.repo_id, r.line) for r in refs] == [
        (MODEL, "meta-llama/Llama-3.1-8B", 1),
        (DATASET, "allenai/c4", 2),
        (DATASET, "tatsu-lab/alpaca", 3),
        (MODEL, "allenai/c4", 4),  # a model of the same id is another item
    ]
    assert str(refs[1]) == "datasets/allenai/c4"


def test_a_dataset_listed_twice_is_scanned_once_but_a_model_of_its_id_is_kept(tmp_path: Path) -> None:
    path = write(tmp_path, "models.txt", "datasets/allenai/c4\nallenai/c4\nhttps://huggingface.co/datasets/allenai/c4\n")
    refs, warnings = read_manifests([path])
    assert [(r.repo_type, r.line) for r in refs] == [(DATASET, 1), (MODEL, 2)]
    assert warnings == [f"{path}:3: datasets/allenai/c4 is already listed at {path}:1; scanned once"]


def test_yaml_manifest_datasets_list_has_the_models_entry_shape(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "models.yaml",
        "version: 1\n"
        "datasets:\n"
        "  - allenai/c4\n"
        "  - repo: tatsu-lab/alpaca\n"
        "    revision: v1.0\n"
        "    note: instruction tuning\n"
        "  - https://huggingface.co/datasets/squad\n"
        "models:\n"
        "  - mistralai/Mistral-7B-v0.1\n",
    )
    refs = read_manifest(path)
    assert refs == [
        ModelRef("allenai/c4", None, str(path), 3, repo_type=DATASET),
        ModelRef("tatsu-lab/alpaca", "v1.0", str(path), 4, note="instruction tuning", repo_type=DATASET),
        ModelRef("squad", None, str(path), 7, repo_type=DATASET),
        ModelRef("mistralai/Mistral-7B-v0.1", None, str(path), 9),
    ]


def test_yaml_manifest_with_only_datasets_is_valid(tmp_path: Path) -> None:
    path = write(tmp_path, "data.yml", "datasets:\n  - datasets/allenai/c4@main\n")
    assert [(r.repo_type, r.repo_id, r.revision) for r in read_manifest(path)] == [(DATASET, "allenai/c4", "main")]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("datasets:\n  - https://huggingface.co/org/model\n", 2, "is a model's URL; list it under 'models:'"),
        ("models:\n  - datasets/allenai/c4\n", 2, "is a dataset; list it under 'datasets:' (as allenai/c4)"),
        ("datasets: allenai/c4\n", 1, "'datasets' must be a list"),
        ("datasets:\n  - {note: x}\n", 2, "dataset entry without 'repo'"),
        ("datasets:\n  - [a, b]\n", 2, "each dataset is a repo id or a mapping"),
        ("datasets:\n  - repo: allenai/c4@v1\n    revision: v2\n", 2, "revision given twice"),
        ("version: 1\n", 1, "missing 'models:' list (or 'datasets:')"),
    ],
)
def test_yaml_dataset_errors_name_the_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, "m.yaml", text)
    with pytest.raises(InputError) as info:
        read_manifest(path)
    assert (info.value.line, info.value.path) == (line, str(path))
    assert message in info.value.message


# -- a model card's datasets: ------------------------------------------------------------------------


def test_card_datasets_as_the_hub_documents_them() -> None:
    card = {"datasets": ["HuggingFaceH4/ultrachat_200k", "HuggingFaceH4/ultrafeedback_binarized"]}
    claims, problems = training_claims(card)
    assert problems == []
    assert [(c.repo_id, c.problem) for c in claims] == [
        ("HuggingFaceH4/ultrachat_200k", None),
        ("HuggingFaceH4/ultrafeedback_binarized", None),
    ]


def test_card_datasets_as_cards_really_write_them() -> None:
    claims, problems = training_claims(
        {
            "datasets": [
                "https://huggingface.co/datasets/databricks/databricks-dolly-15k/",
                "datasets/squad",
                "wikipedia",  # a legacy id: looked up, the Hub redirects it
                "ShareGPT",  # a free name with a repo id's syntax: looked up, a 404 says it is none
                "our internal support transcripts (2023)",
                "https://github.com/tatsu-lab/stanford_alpaca",
                "https://huggingface.co/meta-llama/Llama-2-7b-hf",
                " ",
                "WIKIPEDIA",  # the same dataset again, in other case
            ]
        }
    )
    assert problems == []
    assert [(c.value, c.repo_id) for c in claims] == [
        ("https://huggingface.co/datasets/databricks/databricks-dolly-15k/", "databricks/databricks-dolly-15k"),
        ("datasets/squad", "squad"),
        ("wikipedia", "wikipedia"),
        ("ShareGPT", "ShareGPT"),
        ("our internal support transcripts (2023)", None),
        ("https://github.com/tatsu-lab/stanford_alpaca", None),
        ("https://huggingface.co/meta-llama/Llama-2-7b-hf", None),
    ]
    assert "is not a Hub repo id" in (claims[4].problem or "")
    assert claims[5].problem == "a link outside the Hub, not a Hub dataset id"
    assert claims[6].problem == "not a Hub dataset id (a link to a model, not to a dataset)"


def test_a_single_string_is_one_dataset() -> None:
    claims, _ = training_claims({"datasets": "tatsu-lab/alpaca"})
    assert [c.repo_id for c in claims] == ["tatsu-lab/alpaca"]


@pytest.mark.parametrize("value", [42, 3.5, True, {"train": "tatsu-lab/alpaca"}])
def test_a_datasets_field_that_is_neither_text_nor_a_list_is_a_problem(value: object) -> None:
    claims, problems = training_claims({"datasets": value})
    assert claims == []
    assert len(problems) == 1 and problems[0].startswith("the card's datasets field is not a dataset id")


def test_list_items_that_are_not_text_stay_unresolved_with_their_value() -> None:
    claims, _ = training_claims({"datasets": ["allenai/c4", {"name": "x/y"}, 7, None]})
    assert [(c.value, c.repo_id) for c in claims] == [
        ("allenai/c4", "allenai/c4"),
        ('{"name": "x/y"}', None),
        ("7", None),
        ("null", None),
    ]


def test_a_huge_list_is_cut_with_a_problem_that_says_so() -> None:
    claims, problems = training_claims({"datasets": [f"org/data-{i}" for i in range(10_000)]})
    assert len(claims) == MAX_TRAINING_DATASETS
    assert problems == [f"the card names 10000 datasets; only the first {MAX_TRAINING_DATASETS} are read"]


def test_no_datasets_is_nothing() -> None:
    for card in ({}, {"datasets": None}, {"datasets": []}, {"datasets": ""}):
        assert training_claims(card) == ([], [])


# -- a dataset card -------------------------------------------------------------------------------------


def test_a_dataset_record_keeps_only_the_licence_part_of_its_card() -> None:
    card = {
        "license": "odc-by",
        "license_name": "x",
        "pretty_name": "C4",
        "extra_gated_prompt": "terms",
        "configs": [{"config_name": f"c{i}"} for i in range(500)],
        "dataset_info": {"features": []},
        "task_categories": ["text-generation"],
    }
    assert trim_dataset_card(card) == {
        "license": "odc-by",
        "license_name": "x",
        "pretty_name": "C4",
        "extra_gated_prompt": "terms",
    }


def test_the_legacy_licenses_key_stands_in_for_a_missing_license() -> None:
    card, evidence = dataset_licence_card({"licenses": ["cc-by-4.0"], "languages": ["en"]})
    assert card["license"] == ["cc-by-4.0"]
    assert [(e.source, e.detail) for e in evidence] == [
        ("card:licenses", 'no \'license\' key; the legacy \'licenses\' key says ["cc-by-4.0"]')
    ]
    # A current card's license wins; nothing is added.
    assert dataset_licence_card({"license": "mit", "licenses": ["cc-by-nc-4.0"]}) == (
        {"license": "mit", "licenses": ["cc-by-nc-4.0"]},
        (),
    )
