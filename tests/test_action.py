"""The GitHub Action: ``action.yml``'s structure, and its gate step run under a simulated runner.

Each scenario builds a temporary git repository with a base commit on
``main`` and a head commit on a pull-request branch, then runs the gate
(``licscan.gha.main``, what the action's gate step runs) with the
environment a runner gives it: ``GITHUB_EVENT_NAME=pull_request``,
``GITHUB_BASE_REF``, ``GITHUB_OUTPUT`` and ``GITHUB_STEP_SUMMARY`` files and
the ``INPUT_*`` variables the step sets. Models come from an offline
snapshot written here, so nothing touches the network.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from licscan import gha
from licscan.sources.store import Store
from licscan.types import ModelRecord

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"

# repo -> {ref: (commit, card licence)}; None is the default branch.
MODELS: dict[str, dict[str | None, tuple[str, str]]] = {
    "org/apache-model": {None: ("a" * 40, "apache-2.0")},
    "org/mit-model": {None: ("b" * 40, "mit")},
    "org/nc-model": {None: ("c" * 40, "cc-by-nc-4.0")},
    "org/old-nc-model": {None: ("d" * 40, "cc-by-nc-4.0")},
    "org/llama-model": {None: ("e" * 40, "llama3.1")},
    # A model whose v2 tag moved to a non-commercial licence.
    "org/bumped": {"v1": ("1" * 40, "apache-2.0"), "v2": ("2" * 40, "cc-by-nc-4.0")},
}

POLICY = """\
version: 1
context:
  use: commercial
  monthly_active_users: 1000
  regions: [US]
  distribution: hosted
classes:
  permissive: allow
  open-weights-restricted: review
  non-commercial: deny
obligations:
  accepted: [attribution, notice, naming, acceptable-use, state-changes, pass-through]
"""

# The base branch already holds a denied model (org/old-nc-model): the gate must stay quiet about it.
BASE_MANIFEST = """\
# models the product uses
org/apache-model
org/old-nc-model
org/bumped@v1
"""


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    root = tmp_path / "snap"
    store = Store(root, "snapshot")
    store.initialise()
    for repo, refs in MODELS.items():
        for ref, (sha, licence) in refs.items():
            store.write_record(ModelRecord(repo, sha, card_data={"license": licence}, pipeline_tag="text-generation"))
            store.write_ref(repo, ref, sha)
    return root


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


@dataclass
class Runner:
    """A temporary repository with a base and a head commit, and the files a runner provides."""

    repo: Path
    output: Path
    summary: Path
    snapshot: Path
    monkeypatch: pytest.MonkeyPatch

    def env(self, name: str, value: str | None) -> None:
        """Set (or, with None, remove) a variable of the simulated runner; restored after the test."""
        if value is None:
            self.monkeypatch.delenv(name, raising=False)
        else:
            self.monkeypatch.setenv(name, value)

    def commit_head(self, files: dict[str, str | None]) -> None:
        """Commit ``files`` (None deletes) on the pull-request branch."""
        for name, text in files.items():
            path = self.repo / name
            if text is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "--allow-empty", "-m", "head")

    def outputs(self) -> dict[str, str]:
        """Parse ``$GITHUB_OUTPUT`` as the runner does: ``name<<DELIMITER`` blocks."""
        values: dict[str, str] = {}
        lines = self.output.read_text(encoding="utf-8").split("\n")
        i = 0
        while i < len(lines) - 1:
            name, delimiter = lines[i].split("<<", 1)
            end = lines.index(delimiter, i + 1)
            values[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
        return values


@pytest.fixture
def runner(tmp_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runner]:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "ci@example.com")
    git(repo, "config", "user.name", "CI")
    git(repo, "config", "commit.gpgsign", "false")
    (repo / "models.txt").write_text(BASE_MANIFEST, encoding="utf-8")
    (repo / "licscan.policy.yaml").write_text(POLICY, encoding="utf-8")
    (repo / "README.md").write_text("# product\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    output.touch()
    summary.touch()
    for name in list(os.environ):
        if name.startswith(("INPUT_", "GITHUB_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request")
    monkeypatch.setenv("GITHUB_BASE_REF", "main")  # a local branch here; origin/main on a real runner
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("INPUT_SNAPSHOT", str(snapshot))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # belt and braces: nothing may reach the network
    monkeypatch.chdir(repo)
    monkeypatch.setenv("HF_TOKEN", "")  # gha sets it from INPUT_TOKEN; monkeypatch restores the original
    yield Runner(repo, output, summary, snapshot, monkeypatch)


def run_gate(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = gha.main()
    return code, capsys.readouterr().out


def command_lines(stdout: str, kind: str = "error") -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(f"::{kind} ")]


# -- the scenarios -------------------------------------------------------------------------


def test_pr_adding_a_denied_model_fails_with_an_annotation_on_its_line(
    runner: Runner, capsys: pytest.CaptureFixture[str]
) -> None:
    runner.commit_head({"models.txt": BASE_MANIFEST + "org/mit-model\norg/nc-model\n"})
    code, out = run_gate(capsys)
    assert code == 1
    errors = command_lines(out)
    assert len(errors) == 1, out
    assert errors[0].startswith("::error file=models.txt,line=6,title=licscan%3A org/nc-model fails the licence gate::")
    assert "org/nc-model, added: deny under licscan.policy.yaml; licence cc-by-nc-4.0 (non-commercial)." in errors[0]
    outputs = runner.outputs()
    violations = json.loads(outputs["new-violations"])
    assert [(v["repo_id"], v["manifest"], v["line"], v["change"]) for v in violations] == [
        ("org/nc-model", "models.txt", 6, "added")
    ]
    assert "non-commercial" in violations[0]["reason"]
    assert outputs["mode"] == "diff"
    assert (outputs["added"], outputs["changed"], outputs["removed"], outputs["violations"]) == ("2", "0", "0", "1")
    assert (outputs["allow"], outputs["deny"], outputs["models"]) == ("3", "2", "5")
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("## ❌ licscan: 1 new licence violation(s)")
    assert "org/nc-model" in summary
    assert "licscan: gate failed: 1 new violation(s)" in out


def test_pr_touching_only_other_files_passes_although_the_base_has_a_denied_model(
    runner: Runner, capsys: pytest.CaptureFixture[str]
) -> None:
    runner.commit_head({"README.md": "# product\n\nNow with docs.\n"})
    code, out = run_gate(capsys)
    assert code == 0, out
    assert command_lines(out) == []
    outputs = runner.outputs()
    assert json.loads(outputs["new-violations"]) == []
    assert outputs["deny"] == "1"  # org/old-nc-model is denied, and was accepted on the base branch
    assert (outputs["added"], outputs["changed"]) == ("0", "0")
    assert runner.summary.read_text(encoding="utf-8").startswith("## ✅ licscan: no new licence violation")


def test_pr_adding_an_allowed_model_passes(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    runner.commit_head({"models.txt": BASE_MANIFEST + "org/mit-model\n"})
    code, out = run_gate(capsys)
    assert code == 0, out
    assert command_lines(out) == []
    assert runner.outputs()["added"] == "1"


def test_pr_bumping_a_revision_to_a_different_licence_fails(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    runner.commit_head({"models.txt": BASE_MANIFEST.replace("org/bumped@v1", "org/bumped@v2")})
    code, out = run_gate(capsys)
    assert code == 1
    errors = command_lines(out)
    assert len(errors) == 1
    assert errors[0].startswith("::error file=models.txt,line=4,")
    assert "org/bumped@v2, changed: deny" in errors[0]
    violation = json.loads(runner.outputs()["new-violations"])[0]
    assert (violation["repo_id"], violation["change"]) == ("org/bumped", "changed")
    assert violation["requested_revision"] == "v2"
    summary = runner.summary.read_text(encoding="utf-8")
    assert "revision v1 -&gt; v2" in summary and "licence apache-2.0 -&gt; cc-by-nc-4.0" in summary


def test_full_mode_judges_what_the_base_already_had(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    runner.commit_head({"README.md": "docs\n"})
    runner.env("INPUT_MODE", "full")
    code, out = run_gate(capsys)
    assert code == 1
    assert [line.split("::")[1] for line in command_lines(out)] == [
        "error file=models.txt,line=3,title=licscan%3A org/old-nc-model fails the licence gate"
    ]
    outputs = runner.outputs()
    assert outputs["mode"] == "full" and "added" not in outputs


def test_review_verdicts_warn_unless_fail_on_review(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    runner.commit_head({"models.txt": BASE_MANIFEST + "org/llama-model\n"})
    code, out = run_gate(capsys)
    assert code == 0
    assert command_lines(out) == []
    assert len(command_lines(out, "warning")) == 1
    assert command_lines(out, "warning")[0].startswith("::warning file=models.txt,line=5,")
    runner.output.write_text("")
    runner.env("INPUT_FAIL_ON", "review")
    code, out = run_gate(capsys)
    assert code == 1
    assert command_lines(out)[0].startswith("::error file=models.txt,line=5,")


def test_push_events_default_to_full_mode(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    runner.commit_head({"README.md": "docs\n"})
    runner.env("GITHUB_EVENT_NAME", "push")
    runner.env("GITHUB_BASE_REF", None)
    code, _ = run_gate(capsys)
    assert code == 1
    assert runner.outputs()["mode"] == "full"


def test_a_manifest_new_in_the_pr_counts_every_model_as_added(
    runner: Runner, capsys: pytest.CaptureFixture[str]
) -> None:
    runner.commit_head({"ml/vision.txt": "org/mit-model\norg/nc-model\n"})
    runner.env("INPUT_MANIFESTS", "models.txt\nml/*.txt")
    code, out = run_gate(capsys)
    assert code == 1
    assert [e.split(",title")[0] for e in command_lines(out)] == ["::error file=ml/vision.txt,line=2"]
    assert runner.outputs()["added"] == "2"


def test_includes_are_read_at_the_base_too(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    git(runner.repo, "checkout", "-q", "main")
    runner.commit_head(
        {"models.txt": "-r shared/common.txt\norg/apache-model\n", "shared/common.txt": "org/old-nc-model\n"}
    )
    git(runner.repo, "checkout", "-q", "-b", "feature2")
    runner.commit_head({"models.txt": "-r shared/common.txt\norg/apache-model\norg/mit-model\n"})
    code, out = run_gate(capsys)
    assert code == 0, out
    assert runner.outputs()["added"] == "1"
    runner.commit_head({"shared/common.txt": "org/old-nc-model\norg/nc-model\n"})
    runner.output.write_text("")
    code, out = run_gate(capsys)
    assert code == 1
    assert command_lines(out)[0].startswith("::error file=shared/common.txt,line=2,")


def test_a_removed_model_is_reported_and_never_fails(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    runner.commit_head({"models.txt": "org/apache-model\norg/old-nc-model\n"})
    code, _ = run_gate(capsys)
    assert code == 0
    assert runner.outputs()["removed"] == "1"
    assert "| removed | org/bumped@v1 |" in runner.summary.read_text(encoding="utf-8")


def test_the_token_is_masked_and_never_printed(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    runner.commit_head({"models.txt": BASE_MANIFEST + "org/nc-model\n"})
    token = "hf_" + "x" * 30
    runner.env("INPUT_TOKEN", token)
    code, out = run_gate(capsys)
    assert code == 1
    assert out.splitlines()[0] == f"::add-mask::{token}"
    assert out.count(token) == 1
    assert token not in runner.output.read_text() + runner.summary.read_text()
    assert os.environ["HF_TOKEN"] == token
    assert "INPUT_TOKEN" not in os.environ


# -- bad inputs: one ::error:: line, exit 2, nothing scanned --------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("INPUT_MANIFESTS", "nothing/*.txt", "::error title=licscan::input manifests: 'nothing/*.txt' matches no file"),
        ("INPUT_MANIFESTS", "models.txt missing.txt", "::error title=licscan::input manifests: 'missing.txt'"),
        ("INPUT_MODE", "sideways", "::error title=licscan::input mode: 'sideways' is not one of auto, diff, full"),
        ("INPUT_FAIL_ON", "bogus", "::error title=licscan::input fail-on: 'bogus' is not one of deny, review"),
        ("INPUT_POLICY", "legal.yaml", "::error title=licscan::input policy: legal.yaml does not exist"),
        ("INPUT_BASE_REF", "no-such-branch", "::error title=licscan::base ref 'no-such-branch' is not in the checkout"),
        ("INPUT_SNAPSHOT", "not-a-snapshot", "::error title=licscan::input snapshot: "),
        ("INPUT_BASE_REF", "--upload-pack=x", "::error title=licscan::base ref '--upload-pack=x' is not a branch"),
    ],
)
def test_bad_inputs_fail_with_an_error_line(
    runner: Runner, capsys: pytest.CaptureFixture[str], variable: str, value: str, message: str
) -> None:
    runner.commit_head({"README.md": "docs\n"})
    runner.env(variable, value)
    code, out = run_gate(capsys)
    assert code == 2
    assert message in out
    assert runner.output.read_text() == "" and runner.summary.read_text() == ""


def test_diff_mode_without_a_base_is_an_input_error(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    runner.env("GITHUB_EVENT_NAME", "push")
    runner.env("GITHUB_BASE_REF", None)
    runner.env("INPUT_MODE", "diff")
    code, out = run_gate(capsys)
    assert code == 2
    assert "::error title=licscan::mode diff needs a base" in out


def test_a_missing_policy_is_an_input_error(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    runner.commit_head({"licscan.policy.yaml": None})
    code, out = run_gate(capsys)
    assert code == 2
    assert "no policy: set the policy input" in out


def test_policy_errors_are_annotated_on_their_line(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    runner.commit_head({"licscan.policy.yaml": POLICY.replace("non-commercial: deny", "non-commercial: maybe")})
    code, out = run_gate(capsys)
    assert code == 2
    assert re.search(r"^::error file=licscan.policy.yaml,line=10,title=licscan policy::classes", out, re.M), out


def test_manifest_errors_are_annotated_on_their_line(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    runner.commit_head({"models.txt": BASE_MANIFEST + "not a model\n"})
    code, out = run_gate(capsys)
    assert code == 2
    assert out.startswith("::error file=models.txt,line=5,title=licscan::expected one model per line")


# -- workflow-command escaping and outputs ---------------------------------------------------------


def test_workflow_command_escaping() -> None:
    assert gha.escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert gha.escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    line = gha.workflow_command("error", "bad\n::set-env name=X::y", file="a,b.txt", line=3, title=None)
    assert line == "::error file=a%2Cb.txt,line=3::bad%0A::set-env name=X::y"
    assert "\n" not in line


def test_outputs_survive_any_value(tmp_path: Path) -> None:
    path = tmp_path / "out"
    gha.write_outputs(str(path), {"a": "one\ntwo", "b": "EOF"})
    text = path.read_text()
    delimiter = text.split("\n")[0].split("<<")[1]
    assert delimiter.startswith("ghadelimiter_") and len(delimiter) > 20
    assert text.split("\n")[1:4] == ["one", "two", delimiter]


# -- the gate step itself, as action.yml runs it ----------------------------------------------------


def test_the_gate_step_runs_as_action_yml_defines_it(
    runner: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run the gate step's own ``run:`` script with its own ``env:``, the inputs substituted like the runner does."""
    runner.commit_head({"models.txt": BASE_MANIFEST + "org/nc-model\n"})
    step = next(s for s in load_action()["runs"]["steps"] if s.get("id") == "gate")
    inputs = {"manifests": "models.txt", "fail-on": "deny", "snapshot": str(runner.snapshot)}
    env = {k: v for k, v in os.environ.items() if not k.startswith("INPUT_")}
    for name, template in step["env"].items():
        match = re.fullmatch(r"\$\{\{ inputs\.([a-z-]+) \}\}", template)
        assert match, template
        env[name] = inputs.get(match.group(1), load_action()["inputs"][match.group(1)].get("default", ""))
    # The venv the install step makes, standing in for the interpreter running these tests.
    fake_python = tmp_path / "runner_temp" / "licscan-venv" / "bin" / "python"
    fake_python.parent.mkdir(parents=True)
    fake_python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    fake_python.chmod(0o755)
    env["RUNNER_TEMP"] = str(tmp_path / "runner_temp")
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [shutil.which("bash") or "bash", "-e", "-c", step["run"]],
        cwd=runner.repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "::error file=models.txt,line=5," in done.stdout
    assert json.loads(runner.outputs()["new-violations"])[0]["repo_id"] == "org/nc-model"


# -- action.yml ------------------------------------------------------------------------------------------


def load_action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return data


def test_action_yml_structure() -> None:
    action = load_action()
    assert action["name"] and action["description"]
    assert set(action["inputs"]) == {
        "manifests", "policy", "fail-on", "mode", "base-ref", "report", "sarif", "spdx", "cyclonedx", "snapshot",
        "token", "discover",
    }  # fmt: skip
    for name, spec in action["inputs"].items():
        assert spec.get("description"), name
        assert "default" in spec, name  # every input is optional
    assert {"allow", "review", "deny", "new-violations", "report", "sarif"} <= set(action["outputs"])
    for name, spec in action["outputs"].items():
        assert spec.get("description"), name
        assert spec["value"] == f"${{{{ steps.gate.outputs.{name} }}}}", name
    runs = action["runs"]
    assert runs["using"] == "composite"
    for step in runs["steps"]:
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step["shell"] == "bash", step


def test_every_input_is_used_and_never_spliced_into_a_script() -> None:
    action = load_action()
    text = ACTION.read_text(encoding="utf-8")
    for name in action["inputs"]:
        assert f"inputs.{name} }}}}" in text, f"input {name} is declared but never used"
    for step in action["runs"]["steps"]:
        # Expressions in a script body are pasted into the shell text: script injection. Only env may hold them.
        assert "${{" not in step.get("run", ""), step["name"]
    gate = next(s for s in action["runs"]["steps"] if s.get("id") == "gate")
    assert gate["env"]["INPUT_TOKEN"] == "${{ inputs.token }}"
    assert "HF_TOKEN" not in gate["run"] and "echo" not in gate["run"]


def test_gha_reads_every_input_the_action_passes() -> None:
    gate = next(s for s in load_action()["runs"]["steps"] if s.get("id") == "gate")
    source = Path(gha.__file__).read_text(encoding="utf-8")  # the installed module (the release tests a wheel)
    for variable in gate["env"]:
        assert variable.startswith("INPUT_")
        assert f'"{variable}"' in source or f'get("{variable.removeprefix("INPUT_")}"' in source, variable


# -- the project's own CI definitions ------------------------------------------------------------------


def test_workflows_run_the_tests_and_self_test_the_action() -> None:
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    assert any("bash .ci/run" in str(step.get("run", "")) for job in ci["jobs"].values() for step in job["steps"])
    self_test = yaml.safe_load((ROOT / ".github" / "workflows" / "self-test.yml").read_text(encoding="utf-8"))
    steps = [step for job in self_test["jobs"].values() for step in job["steps"]]
    local = [step for step in steps if step.get("uses") == "./"]
    assert len(local) >= 2
    for step in local:
        assert step["with"]["snapshot"] == "examples/snapshot"
        assert set(step["with"]) <= set(load_action()["inputs"])
        policy = ROOT / step["with"]["policy"]
        assert policy.is_file(), policy
    assert any(step.get("continue-on-error") for step in local), "one step must expect the gate to fail"


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "licscan")
    # --require-policy: with no policy the hook fails (like the Action) instead of passing every commit.
    assert hook["entry"] == "licscan scan --require-policy"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    assert re.search(hook["files"], "models.txt") and re.search(hook["files"], "licscan.policy.yaml")
    assert not re.search(hook["files"], "README.md")


def test_the_pre_commit_hook_fails_clearly_without_a_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from licscan.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "models.txt").write_text("microsoft/phi-2\n", encoding="utf-8")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "licscan")
    argv = [*hook["entry"].split()[1:], *hook["args"], "--snapshot", str(ROOT / "examples" / "snapshot")]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 2
    assert result.stderr == (
        "licscan: error: no policy found: pass --policy FILE or add ./licscan.policy.yaml (`licscan policy init` "
        "writes one); a licence gate needs rules\n"
    )
    # With the policy in place the same hook gates (phi-2 is MIT: allowed).
    (tmp_path / "licscan.policy.yaml").write_text("version: 1\n", encoding="utf-8")
    assert CliRunner().invoke(main, argv).exit_code == 0


@pytest.mark.parametrize(("policy", "fail_on", "code"), [("research", "deny", 0), ("licscan", "deny", 1)])
def test_the_self_test_expectations_hold(
    policy: str, fail_on: str, code: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example passes under the research policy and fails under the commercial one, as self-test.yml expects."""
    for name in list(os.environ):
        if name.startswith(("INPUT_", "GITHUB_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("INPUT_MANIFESTS", "examples/models.txt")
    monkeypatch.setenv("INPUT_SNAPSHOT", "examples/snapshot")
    monkeypatch.setenv("INPUT_POLICY", f"examples/{policy}.policy.yaml")
    monkeypatch.setenv("INPUT_MODE", "full")
    monkeypatch.setenv("INPUT_FAIL_ON", fail_on)
    assert gha.main() == code, capsys.readouterr().out


def test_missing_formats_degrade_to_a_warning(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    """A licscan without the HTML/SARIF/Markdown renderers still gates, and says what it could not write."""
    runner.commit_head({"README.md": "docs\n"})
    runner.monkeypatch.setattr(gha, "renderer_for", lambda fmt, root=None: None)
    runner.env("INPUT_REPORT", "out/report.html")
    runner.env("INPUT_SARIF", "out/licscan.sarif")
    code, out = run_gate(capsys)
    assert code == 0
    assert "::warning::input report: this licscan cannot write html yet; out/report.html not written" in out
    assert "::warning::input sarif: this licscan cannot write sarif yet" in out
    assert not (runner.repo / "out").exists()
    assert (runner.outputs()["report"], runner.outputs()["sarif"]) == ("", "")
    assert "| org/old-nc-model | models.txt:3 | non-commercial | cc-by-nc-4.0 | deny |" in runner.summary.read_text()


def test_report_files_are_written_when_the_formats_exist(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    if gha.renderer_for("html") is None or gha.renderer_for("sarif") is None:
        pytest.skip("this licscan has no html or sarif renderer")
    runner.commit_head({"README.md": "docs\n"})
    runner.env("INPUT_REPORT", "out/report.html")
    runner.env("INPUT_SARIF", "out/licscan.sarif")
    code, _ = run_gate(capsys)
    assert code == 0
    outputs = runner.outputs()
    assert (outputs["report"], outputs["sarif"]) == ("out/report.html", "out/licscan.sarif")
    assert json.loads((runner.repo / "out" / "licscan.sarif").read_text())["version"] == "2.1.0"
    assert (runner.repo / "out" / "report.html").read_text().lstrip().lower().startswith("<!doctype html")


# -- the install: pinned, hashed, cached ---------------------------------------------------------------


def test_the_action_installs_from_pinned_hashed_locks_and_caches_the_venv() -> None:
    steps = load_action()["runs"]["steps"]
    text = ACTION.read_text(encoding="utf-8")
    install = next(s for s in steps if s["name"] == "Install licscan")
    assert '--require-hashes --no-deps -r "$LICSCAN_LOCK"' in install["run"]
    assert "--no-deps --no-build-isolation" in install["run"] and "--no-index" in install["run"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["key"] == "${{ steps.lock.outputs.key }}"
    assert 'sha256sum "$lock"' in text and "requirements-sbom.txt" in text
    for name in ("requirements.txt", "requirements-sbom.txt"):
        lock = (ROOT / "action" / name).read_text(encoding="utf-8")
        pins = [line for line in lock.splitlines() if re.match(r"^[a-z0-9][\w.-]*==", line)]
        assert pins and all(line.rstrip().endswith("\\") for line in pins)  # every pin is followed by hashes
        assert lock.count("--hash=sha256:") >= len(pins)
        names = {line.split("==")[0] for line in pins}
        assert {"huggingface-hub", "click", "jinja2", "pyyaml", "iso3166", "hatchling"} <= names
        # The gate's lock holds no SBOM library; the sbom lock does.
        assert ({"spdx-tools", "cyclonedx-python-lib"} <= names) == (name == "requirements-sbom.txt")
    assert (ROOT / "scripts" / "lock_action_requirements.sh").is_file()


def test_the_locks_cover_licscans_dependencies() -> None:
    """A dependency added to pyproject.toml without rerunning scripts/lock_action_requirements.sh fails here."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    from packaging.requirements import Requirement

    def names(deps: list[str]) -> set[str]:
        """The names of the requirements that apply to the Action's Python (3.11)."""
        wanted = [Requirement(d) for d in deps]
        return {
            r.name.lower().replace("_", "-")
            for r in wanted
            if r.marker is None or r.marker.evaluate({"python_version": "3.11", "python_full_version": "3.11.9"})
        }

    lock = (ROOT / "action" / "requirements.txt").read_text(encoding="utf-8").lower()
    sbom = (ROOT / "action" / "requirements-sbom.txt").read_text(encoding="utf-8").lower()
    assert all(f"\n{n}==" in lock for n in names(project["dependencies"])), names(project["dependencies"])
    extra = names(project["optional-dependencies"]["sbom"])
    assert all(f"\n{n}==" in sbom for n in extra | names(project["dependencies"]))


def test_an_sbom_input_writes_the_sbom(runner: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    runner.commit_head({"README.md": "docs\n"})
    runner.env("INPUT_SPDX", "out/models.spdx.json")
    runner.env("INPUT_CYCLONEDX", "out/models.cdx.json")
    code, _ = run_gate(capsys)
    assert code == 0
    outputs = runner.outputs()
    assert (outputs["spdx"], outputs["cyclonedx"]) == ("out/models.spdx.json", "out/models.cdx.json")
    assert json.loads((runner.repo / "out/models.spdx.json").read_text())["spdxVersion"] == "SPDX-2.3"
    assert json.loads((runner.repo / "out/models.cdx.json").read_text())["specVersion"] == "1.6"


# -- caps: annotations and Markdown hold with 4,000 models ------------------------------------------------


def four_thousand(verdict: str = "deny") -> dict[str, Any]:
    from test_reports import big_document

    doc = big_document(4000)
    for m in doc["models"]:
        m["verdict"] = verdict
    return doc


def test_at_most_ten_annotations_and_one_that_counts_the_rest(tmp_path: Path) -> None:
    doc = four_thousand()
    lines = gha.capped_annotations(doc["models"], "deny", "licscan.policy.yaml", tmp_path)
    assert len(lines) == 11
    assert all(line.startswith("::error file=models.txt,line=") for line in lines[:10])
    assert lines[10] == (
        "::error title=licscan%3A 3990 more models::3990 more models need attention (3990 of them fail the licence "
        "gate); they are not annotated (GitHub shows 10 per step): see the job summary and the HTML report (report "
        "input)."
    )
    # Failing models first: a warning never takes the place of an error.
    doc["models"][0]["verdict"] = "review"
    first = gha.capped_annotations(doc["models"][:11], "deny", "p", tmp_path)
    assert [line.split(" ")[0] for line in first] == ["::error"] * 10 + ["::warning"]
    assert "line=2," not in "".join(first[:10])  # the review model (manifest line 2) is the one left out
    assert first[10].startswith("::warning title=licscan%3A 1 more models::1 more models need attention (none of")


def test_every_markdown_stays_under_githubs_limits_with_4000_models(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from licscan.cli import main
    from licscan.diff import annotate, diff_documents
    from licscan.report.markdown import render_markdown

    head = four_thousand()
    base = copy.deepcopy(head)
    base["models"] = base["models"][:10]
    changes = diff_documents(base, head)
    annotate(head, changes, "base.json")
    from licscan.report.changes import render_changes_markdown

    comment = render_changes_markdown(changes, "base.json", "deny")
    assert len(comment.encode("utf-8")) < 65_536
    shown = sum(1 for line in comment.splitlines() if line.startswith("| ❌ |"))
    more = re.search(
        r"… and (\d+) more changed models, not shown here \(GitHub's size limit\): see the HTML report", comment
    )
    assert more and shown + int(more.group(1)) == 3990
    assert len(render_markdown(head).encode("utf-8")) <= 60_000
    for changed in (changes, None):
        failing = [m for m in head["models"] if m.get("change") != "unchanged"] if changed else head["models"]
        summary = gha.summary_markdown(head, changed, failing, "mode diff", "deny")
        assert len(summary.encode("utf-8")) < 1024 * 1024
        assert "see the HTML report" in summary
    # And the CLI: `licscan diff --format markdown` of the same two scans.
    (tmp_path / "base.json").write_text(json.dumps(base), encoding="utf-8")
    (tmp_path / "head.json").write_text(json.dumps(four_thousand()), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["diff", str(tmp_path / "base.json"), str(tmp_path / "head.json"), "--format", "markdown"]
    )
    assert result.exit_code == 1
    assert len(result.stdout.encode("utf-8")) < 65_536 and "more changed models" in result.stdout
