"""Attestations (openness.yaml and the policy's openness section) and the policy's openness: rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from licscan.cli import main
from licscan.policy import read_policy

OPENNESS_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hub-openness"


@pytest.fixture
def project(fake_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    fake_hub.load_dir(OPENNESS_FIXTURES)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LICSCAN_CACHE_DIR", str(tmp_path / "cache"))
    models = "Qwen/Qwen2.5-0.5B\nmeta-llama/Llama-3.1-8B-Instruct\nLLM360/Amber\n"
    Path("models.txt").write_text(models, encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, dict[str, Any], str]:
    done = CliRunner().invoke(main, ["scan", "models.txt", "--format", "json", *args])
    doc = json.loads(done.stdout) if done.stdout.startswith("{") else {}
    return done.exit_code, doc, done.stderr


def model(doc: dict[str, Any], repo: str) -> dict[str, Any]:
    found: dict[str, Any] = next(m for m in doc["models"] if m["repo_id"] == repo)
    return found


ATTESTATIONS = """\
version: 1
attestations:
  - model: Qwen/Qwen2.5-0.5B
    component: evaluation-results
    license: apache-2.0
    source: https://qwenlm.github.io/blog/qwen2.5/
    checked_by: ml-platform@example.com
    date: 2026-11-20
  - model: Qwen/Qwen2.5-0.5B
    component: data-card
    license: cc-by-4.0
    source: https://arxiv.org/abs/2412.15115
    checked_by: ml-platform@example.com
  - model: meta-llama/Llama-3.1-8B-Instruct
    component: weights
    license: apache-2.0
    source: https://example.com/wishful-thinking
    checked_by: someone@example.com
  - model: LLM360/Amber
    component: training-code
    license: apache-2.0
    source: https://github.com/LLM360/amber-train
    checked_by: ml-platform@example.com
"""


def test_attestations_fill_what_the_hub_does_not_show_and_lift_only_to_the_classes_they_complete(
    project: Path,
) -> None:
    Path("openness.yaml").write_text(ATTESTATIONS, encoding="utf-8")  # read by default, like the policy
    code, doc, stderr = run()
    assert code == 0, stderr
    qwen = model(doc, "Qwen/Qwen2.5-0.5B")["openness"]
    assert qwen["level"] == "open-model"
    assert qwen["mof_class"] == "III"
    assert qwen["attested"] == ["evaluation-results", "data-card"]
    evaluation = qwen["components"]["evaluation-results"]
    assert evaluation["state"] == "open"
    assert evaluation["attested"] == {
        "license": "apache-2.0",
        "source": "https://qwenlm.github.io/blog/qwen2.5/",
        "checked_by": "ml-platform@example.com",
        "date": "2026-11-20",
    }
    assert evaluation["evidence"] == (
        "attested: apache-2.0, OSI-approved; source https://qwenlm.github.io/blog/qwen2.5/; checked by "
        "ml-platform@example.com on 2026-11-20 (Hub: NO_EVAL_RESULTS: the card has no model-index)"
    )
    assert [b["level"] for b in qwen["blocks"]] == ["class-II"] * 4
    # An attestation never lifts what the Hub shows as not open.
    llama = model(doc, "meta-llama/Llama-3.1-8B-Instruct")["openness"]
    assert llama["level"] == "restricted-weights"
    assert llama["attested"] == []
    assert "the Hub's evidence stands" in stderr
    assert "openness.yaml:14: meta-llama/Llama-3.1-8B-Instruct weights is attested open (apache-2.0)" in stderr
    # One Class II component attested is no Class II.
    amber = model(doc, "LLM360/Amber")["openness"]
    assert amber["components"]["training-code"]["state"] == "open"
    assert amber["mof_class"] == "III"  # its Hub evidence; Class II also needs inference and evaluation code


def test_policy_attestations_and_the_openness_minimum(project: Path) -> None:
    Path("policy.yaml").write_text(
        """\
version: 1
classes: {open-weights-restricted: allow}
obligations: {accepted: [attribution, naming, acceptable-use, notice, state-changes, pass-through]}
context: {monthly_active_users: 1000, regions: [US], distribution: hosted}
openness:
  minimum: open-weights
  decision: deny
  attestations:
    - model: LLM360/Amber
      component: research-paper
      license: cc-by-4.0
      source: https://arxiv.org/abs/2312.06550
      checked_by: legal@example.com
""",
        encoding="utf-8",
    )
    code, doc, stderr = run("--policy", "policy.yaml")
    assert code == 1, stderr  # Llama is below the minimum, and the policy denies that
    llama = model(doc, "meta-llama/Llama-3.1-8B-Instruct")
    assert llama["verdict"] == "deny"
    reason = next(r for r in llama["reasons"] if r["rule"] == "openness:minimum")
    assert reason["decision"] == "deny"
    assert reason["message"].startswith(
        "meta-llama/Llama-3.1-8B-Instruct is graded restricted-weights, below the policy's minimum open-weights "
        "(openness.minimum); not evidenced open: weights restricted (LICENSE_NOT_OPEN: "
    )
    assert reason["message"].endswith("The policy denies such models (openness.decision).")
    qwen = model(doc, "Qwen/Qwen2.5-0.5B")
    assert qwen["verdict"] == "allow"
    assert {"rule": "openness:minimum", "decision": "allow",
            "message": "Qwen/Qwen2.5-0.5B is graded open-weights, at or above the policy's minimum open-weights "
                       "(openness.minimum)."} in qwen["reasons"]
    amber = model(doc, "LLM360/Amber")["openness"]
    paper = amber["components"]["research-paper"]
    assert (paper["state"], paper["attested"]["checked_by"]) == ("open", "legal@example.com")


def test_a_minimum_of_open_model_names_every_missing_component(project: Path) -> None:
    Path("policy.yaml").write_text("version: 1\nopenness: {minimum: open-model}\n", encoding="utf-8")
    code, doc, _ = run("--policy", "policy.yaml")
    assert code == 0  # review is below the default --fail-on deny
    reason = next(r for r in model(doc, "Qwen/Qwen2.5-0.5B")["reasons"] if r["rule"] == "openness:minimum")
    assert reason["decision"] == "review"  # openness.decision's default
    assert "not evidenced open: evaluation-results unknown (NO_EVAL_RESULTS: the card has no model-index); " \
           "data-card unknown (NO_DATASETS_FIELD: the card has no datasets: field)." in reason["message"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("openness: {minimum: open-weight}\n", 2, "'open-weight' is not valid; did you mean 'open-weights'?"),
        ("openness: {minimum: open}\n", 2, "expected one of: restricted-weights, open-weights, open-model"),
        ("openness: {minimum: unknown}\n", 2, "openness.minimum: 'unknown' is not valid"),
        ("openness: {minimum: open-weights, decison: deny}\n", 2, "openness: unknown key 'decison'"),
        ("apis: {serving: {closed: deny}}\n", 2, "apis.serving: unknown serving 'closed'"),
        ("apis: {default: maybe}\n", 2, "apis.default: 'maybe' is not valid"),
        (
            "openness:\n  attestations:\n    - {model: a/b, component: training_code, license: mit, source: x, "
            "checked_by: y}\n",
            4,
            "attestations[0].component: 'training_code' is not a MOF component; did you mean 'training-code'?",
        ),
        (
            "openness:\n  attestations:\n    - {model: a/b, component: weights, license: mit}\n",
            4,
            "attestations[0]: missing 'source'",
        ),
    ],
)
def test_policy_errors_name_their_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    from licscan.licensedb import load_database

    path = tmp_path / "policy.yaml"
    path.write_text("version: 1\n" + text, encoding="utf-8")
    policy, problems = read_policy(path, db=load_database())
    assert policy is None
    assert any(p.line == line and p.severity == "error" and message in p.message for p in problems), problems


def test_an_unknown_provider_is_a_warning_and_an_attestation_licence_must_exist(tmp_path: Path) -> None:
    from licscan.licensedb import load_database
    from licscan.policy.load import read_attestations

    path = tmp_path / "policy.yaml"
    path.write_text("version: 1\napis:\n  providers: {open-ai: deny, deepseek: deny}\n", encoding="utf-8")
    policy, problems = read_policy(path, db=load_database())
    assert policy is not None and policy.apis is not None
    assert [(p.line, p.severity) for p in problems] == [(3, "warning")]
    assert "'open-ai' is not a provider licscan names" in problems[0].message
    assert "did you mean 'openai'?" in problems[0].message
    file = tmp_path / "openness.yaml"
    file.write_text("version: 1\nattestations:\n  - {model: a/b, component: weights, license: apache2, source: x, "
                    "checked_by: y}\n", encoding="utf-8")
    found, problems = read_attestations(file, db=load_database())
    assert found is None
    assert [p.line for p in problems] == [3]
    assert "'apache2' is not a licence id in the database; did you mean 'apache-2.0'?" in problems[0].message


def test_a_broken_attestations_file_stops_the_scan_before_any_request(project: Path, fake_hub: Any) -> None:
    Path("broken.yaml").write_text("version: 1\nattestations: {model: x}\n", encoding="utf-8")
    fake_hub.reset_log()
    code, _, stderr = run("--attestations", "broken.yaml")
    assert code == 2
    assert "broken.yaml:2: attestations must be a list, not a mapping" in stderr
    assert fake_hub.requests == []
