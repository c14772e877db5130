"""The policy's datasets: and training_data: sections: loading with line numbers, evaluation, the gate.

Scans read a snapshot folder built here (dataset records under datasets/), so no test touches the network.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from licscan.cli import main
from licscan.errors import EXIT_GATE_FAILED, EXIT_INPUT_ERROR, EXIT_OK
from licscan.licensedb import load_database
from licscan.manifest import read_manifests
from licscan.policy import Decision, evaluate, read_policy
from licscan.policy.model import DEFAULT_TRAINING_DATA_DECISIONS
from licscan.scan import scan
from licscan.sources.snapshot import SnapshotSource
from licscan.sources.store import Store
from licscan.types import DATASET, LicenseClass, ModelRecord, ScanResult

TODAY = dt.date(2026, 6, 1)


def commit(n: int) -> str:
    return f"{n:040x}"


# dataset -> card licence
DATASETS = {
    "org/open-data": "cc-by-4.0",
    "org/nc-data": "cc-by-nc-4.0",
    "org/sa-data": "cc-by-sa-4.0",
    "org/odbl-data": "odbl",
    "org/mystery-data": "",
}
# model -> (licence, datasets its card names, base)
MODELS: dict[str, tuple[str, list[str], str | None]] = {
    "org/clean-model": ("apache-2.0", ["org/open-data"], None),
    "org/nc-trained": ("apache-2.0", ["org/open-data", "org/nc-data"], None),
    "org/child-of-nc-trained": ("apache-2.0", ["org/sa-data"], "org/nc-trained"),
    "org/free-named": ("mit", ["ShareGPT conversations", "org/mystery-data"], None),
}


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    root = tmp_path / "snap"
    store = Store(root, "snapshot")
    store.initialise()
    n = 1
    for repo, licence in DATASETS.items():
        card = {"license": licence} if licence else {"pretty_name": repo}
        store.write_record(ModelRecord(repo, commit(n), card, repo_type=DATASET))
        store.write_ref(repo, None, commit(n), DATASET)
        n += 1
    for repo, (licence, data, base) in MODELS.items():
        card: dict[str, Any] = {"license": licence, "datasets": data}
        if base:
            card["base_model"] = base
        store.write_record(ModelRecord(repo, commit(n), card, pipeline_tag="text-generation"))
        store.write_ref(repo, None, commit(n))
        n += 1
    return root


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def scanned(tmp_path: Path, snapshot: Path, entries: list[str]) -> ScanResult:
    refs, _ = read_manifests([write(tmp_path, "models.txt", "\n".join(entries) + "\n")])
    return scan(refs, SnapshotSource(snapshot), load_database())


def judged(tmp_path: Path, snapshot: Path, entries: list[str], policy_text: str) -> ScanResult:
    policy, problems = read_policy(write(tmp_path, "p.yaml", policy_text), db=load_database())
    assert policy is not None, problems
    return evaluate(scanned(tmp_path, snapshot, entries), policy, today=TODAY, policy_name="p.yaml").result


def rules(item: Any) -> dict[str, str]:
    return {r.rule: r.decision for r in item.reasons}


COMMERCIAL = "version: 1\ncontext:\n  use: commercial\nobligations:\n  accepted: [attribution, notice, state-changes]\n"


# -- loading ------------------------------------------------------------------------------------------


def test_both_sections_load_and_leave_the_rest_to_defaults(tmp_path: Path) -> None:
    text = (
        "version: 1\nclasses:\n  copyleft: allow\nlicenses:\n  odbl: deny\n"
        "datasets:\n  classes:\n    non-commercial: review\n  licenses:\n    cc-by-sa-4.0: deny\n"
        "training_data:\n  unknown: review\n"
    )
    policy, problems = read_policy(write(tmp_path, "p.yaml", text), db=load_database())
    assert problems == [] and policy is not None
    assert dict(policy.datasets.classes) == {LicenseClass.NON_COMMERCIAL: Decision.REVIEW}
    assert dict(policy.datasets.licenses) == {"cc-by-sa-4.0": Decision.DENY}
    assert policy.training_data == {**DEFAULT_TRAINING_DATA_DECISIONS, LicenseClass.UNKNOWN: Decision.REVIEW}
    assert policy.explicit_training_data == frozenset({LicenseClass.UNKNOWN})
    rules_for_datasets = policy.for_datasets()
    assert rules_for_datasets.classes[LicenseClass.COPYLEFT] == Decision.ALLOW  # the policy's own rule
    assert rules_for_datasets.classes[LicenseClass.NON_COMMERCIAL] == Decision.REVIEW  # datasets: wins
    assert dict(rules_for_datasets.licenses) == {"odbl": Decision.DENY, "cc-by-sa-4.0": Decision.DENY}


def test_default_training_data_decisions() -> None:
    assert DEFAULT_TRAINING_DATA_DECISIONS == {
        LicenseClass.PERMISSIVE: Decision.ALLOW,
        LicenseClass.COPYLEFT: Decision.ALLOW,
        LicenseClass.OPEN_WEIGHTS_RESTRICTED: Decision.ALLOW,
        LicenseClass.NON_COMMERCIAL: Decision.REVIEW,
        LicenseClass.UNKNOWN: Decision.ALLOW,
    }


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("datasets:\n  clases: {}\n", 3, "datasets: unknown key 'clases'; did you mean 'classes'?"),
        ("datasets:\n  classes:\n    non-comercial: deny\n", 4, "datasets.classes: unknown key 'non-comercial'"),
        ("datasets:\n  classes:\n    unknown: maybe\n", 4, "datasets.classes.unknown: 'maybe' is not valid"),
        ("datasets: [a]\n", 2, "datasets must be a mapping, not a list"),
        ("datasets:\n  licenses:\n    odbl: [deny]\n", 4, "datasets.licenses.odbl must be text, not a list"),
        ("training_data:\n  non-commercial: nope\n", 3, "training_data.non-commercial: 'nope' is not valid"),
        ("training_data:\n  permisive: allow\n", 3, "training_data: unknown key 'permisive'; did you mean"),
        ("training_data: deny\n", 2, "training_data must be a mapping, not text"),
        (
            "exceptions:\n  - model: org/a\n    dataset: org/b\n    decision: allow\n",
            3,
            "give 'model' or 'dataset', not both",
        ),
        (
            "exceptions:\n  - dataset: org/a/b\n    decision: allow\n",
            3,
            "exceptions[0].dataset: 'org/a/b' has more than",
        ),
    ],
)
def test_errors_name_their_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    policy, problems = read_policy(write(tmp_path, "p.yaml", "version: 1\n" + text), db=load_database())
    assert policy is None
    errors = [p for p in problems if p.severity == "error"]
    assert (errors[0].line, errors[0].path) == (line, str(tmp_path / "p.yaml")), errors
    assert message in errors[0].message


def test_an_unknown_dataset_licence_id_is_a_warning_with_a_suggestion(tmp_path: Path) -> None:
    text = "version: 1\ndatasets:\n  licenses:\n    odc-by-1.0: allow\n"
    policy, problems = read_policy(write(tmp_path, "p.yaml", text), db=load_database())
    assert policy is not None
    assert [(p.line, p.severity, p.message) for p in problems] == [
        (
            4,
            "warning",
            "datasets.licenses: 'odc-by-1.0' is not a licence id in the database, so this rule never applies; "
            "did you mean 'odc-by'?",
        )
    ]


def test_policy_check_and_init_know_both_sections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = write(tmp_path, "bad.yaml", "version: 1\ntraining_data:\n  non-commercial: forbid\n")
    result = CliRunner().invoke(main, ["policy", "check", str(bad)])
    assert result.exit_code == EXIT_INPUT_ERROR
    assert f"{bad}:3: error: training_data.non-commercial: 'forbid' is not valid" in result.output
    monkeypatch.chdir(tmp_path)
    init = CliRunner().invoke(main, ["policy", "init"])
    assert init.exit_code == EXIT_OK, init.output
    text = (tmp_path / "licscan.policy.yaml").read_text()
    assert "\ndatasets:\n" in text and "\ntraining_data:\n  non-commercial: review\n  unknown: allow" in text
    check = CliRunner().invoke(main, ["policy", "check", "licscan.policy.yaml"])
    assert check.exit_code == EXIT_OK, check.output


# -- listed datasets -------------------------------------------------------------------------------------


def test_a_non_commercial_dataset_fails_a_commercial_policy(tmp_path: Path, snapshot: Path) -> None:
    result = judged(tmp_path, snapshot, ["datasets/org/open-data", "datasets/org/nc-data"], COMMERCIAL)
    open_data, nc_data = result.datasets
    assert open_data.verdict == "allow"
    assert nc_data.verdict == "deny"
    assert rules(nc_data) == {
        "class:non-commercial": "deny",
        "context:non-commercial-use": "deny",
        "obligation:attribution": "allow",
        "obligation:state-changes": "allow",
    }
    lic = nc_data.license
    assert lic is not None and lic.id == "cc-by-nc-4.0"
    assert nc_data.reasons[0].message == (
        f"The effective licence is {lic.name} (cc-by-nc-4.0), class non-commercial; the policy denies this class "
        "(licscan's default)."
    )


def test_the_gate_counts_datasets(tmp_path: Path, snapshot: Path) -> None:
    manifest = write(tmp_path, "models.txt", "org/clean-model\ndatasets/org/nc-data\n")
    policy = write(tmp_path, "p.yaml", COMMERCIAL)
    args = ["scan", str(manifest), "--snapshot", str(snapshot), "--policy", str(policy), "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == EXIT_GATE_FAILED, result.output
    doc = json.loads(result.stdout)
    assert [m["verdict"] for m in doc["models"]] == ["allow"]
    assert [(d["repo_id"], d["verdict"]) for d in doc["datasets"]] == [("org/nc-data", "deny")]
    assert doc["summary"]["datasets_by_verdict"] == {"allow": 0, "review": 0, "deny": 1}
    research = write(tmp_path, "r.yaml", "version: 1\ncontext:\n  use: research\nclasses:\n  non-commercial: allow\n")
    args[5] = str(research)
    assert CliRunner().invoke(main, args).exit_code == EXIT_OK  # the policy's classes: decide datasets too


def test_the_datasets_section_decides_for_datasets_only(tmp_path: Path, snapshot: Path) -> None:
    text = COMMERCIAL + "classes:\n  copyleft: review\n"
    text += "datasets:\n  classes:\n    copyleft: allow\n  licenses:\n    odbl: deny\n"
    result = judged(tmp_path, snapshot, ["datasets/org/sa-data", "datasets/org/odbl-data"], text)
    sa, odbl = result.datasets
    assert rules(sa)["class:copyleft"] == "allow"
    assert "(datasets.classes.copyleft)" in next(r.message for r in sa.reasons if r.rule == "class:copyleft")
    assert odbl.verdict == "deny" and rules(odbl)["license:odbl"] == "deny"


def test_exceptions_for_datasets_name_them_with_dataset(tmp_path: Path, snapshot: Path) -> None:
    text = COMMERCIAL + (
        "exceptions:\n"
        "  - dataset: org/nc-data\n    decision: allow\n    reason: licence bought, LEG-9\n    expires: 2027-01-01\n"
        "  - model: org/odbl-data\n    decision: allow\n    reason: a model exception\n    expires: 2027-01-01\n"
    )
    policy, _ = read_policy(write(tmp_path, "p.yaml", text), db=load_database())
    assert policy is not None
    outcome = evaluate(
        scanned(tmp_path, snapshot, ["datasets/org/nc-data", "datasets/org/odbl-data"]),
        policy,
        today=TODAY,
        policy_name="p.yaml",
    )
    nc, odbl = outcome.result.datasets
    assert nc.verdict == "allow" and nc.reasons[0].rule == "exception"
    expected = "The policy exception for datasets/org/nc-data (line 7) allows this dataset"
    assert nc.reasons[0].message.startswith(expected)
    assert odbl.verdict == "review"  # a model exception never matches a dataset of the same id (odbl: share-alike)
    assert [str(e) for e in outcome.unused_exceptions] == ["org/odbl-data"]


def test_a_listed_dataset_that_cannot_be_fetched_gets_on_fetch_error(tmp_path: Path, snapshot: Path) -> None:
    result = judged(tmp_path, snapshot, ["datasets/org/gone"], COMMERCIAL + "on_fetch_error: review\n")
    (gone,) = result.datasets
    assert (gone.verdict, rules(gone)) == ("review", {"fetch-error": "review"})


# -- training data ---------------------------------------------------------------------------------------


def test_non_commercial_training_data_sends_the_model_to_review(tmp_path: Path, snapshot: Path) -> None:
    result = judged(tmp_path, snapshot, ["org/clean-model", "org/nc-trained", "org/child-of-nc-trained"], COMMERCIAL)
    clean, nc_trained, child = result.models
    assert (clean.verdict, nc_trained.verdict, child.verdict) == ("allow", "review", "review")
    assert {cls for m in result.models for cls in [m.license_class.value]} == {"permissive"}  # classes untouched
    assert rules(clean)["training-data:permissive"] == "allow"
    reason = next(r for r in child.reasons if r.rule == "training-data:non-commercial")
    assert reason.message == (
        "org/child-of-nc-trained names training data of class non-commercial: org/nc-data (cc-by-nc-4.0, named by "
        "base org/nc-trained). The data's licence does not change the model's class; the policy requires legal "
        "review of models trained on such data (licscan's default)."
    )
    assert rules(child)["training-data:copyleft"] == "allow"


def test_unknown_training_data_passes_by_default_and_the_policy_can_say_otherwise(
    tmp_path: Path, snapshot: Path
) -> None:
    (model,) = judged(tmp_path, snapshot, ["org/free-named"], COMMERCIAL).models
    assert model.verdict == "allow"
    reason = next(r for r in model.reasons if r.rule == "training-data:unknown")
    assert reason.decision == "allow"
    assert "'ShareGPT conversations' (not readable)" in reason.message
    assert "org/mystery-data (no known licence)" in reason.message
    strict = COMMERCIAL + "training_data:\n  unknown: deny\n  non-commercial: deny\n"
    (model,) = judged(tmp_path, snapshot, ["org/free-named"], strict).models
    assert model.verdict == "deny"
    assert "(training_data.unknown)" in next(r.message for r in model.reasons if r.rule == "training-data:unknown")
    (nc,) = judged(tmp_path, snapshot, ["org/nc-trained"], strict).models
    assert nc.verdict == "deny"


def test_a_compared_scan_judges_added_datasets_only(
    tmp_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # manifest paths are recorded as given: the comparison keys on them
    write(tmp_path, "p.yaml", COMMERCIAL)
    head = tmp_path / "models.txt"
    common = ["scan", "models.txt", "--snapshot", str(snapshot), "--policy", "p.yaml", "--format", "json"]
    head.write_text("org/clean-model\ndatasets/org/nc-data\n")
    base = CliRunner().invoke(main, [*common, "-o", "base.json"])
    assert base.exit_code == EXIT_GATE_FAILED  # the base branch already lists the NC dataset
    compared = [*common, "--baseline", "base.json"]

    unchanged = CliRunner().invoke(main, compared)
    assert unchanged.exit_code == EXIT_OK, unchanged.output  # accepted on the base: quiet
    assert [d["change"] for d in json.loads(unchanged.stdout)["datasets"]] == ["unchanged"]

    head.write_text("org/clean-model\ndatasets/org/nc-data\ndatasets/org/odbl-data\n")
    added = CliRunner().invoke(main, compared)
    assert [(d["repo_id"], d["change"], d["verdict"]) for d in json.loads(added.stdout)["datasets"]] == [
        ("org/nc-data", "unchanged", "deny"),
        ("org/odbl-data", "added", "review"),
    ]
    assert added.exit_code == EXIT_OK  # review does not fail --fail-on deny
    assert CliRunner().invoke(main, [*compared, "--fail-on", "review"]).exit_code == EXIT_GATE_FAILED

    head.write_text(f"org/clean-model\ndatasets/org/nc-data@{commit(2)}\n")  # pinned: a changed entry
    changed = CliRunner().invoke(main, compared)
    assert [d["change"] for d in json.loads(changed.stdout)["datasets"]] == ["changed"]
    assert changed.exit_code == EXIT_GATE_FAILED  # judged again, and denied

    head.write_text("org/clean-model\n")
    removed = json.loads(CliRunner().invoke(main, compared).stdout)
    assert removed["baseline"]["removed"] == [
        {
            "repo_id": "org/nc-data",
            "requested_revision": None,
            "revision": commit(2),
            "manifest": {"path": "models.txt", "line": 2},
            "verdict": "deny",
            "kind": "dataset",
        }
    ]
