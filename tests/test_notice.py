"""``licscan notice``: the release checklist and attribution file, from a saved scan or from manifests.

Golden files (``tests/golden/notice.*``) are rendered from the same frozen scan
as every other report (``tests/golden/scan.json``: a hosted product under a
commercial policy); regenerate with ``LICSCAN_UPDATE_GOLDEN=1`` like them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_reports import check_golden, hostile_document, load_scan

from licscan.cli import main
from licscan.notice import HOSTED_WHY, build_notice
from licscan.report.notice import NOTICE_FORMATS, render_notice_markdown, render_notice_text

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
SUFFIX = {"markdown": "md", "text": "txt", "json": "json"}
EXAMPLE = ["examples/models.txt", "--snapshot", "examples/snapshot"]


@pytest.fixture(scope="module")
def scan_doc() -> dict[str, Any]:
    return load_scan()


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, ["notice", *args])


# -- golden files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(NOTICE_FORMATS))
def test_notice_golden(fmt: str) -> None:
    result = invoke(str(GOLDEN / "scan.json"), "--format", fmt)
    assert result.exit_code == 0, result.output
    check_golden(f"notice.{SUFFIX[fmt]}", result.stdout)


# -- which models ship -------------------------------------------------------------------------------


def test_allowed_models_ship_and_the_others_are_left_out_with_their_reason(scan_doc: dict[str, Any]) -> None:
    notice = build_notice(scan_doc)
    assert [s.label for s in notice.ships] == [
        "meta-llama/Llama-3.1-8B-Instruct",
        "example-org/llama-3.1-8b-support-bot",
        "merge-lab/qwen-llama-slerp-7b",
        "Qwen/Qwen2.5-7B-Instruct",
        "mistralai/Mistral-7B-v0.1",
        "microsoft/phi-2",
        "CohereLabs/c4ai-command-r-v01",  # allowed by a policy exception: it ships, with its duties
        "example-org/relicensed-model@v1.0",
    ]
    left = {x.label: (x.verdict, x.why) for x in notice.left_out}
    assert len(left) == 10
    assert left["google/gemma-2-9b-it"] == (
        "review",
        "waiting for legal review (it ships once legal clears it, as a policy exception): The effective licence is "
        "Gemma Terms of Use (gemma), class open-weights-restricted; the policy requires legal review of this class "
        "(classes.open-weights-restricted).",
    )
    assert left["nobody/no-such-model"][0] == "deny"
    assert left["nobody/no-such-model"][1].startswith("denied by the policy: The metadata of nobody/no-such-model")
    assert notice.distribution == "hosted" and notice.unknown == ()


def test_without_verdicts_nothing_is_left_out(scan_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(scan_doc)
    doc["policy"], doc["policy_context"] = None, None
    for m in doc["models"]:
        m["verdict"], m["reasons"] = None, []
    notice = build_notice(doc)
    assert len(notice.ships) == len(doc["models"]) and notice.left_out == ()
    assert notice.notes[0] == (
        "The scan has no verdicts (no policy), so no model is left out: the checklist covers every model listed."
    )
    # Fails closed: an undeclared distribution lists the redistribution duties as binding.
    assert notice.not_applicable == ()
    assert "notice" in {d.kind for g in notice.groups for d in g.duties}
    # Models whose licence is unknown ship with unknown duties, named apart.
    assert [s.label for s in notice.unknown] == [
        "example-org/hostile-card",
        "example-org/hostile-readme",
        "example-org/bare-repo",
        "example-org/restricted-preview",
        "nobody/no-such-model",
    ]
    assert notice.unknown[-1].unknown == "its metadata could not be fetched, so its licence and duties are unknown"
    assert (
        notice.notes[-1]
        == "5 models ship with no licence identified: legal must supply their duties before the release."
    )


# -- duties: merged, grouped, linked ---------------------------------------------------------------------


def test_duties_are_grouped_by_what_to_do_and_linked_to_the_licence_text(scan_doc: dict[str, Any]) -> None:
    notice = build_notice(scan_doc)
    # State changes bind only when modified weights are handed over: not for this hosted product.
    assert [g.id for g in notice.groups] == ["attribution", "naming", "use-policies", "thresholds", "limits"]
    attribution = next(g for g in notice.groups if g.id == "attribution")
    llama = next(d for d in attribution.duties if d.display)
    assert llama.display == ("Built with Llama",)
    (source,) = llama.sources
    assert (source.license_id, source.license_url) == (
        "llama3.1",
        "https://huggingface.co/meta-llama/Meta-Llama-3.1-70B-Instruct/blob/main/LICENSE",
    )
    # Through the nearest base that carries the licence, not again through the root.
    assert [(r.model, r.via) for r in source.models] == [
        ("meta-llama/Llama-3.1-8B-Instruct", ()),
        ("example-org/llama-3.1-8b-support-bot", ("meta-llama/Llama-3.1-8B-Instruct",)),
        ("merge-lab/qwen-llama-slerp-7b", ("meta-llama/Llama-3.1-8B-Instruct",)),
    ]
    threshold = next(g for g in notice.groups if g.id == "thresholds").duties[0]
    assert threshold.watch == "threshold 700,000,000 monthly active users; the policy declares 1,000,000 (0.14 % of it)"
    naming = next(g for g in notice.groups if g.id == "naming").duties[0]
    assert naming.display == ("Llama",)


def test_hosted_distribution_lists_the_redistribution_duties_as_not_applying(scan_doc: dict[str, Any]) -> None:
    notice = build_notice(scan_doc)
    # One duty per kind, each licence that asks for it a source.
    moot = [(d.kind, d.license_ids) for d in notice.not_applicable]
    assert moot == [
        ("notice", ("apache-2.0", "llama3.1", "mit")),
        ("state-changes", ("apache-2.0", "cc-by-nc-4.0")),
        ("pass-through", ("llama3.1",)),
    ]
    assert all(d.not_applicable == HOSTED_WHY for d in notice.not_applicable)
    text = render_notice_markdown(notice)
    assert "## Not required for this release" in text
    assert "## Licences of the models that ship (for reference)" in text
    assert "### Licence texts and files to include" not in text  # nothing is handed over


def test_weights_distribution_asks_for_the_licence_texts_and_files(scan_doc: dict[str, Any]) -> None:
    notice = build_notice(scan_doc, {**scan_doc["policy_context"], "distribution": "weights"})
    assert notice.not_applicable == ()
    assert notice.groups[0].id == "texts"
    assert [(d.kind, d.license_ids) for d in notice.groups[0].duties] == [
        ("notice", ("apache-2.0", "llama3.1", "mit")),
        ("pass-through", ("llama3.1",)),
    ]
    # The licences word the notice duty differently: each source keeps its own wording.
    assert notice.groups[0].duties[0].summary is None
    assert notice.groups[0].duties[0].sources[2].summary == (
        "Include the copyright notice and this permission notice in all copies or substantial portions."
    )
    by_id = {t.id: t for t in notice.licences}
    assert by_id["mit"].url == "https://opensource.org/license/mit"
    assert by_id["mit"].models == ("merge-lab/qwen-llama-slerp-7b", "microsoft/phi-2")
    assert [(f.model, f.name) for f in notice.files][:3] == [
        ("meta-llama/Llama-3.1-8B-Instruct", "LICENSE"),
        ("meta-llama/Llama-3.1-8B-Instruct", "USE_POLICY.md"),
        ("Qwen/Qwen2.5-7B-Instruct", "LICENSE"),
    ]
    assert notice.files[0].url == (
        "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/blob/ce8c0474e5cca2817f046ba1a16ba3b5132c2b1b/LICENSE"
    )
    text = render_notice_text(notice)
    assert "Licence texts and files to include\n    [ ] Apache License 2.0 (apache-2.0)\n" in text
    assert "NOT REQUIRED FOR THIS RELEASE" not in text


def test_a_threshold_the_product_passes_is_flagged(scan_doc: dict[str, Any]) -> None:
    notice = build_notice(scan_doc, {**scan_doc["policy_context"], "monthly_active_users": 900_000_000})
    duty = next(g for g in notice.groups if g.id == "thresholds").duties[0]
    assert duty.watch == (
        "threshold 700,000,000 monthly active users; the policy declares 900,000,000: ABOVE it, a separate licence "
        "is needed"
    )


def test_the_same_credit_from_several_licences_is_one_duty(tmp_path: Path) -> None:
    result = invoke(*EXAMPLE, "--policy", "examples/licscan.policy.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["summary"] == {"ships": 17, "left_out": 3, "unknown_duties": 0}
    assert sorted(x["model"] for x in doc["left_out"]) == [
        "CohereLabs/c4ai-command-r-v01",
        "black-forest-labs/FLUX.1-dev",
        "mistralai/Codestral-22B-v0.1",
    ]
    attribution = next(g for g in doc["groups"] if g["id"] == "attribution")
    built = [d for d in attribution["duties"] if d["display"] == ["Built with Llama"]]
    assert len(built) == 1
    assert [s["license"] for s in built[0]["sources"]] == ["llama3.1", "llama3.2", "llama3.3", "llama4"]


# -- the command ---------------------------------------------------------------------------------------


def test_notice_writes_a_file_and_takes_saved_scans_and_manifests_together(tmp_path: Path) -> None:
    out = tmp_path / "NOTICE.md"
    result = invoke(str(GOLDEN / "scan.json"), *EXAMPLE, "--policy", "examples/licscan.policy.yaml", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Release notice: AI models\n")
    assert "Scan of `models.txt`, `examples/models.txt`" in text
    assert "**25 models ship; 13 are left out (10 denied, 3 waiting for legal review).**" in text


def test_distribution_option_overrides_the_policy(tmp_path: Path) -> None:
    result = invoke(str(GOLDEN / "scan.json"), "--distribution", "weights", "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["distribution"] == "weights" and doc["not_applicable"] == []
    assert doc["context"]["monthly_active_users"] == 1_000_000  # the rest of the saved context is kept


def test_a_scan_saved_without_the_licence_catalogue_gets_its_links_from_the_database(tmp_path: Path) -> None:
    doc = load_scan()
    del doc["licenses"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc), encoding="utf-8")
    result = invoke(str(old), "--format", "json")
    assert result.exit_code == 0, result.output
    licences = {t["id"]: t["url"] for t in json.loads(result.stdout)["licenses"]}
    assert licences["apache-2.0"] == "https://www.apache.org/licenses/LICENSE-2.0"


def test_a_scan_without_a_policy_is_noted(tmp_path: Path) -> None:
    scan = tmp_path / "scan.json"
    made = CliRunner().invoke(main, ["scan", *EXAMPLE, "--format", "json", "-o", str(scan)])
    assert made.exit_code == 0, made.output
    result = invoke(str(scan), "--format", "json")
    assert result.exit_code == 0
    assert f"licscan: warning: {scan} was scanned without a policy: no model is left out" in result.stderr
    assert json.loads(result.stdout)["summary"]["left_out"] == 0


def test_notice_refuses_what_is_not_a_scan(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1]", encoding="utf-8")
    result = invoke(str(bad))
    assert result.exit_code == 2
    assert "not a licscan JSON report" in result.stderr


def test_hostile_values_stay_inert() -> None:
    doc = hostile_document()
    for m in doc["models"]:
        m["verdict"] = "allow"
    md = render_notice_markdown(build_notice(doc))
    assert "<script>" not in md and "<img" not in md and "\x1b" not in md
    assert not any("](javascript:" in line for line in md.splitlines())
    text = render_notice_text(build_notice(doc))
    assert "\x1b" not in text


def test_the_distribution_choices_are_the_policys() -> None:
    from licscan.cli.notice import DISTRIBUTIONS
    from licscan.policy.model import DISTRIBUTIONS as POLICY_DISTRIBUTIONS

    assert DISTRIBUTIONS == POLICY_DISTRIBUTIONS
