"""The readers one by one: each rule with what it must find, and what it must not (the "what else would match")."""

from __future__ import annotations

import textwrap

import pytest

from licscan.discover.configs import analyse_json, analyse_toml, analyse_yaml
from licscan.discover.hubids import hub_id, hub_url_repo
from licscan.discover.javascript import analyse_javascript, strip_comments
from licscan.discover.model import FileFindings
from licscan.discover.modelfile import analyse_modelfile
from licscan.discover.providers import endpoint_provider, env_provider, model_provider, serving
from licscan.discover.python import analyse_python
from licscan.discover.shell import analyse_dockerfile, analyse_shell


def py(source: str) -> FileFindings:
    return analyse_python(textwrap.dedent(source), "x.py")


def models(found: FileFindings) -> set[tuple[str, str | None, int]]:
    return {(m.repo_id, m.revision, m.location.line) for m in found.models}


def apis(found: FileFindings) -> set[tuple[str, str | None, str]]:
    return {(a.provider, a.model, a.serving) for a in found.apis}


# -- Hub ids -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "bare_ok", "expected"),
    [
        ("meta-llama/Llama-3.1-8B", False, "meta-llama/Llama-3.1-8B"),
        ("gpt2", True, "gpt2"),
        ("gpt2", False, None),  # a bare word is a repo only where the API resolves it on the Hub
        ("./ckpt", True, None),
        ("/models/llama", True, None),
        ("~/models/x", True, None),
        ("out/model.safetensors", True, None),
        ("a/b/c", True, None),
        ("C:\\models\\x", True, None),
        ("s3://bucket/model", True, None),
        ("${MODEL}", True, None),
        ("<org>/<name>", True, None),
        ("vllm/vllm-openai:latest", False, None),  # an image with a tag
        ("https://huggingface.co/org/name/tree/main", False, "org/name"),
        ("https://huggingface.co/datasets/org/name", False, None),
        ("2024", True, None),
    ],
)
def test_hub_id(value: str, bare_ok: bool, expected: str | None) -> None:
    assert hub_id(value, bare_ok=bare_ok) == expected


def test_hub_urls() -> None:
    assert hub_url_repo("https://huggingface.co/org/x/resolve/v1.0/model.gguf") == ("org/x", "v1.0", "model")
    assert hub_url_repo("hf.co/datasets/org/d") == ("org/d", None, "dataset")
    assert hub_url_repo("https://huggingface.co/docs/transformers") is None
    assert hub_url_repo("https://example.com/org/x") is None


# -- providers -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "provider", "private"),
    [
        ("https://api.groq.com/openai/v1", "groq", False),
        ("https://contoso.openai.azure.com/", "azure-openai", False),
        ("https://api.together.xyz/v1", "together", False),
        ("https://openrouter.ai/api/v1", "openrouter", False),
        ("https://api.deepseek.com", "deepseek", False),
        ("https://generativelanguage.googleapis.com/v1beta/openai/", "google-gemini", False),
        ("https://us-central1-aiplatform.googleapis.com", "google-vertex", False),
        ("https://bedrock-runtime.us-east-1.amazonaws.com", "aws-bedrock", False),
        ("https://router.huggingface.co/v1", "huggingface-inference", False),
        ("https://xyz.us-east-1.aws.endpoints.huggingface.cloud", "huggingface-inference", False),
        ("http://localhost:11434/v1", "ollama", True),
        ("http://127.0.0.1:1234/v1", "lm-studio", True),
        ("http://localhost:8000/v1", "openai-compatible", True),  # every dev server's port: names nothing
        ("http://0.0.0.0:8080", "openai-compatible", True),
        ("http://vllm-coder:8000/v1", "vllm", True),  # a compose service
        ("http://ollama:11434", "ollama", True),
        ("http://10.0.3.7:9000/v1", "openai-compatible", True),
        ("https://llm-gateway.example.com/v1", "openai-compatible", False),
    ],
)
def test_endpoint_decides_the_provider(url: str, provider: str, private: bool) -> None:
    found = endpoint_provider(url)
    assert (found.provider, found.private) == (provider, private)


def test_env_names_and_model_ids() -> None:
    assert env_provider("GROQ_BASE_URL") == "groq"
    assert env_provider("AZURE_OPENAI_ENDPOINT") == "azure-openai"
    assert env_provider("OPENAI_BASE_URL") is None  # generic: the endpoint is configurable, not named
    assert model_provider("gpt-4o") == "openai"
    assert model_provider("claude-2.1") == "anthropic"  # retired: the regex family answers
    assert model_provider("gemini-1.0-pro") == "google-gemini"
    assert model_provider("grok-2") == "xai"
    assert model_provider("my-finetune") is None
    assert serving("groq", "llama-3.1-8b-instant") == "hosted-open-weights"
    assert serving("aws-bedrock", "anthropic.claude-3-haiku-20240307-v1:0") == "closed-api"
    assert serving("openai", "gpt-4o") == "closed-api"
    assert serving("ollama", None) == "self-hosted"
    assert serving("ollama", "gpt-oss:120b-cloud") == "hosted-open-weights"
    assert serving("openai-compatible", "gpt-4o", private=True) == "self-hosted"


# -- Python -------------------------------------------------------------------------------------------------


def test_python_resolution_forms() -> None:
    found = py(
        """
        import os
        import click
        import typer
        from transformers import AutoModel
        ORG = "acme"
        SIZES = {"small": "acme/s", "large": "acme/l"}
        PAIRS = [("acme/p1", "v1"), ("acme/p2", "v2")]
        AutoModel.from_pretrained(f"{ORG}/fstring")
        AutoModel.from_pretrained(ORG + "/concat")
        AutoModel.from_pretrained(SIZES["small"])
        for name, tag in PAIRS:
            AutoModel.from_pretrained(name)
        for i, m in enumerate(["acme/e1"]):
            AutoModel.from_pretrained(m)
        AutoModel.from_pretrained(os.getenv("MODEL", "acme/env-default"))

        @click.command()
        @click.option("--model-name", default="acme/click")
        def cli(model_name):
            AutoModel.from_pretrained(model_name)

        def typed(model: str = typer.Option("acme/typer")):
            AutoModel.from_pretrained(model)

        def plain(model):
            AutoModel.from_pretrained(model)

        from .settings import BASE_MODEL
        AutoModel.from_pretrained(BASE_MODEL)
        """
    )
    assert {m[0] for m in models(found)} == {
        "acme/fstring", "acme/concat", "acme/s", "acme/p1", "acme/p2", "acme/e1", "acme/env-default", "acme/click",
        "acme/typer",
    }
    assert [u.reason for u in found.unresolved] == [
        "AutoModel.from_pretrained: function parameter model",
        "AutoModel.from_pretrained: BASE_MODEL is imported from .settings",
    ]


def test_python_non_uses() -> None:
    found = py(
        '''
        """Use AutoModel.from_pretrained("doc/string").

        >>> pipeline("text-generation", model="doc/test")
        """
        import boto3
        from sklearn.pipeline import Pipeline
        from transformers import AutoModel, pipeline
        from mylib import LLM, pipeline as make_pipeline
        # AutoModel.from_pretrained("comment/model")
        TEXT = 'AutoModel.from_pretrained("string/mention")'
        UNUSED = "constant/never-loaded"
        Pipeline([("scale", None)])
        make_pipeline("text-generation", model="not-transformers/pipeline")
        LLM(model="not-vllm/model")
        boto3.client("s3")
        boto3.client("bedrock")  # the control plane lists models; it runs none
        AutoModel.from_pretrained("./local/dir")
        AutoModel.from_pretrained("/abs/path")
        AutoModel.from_pretrained("path_to_llama_7b")  # a bare word outside the legacy root repos: a folder
        AutoModel.from_pretrained(checkpoint_dir / "unwrapped_model")  # pathlib: a path, not even unresolved
        AutoModel.from_pretrained(Path(__file__).parent / "tiny")
        AutoModel.from_pretrained(os.path.join(root, "model"))
        pipeline("text-generation", model=AutoModel.from_pretrained("./ckpt"))  # an object, not an id
        '''
    )
    assert found == FileFindings()


def test_python_registries_and_wrapper_functions() -> None:
    found = py(
        """
        from dataclasses import dataclass
        from langchain.chat_models import init_chat_model
        from transformers import AutoModel

        @dataclass
        class ModelConfig:
            id: str
            name: str

        MODELS = {"fast": ModelConfig(id="openai:gpt-4o-mini", name="Fast"),
                  "smart": ModelConfig(id="anthropic:claude-3-5-sonnet-latest", name="Smart")}
        DEFAULT = MODELS["fast"]
        FALLBACKS = [MODELS["smart"]]
        primary = init_chat_model(model=DEFAULT.id)
        backups = [init_chat_model(model=f.id) for f in FALLBACKS]

        def load(name, dtype="auto"):
            return AutoModel.from_pretrained(name, torch_dtype=dtype)

        class Loader:
            def get(self, repo):
                return load(repo)

        load("acme/wrapped")
        Loader().get("acme/method")
        """
    )
    assert apis(found) == {("openai", "gpt-4o-mini", "closed-api"), ("anthropic", "claude-3-5-sonnet-latest",
                                                                    "closed-api")}
    assert {m[0] for m in models(found)} == {"acme/wrapped", "acme/method"}
    assert found.unresolved == ()


def test_python_loaders() -> None:
    found = py(
        """
        from huggingface_hub import InferenceClient, hf_hub_download, snapshot_download
        from llama_cpp import Llama
        from vllm import LLM
        from datasets import load_dataset
        hf_hub_download(repo_id="acme/gguf", filename="m.gguf", revision="v2")
        snapshot_download("acme/data", repo_type="dataset")
        snapshot_download("acme/space", repo_type="space")
        Llama.from_pretrained(repo_id="acme/llama-gguf", filename="*q4.gguf")
        llm = LLM(model="acme/served", tokenizer="acme/tok")
        load_dataset("csv", data_files="x.csv")
        load_dataset("squad")
        client = InferenceClient(model="acme/hosted", provider="together")
        """
    )
    assert models(found) == {("acme/gguf", "v2", 6), ("acme/llama-gguf", None, 9), ("acme/served", None, 10),
                             ("acme/tok", None, 10), ("acme/hosted", None, 13)}
    assert {(d.repo_id, d.location.line) for d in found.datasets} == {("acme/data", 7), ("squad", 12)}
    assert apis(found) == {("together", "acme/hosted", "hosted-open-weights")}


def test_python_clients_endpoint_first() -> None:
    found = py(
        """
        import os
        import openai
        from anthropic import AnthropicBedrock
        from google import genai
        from openai import AzureOpenAI, OpenAI
        groq = OpenAI(api_key=os.environ["GROQ_API_KEY"], base_url=os.environ["GROQ_BASE_URL"])
        groq.chat.completions.create(model="llama-3.3-70b-versatile")
        gateway = OpenAI(base_url=os.environ["OPENAI_BASE_URL"])
        azure = AzureOpenAI(azure_endpoint="https://contoso.openai.azure.com")
        azure.chat.completions.create(model="gpt-4o-deploy")
        AnthropicBedrock().messages.create(model="anthropic.claude-3-5-sonnet-20240620-v1:0")
        genai.Client(vertexai=True, project="p").models.generate_content(model="gemini-2.0-flash")

        class Bot:
            def __init__(self):
                self.client = OpenAI(base_url="http://localhost:8000/v1")

            def ask(self):
                return self.client.chat.completions.create(model="Qwen/Qwen2.5-7B-Instruct")

        openai.base_url = "https://api.deepseek.com"
        openai.chat.completions.create(model="deepseek-chat")

        from ollama import chat, embed
        chat("gemma3", messages=[])
        embed(model="nomic-embed-text", input="x")
        """
    )
    assert apis(found) == {
        ("groq", "llama-3.3-70b-versatile", "hosted-open-weights"),
        ("openai-compatible", None, "closed-api"),  # endpoint from a generic variable: not named, fail closed
        ("azure-openai", "gpt-4o-deploy", "closed-api"),
        ("aws-bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0", "closed-api"),
        ("google-vertex", "gemini-2.0-flash", "closed-api"),
        ("openai-compatible", "Qwen/Qwen2.5-7B-Instruct", "self-hosted"),
        ("deepseek", "deepseek-chat", "hosted-open-weights"),
        ("ollama", "gemma3", "self-hosted"),
        ("ollama", "nomic-embed-text", "self-hosted"),
    }
    assert models(found) == {("Qwen/Qwen2.5-7B-Instruct", None, 20)}  # served by the team's vLLM: its licence binds


def test_python_wrappers() -> None:
    found = py(
        """
        import dspy
        import litellm
        from langchain.chat_models import init_chat_model
        from langchain_aws import ChatBedrockConverse
        from langchain_groq import ChatGroq
        from langchain_openai import ChatOpenAI
        from llama_index.llms.anthropic import Anthropic
        from pydantic_ai import Agent
        init_chat_model("gpt-4o", model_provider="openai")
        init_chat_model("claude-3-opus-20240229")
        ChatOpenAI(model="mixtral-8x7b", base_url="https://api.together.xyz/v1")
        ChatGroq(model="llama3-70b-8192")
        ChatBedrockConverse(model_id="mistral.mistral-large-2407-v1:0")
        Anthropic(model="claude-3-haiku-20240307")
        Agent("google-gla:gemini-1.5-flash")
        dspy.LM("ollama_chat/llama3.2", api_base="http://localhost:11434")
        litellm.completion(model="command-r-plus")
        """
    )
    assert apis(found) == {
        ("openai", "gpt-4o", "closed-api"),
        ("anthropic", "claude-3-opus-20240229", "closed-api"),
        ("together", "mixtral-8x7b", "hosted-open-weights"),
        ("groq", "llama3-70b-8192", "hosted-open-weights"),
        ("aws-bedrock", "mistral.mistral-large-2407-v1:0", "closed-api"),
        ("anthropic", "claude-3-haiku-20240307", "closed-api"),
        ("google-gemini", "gemini-1.5-flash", "closed-api"),
        ("ollama", "llama3.2", "self-hosted"),
        ("cohere", "command-r-plus", "closed-api"),
    }


# -- configs, shell, Modelfiles, JavaScript --------------------------------------------------------------------


def test_config_keys() -> None:
    found = analyse_yaml(
        textwrap.dedent(
            """
            model: resnet50
            encoder: {model_name: openai/clip-vit-base-patch32}
            judge: {model: openai/gpt-4o}
            teacher_model: ${teacher}
            hub_model_id: acme/pushed
            image: vllm/vllm-openai:latest
            tokenizer_name: bert-base-cased
            dataset_mixture:
              datasets:
                - id: HuggingFaceH4/ultrafeedback_binarized
                  split: train_prefs
            """
        ),
        "c.yaml",
    )
    assert models(found) == {("openai/clip-vit-base-patch32", None, 3), ("bert-base-cased", None, 8)}
    assert apis(found) == {("openai", "gpt-4o", "closed-api")}
    assert [u.line for u in found.unresolved] == [5]
    assert {(d.repo_id, d.location.line) for d in found.datasets} == {("HuggingFaceH4/ultrafeedback_binarized", 11)}
    assert models(analyse_json('{\n  "a": 1,\n  "_name_or_path": "acme/base"\n}', "config.json")) == {
        ("acme/base", None, 3)}
    from licscan.discover.configs import skip_json

    assert [skip_json(p) for p in ("adapter_config.json", "configs/train.json", "model_index.json",
                                   "src/models.json", "data/responses.json", "tests/golden/scan.json",
                                   "package.json", "record.json")] == [False, False, False, False, True, True,
                                                                        True, True]
    hub = analyse_yaml("repo_id: mistralai/Codestral-22B-v0.1\nmodel: openai/gpt-4o-mini\n", "c.yaml")
    assert models(hub) == {("mistralai/Codestral-22B-v0.1", None, 1)}
    assert apis(hub) == {("openai", "gpt-4o-mini", "closed-api")}
    assert models(analyse_toml('[tool.x]\nbase_model = "acme/toml"\n', "p.toml")) == {("acme/toml", None, 2)}


def test_shell_and_docker() -> None:
    found = analyse_shell(
        textwrap.dedent(
            """\
            docker run --gpus all -p 8000:8000 vllm/vllm-openai:latest --model acme/served --served-model-name chat
            vllm serve acme/positional --port 8000 && echo up
            llama-server -hf acme/gguf:Q4_K_M
            git clone https://huggingface.co/acme/cloned
            echo "--model acme/echoed"
            python train.py --model resnet50
            """
        ),
        "run.sh",
    )
    assert models(found) == {("acme/served", None, 1), ("acme/positional", None, 2), ("acme/gguf", None, 3),
                             ("acme/cloned", None, 4)}
    docker = analyse_dockerfile(
        'FROM ghcr.io/huggingface/text-generation-inference:2.4\nENV MODEL_ID=acme/tgi\nARG REV\n'
        'RUN huggingface-cli download acme/x --revision $REV\n',
        "Dockerfile",
    )
    # TGI reads MODEL_ID; the download's model is literal (only its revision is an ARG without default).
    assert models(docker) == {("acme/tgi", None, 2), ("acme/x", None, 4)}
    assert docker.unresolved == ()


def test_modelfile_and_javascript() -> None:
    modelfile = analyse_modelfile("FROM ./weights/model.gguf\nADAPTER ./lora\n", "Modelfile")
    assert modelfile == FileFindings()
    source = 'const u = "https://api.groq.com/v1"; // new OpenAI({ model: "x" })\n/* openai("gpt-3.5") */\n'
    assert strip_comments(source).startswith('const u = "https://api.groq.com/v1";')
    assert "gpt-3.5" not in strip_comments(source)
    found = analyse_javascript(
        textwrap.dedent(
            """\
            import Groq from "groq-sdk";
            import { HfInference } from "@huggingface/inference";
            const groq = new Groq();
            const hf = new HfInference(process.env.HF_TOKEN);
            await groq.chat.completions.create({ model: "llama-3.1-8b-instant", messages });
            await hf.textGeneration({ model: "acme/hosted-js", inputs: "hi" });
            const notAClient = { model: "not/a-use" };
            """
        ) + textwrap.dedent(
            """            import { gateway } from "@ai-sdk/gateway";
            const title = gateway.languageModel("google/gemini-2.5-flash-lite");
            """
        ),
        "app.ts",
    )
    assert apis(found) == {("groq", "llama-3.1-8b-instant", "hosted-open-weights"),
                           ("huggingface-inference", "acme/hosted-js", "hosted-open-weights"),
                           ("google-gemini", "gemini-2.5-flash-lite", "closed-api")}
    assert models(found) == {("acme/hosted-js", None, 6)}
