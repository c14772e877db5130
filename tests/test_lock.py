"""``models.lock``: ``licscan lock`` output, round trip, and the ``scan --locked`` gate."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from licscan.cli import main
from licscan.errors import EXIT_FETCH_FAILED, EXIT_GATE_FAILED, EXIT_INPUT_ERROR, EXIT_OK
from licscan.lock import build_lock, compare_with_lock, license_text_sha256, parse_lock, render_lock
from licscan.sources.store import Store
from licscan.types import Evidence, FetchErrorCode, FetchFailure, ModelRecord, ScanResult

POLICY = """\
version: 1
context: {use: commercial, distribution: hosted, regions: [US], monthly_active_users: 1000}
classes: {permissive: allow, non-commercial: deny}
obligations: {accepted: [attribution, notice, state-changes, pass-through]}
"""
# repo -> (commit, licence) at the default branch
MODELS = {"org/mit": ("1" * 40, "mit"), "org/nc": ("2" * 40, "cc-by-nc-4.0"), "Org/Apache": ("3" * 40, "apache-2.0")}


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    store = Store(tmp_path / "snap", "snapshot")
    store.initialise()
    for repo, (sha, licence) in MODELS.items():
        store.write_record(ModelRecord(repo, sha, card_data={"license": licence}))
        store.write_ref(repo, None, sha)
    store.write_failure("org/gated", None, FetchFailure(FetchErrorCode.GATED, "org/gated is gated"))
    (tmp_path / "policy.yaml").write_text(POLICY)
    (tmp_path / "models.txt").write_text("org/nc\norg/mit\nOrg/Apache\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def move_branch(work: Path, repo: str, sha: str, licence: str) -> None:
    """The repo's default branch moves upstream to a new commit with ``licence``."""
    store = Store(work / "snap", "snapshot")
    store.write_record(ModelRecord(repo, sha, card_data={"license": licence}))
    store.write_ref(repo, None, sha)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def lock(*extra: str) -> Result:
    return invoke("lock", "models.txt", "--snapshot", "snap", "--policy", "policy.yaml", *extra)


def scan_locked(*extra: str) -> Result:
    return invoke("scan", "models.txt", "--snapshot", "snap", "--policy", "policy.yaml", "--locked", *extra)


def test_lock_file_layout(work: Path) -> None:
    result = lock()
    assert result.exit_code == EXIT_OK, result.output
    assert "models.lock: 3 models, written" in result.stderr
    text = (work / "models.lock").read_text()
    assert text.endswith("}\n") and text.startswith('{\n  "lock_version": 1,\n  "policy": "policy.yaml",\n')
    data = json.loads(text)
    # Sorted by manifest, then repo (case-insensitive), whatever the manifest order.
    assert [m["repo_id"] for m in data["models"]] == ["Org/Apache", "org/mit", "org/nc"]
    nc = data["models"][2]
    assert list(nc) == [
        "manifest", "repo_id", "requested_revision", "revision", "license", "declared_expression", "licenses",
        "class", "license_fingerprint", "license_text_sha256", "verdict", "reasons",
    ]  # fmt: skip
    assert nc["manifest"] == "models.txt"
    assert (nc["revision"], nc["licenses"], nc["class"], nc["verdict"]) == (
        "2" * 40,
        ["cc-by-nc-4.0"],
        "non-commercial",
        "deny",
    )
    assert nc["license_fingerprint"].startswith("sha256:") and nc["license_text_sha256"] is None
    assert nc["reasons"][0]["rule"] == "class:non-commercial"


def test_lock_is_stable_and_round_trips(work: Path) -> None:
    lock()
    first = (work / "models.lock").read_bytes()
    (work / "models.txt").write_text("Org/Apache\norg/mit\norg/nc\n")  # reordered: same lock
    again = lock()
    assert "unchanged" in again.stderr
    assert (work / "models.lock").read_bytes() == first
    data = parse_lock(first.decode(), "models.lock")
    assert render_lock(data).encode() == first


def test_manifest_paths_are_relative_to_the_lock(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (work / "sub").mkdir()
    monkeypatch.chdir(work / "sub")
    result = invoke("lock", "../models.txt", "--snapshot", "../snap", "-o", "../models.lock")
    assert result.exit_code == EXIT_OK, result.output
    assert {m["manifest"] for m in json.loads((work / "models.lock").read_text())["models"]} == {"models.txt"}
    monkeypatch.chdir(work)
    result = scan_locked("--format", "json")
    # Paths match, so every entry is unchanged; the gate still fails, since the policy denies org/nc.
    assert {m["change"] for m in json.loads(result.stdout)["models"]} == {"unchanged"}
    assert result.exit_code == EXIT_GATE_FAILED


def test_lock_refuses_to_record_what_could_not_be_fetched(work: Path) -> None:
    (work / "models.txt").write_text("org/mit\norg/gated\n")
    result = lock()
    assert result.exit_code == EXIT_FETCH_FAILED
    assert "models.lock not written: 1 model(s) could not be fetched" in result.stderr
    assert not (work / "models.lock").exists()


# -- scan --locked ----------------------------------------------------------------------------------


def test_a_locked_denied_model_still_fails(work: Path) -> None:
    # A lock records what was reviewed and trips on change; it is not an exception (issue 9).
    locked = lock()
    assert "org/nc is locked with verdict deny: the lock records it, it does not approve it" in locked.stderr
    assert invoke("scan", "models.txt", "--snapshot", "snap", "--policy", "policy.yaml").exit_code == EXIT_GATE_FAILED
    result = scan_locked("--format", "json")
    assert result.exit_code == EXIT_GATE_FAILED, result.output
    data = json.loads(result.stdout)
    assert {m["change"] for m in data["models"]} == {"unchanged"}
    assert {m["repo_id"]: m["verdict"] for m in data["models"]}["org/nc"] == "deny"
    assert data["baseline"] == {"path": "models.lock", "kind": "lock", "removed": []}
    table = scan_locked()
    assert "FAIL unchanged org/nc" in table.stdout and "gate (fail on deny): FAILED, 1 model(s) fail it" in table.stdout


def test_a_locked_allowed_model_passes(work: Path) -> None:
    (work / "models.txt").write_text("org/mit\nOrg/Apache\n")
    lock()
    assert scan_locked().exit_code == EXIT_OK


def test_a_licence_change_upstream_fails_whatever_fail_on_says(work: Path) -> None:
    lock()
    move_branch(work, "org/mit", "4" * 40, "apache-2.0")  # still allowed by the policy
    result = scan_locked("--format", "json")
    assert result.exit_code == EXIT_GATE_FAILED
    mit = next(m for m in json.loads(result.stdout)["models"] if m["repo_id"] == "org/mit")
    assert mit["change"] == "changed" and mit["verdict"] == "allow"
    [finding] = [f for f in mit["findings"] if f["code"] == "license-changed"]
    assert finding["severity"] == "error"
    assert "commit 1111111 -> 4444444" in finding["message"]
    assert "licences [mit] (permissive) -> [apache-2.0] (permissive)" in finding["message"]
    assert "run `licscan lock`" in finding["message"]
    table = scan_locked()
    assert "FAIL changed  org/mit  models.txt:2  allow  commit 1111111 -> 4444444" in table.stdout


def test_a_new_commit_with_the_same_licence_is_a_change_too(work: Path) -> None:
    lock()
    move_branch(work, "org/mit", "5" * 40, "mit")
    result = scan_locked("--format", "json")
    assert result.exit_code == EXIT_GATE_FAILED
    mit = next(m for m in json.loads(result.stdout)["models"] if m["repo_id"] == "org/mit")
    assert [f["message"].split(": ")[1] for f in mit["findings"] if f["code"] == "license-changed"] == [
        "commit 1111111 -> 5555555. Review the new licence, then run `licscan lock` to record it."
    ]


def test_new_entries_are_judged_by_the_policy(work: Path) -> None:
    (work / "models.txt").write_text("org/mit\n")
    lock()
    (work / "models.txt").write_text("org/mit\nOrg/Apache\n")
    allowed = scan_locked("--format", "json")
    assert allowed.exit_code == EXIT_OK
    assert [m["change"] for m in json.loads(allowed.stdout)["models"]] == ["unchanged", "added"]
    (work / "models.txt").write_text("org/mit\norg/nc\n")
    assert scan_locked().exit_code == EXIT_GATE_FAILED


def test_a_bumped_revision_is_judged_as_new_with_a_warning(work: Path) -> None:
    lock()
    Store(work / "snap", "snapshot").write_ref("org/nc", "v2", "2" * 40)
    (work / "models.txt").write_text("org/nc@v2\norg/mit\nOrg/Apache\n")
    result = scan_locked("--format", "json")
    assert result.exit_code == EXIT_GATE_FAILED  # new to the lock, and denied
    assert "models.txt:1: org/nc@v2 is locked at the default branch in models.lock" in result.stderr
    assert "org/nc (models.txt) is locked but no longer listed" in result.stderr
    assert json.loads(result.stdout)["baseline"]["removed"][0]["repo_id"] == "org/nc"


def test_locked_input_errors(work: Path) -> None:
    missing = scan_locked()
    assert missing.exit_code == EXIT_INPUT_ERROR
    assert "models.lock: no lock file; write one with `licscan lock MANIFEST...`" in missing.stderr
    for text, message in [
        ("[]", "a lock file is a JSON object"),
        ('{"lock_version": 2, "models": []}', "unsupported lock_version 2"),
        ('{"lock_version": 1, "models": [{"repo_id": "x"}]}', "models[0] lacks manifest"),
        ("{", "not a JSON lock file"),
    ]:
        (work / "other.lock").write_text(text)
        result = scan_locked("--lock-file", "other.lock")
        assert result.exit_code == EXIT_INPUT_ERROR, text
        assert message in result.stderr


# -- the licence text hash ---------------------------------------------------------------------------


def scan_result(work: Path) -> ScanResult:
    from licscan.licensedb import load_database
    from licscan.manifest import read_manifests
    from licscan.scan import scan
    from licscan.sources.snapshot import SnapshotSource

    refs, _ = read_manifests([Path("models.txt")])
    return scan(refs, SnapshotSource(work / "snap"), load_database())


def with_text(result: ScanResult, text: str) -> ScanResult:
    """Every model as if the scan had read and used its LICENSE file."""
    models = []
    for m in result.models:
        assert m.record is not None
        record = replace(m.record, files={"LICENSE": text})
        models.append(replace(m, record=record, evidence=(*m.evidence, Evidence("file:LICENSE", "full text"))))
    return replace(result, models=tuple(models))


def test_licence_text_hash_is_recorded_and_compared(work: Path) -> None:
    base = scan_result(work)
    assert license_text_sha256(base.models[0]) is None
    read = with_text(base, "MIT License ...")
    digest = license_text_sha256(read.models[0])
    assert digest is not None and len(digest) == 64
    locked: dict[str, Any] = build_lock(read, work)
    assert compare_with_lock(with_text(base, "MIT License ..."), locked, "models.lock", work).statuses[0][0] == (
        "unchanged"
    )
    edited = compare_with_lock(with_text(base, "MIT License, edited"), locked, "models.lock", work)
    assert [s for s, _ in edited.statuses] == ["changed"] * 3
    assert edited.statuses[0][1] == ("licence text changed",)
    # A lock written before texts were read (null) does not turn every entry into a change.
    assert compare_with_lock(read, build_lock(base, work), "models.lock", work).statuses[0][0] == "unchanged"


# -- a relicense upstream is seen at once, even with a warm cache ---------------------------------------


def test_a_relicense_is_caught_with_a_warm_cache(
    fake_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models.txt").write_text("relic/model\n")
    (tmp_path / "policy.yaml").write_text(POLICY)
    fake_hub.add_repo({"id": "relic/model", "sha": "a" * 40, "cardData": {"license": "mit"}, "siblings": ["model.bin"]})
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert invoke("lock", "models.txt", "--policy", "policy.yaml", *cache).exit_code == EXIT_OK
    # Upstream moves its default branch to a non-commercial licence.
    fake_hub.add_repo(
        {"id": "relic/model", "sha": "b" * 40, "cardData": {"license": "cc-by-nc-4.0"}, "siblings": ["model.bin"]}
    )
    plain = invoke("scan", "models.txt", "--policy", "policy.yaml", "--format", "json", *cache)
    assert json.loads(plain.stdout)["models"][0]["revision"] == "a" * 40  # a plain scan reuses the cached branch
    fake_hub.reset_log()
    result = invoke("scan", "models.txt", "--policy", "policy.yaml", "--locked", "--format", "json", *cache)
    assert result.exit_code == EXIT_GATE_FAILED
    model = json.loads(result.stdout)["models"][0]
    assert model["revision"] == "b" * 40 and model["class"] == "non-commercial"
    assert "license-changed" in {f["code"] for f in model["findings"]}
    assert fake_hub.count("model_info", "relic/model") == 1
