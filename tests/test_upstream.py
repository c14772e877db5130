"""Known upstream models by name (``license_db/models/``, ``licscan.upstream``): the table validates, and ``match``
finds the official upstream a repo is named after, on full names only.

The repo ids below are real Hub re-upload and fine-tune naming patterns (TheBloke's and bartowski's GGUF repos,
unsloth's bnb-4bit, mlx-community's 4bit, city96's gguf, ``-finetune``/``-merged`` suffixes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from licscan.licensedb import load_database
from licscan.types import LicenseClass
from licscan.upstream import UpstreamError, UpstreamTable, is_full_name, is_repo_id, load_upstreams, tokens

MODELS = Path(__file__).resolve().parents[1] / "license_db" / "models"
FAMILIES = (
    "llama", "gemma", "qwen", "mistral", "deepseek", "phi", "falcon", "yi", "stable-diffusion", "flux", "olmo",
    "pythia", "bloom", "starcoder", "internlm", "baichuan", "glm", "command-r",
)  # fmt: skip


@pytest.fixture(scope="module")
def table() -> UpstreamTable:
    return load_upstreams()


def matched(table: UpstreamTable, repo_id: str) -> tuple[str, str] | None:
    found = table.match(repo_id)
    return (found.repo_id, found.license_id) if found else None


# ---------------------------------------------------------------- the table itself


def test_every_family_has_its_file(table: UpstreamTable) -> None:
    assert {p.stem for p in MODELS.glob("*.yaml")} == set(FAMILIES)
    assert {u.family for u in table.models} == set(FAMILIES)
    assert len(table) >= 250


def test_every_licence_id_exists_and_repo_ids_are_valid(table: UpstreamTable) -> None:
    db = load_database()
    for upstream in table.models:
        assert db.get(upstream.license_id) is not None, f"{upstream.repo_id}: {upstream.license_id}"
        assert is_repo_id(upstream.repo_id), upstream.repo_id
        assert upstream.name == upstream.repo_id.split("/")[1]


def test_every_repo_matches_itself(table: UpstreamTable) -> None:
    for upstream in table.models:
        assert table.match(upstream.repo_id) == upstream
        assert table.match(upstream.repo_id.upper()) == upstream  # Hub repo ids are case-insensitive


@pytest.mark.parametrize(
    ("repo_id", "license_id"),
    [
        # the per-size exceptions that trip people up
        ("Qwen/Qwen2.5-3B-Instruct", "qwen-research"),
        ("Qwen/Qwen2.5-7B-Instruct", "apache-2.0"),
        ("Qwen/Qwen2.5-72B-Instruct", "qwen"),
        ("Qwen/Qwen2.5-Coder-3B-Instruct", "qwen-research"),
        ("Qwen/Qwen2.5-Coder-32B-Instruct", "apache-2.0"),
        ("Qwen/Qwen1.5-1.8B-Chat", "tongyi-qianwen-research"),
        ("Qwen/Qwen1.5-7B-Chat", "tongyi-qianwen"),
        ("mistralai/Mistral-7B-Instruct-v0.3", "apache-2.0"),
        ("mistralai/Mistral-Large-Instruct-2407", "mrl"),
        ("mistralai/Codestral-22B-v0.1", "mnpl"),
        ("mistralai/Ministral-8B-Instruct-2410", "mrl"),
        ("tiiuae/falcon-7b", "apache-2.0"),
        ("tiiuae/falcon-180B", "falcon-180b-tii-license-1.0"),
        ("tiiuae/falcon-11B", "falcon-2-11b-tii-license-1.0"),
        ("tiiuae/falcon-mamba-7b", "falcon-mamba-7b-tii-license"),
        ("tiiuae/Falcon3-7B-Instruct", "falcon-llm-license"),
        ("black-forest-labs/FLUX.1-dev", "flux-1-dev-non-commercial-license"),
        ("black-forest-labs/FLUX.1-schnell", "apache-2.0"),
        ("deepseek-ai/DeepSeek-V3", "deepseek"),
        ("deepseek-ai/DeepSeek-V3-0324", "mit"),
        ("deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "llama3.3"),
        ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "mit"),
        ("internlm/internlm2_5-7b-chat", "internlm"),
        ("internlm/internlm3-8b-instruct", "apache-2.0"),
        ("THUDM/GLM-4-9B-0414", "mit"),
        ("THUDM/glm-4-9b-chat", "glm-4"),
    ],
)
def test_per_size_exceptions(table: UpstreamTable, repo_id: str, license_id: str) -> None:
    found = table.match(repo_id)
    assert found is not None and found.repo_id == repo_id and found.license_id == license_id


def test_restrictive_entries_are_not_permissive(table: UpstreamTable) -> None:
    """The table's reason to exist: a repo named after these must never be read as permissive."""
    db = load_database()
    restrictive = (
        "Qwen/Qwen2.5-3B", "Qwen/Qwen2.5-72B", "mistralai/Codestral-22B-v0.1", "CohereForAI/aya-23-8B",
        "black-forest-labs/FLUX.1-Kontext-dev", "meta-llama/Llama-3.2-1B", "baichuan-inc/Baichuan2-7B-Chat",
    )  # fmt: skip
    for repo_id in restrictive:
        found = table.match(repo_id)
        assert found is not None
        lic = db.get(found.license_id)
        assert lic is not None and lic.license_class is not LicenseClass.PERMISSIVE, repo_id


# ---------------------------------------------------------------- matching by name


@pytest.mark.parametrize(
    ("repo_id", "expected"),
    [
        ("someuser/Llama-3.2-1B-Instruct-GGUF", ("meta-llama/Llama-3.2-1B-Instruct", "llama3.2")),
        ("x/Qwen2.5-Coder-3B-finetune", ("Qwen/Qwen2.5-Coder-3B", "qwen-research")),
        ("TheBloke/Llama-2-7B-Chat-GGUF", ("meta-llama/Llama-2-7b-chat", "llama2")),
        ("unsloth/gemma-2-9b-it-bnb-4bit", ("google/gemma-2-9b-it", "gemma")),
        ("mlx-community/Meta-Llama-3.1-8B-Instruct-4bit", ("meta-llama/Llama-3.1-8B-Instruct", "llama3.1")),
        ("bartowski/Llama-3.2-3B-Instruct-GGUF", ("meta-llama/Llama-3.2-3B-Instruct", "llama3.2")),
        ("NousResearch/Hermes-3-Llama-3.1-8B", ("meta-llama/Llama-3.1-8B", "llama3.1")),
        ("NousResearch/Hermes-2-Pro-Llama-3-8B", ("meta-llama/Meta-Llama-3-8B", "llama3")),
        ("city96/FLUX.1-dev-gguf", ("black-forest-labs/FLUX.1-dev", "flux-1-dev-non-commercial-license")),
        ("someone/flux1-dev-fp8", ("black-forest-labs/FLUX.1-dev", "flux-1-dev-non-commercial-license")),
        ("bartowski/DeepSeek-R1-Distill-Llama-8B-GGUF", ("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "llama3.1")),
        ("TheBloke/Mistral-7B-Instruct-v0.2-GGUF", ("mistralai/Mistral-7B-Instruct-v0.2", "apache-2.0")),
        ("x/Mixtral-8x7B-Instruct-v0.1-AWQ", ("mistralai/Mixtral-8x7B-Instruct-v0.1", "apache-2.0")),
        ("x/Qwen2.5-72B-Instruct-abliterated", ("Qwen/Qwen2.5-72B-Instruct", "qwen")),
        ("x/qwen-2.5-3b-instruct-sft", ("Qwen/Qwen2.5-3B-Instruct", "qwen-research")),  # "-" = no separator
        ("x/Yi-34B-200K-DARE-merge-v5", ("01-ai/Yi-34B-200K", "yi-license")),
        ("x/Llama-2-70b-GGUF", ("meta-llama/Llama-2-70b", "llama2")),  # not Llama-2-7b: 70 is not 7
        ("x/Llama-3.2-11B-Vision-lora", ("meta-llama/Llama-3.2-11B-Vision", "llama3.2")),  # not Llama-3.2-1B
        ("x/c4ai-command-r-plus-GGUF", ("CohereForAI/c4ai-command-r-plus", "c4ai-cc-by-nc-4.0")),
        ("x/pythia-1.4b-deduped-sft", ("EleutherAI/pythia-1.4b-deduped", "apache-2.0")),
        ("x/bloom-7b1-finetuned", ("bigscience/bloom-7b1", "bigscience-bloom-rail-1.0")),
        ("x/internlm2.5-7b-chat-4bit", ("internlm/internlm2_5-7b-chat", "internlm")),  # a listed other name
        ("x/phi-1.5-lora", ("microsoft/phi-1_5", "mit")),
        ("meta-llama/Llama-3.2-1B-Instruct-QLORA_INT4_EO8", ("meta-llama/Llama-3.2-1B-Instruct", "llama3.2")),
        # a conversion keeps its family: Mistral 7B stays Mistral 7B
        ("x/Mistral-7B-v0.1-llamafied", ("mistralai/Mistral-7B-v0.1", "apache-2.0")),
        # a name that names two upstreams: the longest (then the first) wins
        ("x/Qwen2.5-Coder-32B-vs-Llama-eval", ("Qwen/Qwen2.5-Coder-32B", "apache-2.0")),
        ("x/Llama-3.1-8B-vs-Qwen2.5-Coder-32B", ("Qwen/Qwen2.5-Coder-32B", "apache-2.0")),
        ("x/gemma-2-9b-it-vs-Llama-3.1-8B", ("google/gemma-2-9b-it", "gemma")),
    ],
)
def test_match(table: UpstreamTable, repo_id: str, expected: tuple[str, str]) -> None:
    assert matched(table, repo_id) == expected


@pytest.mark.parametrize(
    "repo_id",
    [
        "x/tinyllama-1.1b",  # TinyLlama is its own model: "llama" is inside a word
        "TinyLlama/TinyLlama-1.1B-Chat-v1.0",
        "x/my-llama-model",  # a bare family word never decides
        "x/llama",
        "x/qwen-finetune",
        "x/mistral-chat",
        "x/bloom",  # bigscience/bloom's name is a bare word: it matches only its own repo id
        "x/starcoder-finetune",
        "x/mistral-7b-llamafied",  # no full Mistral name in it, and "llamafied" is not "llama"
        "x/Llama-3.2-11B-lora",  # not Llama-3.2-1B: never across a number boundary
        "x/Qwen25-7B",  # Qwen2.5 is not Qwen25 ...
        "x/Qwen2_5-7B",  # ... nor Qwen2_5
        "x/Llama-3.4-8B",  # a version that does not exist
        "x/DeepSeek-V3.1-GGUF",  # V3.1 is not V3
        "x/gemma-2-9bit",  # "9bit" is not "9b"
        "x/phi-3-something",
        "",
        "/",
        "not a repo id at all",
    ],
)
def test_no_match(table: UpstreamTable, repo_id: str) -> None:
    assert table.match(repo_id) is None


def test_match_all_returns_every_named_upstream(table: UpstreamTable) -> None:
    found = table.match_all("x/Qwen2.5-Coder-32B-vs-Llama-3.1-8B-merge")
    assert [(u.repo_id, u.name) for u in found] == [
        ("Qwen/Qwen2.5-Coder-32B", "Qwen2.5-Coder-32B"),
        ("meta-llama/Llama-3.1-8B", "Llama-3.1-8B"),
    ]
    # a shorter name inside a longer one is the same match, not a second upstream
    assert [u.repo_id for u in table.match_all("x/Llama-3.2-1B-Instruct")] == ["meta-llama/Llama-3.2-1B-Instruct"]
    assert table.match_all("x/nothing-here") == ()


def test_an_exact_repo_id_comes_first(table: UpstreamTable) -> None:
    found = table.match_all("meta-llama/Llama-3.2-1B")
    assert found[0].repo_id == "meta-llama/Llama-3.2-1B" and found[0].name == "Llama-3.2-1B"


# ---------------------------------------------------------------- tokens and names


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Llama-3.2-1B-Instruct", ["llama", "3.2", "1", "b", "instruct"]),
        ("Qwen2.5-Coder-3B", ["qwen", "2.5", "coder", "3", "b"]),
        ("Qwen25", ["qwen", "25"]),
        ("Qwen2_5", ["qwen", "2", "5"]),
        ("FLUX.1-dev", ["flux", "1", "dev"]),
        ("flux1 dev", ["flux", "1", "dev"]),
        ("Mixtral-8x7B", ["mixtral", "8", "x", "7", "b"]),
        ("c4ai-command-r7b-12-2024", ["c", "4", "ai", "command", "r", "7", "b", "12", "2024"]),
    ],
)
def test_tokens(name: str, words: list[str]) -> None:
    assert tokens(name) == words


@pytest.mark.parametrize(
    ("name", "full"),
    [("Llama-3.2-1B", True), ("phi-2", True), ("llama", False), ("bloom", False), ("sdxl-turbo", False),
     ("7b", False), ("Yi-6B", True), ("command-r", False), ("gpt2", True), ("x-7b", False)],
)  # fmt: skip
def test_full_names(name: str, full: bool) -> None:
    assert is_full_name(name) is full


@pytest.mark.parametrize(
    ("repo_id", "valid"),
    [("meta-llama/Llama-3.2-1B", True), ("Qwen/Qwen2.5-3B", True), ("a/b", True), ("no-slash", False),
     ("a/b/c", False), ("-x/y", False), ("x/y-", False), ("x/a--b", False), ("x/a..b", False),
     ("x/" + "a" * 97, False)],
)  # fmt: skip
def test_repo_ids(repo_id: str, valid: bool) -> None:
    assert is_repo_id(repo_id) is valid


# ---------------------------------------------------------------- validation, every problem at once


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_invalid_files_are_reported_with_their_names(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", "family: good\nnotes: cards\nmodels:\n  - {repo: org/Model-7B, license: mit}\n")
    write(tmp_path, "other.yaml", "family: wrong\nnotes: x\nmodels:\n  - {repo: org2/Model-7B, license: mit}\n")
    write(tmp_path, "bad.yaml", "family: bad\nnotes: ''\nmodels:\n"
          "  - {repo: not-a-repo, license: mit}\n"
          "  - {repo: org/Model-7B, license: mit}\n"
          "  - {repo: org/Thing-3B, license: mit, names: [llama, Model-7B-x, Thing-3B], extra: 1}\n"
          "  - {repo: org/Other-1B}\n")  # fmt: skip
    write(tmp_path, "broken.yaml", "family: [unclosed\n")
    with pytest.raises(UpstreamError) as caught:
        load_upstreams(tmp_path)
    problems = caught.value.problems
    assert "bad.yaml: notes must say where the facts come from" in problems
    assert "bad.yaml: models[0]: repo 'not-a-repo' is not a Hub repo id (owner/name)" in problems
    assert "good.yaml: repo 'org/Model-7B' is listed twice" in problems
    assert "bad.yaml: models[2]: unknown keys ['extra']" in problems
    assert "bad.yaml: models[2] (org/Thing-3B): name 'llama' is not a full model name (a word and a number)" in problems
    assert "bad.yaml: models[2] (org/Thing-3B): name 'Thing-3B' repeats the repo's own name" in problems
    assert "bad.yaml: models[3] (org/Other-1B): license must be a license_db id" in problems
    assert "other.yaml: family 'wrong' must equal the file name" in problems
    assert "other.yaml: name 'Model-7B' already names 'org/Model-7B' (bad.yaml)" in problems
    assert any(p.startswith("broken.yaml: not valid YAML") for p in problems)


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UpstreamError, match=r"no \*\.yaml model family files"):
        load_upstreams(tmp_path)
