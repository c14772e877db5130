"""Hosted-API uses on the openness spectrum: lock-in from discovery, the policy's apis: section, the gate."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_action import POLICY as ACTION_POLICY
from test_action import Runner, command_lines, git, run_gate, runner, snapshot  # noqa: F401 - fixtures

from licscan.cli import main
from licscan.discover.engine import discover
from licscan.openness.apis import assess

CORPUS = Path(__file__).resolve().parent / "fixtures" / "discover"


def test_lock_in_of_every_use_in_the_discovery_corpus() -> None:
    """Discovery's client names drive the reading; this table breaks when either side changes."""
    uses = assess(discover([CORPUS]).apis)
    found = {(r.api.provider, r.api.model): (r.lock_in.level, r.data_leaves_premises) for r in uses}
    assert found == {
        ("anthropic", "claude-3-5-haiku-20241022"): ("medium", True),  # LangChain ChatAnthropic
        ("anthropic", "claude-3-5-haiku-latest"): ("low", True),  # Pydantic AI provider:model
        ("anthropic", "claude-3-5-sonnet-20241022"): ("high", True),  # the Anthropic SDK (and a LiteLLM proxy)
        ("anthropic", "claude-3-5-sonnet-latest"): ("low", True),  # the Vercel AI SDK
        ("anthropic", "claude-3-opus-20240229"): ("high", True),  # new Anthropic() in TypeScript
        ("aws-bedrock", "anthropic.claude-3-haiku-20240307-v1:0"): ("low", True),  # LiteLLM proxy
        ("aws-bedrock", "meta.llama3-1-70b-instruct-v1:0"): ("high", True),  # boto3 bedrock-runtime converse
        ("azure-openai", "gpt-4o-prod"): ("low", True),
        ("google-gemini", "gemini-1.5-flash"): ("low", True),  # init_chat_model
        ("groq", "llama-3.1-70b-versatile"): ("medium", True),  # OpenAI client, endpoint written in the code
        ("groq", "llama-3.3-70b-versatile"): ("medium", True),
        ("mistral", "mistral-large-latest"): ("low", True),  # litellm.completion
        ("ollama", "hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M"): ("low", False),
        ("ollama", "llama3.1:8b"): ("low", False),
        ("ollama", "llama3.2"): ("low", False),
        ("ollama", "qwen2.5:0.5b"): ("low", False),
        ("ollama", "qwen2.5:7b"): ("low", False),
        ("openai", "gpt-4o"): ("medium", True),
        ("openai", "gpt-4o-mini"): ("medium", True),
        ("together", "meta-llama/Llama-3-70b-chat-hf"): ("low", True),
        ("vllm", None): ("low", False),
        ("vllm", "Qwen/Qwen2.5-7B-Instruct"): ("low", False),
        ("vllm", "Qwen/Qwen2.5-Coder-7B-Instruct"): ("low", False),
    }


APP = """\
import os
from openai import OpenAI
import anthropic

portable = OpenAI(base_url=os.environ["LLM_BASE_URL"])
portable.chat.completions.create(model="gpt-4o", messages=[])

assistants = OpenAI()
assistants.beta.assistants.create(model="gpt-4-turbo", name="helper")

claude = anthropic.Anthropic()
claude.messages.create(model="claude-3-5-sonnet-latest", max_tokens=64, messages=[])
"""
ADDED = """\
from openai import OpenAI

deepseek = OpenAI(base_url="https://api.deepseek.com")
deepseek.chat.completions.create(model="deepseek-chat", messages=[])
"""
POLICY = """\
version: 1
apis:
  default: review
  providers: {openai: allow, deepseek: deny}
  serving: {closed-api: review, hosted-open-weights: allow, self-hosted: allow}
"""


@pytest.fixture
def project(fake_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LICSCAN_CACHE_DIR", str(tmp_path / "cache"))
    Path("models.txt").write_text("microsoft/phi-2\n", encoding="utf-8")
    Path("licscan.policy.yaml").write_text(POLICY, encoding="utf-8")
    Path("src").mkdir()
    Path("src/app.py").write_text(APP, encoding="utf-8")
    return tmp_path


def scan_json(*args: str) -> tuple[int, dict[str, Any], str]:
    done = CliRunner().invoke(main, ["scan", "models.txt", "--discover", "src", "--format", "json", *args])
    return done.exit_code, json.loads(done.stdout), done.stderr


def by_provider(doc: dict[str, Any]) -> dict[tuple[str, str | None], dict[str, Any]]:
    return {(a["provider"], a["model"]): a for a in doc["apis"]}


def test_api_uses_get_lock_in_data_handling_and_verdicts(project: Path) -> None:
    code, doc, stderr = scan_json()
    assert code == 0, stderr  # review is below --fail-on deny
    apis = by_provider(doc)
    assert {k: (a["lock_in"]["level"], a["verdict"]) for k, a in apis.items()} == {
        ("openai-compatible", "gpt-4o"): ("low", "review"),  # no provider rule: serving closed-api decides
        ("openai", "gpt-4-turbo"): ("high", "allow"),  # Assistants: vendor-only, but OpenAI is allowed
        ("anthropic", "claude-3-5-sonnet-latest"): ("high", "review"),
    }
    assistants = apis[("openai", "gpt-4-turbo")]
    assert assistants["lock_in"] == {
        "level": "high",
        "reason": "OpenAI's Assistants API (assistants and threads): a vendor-only feature with no portable "
        "equivalent (OpenAI().beta.assistants.create(model=))",
        "path": "src/app.py",
        "line": 9,
    }
    assert assistants["data_leaves_premises"] is True
    assert assistants["reasons"][0]["rule"] == "provider:openai"
    assert assistants["reasons"][0]["message"].startswith(
        "openai gpt-4-turbo (closed-api): the policy allows provider openai (apis.providers). Lock-in high: "
    )
    assert apis[("openai-compatible", "gpt-4o")]["reasons"][0]["rule"] == "serving:closed-api"
    assert doc["summary"]["by_openness"] == {
        "closed-api": 3,
        "hosted-open-weights": 0,
        "self-hosted": 0,
        "unknown": 0,
        "restricted-weights": 0,
        "open-weights": 0,
        "open-model": 0,
    } | {"open-weights": 1}  # phi-2: MIT, transformers; no model-index, no datasets
    code, _, _ = scan_json("--fail-on", "review")
    assert code == 1


def test_a_denied_provider_fails_the_gate_and_sarif_points_at_its_line(project: Path) -> None:
    Path("src/chat.py").write_text(ADDED, encoding="utf-8")
    code, doc, _ = scan_json()
    assert code == 1
    deepseek = by_provider(doc)[("deepseek", "deepseek-chat")]
    assert (deepseek["verdict"], deepseek["serving"]) == ("deny", "hosted-open-weights")
    assert deepseek["reasons"][0]["rule"] == "provider:deepseek"  # the provider rule beats serving's allow
    done = CliRunner().invoke(main, ["scan", "models.txt", "--discover", "src", "--format", "sarif"])
    results = json.loads(done.stdout)["runs"][0]["results"]
    api = [r for r in results if r["ruleId"] == "api/deny"]
    assert len(api) == 1
    location = api[0]["locations"][0]["physicalLocation"]
    assert (location["artifactLocation"]["uri"], location["region"]["startLine"]) == ("src/chat.py", 4)
    assert api[0]["level"] == "error"


def test_only_api_uses_the_change_adds_fail_against_a_baseline(project: Path) -> None:
    Path("src/chat.py").write_text(ADDED, encoding="utf-8")
    assert CliRunner().invoke(main, ["scan", "models.txt", "--discover", "src", "--format", "json",
                                     "-o", "with.json"]).exit_code == 1
    # The base already used DeepSeek: it is unchanged, and the gate stays quiet about it.
    code, doc, _ = scan_json("--baseline", "with.json")
    assert code == 0
    assert {a["change"] for a in doc["apis"]} == {"unchanged"}
    # A base without it: the pull request adds it, and the gate fails.
    Path("src/chat.py").unlink()
    assert CliRunner().invoke(main, ["scan", "models.txt", "--discover", "src", "--format", "json",
                                     "-o", "without.json"]).exit_code == 0
    Path("src/chat.py").write_text(ADDED, encoding="utf-8")
    code, doc, _ = scan_json("--baseline", "without.json")
    assert code == 1
    assert by_provider(doc)[("deepseek", "deepseek-chat")]["change"] == "added"
    assert by_provider(doc)[("anthropic", "claude-3-5-sonnet-latest")]["change"] == "unchanged"


def test_without_an_apis_section_no_use_is_judged(project: Path) -> None:
    Path("licscan.policy.yaml").write_text("version: 1\n", encoding="utf-8")
    Path("src/chat.py").write_text(ADDED, encoding="utf-8")
    code, doc, _ = scan_json()
    assert code == 0  # the denied-provider use of the test above passes: no rule judges it
    assert {a["verdict"] for a in doc["apis"]} == {None}
    assert {a["reasons"] == [] for a in doc["apis"]} == {True}
    assert all(a["lock_in"]["level"] in ("low", "medium", "high") for a in doc["apis"])


# -- the Action: only the API uses a pull request adds fail, annotated at their line ---------------------------


BASE_CODE = """\
import anthropic

client = anthropic.Anthropic()
client.messages.create(model="claude-3-5-sonnet-latest", max_tokens=64, messages=[])
"""


@pytest.fixture
def api_repo(runner: Runner) -> Runner:  # noqa: F811 - the fixture imported above
    """main holds code calling Anthropic and a policy with an apis: section denying DeepSeek."""
    git(runner.repo, "checkout", "-q", "main")
    policy = ACTION_POLICY + "apis:\n  default: review\n  providers: {anthropic: allow, deepseek: deny}\n"
    runner.commit_head({"src/app.py": BASE_CODE, "licscan.policy.yaml": policy})
    git(runner.repo, "checkout", "-q", "-B", "feature")
    runner.env("INPUT_DISCOVER", "src")
    return runner


def test_the_action_fails_a_pr_that_adds_a_denied_provider_at_its_line(
    api_repo: Runner, capsys: pytest.CaptureFixture[str]
) -> None:
    api_repo.commit_head({"src/chat.py": ADDED})
    code, out = run_gate(capsys)
    assert code == 1, out
    errors = command_lines(out)
    assert len(errors) == 1, out
    assert errors[0].startswith(
        "::error file=src/chat.py,line=4,title=licscan%3A hosted API deepseek deepseek-chat fails the gate::"
        "deepseek deepseek-chat (hosted-open-weights): deny under the policy. deepseek deepseek-chat "
        "(hosted-open-weights): the policy denies provider deepseek (apis.providers)."
    )
    outputs = api_repo.outputs()
    assert outputs["violations"] == "0"  # no model fails
    assert json.loads(outputs["api-violations"]) == [
        {
            "provider": "deepseek",
            "model": "deepseek-chat",
            "serving": "hosted-open-weights",
            "path": "src/chat.py",
            "line": 4,
            "change": "added",
            "verdict": "deny",
            "lock_in": "medium",
            "reason": json.loads(outputs["api-violations"])[0]["reason"],
        }
    ]
    summary = Path(os.environ["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert "1 hosted-API use(s) the policy does not allow" in summary


def test_the_action_stays_quiet_about_api_uses_the_base_already_has(
    api_repo: Runner, capsys: pytest.CaptureFixture[str]
) -> None:
    api_repo.commit_head({"src/chat.py": ADDED})
    git(api_repo.repo, "checkout", "-q", "main")
    git(api_repo.repo, "merge", "-q", "feature")
    git(api_repo.repo, "checkout", "-q", "-B", "feature2")
    api_repo.commit_head({"README.md": "docs\n"})
    code, out = run_gate(capsys)
    assert code == 0, out
    assert command_lines(out) == []
    assert api_repo.outputs()["api-violations"] == "[]"
