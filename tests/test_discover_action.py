"""The Action's ``discover`` input, in a temporary git repository under a simulated runner (as test_action.py).

In diff mode only models the pull request's code adds can fail: a denied
model the base branch's code already loaded stays quiet, one the PR adds
fails with an annotation at its line of code.
"""

from __future__ import annotations

import json

import pytest
from test_action import Runner, command_lines, git, run_gate, runner, snapshot  # noqa: F401 - fixtures

from licscan.sources.store import Store
from licscan.types import ModelRecord

BASE_CODE = """\
from transformers import AutoModel

# The base branch already loads a denied model no manifest lists: accepted there, never a new violation.
legacy = AutoModel.from_pretrained("org/nc-model")
main = AutoModel.from_pretrained("org/apache-model")
"""


@pytest.fixture
def with_code(runner: Runner) -> Runner:  # noqa: F811 - the fixture imported above
    """The base branch (main) gains src/app.py; the pull request branches off after it."""
    store = Store(runner.snapshot, "snapshot")
    store.write_record(ModelRecord("org/nc-research", "f" * 40, card_data={"license": "cc-by-nc-4.0"}))
    store.write_ref("org/nc-research", None, "f" * 40)
    git(runner.repo, "checkout", "-q", "main")
    runner.commit_head({"src/app.py": BASE_CODE})
    git(runner.repo, "checkout", "-q", "-B", "feature")
    runner.env("INPUT_DISCOVER", "src")
    return runner


def test_code_the_pr_adds_that_loads_a_denied_model_fails_at_its_line(
    with_code: Runner, capsys: pytest.CaptureFixture[str]
) -> None:
    with_code.commit_head({"src/app.py": BASE_CODE + 'extra = AutoModel.from_pretrained("org/nc-research")\n'})
    code, out = run_gate(capsys)
    assert code == 1, out
    errors = command_lines(out)
    assert len(errors) == 1, out
    title = "title=licscan%3A org/nc-research fails the licence gate::"
    assert errors[0].startswith(f"::error file=src/app.py,line=6,{title}")
    assert "org/nc-research, added: deny under licscan.policy.yaml" in errors[0]
    violations = json.loads(with_code.outputs()["new-violations"])
    assert [(v["repo_id"], v["manifest"], v["line"], v["change"]) for v in violations] == [
        ("org/nc-research", "src/app.py", 6, "added")
    ]


def test_a_pr_that_does_not_touch_the_code_passes_although_the_code_loads_a_denied_model(
    with_code: Runner, capsys: pytest.CaptureFixture[str]
) -> None:
    with_code.commit_head({"README.md": "# product\n\nDocs only.\n"})
    code, out = run_gate(capsys)
    assert code == 0, out
    assert command_lines(out) == []
    outputs = with_code.outputs()
    assert (outputs["added"], outputs["changed"], outputs["violations"]) == ("0", "0", "0")
    assert outputs["deny"] == "2"  # org/old-nc-model (models.txt) and org/nc-model (code): both on the base


def test_an_allowed_unlisted_model_the_pr_adds_is_a_warning_at_its_line(
    with_code: Runner, capsys: pytest.CaptureFixture[str]
) -> None:
    with_code.commit_head({"src/app.py": BASE_CODE + 'helper = AutoModel.from_pretrained("org/mit-model")\n'})
    code, out = run_gate(capsys)
    assert code == 0, out
    warnings = command_lines(out, "warning")
    assert [w.split("::")[1] for w in warnings] == [
        "warning file=src/app.py,line=6,title=licscan%3A org/mit-model is not in any manifest"
    ]
    assert "org/mit-model is loaded at src/app.py:6 (AutoModel.from_pretrained)" in warnings[0]
    assert with_code.outputs()["added"] == "1"


def test_full_mode_judges_what_the_code_already_loaded(with_code: Runner, capsys: pytest.CaptureFixture[str]) -> None:
    with_code.commit_head({"README.md": "docs\n"})
    with_code.env("INPUT_MODE", "full")
    code, out = run_gate(capsys)
    assert code == 1
    assert sorted(line.split(",title")[0] for line in command_lines(out)) == [
        "::error file=models.txt,line=3", "::error file=src/app.py,line=4"
    ]


def test_a_discover_path_that_does_not_exist_is_an_input_error(
    with_code: Runner, capsys: pytest.CaptureFixture[str]
) -> None:
    with_code.commit_head({"README.md": "docs\n"})
    with_code.env("INPUT_DISCOVER", "src nowhere")
    code, out = run_gate(capsys)
    assert code == 2
    assert "::error title=licscan::input discover: nowhere does not exist" in out
