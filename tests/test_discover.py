"""``licscan discover`` on a corpus modelled on real projects, with every trap the issue lists.

The corpus (``tests/fixtures/discover``): a support-bot service (FastAPI,
OpenAI/Anthropic clients, LangChain, LlamaIndex, LiteLLM, DSPy, Pydantic AI,
Bedrock, a Dockerfile, compose, Procfile, .env, Modelfiles), a training repo
(argparse/dataclass defaults, PEFT, TRL/axolotl/Hydra YAML, adapter_config,
config.json, pyproject, a download script, timm/open_clip, Python 2 code),
notebooks (magics, markdown, outputs, a broken cell, a broken file), a
LiteLLM proxy config and a TypeScript app (AI SDK, OpenAI/Anthropic SDKs,
transformers.js). Every expected result below was written by hand from the
files; nothing is generated from the tool's output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from licscan.cli import main
from licscan.discover.engine import discover
from licscan.discover.model import Discovery

CORPUS = Path(__file__).resolve().parent / "fixtures" / "discover"
SHA_MISTRAL = "0417f4babd26db0b5ed07c1d0bc85658ab526ea3"
SHA_ADAPTER = "26bca36bde8333b5d7f72e9ed20ccda6a618af24"
SHA_TINY = "fe8a4ea1ffedaf415f4da2f062534de366a451e6"

# (repo_id, revision, path, line) for every place a Hub model is loaded or served.
MODELS = {
    ("BAAI/bge-small-en-v1.5", None, "service/app/main.py", 20),
    ("BAAI/bge-small-en-v1.5", None, "service/docker-compose.yml", 13),
    ("BAAI/bge-small-en-v1.5", None, "service/.env.example", 5),
    ("cross-encoder/ms-marco-MiniLM-L-6-v2", None, "service/app/main.py", 21),
    ("mistralai/Mistral-7B-Instruct-v0.3", SHA_MISTRAL, "service/app/local.py", 9),
    ("sentence-transformers/all-mpnet-base-v2", None, "service/app/llm.py", 12),
    ("BAAI/bge-base-en-v1.5", None, "service/app/rag.py", 7),
    ("Qwen/Qwen2.5-7B-Instruct", None, "service/app/rag.py", 8),  # served by the compose vLLM
    ("Qwen/Qwen2.5-7B-Instruct", None, "service/Dockerfile", 12),
    ("Qwen/Qwen2.5-7B-Instruct", None, "service/docker-compose.yml", 18),
    ("meta-llama/Llama-Guard-3-1B", None, "service/Dockerfile", 9),
    ("HuggingFaceH4/zephyr-7b-beta", None, "service/docker-compose.yml", 4),
    ("distilbert-base-uncased", None, "service/Procfile", 2),
    ("bartowski/Llama-3.2-3B-Instruct-GGUF", None, "service/ollama/Modelfile", 1),
    ("meta-llama/Llama-3.2-1B", None, "training/train.py", 20),
    ("smangrul/llama-3.2-1b-lora-sft", None, "training/train.py", 21),
    ("timm/vit_base_patch16_224.augreg2_in21k_ft_in1k", None, "training/vision.py", 4),
    ("laion/CLIP-ViT-B-32-laion2B-s34B-b79K", None, "training/vision.py", 6),
    ("Qwen/Qwen2.5-0.5B", None, "training/configs/sft.yaml", 2),
    ("NousResearch/Meta-Llama-3-8B", None, "training/configs/axolotl.yml", 1),
    ("mistralai/Mistral-7B-v0.1", SHA_ADAPTER, "training/adapter/adapter_config.json", 3),
    ("google/gemma-2-2b", None, "training/pyproject.toml", 7),
    ("TinyLlama/TinyLlama-1.1B-Chat-v1.0", SHA_TINY, "training/scripts/download.sh", 4),
    ("EleutherAI/pythia-160m", None, "training/scripts/download.sh", 8),  # MODEL=${MODEL:-...}
    ("EleutherAI/pythia-160m", None, "training/scripts/download.sh", 9),  # ... used by train.py
    ("openai/whisper-large-v3", None, "notebooks/explore.ipynb", 19),  # !huggingface-cli download
    ("openai/whisper-large-v3", None, "notebooks/explore.ipynb", 50),  # pipeline(task, model)
    ("google/gemma-2-2b-it", None, "notebooks/explore.ipynb", 31),
    ("Qwen/Qwen2.5-1.5B-Instruct", None, "notebooks/explore.ipynb", 32),
    ("HuggingFaceTB/SmolLM2-1.7B-Instruct", None, "notebooks/explore.ipynb", 32),
    ("stabilityai/stable-diffusion-xl-base-1.0", None, "notebooks/sdxl.ipynb", 10),
    ("Qwen/Qwen2.5-Coder-7B-Instruct", None, "proxy/litellm_config.yaml", 14),
    ("Xenova/all-MiniLM-L6-v2", None, "webapp/src/embed.ts", 3),
}
# (provider, model, serving) -> the (path, line) locations.
APIS = {
    ("groq", "llama-3.1-70b-versatile", "hosted-open-weights"): {
        ("service/app/main.py", 32), ("proxy/litellm_config.yaml", 10)},
    ("anthropic", "claude-3-5-sonnet-20241022", "closed-api"): {
        ("service/app/main.py", 36), ("proxy/litellm_config.yaml", 18)},
    ("openai", "gpt-4o-mini", "closed-api"): {
        ("service/app/llm.py", 8), ("service/app/agents.py", 8), ("webapp/src/lib/ai.ts", 15)},
    ("anthropic", "claude-3-5-haiku-20241022", "closed-api"): {("service/app/llm.py", 9)},
    ("google-gemini", "gemini-1.5-flash", "closed-api"): {("service/app/llm.py", 10)},
    ("ollama", "llama3.1:8b", "self-hosted"): {("service/app/llm.py", 11)},
    ("aws-bedrock", "meta.llama3-1-70b-instruct-v1:0", "hosted-open-weights"): {("service/app/llm.py", 20)},
    ("openai", "gpt-4o", "closed-api"): {("service/app/rag.py", 6)},
    ("vllm", "Qwen/Qwen2.5-7B-Instruct", "self-hosted"): {("service/app/rag.py", 8)},
    ("anthropic", "claude-3-5-haiku-latest", "closed-api"): {("service/app/agents.py", 7)},
    ("together", "meta-llama/Llama-3-70b-chat-hf", "hosted-open-weights"): {("service/app/agents.py", 11)},
    ("mistral", "mistral-large-latest", "closed-api"): {("service/app/agents.py", 11)},
    ("vllm", None, "self-hosted"): {("service/docker-compose.yml", 17)},  # OPENAI_BASE_URL=http://vllm:8000/v1
    ("ollama", "hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M", "self-hosted"): {("service/ollama/Modelfile", 1)},
    ("ollama", "qwen2.5:0.5b", "self-hosted"): {("service/ollama/Modelfile.tiny", 2)},
    ("azure-openai", "gpt-4o-prod", "closed-api"): {("proxy/litellm_config.yaml", 4)},
    ("vllm", "Qwen/Qwen2.5-Coder-7B-Instruct", "self-hosted"): {("proxy/litellm_config.yaml", 14)},
    ("aws-bedrock", "anthropic.claude-3-haiku-20240307-v1:0", "closed-api"): {("proxy/litellm_config.yaml", 21)},
    ("ollama", "llama3.2", "self-hosted"): {("proxy/litellm_config.yaml", 25)},
    ("anthropic", "claude-3-5-sonnet-latest", "closed-api"): {("webapp/src/lib/ai.ts", 20)},
    ("groq", "llama-3.3-70b-versatile", "hosted-open-weights"): {("webapp/src/lib/ai.ts", 24)},
    ("ollama", "qwen2.5:7b", "self-hosted"): {("webapp/src/lib/client.ts", 11)},
    ("anthropic", "claude-3-opus-20240229", "closed-api"): {("webapp/src/lib/client.ts", 19)},
}
DATASETS = {
    ("HuggingFaceH4/ultrachat_200k", "training/train.py", 14),
    ("trl-lib/Capybara", "training/configs/sft.yaml", 5),
    ("mhenrichsen/alpaca_2k_test", "training/configs/axolotl.yml", 9),
    ("HuggingFaceTB/smoltalk", "training/pyproject.toml", 8),
    ("tatsu-lab/alpaca", "training/scripts/download.sh", 7),
}
UNRESOLVED = {
    ("service/app/local.py", 26, "environment variable SUPPORT_MODEL"),
    ("service/app/agents.py", 22, "environment variable LLM_MODEL"),
    ("service/Dockerfile", 10, "Docker ARG EXTRA_MODEL has no default"),
    ("training/configs/hydra.yaml", 4, "interpolated value ${oc.env:BASE_MODEL,meta-llama/Llama-3.1-8B}"),
    ("training/scripts/download.sh", 10, "environment variable RUN_MODEL has no default"),
}
# Strings the corpus plants in comments, docstrings, doctests, prose, outputs, local paths, image names,
# push targets and output folders: none may ever be reported.
TRAPS = (
    "doctest-org", "comment-org", "mention-org", "markdown-org", "output-org", "commented-org", "legacy-org",
    "/models/support-bot", "vllm/vllm-openai", "text-generation-inference", "text-embeddings-inference",
    "my-org/", "chat-model", "checkpoints", "gpt-3.5-turbo", "api.openai.com", "resnet50", "data/local.jsonl",
    "ultrachat_200k",  # a dataset: never a model
)


@pytest.fixture(scope="module")
def found() -> Discovery:
    return discover([CORPUS])


def model_rows(d: Discovery) -> set[tuple[str, str | None, str, int]]:
    return {(m.repo_id, m.revision, loc.path, loc.line) for m in d.models for loc in m.locations}


def test_every_hub_model_is_found_at_its_line(found: Discovery) -> None:
    assert model_rows(found) == MODELS


def test_every_hosted_api_has_provider_model_and_serving(found: Discovery) -> None:
    got = {(a.provider, a.model, a.serving): {(loc.path, loc.line) for loc in a.locations} for a in found.apis}
    assert got == APIS


def test_datasets_are_datasets_never_models(found: Discovery) -> None:
    assert {(d.repo_id, loc.path, loc.line) for d in found.datasets for loc in d.locations} == DATASETS
    assert not {m.repo_id for m in found.models} & {d.repo_id for d in found.datasets}


def test_computed_ids_are_unresolved_with_the_reason(found: Discovery) -> None:
    got = {(u.path, u.line) for u in found.unresolved}
    assert got == {(path, line) for path, line, _ in UNRESOLVED}
    for path, line, reason in UNRESOLVED:
        assert any(u.path == path and u.line == line and reason in u.reason for u in found.unresolved), reason


def test_no_trap_is_ever_reported(found: Discovery) -> None:
    reported = json.dumps(
        [[m.repo_id for m in found.models], [(a.model or "") for a in found.apis],
         [d.repo_id for d in found.models]]
    )
    for trap in TRAPS:
        assert trap not in reported, trap


def test_broken_files_are_warnings_naming_them_and_the_rest_is_read(found: Discovery) -> None:
    assert any(w.startswith("notebooks/broken.ipynb: not a readable notebook") for w in found.warnings)
    assert any(w.startswith("training/legacy_eval.py:3: Python syntax error") for w in found.warnings)
    assert any(w.startswith("notebooks/sdxl.ipynb:19: Python syntax error in a code cell") for w in found.warnings)
    assert len(found.warnings) == 3, found.warnings


def test_how_says_what_was_read(found: Discovery) -> None:
    how = {(m.repo_id, loc.path): loc.how for m in found.models for loc in m.locations}
    assert how[("meta-llama/Llama-3.2-1B", "training/train.py")] == (
        "AutoTokenizer.from_pretrained (via args.model_name_or_path)"  # the first call on the line's id
    )
    adapter = how[("smangrul/llama-3.2-1b-lora-sft", "training/train.py")]
    assert adapter == "PeftModel.from_pretrained (via args.adapter)"
    assert how[("HuggingFaceH4/zephyr-7b-beta", "service/docker-compose.yml")] == "command --model-id"


# -- the CLI and its formats ---------------------------------------------------------------------------------


def test_cli_json_contract(tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    result = CliRunner().invoke(main, ["discover", str(CORPUS / "training"), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert list(doc) == ["schema_version", "tool", "root", "models", "apis", "datasets", "unresolved", "warnings"]
    assert doc["schema_version"] == 1 and doc["tool"]["name"] == "licscan"
    assert doc["root"] == str(CORPUS / "training")
    tiny = next(m for m in doc["models"] if m["repo_id"] == "TinyLlama/TinyLlama-1.1B-Chat-v1.0")
    assert tiny == {
        "repo_id": "TinyLlama/TinyLlama-1.1B-Chat-v1.0",
        "revision": SHA_TINY,
        "locations": [{"path": "scripts/download.sh", "line": 4, "how": "huggingface-cli download"}],
    }
    assert {d["repo_id"] for d in doc["datasets"]} == {r for r, p, _ in DATASETS if p.startswith("training/")}
    assert doc["unresolved"][0] == {
        "path": "configs/hydra.yaml", "line": 4,
        "reason": "config key pretrained_model_name_or_path: interpolated value "
        "${oc.env:BASE_MODEL,meta-llama/Llama-3.1-8B}",
    }
    assert doc["apis"] == []
    assert any("legacy_eval.py:3" in w for w in doc["warnings"])


def test_cli_manifest_is_a_models_txt_the_scanner_reads(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["discover", str(CORPUS / "training"), "--format", "manifest"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    assert f"mistralai/Mistral-7B-v0.1@{SHA_ADAPTER}  # adapter/adapter_config.json:3" in lines
    assert "EleutherAI/pythia-160m  # scripts/download.sh:8, scripts/download.sh:9" in lines
    manifest = tmp_path / "models.txt"
    manifest.write_text(result.stdout)
    from licscan.manifest import read_manifests

    refs, _ = read_manifests([manifest])
    assert {(r.repo_id, r.revision) for r in refs} == {
        (repo, rev) for repo, rev, path, _ in MODELS if path.startswith("training/")
    }


def test_cli_table_and_missing_path() -> None:
    result = CliRunner().invoke(main, ["discover", str(CORPUS / "proxy")])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].split() == ["MODEL", "WHERE"]
    assert "azure-openai  gpt-4o-prod" in result.stdout
    assert result.stdout.rstrip().endswith("1 models, 6 hosted APIs, 0 datasets, 0 unresolved, in 1 files read")
    missing = CliRunner().invoke(main, ["discover", "no/such/dir"])
    assert missing.exit_code == 2 and "no/such/dir: no such file or folder" in missing.stderr


def test_worker_processes_give_the_same_result(found: Discovery) -> None:
    assert discover([CORPUS], workers=2) == found


def test_several_paths_are_relative_to_the_working_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    both = discover([Path("proxy"), Path("webapp")])
    assert both.root == "."
    assert ("Xenova/all-MiniLM-L6-v2", None, "webapp/src/embed.ts", 3) in model_rows(both)
    assert any(loc.path == "proxy/litellm_config.yaml" for a in both.apis for loc in a.locations)


# -- the tree walk and bad input ---------------------------------------------------------------------------


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


LOADER = 'from transformers import AutoModel\nAutoModel.from_pretrained("{}")\n'


def test_outside_git_virtualenvs_node_modules_and_build_output_are_pruned(tmp_path: Path) -> None:
    write(tmp_path / "app.py", LOADER.format("org/kept"))
    write(tmp_path / ".venv" / "lib" / "site.py", LOADER.format("org/in-venv"))
    write(tmp_path / "env2" / "pyvenv.cfg", "home = /usr/bin\n")
    write(tmp_path / "env2" / "lib" / "x.py", LOADER.format("org/in-named-venv"))
    write(tmp_path / "node_modules" / "openai" / "index.js", 'import OpenAI from "openai"; new OpenAI();\n')
    write(tmp_path / "build" / "lib" / "app.py", LOADER.format("org/in-build"))
    write(tmp_path / ".git" / "hooks" / "x.py", LOADER.format("org/in-git"))
    found = discover([tmp_path])
    assert {m.repo_id for m in found.models} == {"org/kept"}
    assert found.apis == ()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_in_a_git_work_tree_gitignore_is_honoured_and_untracked_files_count(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / ".gitignore", "generated/\n*.local.py\n")
    write(tmp_path / "tracked.py", LOADER.format("org/tracked"))
    write(tmp_path / "generated" / "x.py", LOADER.format("org/ignored"))
    write(tmp_path / "scratch.local.py", LOADER.format("org/ignored-too"))
    subprocess.run(["git", "-C", str(tmp_path), "add", "tracked.py", ".gitignore"], check=True)
    write(tmp_path / "untracked.py", LOADER.format("org/untracked"))
    found = discover([tmp_path])
    assert {m.repo_id for m in found.models} == {"org/tracked", "org/untracked"}
    sub = discover([tmp_path / "generated"])  # a subfolder git ignores entirely lists nothing
    assert sub.models == ()


def test_bad_files_are_skipped_with_a_warning_and_never_lose_the_rest(tmp_path: Path) -> None:
    write(tmp_path / "good.py", LOADER.format("org/good"))
    write(tmp_path / "huge.py", "# " + "x" * (5 * 1024 * 1024) + "\n" + LOADER.format("org/huge"))
    write(tmp_path / "binary.py", b"\x00\x01" + LOADER.format("org/binary").encode())
    write(tmp_path / "latin1.py", "# caf\xe9\n".encode("latin-1") + LOADER.format("org/latin1").encode())
    write(tmp_path / "py2.py", 'print "hi"\n' + LOADER.format("org/py2"))
    write(tmp_path / "deep.py", "x = " + "[" * 5000 + "]" * 5000 + "\nfrom_pretrained\n")
    write(tmp_path / "bad.yaml", "model_name_or_path: [unclosed\n")
    write(tmp_path / "train_config.json", '{"base_model_name_or_path": ')
    write(tmp_path / "bad.toml", "model_id = \n")
    write(tmp_path / "nb.ipynb", '{"cells": [')
    big_notebook = {"cells": [{"cell_type": "code", "metadata": {}, "execution_count": 1,
                               "source": ["from transformers import AutoModel\n",
                                          'AutoModel.from_pretrained("org/in-a-big-notebook")'],
                               "outputs": [{"output_type": "display_data", "metadata": {},
                                            "data": {"image/png": "A" * (6 * 1024 * 1024)}}]}],
                    "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    write(tmp_path / "big.ipynb", json.dumps(big_notebook))  # 6 MB of outputs: its code is still read
    os.symlink("loop-b.py", tmp_path / "loop-a.py")
    os.symlink("loop-a.py", tmp_path / "loop-b.py")
    os.symlink(".", tmp_path / "self")
    locked = write(tmp_path / "locked.py", LOADER.format("org/locked"))
    locked.chmod(0)
    try:
        found = discover([tmp_path])
    finally:
        locked.chmod(0o644)
    readable = {"org/locked"} if os.geteuid() == 0 else set()  # root reads a file whatever its mode
    assert {m.repo_id for m in found.models} == {"org/good", "org/in-a-big-notebook", *readable}
    warnings = "\n".join(found.warnings)
    assert any(w.startswith("huge.py: ") and w.endswith("over the 5 MB limit; skipped") for w in found.warnings)
    for expected in (
        "bytes, over the 5 MB limit; skipped",
        "binary.py: binary file; skipped",
        "latin1.py: not UTF-8 text",
        "py2.py:1: Python syntax error",
        "deep.py:",
        "bad.yaml:2: invalid YAML",
        "train_config.json: invalid JSON",
        "bad.toml: invalid TOML",
        "nb.ipynb: not a readable notebook",
        "loop-a.py: symlink loop; skipped",
        "loop-b.py: symlink loop; skipped",
        "self: symlink loop",
    ):
        assert expected in warnings, expected
    if os.geteuid() != 0:  # root reads any file
        assert "locked.py: cannot read" in warnings


def test_gguf_header_names_the_base_model(tmp_path: Path) -> None:
    gguf = pytest.importorskip("gguf")
    path = tmp_path / "models" / "support-q4.gguf"
    path.parent.mkdir()
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_string("general.name", "Support Bot Q4")
    writer.add_string("general.license", "llama3.1")
    writer.add_uint32("general.base_model.count", 1)
    writer.add_string("general.base_model.0.repo_url", "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    anonymous = tmp_path / "models" / "anon.gguf"
    writer = gguf.GGUFWriter(str(anonymous), "llama")
    writer.add_string("general.license", "apache-2.0")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    write(tmp_path / "models" / "lfs.gguf", "version https://git-lfs.github.com/spec/v1\noid sha256:abc\n")
    found = discover([tmp_path])
    assert model_rows(found) == {("meta-llama/Llama-3.1-8B-Instruct", None, "models/support-q4.gguf", 1)}
    assert found.models[0].locations[0].how == (
        "GGUF header general.base_model.0.repo_url (general.license: llama3.1)"
    )
    assert [(u.path, u.reason) for u in found.unresolved] == [
        ("models/anon.gguf", "GGUF weights name no Hub repo in the header, general.license 'apache-2.0'")
    ]
    assert found.warnings == ("models/lfs.gguf: not a GGUF file (a Git LFS pointer?); skipped",)
