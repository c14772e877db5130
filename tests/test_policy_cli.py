"""``licscan policy init|check`` and ``scan --policy``: output and every exit code.

Scans read a snapshot folder built here, so no test touches the network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from licscan.cli import main
from licscan.cli.common import resolve_policy_path
from licscan.errors import EXIT_FETCH_FAILED, EXIT_GATE_FAILED, EXIT_INPUT_ERROR, EXIT_OK
from licscan.policy import gate_failed
from licscan.sources.store import Store
from licscan.types import (
    Classification,
    FetchErrorCode,
    FetchFailure,
    LicenseClass,
    ModelRecord,
    ModelRef,
    ModelResult,
    ScanResult,
)

# repo -> (card licence, pipeline tag); each gets its own commit in the snapshot.
MODELS: dict[str, tuple[str, str]] = {
    "org/apache-model": ("apache-2.0", "text-generation"),
    "org/mit-model": ("mit", "text-classification"),
    "org/llama-model": ("llama3.1", "text-generation"),
    "org/vision-model": ("llama3.2", "image-text-to-text"),
    "org/nc-model": ("cc-by-nc-4.0", "translation"),
}
GONE = "org/gated-model"

CLEAN = """\
version: 1
context:
  use: commercial
  monthly_active_users: 1000000
  regions: [US]
  distribution: hosted
classes:
  open-weights-restricted: allow
obligations:
  accepted: [attribution, naming, acceptable-use, notice, pass-through, state-changes]
"""


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    root = tmp_path / "snap"
    store = Store(root, "snapshot")
    store.initialise()
    for n, (repo, (licence, pipeline)) in enumerate(MODELS.items()):
        sha = f"{n + 1:x}" * 40
        store.write_record(ModelRecord(repo, sha, card_data={"license": licence}, pipeline_tag=pipeline))
        store.write_ref(repo, None, sha)
    store.write_failure(GONE, None, FetchFailure(FetchErrorCode.GATED, f"{GONE} is gated"))
    return root


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def scan(tmp_path: Path, snapshot: Path, models: list[str], *args: str, policy: str | None = CLEAN) -> Result:
    manifest = write(tmp_path, "models.txt", "\n".join(models) + "\n")
    extra = ["--policy", str(write(tmp_path, "policy.yaml", policy))] if policy is not None else []
    return CliRunner().invoke(
        main, ["scan", str(manifest), "--snapshot", str(snapshot), "--format", "json", *extra, *args]
    )


def verdicts(result: Result) -> dict[str, Any]:
    data = json.loads(result.stdout)
    return {m["repo_id"]: m["verdict"] for m in data["models"]}


# -- policy init / check -------------------------------------------------------------------


def test_init_then_check_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    made = runner.invoke(main, ["policy", "init"])
    assert made.exit_code == EXIT_OK, made.output
    assert (tmp_path / "licscan.policy.yaml").read_text().startswith("# licscan policy")
    checked = runner.invoke(main, ["policy", "check", "licscan.policy.yaml"])
    assert checked.exit_code == EXIT_OK, checked.output
    assert checked.stdout == ""
    assert "licscan.policy.yaml: ok" in checked.stderr


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = write(tmp_path, "mine.yaml", "version: 1\n")
    runner = CliRunner()
    refused = runner.invoke(main, ["policy", "init", str(path)])
    assert refused.exit_code == EXIT_INPUT_ERROR
    assert "exists; pass --force" in refused.stderr
    assert path.read_text() == "version: 1\n"
    forced = runner.invoke(main, ["policy", "init", str(path), "--force"])
    assert forced.exit_code == EXIT_OK
    assert "on_fetch_error: deny" in path.read_text()


def test_check_prints_every_problem_as_file_line_severity(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "broken.yaml",
        "version: 1\ncontext:\n  use: comercial\nclasses:\n  permisive: allow\nexceptions:\n"
        "  - model: org/x\n    decision: allow\n    expires: 2001-01-01\n",
    )
    result = CliRunner().invoke(main, ["policy", "check", str(path)])
    assert result.exit_code == EXIT_INPUT_ERROR
    assert result.stdout.splitlines() == [
        f"{path}:3: error: context.use: 'comercial' is not valid; did you mean 'commercial'?",
        f"{path}:5: error: classes: unknown key 'permisive'; did you mean 'permissive'?",
        f"{path}:7: warning: exceptions[0]: exception for org/x gives no reason; a lawyer reading the report needs one",
        f"{path}:9: warning: exceptions[0]: exception for org/x expired on 2001-01-01 and no longer applies",
    ]
    assert "2 error(s), 2 warning(s)" in result.stderr


def test_check_with_warnings_only_passes(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "version: 1\nlicenses:\n  llama-3.1: deny\n")
    result = CliRunner().invoke(main, ["policy", "check", str(path)])
    assert result.exit_code == EXIT_OK
    assert result.stdout.startswith(f"{path}:3: warning: licenses: 'llama-3.1' is not a licence id")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 2\n", ":1: error: unsupported policy version"),
        ("version: 1\nx: &a [*a]\n", "error:"),
        ("version: 1\n" + "#" * (2 * 1024 * 1024) + "\n", "error: the policy is larger than 1024 KiB"),
    ],
)
def test_check_hostile_files_exit_2_without_a_traceback(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "p.yaml", text)
    result = CliRunner().invoke(main, ["policy", "check", str(path)])
    assert result.exit_code == EXIT_INPUT_ERROR
    assert message in result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_check_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["policy", "check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == EXIT_INPUT_ERROR
    assert "cannot read the policy" in result.stdout


# -- scan --policy: a broken policy stops the run before anything is fetched ---------------


def test_broken_policy_fails_before_the_snapshot_is_opened(tmp_path: Path) -> None:
    # The snapshot folder does not exist: had it been opened first, the error would be about it.
    result = scan(tmp_path, tmp_path / "no-such-snapshot", ["org/apache-model"], policy="version: 1\nclases: {}\n")
    assert result.exit_code == EXIT_INPUT_ERROR
    assert "policy.yaml:2: policy: unknown key 'clases'; did you mean 'classes'?" in result.stderr
    assert "snapshot" not in result.stderr
    assert result.stdout == ""


def test_broken_policy_fails_before_any_network_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there; never reached
    manifest = write(tmp_path, "models.txt", "org/apache-model\n")
    policy = write(tmp_path, "policy.yaml", "version: 1\non_fetch_error: maybe\n")
    result = CliRunner().invoke(
        main, ["scan", str(manifest), "--policy", str(policy), "--cache-dir", str(tmp_path / "c"), "--timeout", "1"]
    )
    assert result.exit_code == EXIT_INPUT_ERROR
    assert "policy.yaml:2: on_fetch_error: 'maybe' is not valid" in result.stderr
    assert not (tmp_path / "c").exists()


def test_missing_policy_file_is_an_input_error(tmp_path: Path, snapshot: Path) -> None:
    manifest = write(tmp_path, "models.txt", "org/apache-model\n")
    result = CliRunner().invoke(
        main, ["scan", str(manifest), "--snapshot", str(snapshot), "--policy", str(tmp_path / "nope.yaml")]
    )
    assert result.exit_code == EXIT_INPUT_ERROR
    assert "cannot read the policy" in result.stderr


def test_fail_on_without_a_policy_is_an_input_error(tmp_path: Path, snapshot: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)  # no ./licscan.policy.yaml here
    result = scan(tmp_path, snapshot, ["org/apache-model"], "--fail-on", "deny", policy=None)
    assert result.exit_code == EXIT_INPUT_ERROR
    assert "--fail-on needs a policy" in result.stderr


# -- scan --policy: the gate's exit codes ------------------------------------------------


@pytest.mark.parametrize(
    ("models", "policy_extra", "args", "expected", "exit_code"),
    [
        (["org/apache-model", "org/mit-model", "org/llama-model"], "", [], ["allow"] * 3, EXIT_OK),
        (["org/apache-model", "org/nc-model"], "", [], ["allow", "deny"], EXIT_GATE_FAILED),
        # A denied model and a fetch failure: 1 outranks 3.
        (["org/nc-model", GONE], "", [], ["deny", "deny"], EXIT_GATE_FAILED),
        (["org/apache-model", GONE], "on_fetch_error: allow\n", [], ["allow", "allow"], EXIT_FETCH_FAILED),
        (["org/apache-model", GONE], "on_fetch_error: review\n", [], ["allow", "review"], EXIT_FETCH_FAILED),
        (["org/apache-model", GONE], "on_fetch_error: review\n", ["--fail-on", "review"], None, EXIT_GATE_FAILED),
        # The llama model goes to review when legal has not accepted pass-through terms.
        (["org/llama-model"], "licenses:\n  llama3.1: review\n", [], ["review"], EXIT_OK),
        (["org/llama-model"], "licenses:\n  llama3.1: review\n", ["--fail-on", "review"], ["review"], EXIT_GATE_FAILED),
        (["org/llama-model"], "licenses:\n  llama3.1: review\n", ["--fail-on", "deny"], ["review"], EXIT_OK),
    ],
)
def test_gate_exit_codes(
    tmp_path: Path,
    snapshot: Path,
    models: list[str],
    policy_extra: str,
    args: list[str],
    expected: list[str] | None,
    exit_code: int,
) -> None:
    result = scan(tmp_path, snapshot, models, *args, policy=CLEAN + policy_extra)
    assert result.exit_code == exit_code, result.output
    if expected is not None:
        assert list(verdicts(result).values()) == expected


@pytest.mark.parametrize(
    ("context", "verdict", "rule"),
    [
        ("use: commercial\n  monthly_active_users: 1000000\n  regions: [US]", "allow", None),
        ("use: commercial\n  monthly_active_users: 900000000\n  regions: [US]", "deny", "context:user-threshold"),
        ("use: research\n  monthly_active_users: 100\n  regions: [US]", "allow", None),
        ("use: commercial\n  monthly_active_users: 1000000\n  regions: [EU]", "deny", "context:region-restriction"),
    ],
)
def test_same_scan_different_contexts(tmp_path: Path, snapshot: Path, context: str, verdict: str, rule: str) -> None:
    policy = CLEAN.replace("use: commercial\n  monthly_active_users: 1000000\n  regions: [US]", context)
    result = scan(tmp_path, snapshot, ["org/vision-model"], policy=policy)
    assert result.exit_code == (EXIT_GATE_FAILED if verdict == "deny" else EXIT_OK), result.output
    model = json.loads(result.stdout)["models"][0]
    assert model["verdict"] == verdict
    if rule:
        assert model["reasons"][0]["rule"] == rule


def test_json_report_names_the_policy_and_counts_verdicts(tmp_path: Path, snapshot: Path) -> None:
    result = scan(tmp_path, snapshot, ["org/apache-model", "org/nc-model", GONE])
    data = json.loads(result.stdout)
    assert data["policy"].endswith("policy.yaml")
    assert data["summary"]["by_verdict"] == {"allow": 1, "review": 0, "deny": 2}
    nc = data["models"][1]
    assert [r["rule"] for r in nc["reasons"]][:2] == ["class:non-commercial", "context:non-commercial-use"]
    assert nc["reasons"][1] == {
        "rule": "context:non-commercial-use",
        "decision": "deny",
        "message": "Creative Commons Attribution-NonCommercial 4.0 International permits non-commercial use only; "
        "the policy declares commercial use (context.use).",
    }


def test_table_shows_the_verdict(tmp_path: Path, snapshot: Path) -> None:
    manifest = write(tmp_path, "models.txt", "org/nc-model\n")
    policy = write(tmp_path, "policy.yaml", CLEAN)
    result = CliRunner().invoke(main, ["scan", str(manifest), "--snapshot", str(snapshot), "--policy", str(policy)])
    assert result.exit_code == EXIT_GATE_FAILED
    assert "DENY" in result.stdout


def test_exception_warnings_go_to_stderr(tmp_path: Path, snapshot: Path) -> None:
    policy = (
        CLEAN
        + "exceptions:\n"
        + "  - model: org/nc-model\n    decision: allow\n    reason: licence bought, LEG-42\n    expires: 2001-01-01\n"
        + "  - model: org/removed\n    decision: allow\n    reason: old\n    expires: 2999-01-01\n"
        + "  - model: org/apache-model\n    decision: review\n    reason: a second look\n    expires: 2999-01-01\n"
    )
    result = scan(tmp_path, snapshot, ["org/nc-model", "org/apache-model"], policy=policy)
    assert result.exit_code == EXIT_GATE_FAILED  # the expired exception no longer lifts the deny
    assert verdicts(result) == {"org/nc-model": "deny", "org/apache-model": "review"}
    assert "exception for org/nc-model expired on 2001-01-01 and no longer applies" in result.stderr
    assert "exception for org/removed matched no model in this scan" in result.stderr
    data = json.loads(result.stdout)
    assert any("org/removed" in w for w in data["warnings"])
    assert "exception-expired" in [f["code"] for f in data["models"][0]["findings"]]


def test_default_policy_file_in_the_working_directory(tmp_path: Path, snapshot: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "licscan.policy.yaml", CLEAN)
    result = scan(tmp_path, snapshot, ["org/nc-model"], policy=None)
    assert result.exit_code == EXIT_GATE_FAILED
    assert json.loads(result.stdout)["policy"] == "licscan.policy.yaml"


def test_no_policy_no_verdicts(tmp_path: Path, snapshot: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    result = scan(tmp_path, snapshot, ["org/nc-model", GONE], policy=None)
    assert result.exit_code == EXIT_FETCH_FAILED
    data = json.loads(result.stdout)
    assert data["policy"] is None and data["summary"]["by_verdict"] is None
    assert [m["verdict"] for m in data["models"]] == [None, None]


def test_helpers(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_policy_path(None) is None
    assert resolve_policy_path(Path("x.yaml")) == Path("x.yaml")
    write(tmp_path, "licscan.policy.yaml", "version: 1\n")
    assert resolve_policy_path(None) == Path("licscan.policy.yaml")


@pytest.mark.parametrize(
    ("verdicts_", "fail_on", "failed"),
    [
        ([None, None], "deny", False),  # no policy applied: no gate
        (["allow", "review"], "deny", False),
        (["allow", "review"], "review", True),
        (["deny"], "deny", True),
        (["deny"], "review", True),
        (["allow", "allow"], "review", False),
    ],
)
def test_gate_failed_compares_by_severity(verdicts_: list[str | None], fail_on: str, failed: bool) -> None:
    ref = ModelRef("org/m", None, "models.txt", 1)
    unknown = Classification(None, LicenseClass.UNKNOWN, None)
    models = tuple(
        ModelResult(ref, None, None, None, unknown, None, None, LicenseClass.UNKNOWN, verdict=v) for v in verdicts_
    )
    result = ScanResult(models, (), "0", "db", "2026-01-01T00:00:00Z", "test")
    assert gate_failed(result, fail_on) is failed
