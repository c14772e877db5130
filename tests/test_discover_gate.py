"""``licscan scan MANIFEST --discover PATH`` through the real huggingface_hub client against the fake Hub.

A pull request that loads ``black-forest-labs/FLUX.1-dev`` in code without
touching ``models.txt`` must fail a gate that denies non-commercial models,
with the finding located at the line of code that loads it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from licscan.cli import main

POLICY = """\
version: 1
context: {use: commercial, monthly_active_users: 1000, regions: [US], distribution: hosted}
classes: {permissive: allow, open-weights-restricted: review, non-commercial: deny}
obligations:
  accepted: [attribution, notice, naming, acceptable-use, state-changes, pass-through]
"""

APP = """\
import os

from diffusers import DiffusionPipeline
from openai import OpenAI
from transformers import AutoModelForCausalLM
from datasets import load_dataset

client = OpenAI(base_url="https://api.groq.com/openai/v1")
llm = AutoModelForCausalLM.from_pretrained("mistralai/Mistral-7B-v0.1")
image = DiffusionPipeline.from_pretrained("black-forest-labs/FLUX.1-dev")
helper = AutoModelForCausalLM.from_pretrained("microsoft/phi-2")
reply = client.chat.completions.create(model="llama-3.1-8b-instant", messages=[])
faq = load_dataset("rajpurkar/squad", revision="main")
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(APP, encoding="utf-8")
    (tmp_path / "models.txt").write_text("mistralai/Mistral-7B-v0.1\n", encoding="utf-8")
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan(*args: str) -> Any:
    return CliRunner().invoke(main, ["scan", "models.txt", "--no-cache", "--policy", "policy.yaml", *args])


def test_an_unlisted_denied_model_fails_the_gate_at_its_code_line(fake_hub: Any, project: Path) -> None:
    result = scan("--discover", "src", "--format", "json", "-o", "scan.json")
    assert result.exit_code == 1, result.output
    doc = json.loads((project / "scan.json").read_text())
    rows = [(m["repo_id"], m["manifest"], m["verdict"], [f["code"] for f in m["findings"]]) for m in doc["models"]]
    assert rows == [
        ("mistralai/Mistral-7B-v0.1", {"path": "models.txt", "line": 1}, "allow", []),
        ("black-forest-labs/FLUX.1-dev", {"path": "src/app.py", "line": 10}, "deny", ["unlisted-model"]),
        ("microsoft/phi-2", {"path": "src/app.py", "line": 11}, "allow", ["unlisted-model"]),
    ]
    flux = doc["models"][1]
    assert flux["findings"][0] == {
        "code": "unlisted-model",
        "severity": "error",
        "message": "black-forest-labs/FLUX.1-dev is loaded at src/app.py:10 (DiffusionPipeline.from_pretrained) "
        "but no manifest lists it; add it to the manifest (`licscan discover PATH --format manifest` prints the "
        "lines)",
    }
    assert flux["class"] == "non-commercial"
    # Discovery's fields, as `licscan discover` writes them; the openness fields that follow are tested in
    # test_openness_apis.py (fields are only ever added to the document).
    assert [{k: a[k] for k in ("provider", "model", "serving", "locations")} for a in doc["apis"]] == [
        {"provider": "groq", "model": "llama-3.1-8b-instant", "serving": "hosted-open-weights",
         "locations": [{"path": "src/app.py", "line": 12,
                        "how": "OpenAI(endpoint https://api.groq.com/openai/v1).create(model=)"}]}
    ]
    assert [(a["lock_in"]["level"], a["verdict"]) for a in doc["apis"]] == [("medium", None)]
    # The datasets the code loads are scanned like listed ones (issue 14): a model's fields, plus locations.
    (squad,) = doc["datasets"]
    assert (squad["repo_id"], squad["requested_revision"], squad["manifest"]) == (
        "rajpurkar/squad", "main", {"path": "src/app.py", "line": 13}
    )
    assert squad["locations"] == [{"path": "src/app.py", "line": 13, "how": "load_dataset"}]
    assert [f["code"] for f in squad["findings"]] == ["unlisted-dataset", "not-found"]  # no such fixture
    assert squad["findings"][0]["message"].startswith(
        "datasets/rajpurkar/squad@main is loaded at src/app.py:13 (load_dataset) but no manifest lists it"
    )
    assert doc["schema_version"] == 1


def test_sarif_points_at_the_code_that_loads_the_model(fake_hub: Any, project: Path) -> None:
    result = scan("--discover", "src", "--format", "sarif", "-o", "out.sarif")
    assert result.exit_code == 1, result.output
    sarif = json.loads((project / "out.sarif").read_text())
    unlisted = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "unlisted-model"]
    assert [(r["properties"]["model"], r["level"], r["locations"][0]["physicalLocation"]) for r in unlisted] == [
        ("black-forest-labs/FLUX.1-dev", "error",
         {"artifactLocation": {"uri": "src/app.py"}, "region": {"startLine": 10}}),
        ("microsoft/phi-2", "error", {"artifactLocation": {"uri": "src/app.py"}, "region": {"startLine": 11}}),
    ]


def test_listed_models_pass_and_without_discover_nothing_changes(fake_hub: Any, project: Path) -> None:
    fake_hub.add_repo({"type": "dataset", "id": "rajpurkar/squad", "cardData": {"license": "cc-by-sa-4.0"}})
    (project / "models.txt").write_text(
        "mistralai/Mistral-7B-v0.1\nmicrosoft/phi-2\n# FLUX.1-dev is denied: remove it from the code\n"
        "datasets/rajpurkar/squad@main\n"
    )
    (project / "src" / "app.py").write_text(APP.replace("black-forest-labs/FLUX.1-dev", "./local-pipeline"))
    result = scan("--discover", "src", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [m["repo_id"] for m in doc["models"]] == ["mistralai/Mistral-7B-v0.1", "microsoft/phi-2"]
    assert all(not m["findings"] for m in doc["models"])
    (squad,) = doc["datasets"]  # listed, and loaded by the code: one entry, at its manifest line, with locations
    assert (squad["manifest"], squad["findings"], squad["verdict"]) == ({"path": "models.txt", "line": 4}, [], "review")
    assert squad["locations"] == [{"path": "src/app.py", "line": 13, "how": "load_dataset"}]
    plain = scan("--format", "json")
    assert plain.exit_code == 0
    assert "apis" not in json.loads(plain.stdout)
    assert "locations" not in json.loads(plain.stdout)["datasets"][0]


def test_reports_show_the_hosted_apis(fake_hub: Any, project: Path) -> None:
    markdown = scan("--discover", "src", "--format", "markdown")
    assert "### Hosted model APIs in use (1)" in markdown.stdout
    assert "| groq | llama-3.1-8b-instant | hosted-open-weights | medium | – | src/app.py:12 |" in markdown.stdout
    html = scan("--discover", "src", "--format", "html")
    assert "Hosted model APIs in use" in html.stdout
    assert "llama-3.1-8b-instant" in html.stdout and "hosted-open-weights" in html.stdout
    assert "Hosted model APIs in use" not in scan("--format", "html").stdout


def test_a_missing_discover_path_is_an_input_error(project: Path) -> None:
    result = scan("--discover", "nowhere")
    assert result.exit_code == 2
    assert "--discover nowhere: no such file or folder" in result.stderr
