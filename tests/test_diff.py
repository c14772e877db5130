"""Diff semantics (``licscan.diff``), ``licscan diff OLD.json NEW.json`` and ``scan --baseline``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from licscan.cli import main
from licscan.diff import annotate, counts, diff_documents, exit_code, fails, judged, violations
from licscan.errors import EXIT_FETCH_FAILED, EXIT_GATE_FAILED, EXIT_INPUT_ERROR, EXIT_OK
from licscan.sources.store import Store
from licscan.types import ModelRecord


def model(
    repo: str,
    line: int = 1,
    *,
    path: str = "models.txt",
    requested: str | None = None,
    commit: str | None = "c" * 40,
    licence: str | None = "mit",
    cls: str = "permissive",
    verdict: str | None = "allow",
    findings: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "repo_id": repo,
        "requested_revision": requested,
        "revision": commit,
        "manifest": {"path": path, "line": line},
        "declared_expression": licence,
        "license": {"id": licence, "name": licence, "spdx_id": None} if licence else None,
        "class": cls,
        "findings": [{"code": code, "severity": "error", "message": code} for code in findings],
        "verdict": verdict,
        "reasons": [{"rule": f"class:{cls}", "decision": verdict, "message": f"{cls} is {verdict}"}],
    }


def doc(*models: dict[str, Any], policy: str | None = "policy.yaml") -> dict[str, Any]:
    return {"schema_version": 1, "policy": policy, "models": list(models)}


def statuses(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c.status, c.repo_id) for c in diff_documents(old, new)]


# -- statuses ---------------------------------------------------------------------------------------


def test_added_removed_unchanged() -> None:
    old = doc(model("org/a"), model("org/gone", 2))
    new = doc(model("org/a"), model("org/new", 2))
    assert statuses(old, new) == [("unchanged", "org/a"), ("added", "org/new"), ("removed", "org/gone")]


def test_repo_ids_compare_case_insensitively_and_lines_do_not_matter() -> None:
    assert statuses(doc(model("Org/Model", 3)), doc(model("org/model", 9))) == [("unchanged", "org/model")]


def test_a_revision_bump_is_one_changed_model() -> None:
    old = doc(model("org/a", requested="v1", commit="1" * 40))
    new = doc(model("org/a", requested="v2", commit="2" * 40, licence="cc-by-nc-4.0", cls="non-commercial"))
    [change] = diff_documents(old, new)
    assert change.status == "changed"
    assert change.reasons == (
        "revision v1 -> v2",
        "commit 1111111 -> 2222222",
        "licence mit -> cc-by-nc-4.0",
        "declared mit -> cc-by-nc-4.0",
        "class permissive -> non-commercial",
    )


@pytest.mark.parametrize(
    ("changed", "reason"),
    [
        ({"commit": "d" * 40}, "commit ccccccc -> ddddddd"),
        ({"licence": "apache-2.0"}, "licence mit -> apache-2.0"),
        ({"cls": "copyleft"}, "class permissive -> copyleft"),
        ({"verdict": "review"}, "verdict allow -> review"),
    ],
)
def test_each_difference_makes_a_model_changed(changed: dict[str, Any], reason: str) -> None:
    [change] = diff_documents(doc(model("org/a")), doc(model("org/a", **changed)))
    assert change.status == "changed"
    assert reason in change.reasons


def test_a_model_moved_to_another_manifest_is_the_same_model() -> None:
    old = doc(model("org/a", path="models.txt"))
    new = doc(model("org/a", path="vision/models.txt"))
    assert statuses(old, new) == [("unchanged", "org/a")]


def test_the_same_manifest_is_matched_before_another() -> None:
    old = doc(model("org/a", path="a.txt", requested="v1"), model("org/a", path="b.txt", requested="v2"))
    new = doc(model("org/a", path="b.txt", requested="v1"), model("org/a", path="a.txt", requested="v1"))
    changes = diff_documents(old, new)
    # b.txt's entry pairs with b.txt's old one (a bump v2 -> v1), a.txt's with a.txt's: nothing is added.
    assert [(c.status, c.current["manifest"]["path"]) for c in changes] == [
        ("changed", "b.txt"),
        ("unchanged", "a.txt"),
    ]
    assert changes[0].reasons[0] == "revision v2 -> v1"


def test_one_repo_listed_twice_pairs_by_requested_revision_first() -> None:
    old = doc(model("org/a", 1, requested="v1"), model("org/a", 2, requested="v2"))
    new = doc(model("org/a", 1, requested="v2"), model("org/a", 2, requested="v1"))
    assert statuses(old, new) == [("unchanged", "org/a"), ("unchanged", "org/a")]
    new = doc(model("org/a", 1, requested="v2"), model("org/a", 2, requested="v3"))
    changes = diff_documents(old, new)
    assert [c.status for c in changes] == ["unchanged", "changed"]
    assert changes[1].reasons[0] == "revision v1 -> v3"


def test_counts() -> None:
    old = doc(model("org/a"), model("org/b", 2), model("org/c", 3))
    new = doc(model("org/a"), model("org/b", 2, verdict="deny"), model("org/d", 4))
    assert counts(diff_documents(old, new)) == {"added": 1, "changed": 1, "unchanged": 1, "removed": 1}


# -- annotation and the gate ------------------------------------------------------------------------


def test_annotate_adds_change_and_baseline() -> None:
    old = doc(model("org/a", verdict="deny"), model("org/gone", 2))
    new = doc(model("org/a", verdict="deny"), model("org/b", 2, verdict="deny"))
    annotate(new, diff_documents(old, new), "base.json")
    assert [m["change"] for m in new["models"]] == ["unchanged", "added"]
    assert new["baseline"]["path"] == "base.json"
    assert new["baseline"]["kind"] == "scan"
    assert [r["repo_id"] for r in new["baseline"]["removed"]] == ["org/gone"]


def test_the_gate_judges_only_added_and_changed_models() -> None:
    old = doc(model("org/denied", verdict="deny", cls="non-commercial"), model("org/ok", 2))
    new = doc(model("org/denied", verdict="deny", cls="non-commercial"), model("org/ok", 2), model("org/r", 3))
    new["models"][2]["verdict"] = "review"
    annotate(new, diff_documents(old, new), "base.json")
    assert [m["repo_id"] for m in judged(new)] == ["org/r"]
    assert violations(new, "deny") == []
    assert exit_code(new, "deny") == EXIT_OK
    assert [m["repo_id"] for m in violations(new, "review")] == ["org/r"]
    assert exit_code(new, "review") == EXIT_GATE_FAILED


def test_without_a_baseline_every_model_is_judged() -> None:
    plain = doc(model("org/denied", verdict="deny"))
    assert exit_code(plain, "deny") == EXIT_GATE_FAILED


def test_removed_models_never_fail() -> None:
    old = doc(model("org/denied", verdict="deny"))
    new = doc()
    annotate(new, diff_documents(old, new), "base.json")
    assert exit_code(new, "review") == EXIT_OK


def test_license_changed_fails_whatever_fail_on_says() -> None:
    locked = model("org/a", verdict="allow", findings=("license-changed",))
    assert fails(locked, "deny")
    assert not fails(model("org/a", verdict="review"), "deny")


def test_fetch_failures_count_only_among_judged_models() -> None:
    failed: dict[str, Any] = {
        "commit": None,
        "licence": None,
        "cls": "unknown",
        "verdict": "allow",
        "findings": ("fetch-failed",),
    }
    old = doc(model("org/a", **failed))
    new = doc(model("org/a", **failed))
    annotate(new, diff_documents(old, new), "base.json")
    assert exit_code(new, "deny") == EXIT_OK  # unchanged: judged on the base already
    new = doc(model("org/a", **failed))
    annotate(new, diff_documents(doc(), new), "base.json")
    assert exit_code(new, "deny") == EXIT_FETCH_FAILED


# -- licscan diff ------------------------------------------------------------------------------------


def write_docs(tmp_path: Path, old: dict[str, Any], new: dict[str, Any]) -> tuple[str, str]:
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    return str(tmp_path / "old.json"), str(tmp_path / "new.json")


def test_diff_command_formats_and_exit_code(tmp_path: Path) -> None:
    old = doc(model("org/a"), model("org/gone", 2))
    new = doc(model("org/a"), model("org/nc", 2, licence="cc-by-nc-4.0", cls="non-commercial", verdict="deny"))
    old_path, new_path = write_docs(tmp_path, old, new)
    runner = CliRunner()
    table = runner.invoke(main, ["diff", old_path, new_path])
    assert table.exit_code == EXIT_GATE_FAILED
    assert "1 added, 0 changed, 1 unchanged, 1 removed; gate (fail on deny): FAILED" in table.stdout
    assert "FAIL added    org/nc  models.txt:2  deny" in table.stdout
    assert "removed  org/gone" in table.stdout
    as_json = json.loads(runner.invoke(main, ["diff", old_path, new_path, "--format", "json"]).stdout)
    assert as_json["gate_failed"] is True
    assert as_json["summary"] == {"added": 1, "changed": 0, "unchanged": 1, "removed": 1}
    assert [(c["status"], c["repo_id"], c["fails"]) for c in as_json["changes"]] == [
        ("unchanged", "org/a", False),
        ("added", "org/nc", True),
        ("removed", "org/gone", False),
    ]
    markdown = runner.invoke(main, ["diff", old_path, new_path, "--format", "markdown"]).stdout
    assert "| ❌ | added | org/nc | models.txt:2 | deny | cc-by-nc-4.0 |" in markdown


def test_diff_command_passes_when_nothing_new_fails(tmp_path: Path) -> None:
    denied = model("org/nc", licence="cc-by-nc-4.0", cls="non-commercial", verdict="deny")
    old_path, new_path = write_docs(tmp_path, doc(denied), doc(denied, model("org/b", 2)))
    result = CliRunner().invoke(main, ["diff", old_path, new_path, "--fail-on", "review"])
    assert result.exit_code == EXIT_OK, result.output


def test_markdown_cells_are_inert(tmp_path: Path) -> None:
    hostile = model("org/a", licence="x|<script>[y](z)", verdict="deny")
    old_path, new_path = write_docs(tmp_path, doc(), doc(hostile))
    markdown = CliRunner().invoke(main, ["diff", old_path, new_path, "--format", "markdown"]).stdout
    assert "<script>" not in markdown and "x\\|&lt;script&gt;\\[y\\](z)" in markdown


def test_diff_command_input_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"hello": 1}')
    old_path, new_path = write_docs(tmp_path, doc(), doc(policy=None))
    for args, message in [
        ([str(tmp_path / "bad.json"), new_path], "not JSON"),
        ([str(tmp_path / "other.json"), new_path], "not a licscan JSON report"),
        ([old_path, str(tmp_path / "missing.json")], "no such file"),
        ([old_path, new_path, "--fail-on", "deny"], "--fail-on needs verdicts"),
    ]:
        result = runner.invoke(main, ["diff", *args])
        assert result.exit_code == EXIT_INPUT_ERROR, args
        assert message in result.stderr


# -- scan --baseline --------------------------------------------------------------------------------

POLICY = """\
version: 1
context: {use: commercial, distribution: hosted, regions: [US], monthly_active_users: 1000}
classes: {permissive: allow, non-commercial: deny}
obligations: {accepted: [attribution, notice, state-changes, pass-through]}
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    store = Store(tmp_path / "snap", "snapshot")
    store.initialise()
    for n, (repo, licence) in enumerate(
        {"org/mit": "mit", "org/nc": "cc-by-nc-4.0", "org/old-nc": "cc-by-nc-4.0"}.items()
    ):
        store.write_record(ModelRecord(repo, f"{n + 1}" * 40, card_data={"license": licence}))
        store.write_ref(repo, None, f"{n + 1}" * 40)
    (tmp_path / "policy.yaml").write_text(POLICY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan(workdir: Path, manifest: str, *args: str) -> Any:
    (workdir / "models.txt").write_text(manifest)
    return CliRunner().invoke(
        main, ["scan", "models.txt", "--snapshot", "snap", "--policy", "policy.yaml", "--format", "json", *args]
    )


def test_scan_with_a_baseline_fails_only_on_new_violations(workdir: Path) -> None:
    base = scan(workdir, "org/mit\norg/old-nc\n")
    assert base.exit_code == EXIT_GATE_FAILED  # the base itself holds a denied model
    (workdir / "base.json").write_text(base.stdout)
    quiet = scan(workdir, "org/mit\norg/old-nc\n", "--baseline", "base.json")
    assert quiet.exit_code == EXIT_OK, quiet.output
    data = json.loads(quiet.stdout)
    assert [m["change"] for m in data["models"]] == ["unchanged", "unchanged"]
    assert data["baseline"] == {"path": "base.json", "kind": "scan", "removed": []}
    loud = scan(workdir, "org/old-nc\norg/nc\n", "--baseline", "base.json")
    assert loud.exit_code == EXIT_GATE_FAILED
    data = json.loads(loud.stdout)
    assert [(m["repo_id"], m["change"]) for m in data["models"]] == [("org/old-nc", "unchanged"), ("org/nc", "added")]
    assert [r["repo_id"] for r in data["baseline"]["removed"]] == ["org/mit"]


def test_scan_with_a_baseline_prints_the_changes_after_the_table(workdir: Path) -> None:
    (workdir / "base.json").write_text(scan(workdir, "org/old-nc\n").stdout)
    (workdir / "models.txt").write_text("org/old-nc\norg/mit\n")
    result = CliRunner().invoke(
        main, ["scan", "models.txt", "--snapshot", "snap", "--policy", "policy.yaml", "--baseline", "base.json"]
    )
    assert result.exit_code == EXIT_OK
    assert "against base.json: 1 added, 0 changed, 1 unchanged, 0 removed; gate (fail on deny): passed" in result.stdout


def test_scan_baseline_input_errors(workdir: Path) -> None:
    missing = scan(workdir, "org/mit\n", "--baseline", "nope.json")
    assert missing.exit_code == EXIT_INPUT_ERROR
    assert "nope.json: no such file" in missing.stderr
    (workdir / "base.json").write_text(json.dumps(doc()))
    both = scan(workdir, "org/mit\n", "--baseline", "base.json", "--locked")
    assert both.exit_code == EXIT_INPUT_ERROR
    assert "alternatives" in both.stderr
