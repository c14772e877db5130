"""Datasets in every report format, and in explain.

The input is a scan of the fake Hub with the dataset fixtures (tests/fixtures/hub-datasets) and a policy:
models whose cards (or bases' cards) name open, share-alike, non-commercial, gated and unreadable data,
and datasets a manifest lists. It is built once per module; the golden reports (tests/test_reports.py)
cover the listed datasets and the training data of the golden models.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from licscan.cli import main
from licscan.report import FORMATS, get_renderer

GOLDEN = Path(__file__).resolve().parent / "golden"
DATASET_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hub-datasets"


MANIFEST = """\
meta-llama/Llama-3.1-8B-Instruct
example-org/llama-3.1-8b-support-bot
microsoft/phi-2
bigcode/starcoder
HuggingFaceH4/zephyr-7b-beta
example-org/alpaca-lora-support
example-org/chat-free-names

datasets/allenai/c4
datasets/tatsu-lab/alpaca
datasets/lmsys/lmsys-chat-1m
https://huggingface.co/datasets/databricks/databricks-dolly-15k
datasets/nobody/no-such-dataset
"""
POLICY = """\
version: 1
context: {use: commercial, monthly_active_users: 1000000, regions: [US], distribution: hosted}
licenses: {llama3.1: allow}
obligations: {accepted: [attribution, notice, state-changes, naming, acceptable-use, pass-through]}
datasets: {classes: {copyleft: review}}
"""


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    import datetime as dt
    import os

    from conftest import _isolate_hf_env
    from fakehub import FakeHub

    from licscan.licensedb import load_database
    from licscan.manifest import read_manifests
    from licscan.policy import evaluate, read_policy
    from licscan.report.json_report import to_json
    from licscan.scan import scan
    from licscan.sources.hub import HubSource
    from licscan.sources.retry import RetryPolicy

    work = tmp_path_factory.mktemp("datasets-reports")
    (work / "models.txt").write_text(MANIFEST, encoding="utf-8")
    (work / "p.yaml").write_text(POLICY, encoding="utf-8")
    with FakeHub(GOLDEN.parent / "fixtures" / "hub") as hub, pytest.MonkeyPatch.context() as patch:
        hub.load_dir(DATASET_FIXTURES)
        _isolate_hf_env(patch, work / "hf", hub.url)
        cwd = Path.cwd()
        os.chdir(work)  # manifest paths are recorded as given
        try:
            refs, _ = read_manifests([Path("models.txt")])
            db = load_database()
            policy, problems = read_policy(Path("p.yaml"), db=db)
            assert policy is not None, problems
            source = HubSource(endpoint=hub.url, policy=RetryPolicy(budget=10, base_delay=0.01, max_delay=0.05))
            when = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
            result = scan(refs, source, db, manifests=("models.txt",), now=when)
            judged = evaluate(result, policy, today=dt.date(2026, 1, 1), policy_name="p.yaml").result
        finally:
            os.chdir(cwd)
    data = to_json(judged)
    data["source"] = "hub https://huggingface.co"  # links as on the Hub, not at the loopback port
    return data


def render(fmt: str, doc: dict[str, Any]) -> str:
    return get_renderer(fmt)(copy.deepcopy(doc))


def model(doc: dict[str, Any], repo_id: str) -> dict[str, Any]:
    return next(m for m in doc["models"] if m["repo_id"] == repo_id)


def test_json_datasets_have_the_models_shape_and_training_data_is_per_model(doc: dict[str, Any]) -> None:
    assert [(d["repo_id"], d["class"], d["verdict"]) for d in doc["datasets"]] == [
        ("allenai/c4", "permissive", "allow"),
        ("tatsu-lab/alpaca", "non-commercial", "deny"),
        ("lmsys/lmsys-chat-1m", "unknown", "deny"),
        ("databricks/databricks-dolly-15k", "copyleft", "review"),
        ("nobody/no-such-dataset", "unknown", "deny"),
    ]
    assert model(doc, "example-org/alpaca-lora-support")["verdict"] == "review"  # NC training data
    assert model(doc, "example-org/alpaca-lora-support")["class"] == "permissive"
    assert all(sorted(d) == sorted(doc["models"][0]) for d in doc["datasets"])
    lora = model(doc, "example-org/alpaca-lora-support")
    assert [(t["repo_id"], t["class"], t["from"], t["resolved"]) for t in lora["training_data"]] == [
        ("OpenAssistant/oasst1", "permissive", "example-org/alpaca-lora-support", True),
        ("tatsu-lab/alpaca", "non-commercial", "example-org/alpaca-7b-replica", True),
    ]
    assert sorted(lora["training_data"][1]) == [
        "class",
        "failure",
        "from",
        "gated",
        "license",
        "repo_id",
        "resolved",
        "revision",
        "value",
    ]
    summary = doc["summary"]
    assert (summary["datasets"], summary["dataset_fetch_failures"]) == (5, 1)
    assert summary["datasets_by_verdict"] == {"allow": 1, "review": 1, "deny": 3}
    assert sum(summary["training_data_by_class"].values()) == sum(len(m["training_data"]) for m in doc["models"])


def test_sarif_puts_dataset_results_at_their_manifest_line(doc: dict[str, Any]) -> None:
    run = json.loads(render("sarif", doc))["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["training-data-non-commercial"]["shortDescription"]["text"] == "Trained on non-commercial data"
    alpaca = [r for r in run["results"] if r["properties"].get("dataset") == "tatsu-lab/alpaca"]
    assert [r["ruleId"] for r in alpaca] == ["verdict/deny"]
    assert alpaca[0]["message"]["text"].startswith("datasets/tatsu-lab/alpaca is denied by the policy")
    assert alpaca[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 10}
    trained = [r for r in run["results"] if r["ruleId"] == "training-data-non-commercial"]
    assert [
        (r["properties"]["model"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in trained
    ] == [("example-org/alpaca-lora-support", 6)]


def test_sarif_falls_back_to_the_code_location_of_a_discovered_dataset(doc: dict[str, Any]) -> None:
    found = copy.deepcopy(doc)
    entry = found["datasets"][1]
    entry["manifest"] = {"path": "", "line": 0}
    entry["locations"] = [{"path": "train.py", "line": 12, "how": "load_dataset"}]
    run = json.loads(render("sarif", found))["runs"][0]
    (result,) = [r for r in run["results"] if r["properties"].get("dataset") == "tatsu-lab/alpaca"]
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "train.py"},
        "region": {"startLine": 12},
    }


def test_spdx_datasets_are_packages_and_training_data_is_related(doc: dict[str, Any], tmp_path: Path) -> None:
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    text = render("spdx-json", doc)
    path = tmp_path / "scan.spdx.json"
    path.write_text(text, encoding="utf-8")
    assert validate_full_spdx_document(parse_file(str(path))) == []
    data = json.loads(text)
    datasets = {p["name"]: p for p in data["packages"] if p["SPDXID"].startswith("SPDXRef-dataset-")}
    assert {"allenai/c4", "tatsu-lab/alpaca", "OpenAssistant/oasst1", "databricks/databricks-dolly-15k"} <= set(
        datasets
    )
    alpaca = datasets["tatsu-lab/alpaca"]
    assert alpaca["primaryPackagePurpose"] == "OTHER"
    assert alpaca["comment"].startswith("Dataset (SPDX 2.3 has no package purpose for data).")
    assert alpaca["licenseConcluded"] == "CC-BY-NC-4.0"
    assert alpaca["downloadLocation"].startswith("https://huggingface.co/datasets/tatsu-lab/alpaca/tree/")
    assert "externalRefs" not in alpaca  # the huggingface purl type is for models only
    ids = {p["SPDXID"]: p["name"] for p in data["packages"]}
    trained = [
        (ids[r["spdxElementId"]], ids[r["relatedSpdxElement"]], r.get("comment", ""))
        for r in data["relationships"]
        if r["relationshipType"] == "OTHER"
    ]
    assert (
        "example-org/alpaca-lora-support",
        "tatsu-lab/alpaca",
        "example-org/alpaca-lora-support was trained on tatsu-lab/alpaca (named in the card datasets: of "
        "example-org/alpaca-7b-replica); SPDX 2.3 has no trained-on relationship type.",
    ) in trained
    lora = next(p for p in data["packages"] if p["name"] == "example-org/chat-free-names")
    assert "training data that could not be read: ShareGPT, our internal support transcripts (2023)" in lora["comment"]


def test_cyclonedx_data_components_referenced_from_the_model_card(doc: dict[str, Any]) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    text = render("cyclonedx", doc)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    data = {c["bom-ref"]: c for c in bom["components"] if c["type"] == "data"}
    lora = next(c for c in bom["components"] if c["name"] == "alpaca-lora-support")
    refs = [d["ref"] for d in lora["modelCard"]["modelParameters"]["datasets"]]
    assert [data[r]["name"] for r in refs] == ["oasst1", "alpaca"]
    alpaca = data[refs[1]]
    assert alpaca["group"] == "tatsu-lab"
    assert {p["name"]: p["value"] for p in alpaca["properties"]}["licscan:class"] == "non-commercial"
    listed = data[f"datasets/tatsu-lab/alpaca@{alpaca['version']}"]
    assert listed is alpaca  # the listed dataset and the training data are one component
    free = next(c for c in bom["components"] if c["name"] == "chat-free-names")
    names = [data[d["ref"]]["name"] for d in free["modelCard"]["modelParameters"]["datasets"]]
    assert "ShareGPT" in names and "our internal support transcripts (2023)" in names
    unresolved = next(c for c in data.values() if c["name"] == "our internal support transcripts (2023)")
    assert any(p["name"] == "licscan:unresolved" for p in unresolved["properties"])
    zephyr_less = next(c for c in bom["components"] if c["name"] == "phi-2")
    assert "modelCard" not in zephyr_less  # no training data named, no model card


def test_html_has_a_datasets_section_and_training_data_per_model(doc: dict[str, Any]) -> None:
    html = render("html", doc)
    assert '<section class="datasets" aria-labelledby="datasets-h">' in html
    assert html.count('<article class="dataset" id="d-') == 5
    assert html.count('<section class="block training">') == sum(1 for m in doc["models"] if m["training_data"])
    assert "https://huggingface.co/datasets/tatsu-lab/alpaca/tree/" in html
    assert "base example-org/alpaca-7b-replica" in html


def test_html_escapes_hostile_training_data(doc: dict[str, Any]) -> None:
    hostile = copy.deepcopy(doc)
    entry = model(hostile, "example-org/chat-free-names")["training_data"][2]
    entry["value"] = '<img src=x onerror="alert(1)">'
    html = render("html", hostile)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html


def test_markdown_lists_datasets_needing_attention_and_training_data(doc: dict[str, Any]) -> None:
    md = render("markdown", doc)
    assert "**Datasets:** 5 — " in md
    assert "### Datasets needing attention (4 of 5)\n\n| | Dataset | Class | Licence | Verdict | Why |" in md
    assert "[tatsu-lab/alpaca](https://huggingface.co/datasets/tatsu-lab/alpaca/tree/" in md
    assert (
        "- Training data to look at: tatsu-lab/alpaca (cc-by-nc-4.0, non-commercial, via example-org/alpaca-7b-replica)"
        in md
    )


def test_table_lists_datasets_and_the_training_data_to_look_at(doc: dict[str, Any]) -> None:
    table = render("table", doc)
    assert re.search(r"\n#\s+DATASET\s+VERDICT\s+CLASS", table)
    assert "tatsu-lab/alpaca  non-commercial  cc-by-nc-4.0 (via example-org/alpaca-7b-replica)" in table
    assert table.rstrip().endswith("datasets under policy p.yaml: 1 allow, 1 review, 3 deny")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_scan_saved_before_datasets_still_renders(doc: dict[str, Any], fmt: str, tmp_path: Path) -> None:
    old = copy.deepcopy(doc)
    del old["datasets"]
    for key in (
        "datasets",
        "datasets_by_class",
        "datasets_by_verdict",
        "dataset_fetch_failures",
        "training_data_by_class",
    ):
        del old["summary"][key]
    for entry in old["models"]:
        del entry["training_data"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(path), "--format", fmt])
    assert result.exit_code == 0, result.output
    section = {
        "table": "  DATASET  ",
        "html": '<section class="datasets"',
        "markdown": "Datasets needing attention",
        "json": '"training_data"',
        "sarif": '"dataset":',
        "cyclonedx": '"type": "data"',
        "spdx-json": "SPDXRef-dataset-",
        "spdx": "SPDXRef-dataset-",
    }[fmt]
    assert section not in result.stdout
    assert section in CliRunner().invoke(main, ["report", str(GOLDEN / "scan.json"), "--format", fmt]).stdout


def test_report_refuses_a_tampered_training_data_class(doc: dict[str, Any], tmp_path: Path) -> None:
    bad = copy.deepcopy(doc)
    model(bad, "example-org/alpaca-lora-support")["training_data"][0]["class"] = '"><script>'
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(path), "--format", "html"])
    assert result.exit_code == 2
    assert "training_data[0].class" in result.stderr


def test_explain_shows_training_data_and_explains_a_dataset(fake_hub: Any, tmp_path: Path) -> None:
    fake_hub.load_dir(DATASET_FIXTURES)
    cache = ["--cache-dir", str(tmp_path / "c")]
    result = CliRunner().invoke(main, ["explain", "example-org/alpaca-lora-support", *cache])
    assert result.exit_code == 0, result.output
    assert "Training data (it does not change the class; the policy's training_data: decides):" in result.stdout
    assert (
        "  - tatsu-lab/alpaca: cc-by-nc-4.0 (non-commercial, named by base example-org/alpaca-7b-replica)"
        in result.stdout
    )
    dataset = CliRunner().invoke(main, ["explain", "datasets/data-lab/license-file-only", *cache])
    assert dataset.exit_code == 0, dataset.output
    assert "gated: False; a dataset repo" in dataset.stdout
    assert "Files read: LICENSE, README.md" in dataset.stdout
    assert "Effective: cc-by-nc-4.0 (non-commercial)" in dataset.stdout
