"""Every report format, rendered from one frozen scan document and compared with golden files.

The input, ``tests/golden/scan.json``, is a scan of the fake Hub with a policy
applied (so verdicts, reasons and exceptions are present), normalised so that
nothing volatile (database version, endpoint port) is left in it. The goldens
are rendered from that saved document, not from a fresh scan: a change to
``license_db/`` never churns them. Regenerate everything with::

    LICSCAN_UPDATE_GOLDEN=1 python -m pytest tests/test_reports.py

(see tests/golden/README.md).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from licscan.cli import main
from licscan.report import FORMATS, get_renderer

GOLDEN = Path(__file__).resolve().parent / "golden"
DATASET_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hub-datasets"
DATA = Path(__file__).resolve().parent / "data"
UPDATE = os.environ.get("LICSCAN_UPDATE_GOLDEN", "").strip().lower() in ("1", "true", "yes")

SUFFIX = {
    "table": "txt",
    "json": "json",
    "html": "html",
    "markdown": "md",
    "sarif": "sarif.json",
    "spdx-json": "spdx.json",
    "spdx": "spdx",
    "cyclonedx": "cdx.json",
}

MANIFEST = """\
# Models behind the support product (golden-file scan for the report tests).
meta-llama/Llama-3.1-8B-Instruct
example-org/llama-3.1-8b-support-bot   # a fine-tune that declares apache-2.0 over Llama
merge-lab/qwen-llama-slerp-7b
Qwen/Qwen2.5-7B-Instruct
mistralai/Mistral-7B-v0.1
microsoft/phi-2
google/gemma-2-9b-it
example-org/gpl-speech-model
CohereLabs/c4ai-command-r-v01
black-forest-labs/FLUX.1-dev
example-org/conflicted-card
bigcode/starcoder
example-org/relicensed-model@v1.0

# Hostile and broken repos
example-org/hostile-card
example-org/hostile-readme
example-org/bare-repo
example-org/restricted-preview
nobody/no-such-model

# Datasets the product uses (tests/fixtures/hub-datasets; tests/test_datasets_reports.py renders more)
datasets/allenai/c4
datasets/tatsu-lab/alpaca
datasets/lmsys/lmsys-chat-1m
https://huggingface.co/datasets/databricks/databricks-dolly-15k
datasets/nobody/no-such-dataset
"""

POLICY = """\
version: 1
context:
  use: commercial
  monthly_active_users: 1000000
  regions: [US, EU]
  distribution: hosted
classes:
  permissive: allow
  copyleft: review
  open-weights-restricted: review
  non-commercial: deny
  unknown: deny
licenses:
  llama3.1: allow
obligations:
  accepted: [attribution, notice, state-changes, naming, acceptable-use, pass-through]
exceptions:
  - model: CohereLabs/c4ai-command-r-v01
    decision: allow
    reason: "Commercial licence bought from Cohere, ticket LEG-42"
    expires: 2027-03-31
    approved_by: legal@example.com
  - model: black-forest-labs/FLUX.1-dev
    decision: allow
    reason: "Evaluation only, ticket LEG-7"
    expires: 2025-06-30
    approved_by: legal@example.com
on_fetch_error: deny
datasets:
  classes:
    copyleft: allow
training_data:
  non-commercial: review
  unknown: allow
apis:
  default: review
  providers: {openai: allow, deepseek: deny}
  serving: {self-hosted: allow}
"""


def golden_discovery() -> Any:
    """The hosted APIs the golden product's code calls (as ``scan --discover`` would attach them)."""
    from licscan.discover.model import DiscoveredApi, Discovery, Location

    return Discovery(
        root=".",
        apis=(
            DiscoveredApi("openai", "gpt-4o-mini", "closed-api",
                          (Location("app/chat.py", 12, "OpenAI().create(model=)"),)),
            DiscoveredApi("deepseek", "deepseek-chat", "hosted-open-weights",
                          (Location("app/chat.py", 30, "OpenAI(endpoint https://api.deepseek.com).create(model=)"),)),
            DiscoveredApi("ollama", "llama3.1:8b", "self-hosted",
                          (Location("deploy/Modelfile", 1, "Modelfile FROM"),)),
        ),
    )

# A copyleft model: no fixture repo has one, and every class should appear in the goldens.
GPL_REPO: dict[str, Any] = {
    "id": "example-org/gpl-speech-model",
    "sha": "5d1c0ffee5d1c0ffee5d1c0ffee5d1c0ffee5d1c",
    "pipeline_tag": "automatic-speech-recognition",
    "tags": ["transformers"],
    "cardData": {"license": "gpl-3.0"},
    "siblings": ["config.json", "COPYING"],
}


def build_scan_document(hub_url: str, workdir: Path) -> dict[str, Any]:
    """Scan MANIFEST on the fake Hub, apply POLICY, and normalise what varies between runs."""
    from licscan.licensedb import load_database
    from licscan.manifest import read_manifests
    from licscan.policy import evaluate, read_policy
    from licscan.report.json_report import to_json
    from licscan.scan import scan
    from licscan.sources.hub import HubSource
    from licscan.sources.retry import RetryPolicy

    (workdir / "models.txt").write_text(MANIFEST, encoding="utf-8")
    (workdir / "licscan.policy.yaml").write_text(POLICY, encoding="utf-8")
    cwd = Path.cwd()
    os.chdir(workdir)  # manifest paths are recorded as given: keep them relative
    try:
        refs, warnings = read_manifests([Path("models.txt")])
        db = load_database()
        policy, problems = read_policy(Path("licscan.policy.yaml"), db=db)
        assert policy is not None, problems
        source = HubSource(endpoint=hub_url, policy=RetryPolicy(budget=10, base_delay=0.01, max_delay=0.05))
        result = scan(
            refs,
            source,
            db,
            manifests=("models.txt",),
            warnings=tuple(warnings),
            now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        )
        from licscan.discover.gate import mark_unlisted

        result = mark_unlisted(result, [], golden_discovery())
        outcome = evaluate(result, policy, today=dt.date(2026, 1, 1), policy_name="licscan.policy.yaml")
    finally:
        os.chdir(cwd)
    doc = to_json(outcome.result)
    doc["database_version"] = "golden"
    doc["source"] = "hub https://huggingface.co"
    return doc


def load_scan() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((GOLDEN / "scan.json").read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="module")
def scan_doc() -> dict[str, Any]:
    return load_scan()


def render(fmt: str, doc: dict[str, Any]) -> str:
    return get_renderer(fmt)(copy.deepcopy(doc))


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"{path} is missing: run LICSCAN_UPDATE_GOLDEN=1 python -m pytest tests/test_reports.py"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its golden file (regenerate: see tests/golden/README.md)"


# -- the input document ---------------------------------------------------------------------


def test_scan_document_is_current(fake_hub: Any, tmp_path: Path) -> None:
    """A fresh scan has the same shape as the frozen input (regenerated with LICSCAN_UPDATE_GOLDEN=1)."""
    fake_hub.add_repo(GPL_REPO)
    fake_hub.load_dir(DATASET_FIXTURES)
    fresh = build_scan_document(fake_hub.url, tmp_path)
    if UPDATE:
        (GOLDEN / "scan.json").write_text(json.dumps(fresh, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    frozen = load_scan()
    # Only the shape is held: licence counts move as license_db grows, and that must not churn the goldens.
    assert sorted(fresh) == sorted(frozen)
    assert [m["repo_id"] for m in fresh["models"]] == [m["repo_id"] for m in frozen["models"]]
    for new, old in zip(fresh["models"], frozen["models"], strict=True):
        assert sorted(new) == sorted(old)
        assert new["manifest"] == old["manifest"]
    assert [d["repo_id"] for d in fresh["datasets"]] == [d["repo_id"] for d in frozen["datasets"]]
    for new, old in zip(fresh["datasets"], frozen["datasets"], strict=True):
        assert sorted(new) == sorted(old)


def test_the_input_covers_what_the_reports_show(scan_doc: dict[str, Any]) -> None:
    classes = {m["class"] for m in scan_doc["models"]}
    assert {"permissive", "copyleft", "open-weights-restricted", "non-commercial", "unknown"} <= classes
    assert {m["verdict"] for m in scan_doc["models"]} == {"allow", "review", "deny"}
    assert any(r["rule"] == "exception" for m in scan_doc["models"] for r in m["reasons"])
    assert any(f["code"] == "exception-expired" for m in scan_doc["models"] for f in m["findings"])
    assert any(m["base_models"] for m in scan_doc["models"])
    assert scan_doc["summary"]["fetch_failures"] >= 2


# -- golden files ---------------------------------------------------------------------------


def test_every_format_has_a_golden_file() -> None:
    assert set(SUFFIX) == set(FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(fmt: str, scan_doc: dict[str, Any]) -> None:
    text = render(fmt, scan_doc)
    assert render(fmt, scan_doc) == text  # deterministic: no clock, no random ids
    check_golden(f"report.{SUFFIX[fmt]}", text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_command_renders_a_saved_scan_like_the_golden(fmt: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(GOLDEN / "scan.json"), "--format", fmt])
    assert result.exit_code == 0, result.output
    if not UPDATE:
        assert result.stdout == (GOLDEN / f"report.{SUFFIX[fmt]}").read_text(encoding="utf-8")
    out = tmp_path / "sub" / f"report.{SUFFIX[fmt]}"
    written = CliRunner().invoke(main, ["report", str(GOLDEN / "scan.json"), "--format", fmt, "-o", str(out)])
    assert written.exit_code == 0, written.output
    assert out.read_text(encoding="utf-8") == result.stdout


def test_renderers_leave_the_document_alone(scan_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(scan_doc)
    for fmt in FORMATS:
        get_renderer(fmt)(doc)
    assert doc == scan_doc


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"schema_version": 99, "tool": {}, "summary": {}, "models": []}', "unsupported schema_version 99"),
        ("[1, 2]", "not a licscan scan"),
        ('{"schema_version": 1, "models": []}', "missing tool, summary"),
        ('{"schema_version": 1, "tool": {}, "summary": {}, "models": [{"repo_id": "a/b"}]}', "not a complete"),
    ],
)
def test_report_refuses_what_is_not_a_scan(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "scan.json"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(path), "--format", "markdown"])
    assert result.exit_code == 2
    assert message in result.stderr


def test_report_of_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(tmp_path / "nope.json"), "--format", "html"])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


@pytest.mark.parametrize("fmt", FORMATS)
def test_scan_renders_every_format_from_the_example_snapshot(fmt: str, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    out = tmp_path / f"out.{SUFFIX[fmt]}"
    args = ["scan", str(root / "examples/models.txt"), "--snapshot", str(root / "examples/snapshot")]
    result = CliRunner().invoke(main, [*args, "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "example-org/llama-3.1-8b-support-bot" in out.read_text(encoding="utf-8")


# -- each format against its own specification ----------------------------------------------


def test_spdx_validates_with_spdx_tools(scan_doc: dict[str, Any], tmp_path: Path) -> None:
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    from licscan.report.spdx import to_spdx

    assert validate_full_spdx_document(to_spdx(scan_doc)) == []
    # What the writers produced parses back and validates too, in both serialisations.
    for fmt, name in (("spdx-json", "scan.spdx.json"), ("spdx", "scan.spdx")):
        path = tmp_path / name
        path.write_text(render(fmt, scan_doc), encoding="utf-8")
        parsed = parse_file(str(path))
        assert validate_full_spdx_document(parsed) == [], fmt
        names = {p.name for p in parsed.packages}
        assert {m["repo_id"] for m in scan_doc["models"]} <= names


def test_spdx_packages_licences_and_lineage(scan_doc: dict[str, Any]) -> None:
    data = json.loads(render("spdx-json", scan_doc))
    packages = {p["name"]: p for p in data["packages"]}
    bot = packages["example-org/llama-3.1-8b-support-bot"]
    assert bot["licenseDeclared"] == "Apache-2.0"
    assert bot["licenseConcluded"] == "LicenseRef-scancode-llama-3.1-license-2024"
    assert (
        bot["downloadLocation"]
        == f"https://huggingface.co/example-org/llama-3.1-8b-support-bot/tree/{bot['versionInfo']}"
    )
    assert packages["nobody/no-such-model"]["downloadLocation"] == "NOASSERTION"
    assert packages["nobody/no-such-model"]["licenseConcluded"] == "NOASSERTION"
    refs = {e["licenseId"] for e in data["hasExtractedLicensingInfos"]}
    assert "LicenseRef-scancode-llama-3.1-license-2024" in refs
    ids = {p["SPDXID"]: p["name"] for p in data["packages"]}
    descends = {
        (ids[r["spdxElementId"]], ids[r["relatedSpdxElement"]])
        for r in data["relationships"]
        if r["relationshipType"] == "DESCENDANT_OF"
    }
    assert ("example-org/llama-3.1-8b-support-bot", "meta-llama/Llama-3.1-8B-Instruct") in descends
    assert ("meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B") in descends
    described = [r for r in data["relationships"] if r["relationshipType"] == "DESCRIBES"]
    assert len(described) == len(scan_doc["models"]) + len(scan_doc["datasets"])  # listed datasets are packages


def test_sarif_matches_the_sarif_2_1_0_schema(scan_doc: dict[str, Any]) -> None:
    import jsonschema

    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads(render("sarif", scan_doc))
    validator = jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_sarif_results_point_at_the_manifest_line(scan_doc: dict[str, Any]) -> None:
    run = json.loads(render("sarif", scan_doc))["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert {"verdict/deny", "verdict/review", "license-mismatch"} <= set(rules)
    lines = {("model", m["repo_id"]): m["manifest"]["line"] for m in scan_doc["models"]}
    lines.update({("dataset", d["repo_id"]): d["manifest"]["line"] for d in scan_doc["datasets"]})
    denied = [r for r in run["results"] if r["ruleId"] == "verdict/deny"]
    summary = scan_doc["summary"]
    assert len(denied) == summary["by_verdict"]["deny"] + summary["datasets_by_verdict"]["deny"]
    # Models are annotated at their manifest line; hosted-API uses (scan --discover) at their code line.
    models = [r for r in run["results"] if not r["ruleId"].startswith("api/")]
    for result in models:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "models.txt"
        kind = "dataset" if "dataset" in result["properties"] else "model"
        assert location["region"]["startLine"] == lines[(kind, result["properties"][kind])]
        assert result["level"] in ("error", "warning", "note")
    fingerprints = [r["partialFingerprints"]["licscanModelRule/v1"] for r in models]
    assert len(set(fingerprints)) == len(fingerprints)
    assert {r["level"] for r in denied} == {"error"}
    apis = [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"], r["properties"]["provider"])
            for r in run["results"] if r["ruleId"].startswith("api/")]
    assert apis == [("api/deny", "error", "app/chat.py", 30, "deepseek")]


def test_cyclonedx_validates_against_the_1_6_schema(scan_doc: dict[str, Any]) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    text = render("cyclonedx", scan_doc)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    assert bom["specVersion"] == "1.6"
    models = {f"{c.get('group')}/{c['name']}": c for c in bom["components"] if c["type"] != "data"}
    assert {c["type"] for c in models.values()} == {"machine-learning-model"}
    assert len(models) == len(scan_doc["models"])  # datasets are data components (tests/test_datasets_reports.py)
    bot = models["example-org/llama-3.1-8b-support-bot"]
    ancestor = bot["pedigree"]["ancestors"][0]
    assert ancestor["name"] == "Llama-3.1-8B-Instruct"
    assert ancestor["pedigree"]["ancestors"][0]["name"] == "Llama-3.1-8B"
    acknowledged = {
        (lic["license"].get("id") or lic["license"].get("name"), lic["license"]["acknowledgement"])
        for lic in bot["licenses"]
    }
    assert ("Apache-2.0", "declared") in acknowledged
    assert ("Llama 3.1 Community License Agreement", "concluded") in acknowledged


# -- hostile input ----------------------------------------------------------------------------

SCRIPT = "<script>document.title='pwned'</script>"
IMG = "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
JS_URL = "javascript:document.body.setAttribute('data-pwned','1')"


def hostile_document() -> dict[str, Any]:
    """The golden scan with payloads in every field a model card or a manifest can reach."""
    doc = load_scan()
    payload = f"{SCRIPT}{IMG}\x1b[31m|`*[x](y)@team\nPackageName: injected"
    doc["manifests"] = [f"models{IMG}.txt"]
    doc["policy"] = f"policy{SCRIPT}.yaml"
    doc["warnings"].append(payload)
    first, second = doc["models"][0], doc["models"][1]
    first["repo_id"] = f"evil{IMG}/{SCRIPT}"
    first["note"] = payload
    first["license"]["name"] = payload
    first["license"]["id"] = f"id{IMG}"
    first["declared_expression"] = payload
    first["evidence"].append({"source": f"card:{IMG}", "detail": payload})
    first["findings"].append({"code": f"x{SCRIPT}", "severity": "error", "message": payload})
    first["reasons"].append({"rule": f"r{IMG}", "decision": "deny", "message": payload})
    first["obligations"].append({"kind": f"k{SCRIPT}", "summary": payload, "license": IMG, "link": JS_URL})
    first["manifest"]["path"] = f"m{IMG}.txt"
    first["base_models"][0]["repo_id"] = f"base{IMG}"
    second["declared_license"]["name"] = payload
    second["license"]["name"] = payload
    second["license"]["spdx_id"] = "LicenseRef-x"
    return doc


def test_html_escapes_every_card_value() -> None:
    html = render("html", hostile_document())
    assert "<script>document.title" not in html
    assert "<img src=x" not in html
    assert "\x1b" not in html
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    assert 'href="javascript:' not in html
    assert html.count("<script>") == 1  # the report's own


def test_markdown_escapes_every_card_value() -> None:
    md = render("markdown", hostile_document())
    assert "<script>" not in md and "<img" not in md and "\x1b" not in md
    assert "&lt;script&gt;" in md
    assert "@team" not in md  # no @-mention reaches GitHub
    table_rows = [line for line in md.splitlines() if line.startswith("| ")]
    widths = {line.replace("\\|", "").count("|") for line in table_rows}
    assert len(widths) == 1  # an escaped pipe never adds a column


def test_other_formats_carry_hostile_values_inertly() -> None:
    doc = hostile_document()
    tagvalue = render("spdx", doc)
    assert not any(line.startswith("PackageName: injected") for line in tagvalue.splitlines())
    for fmt in ("sarif", "spdx-json", "cyclonedx", "json"):
        json.loads(render(fmt, doc))  # still well-formed JSON


# -- Markdown stays under GitHub's limit ----------------------------------------------------------


def big_document(n: int) -> dict[str, Any]:
    doc = load_scan()
    models = []
    for i in range(n):
        model = copy.deepcopy(doc["models"][i % len(doc["models"])])
        model["repo_id"] = f"bulk-org/model-{i:05d}"
        model["manifest"] = {"path": "models.txt", "line": i + 2}
        models.append(model)
    doc["models"] = models
    doc["summary"]["models"] = n
    return doc


def test_markdown_stays_under_the_github_limit_and_says_what_it_left_out() -> None:
    import re

    doc = big_document(5000)
    md = render("markdown", doc)
    assert len(md) < 65_536 and len(md.encode("utf-8")) <= 60_000
    rows = sum(1 for line in md.splitlines() if line.startswith("| ") and "bulk-org/model-" in line)
    left_out = [int(n) for n in re.findall(r"… and (\d+) more models? \(.*?\) not shown in the", md)]
    assert rows + sum(left_out) == 5000
    assert "see the full report" in md


def test_markdown_of_a_small_scan_leaves_nothing_out(scan_doc: dict[str, Any]) -> None:
    md = render("markdown", scan_doc)
    assert "not shown" not in md
    assert md.index("example-org/conflicted-card") < md.index("microsoft/phi-2")  # attention first


# -- what to do, licence links, changes against a baseline -------------------------------------------


def compared_document() -> dict[str, Any]:
    """The golden scan compared with an older one: Gemma is new, conflicted-card's commit moved, one was removed."""
    from licscan.diff import annotate, diff_documents

    new = load_scan()
    old = copy.deepcopy(new)
    old["models"] = [m for m in old["models"] if m["repo_id"] != "google/gemma-2-9b-it"]
    moved = next(m for m in old["models"] if m["repo_id"] == "example-org/conflicted-card")
    moved["revision"] = "0" * 40
    gone = copy.deepcopy(moved)
    gone["repo_id"], gone["manifest"] = "old-org/retired-model", {"path": "models.txt", "line": 30}
    old["models"].append(gone)
    annotate(new, diff_documents(old, new), "base.json")
    return new


def test_html_says_what_to_do_about_each_model_that_cannot_ship(scan_doc: dict[str, Any]) -> None:
    from licscan.report.html import view

    models = {m["repo_id"]: m for m in view(scan_doc)["models"]}
    flux = models["black-forest-labs/FLUX.1-dev"]["todo"]
    assert flux["actions"] == [
        "Renew the expired policy exception (a new expiry date and approver), if legal still agrees.",
        "Replace it with a model the policy allows (a permissive or accepted licence, for the same task).",
        "Or buy a commercial licence from black-forest-labs and record it as a policy exception.",
    ]
    assert flux["facts"].startswith(
        "licence FLUX.1 [dev] Non-Commercial License, flux-1-dev-non-commercial-license; class non-commercial;"
    )
    assert models["google/gemma-2-9b-it"]["todo"]["actions"][1] == (
        "Legal to sign off its use-restrictions duty: add it to obligations.accepted in the policy, or record an "
        "exception."
    )
    assert models["nobody/no-such-model"]["todo"]["actions"] == [
        "Check the repo id: it may have been renamed, deleted or made private (a token may be needed). Until then "
        "its licence is unknown and it cannot ship."
    ]
    assert models["microsoft/phi-2"]["todo"] is None  # allowed: nothing to do
    html = render("html", scan_doc)
    assert html.count("<h3>What to do</h3>") == sum(1 for m in scan_doc["models"] if m["verdict"] != "allow")
    assert "Cannot ship as it stands (10)" in html


def test_html_links_every_licence_to_its_text(scan_doc: dict[str, Any]) -> None:
    html = render("html", scan_doc)
    assert '<a class="lic" href="https://opensource.org/license/mit" rel="noopener noreferrer"' in html
    llama = "https://huggingface.co/meta-llama/Meta-Llama-3.1-70B-Instruct/blob/main/LICENSE"
    assert f'<a href="{llama}" rel="noopener noreferrer"><code>llama3.1</code></a>' in html  # a base's licence
    assert f'<a href="{llama}" rel="noopener noreferrer">llama3.1</a>' in html  # an obligation's licence
    assert "What the release must do" in html


def test_html_and_sarif_mark_new_changed_and_removed_models() -> None:
    from licscan.report.html import view

    doc = compared_document()
    page = view(doc)
    marks = {m["repo_id"]: m["change"] for m in page["models"]}
    assert marks["google/gemma-2-9b-it"] == "added" and marks["example-org/conflicted-card"] == "changed"
    assert marks["Qwen/Qwen2.5-7B-Instruct"] == "unchanged"
    assert page["baseline"]["removed"] == [
        {"label": "old-org/retired-model", "manifest": "models.txt:30", "verdict": "deny", "verdict_label": "Deny"}
    ]
    html = render("html", doc)
    assert 'google/gemma-2-9b-it</a> <span class="chg chg-added">New</span>' in html
    assert "Removed since the baseline (1)" in html
    assert "1 new</span>, <span class=\"chg chg-changed\">1 changed</span>, 16 unchanged" in html
    results = json.loads(render("sarif", doc))["runs"][0]["results"]
    states = {(r["properties"]["model"], r["baselineState"]) for r in results if "model" in r["properties"]}
    assert ("google/gemma-2-9b-it", "new") in states and ("example-org/conflicted-card", "updated") in states
    assert ("example-org/hostile-card", "unchanged") in states
    assert all("baselineState" not in r for r in json.loads(render("sarif", load_scan()))["runs"][0]["results"])


@pytest.mark.parametrize("given", ["absolute", "parent", "dot"])
def test_sarif_paths_are_relative_to_the_repository_root(given: str, tmp_path: Path) -> None:
    from licscan.report.sarif import to_sarif

    repo = tmp_path / "repo"
    (repo / "ml").mkdir(parents=True)
    doc = load_scan()
    path = {"absolute": str(repo / "ml" / "models.txt"), "parent": "../ml/models.txt", "dot": "./ml/models.txt"}
    cwd = Path.cwd()
    os.chdir(repo if given == "dot" else repo / "ml" if given == "parent" else tmp_path)
    try:
        for m in doc["models"] + doc["datasets"]:
            m["manifest"]["path"] = path[given]
        uris = {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in to_sarif(doc, root=str(repo))["runs"][0]["results"]
            if not r["ruleId"].startswith("api/")  # hosted-API uses sit at their code line, not a manifest's
        }
    finally:
        os.chdir(cwd)
    assert uris == {"ml/models.txt"}


def test_scan_root_option_sets_the_sarif_base(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    args = ["scan", str(root / "examples/models.txt"), "--snapshot", str(root / "examples/snapshot")]
    result = CliRunner().invoke(main, [*args, "--format", "sarif", "--root", str(root)])
    assert result.exit_code == 0, result.output
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(result.stdout)["runs"][0]["results"]
    }
    assert uris == {"examples/models.txt"}  # the absolute path, relative to the root


@pytest.mark.parametrize("fmt", ["spdx-json", "spdx", "cyclonedx"])
def test_sbom_formats_without_the_extra_exit_2_naming_it(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name in ("spdx_tools", "cyclonedx") else real(name, *a)
    )
    root = Path(__file__).resolve().parent.parent
    args = ["scan", str(root / "examples/models.txt"), "--snapshot", str(root / "examples/snapshot")]
    result = CliRunner().invoke(main, [*args, "--format", fmt])
    assert result.exit_code == 2
    assert result.stderr == (
        f"licscan: error: --format {fmt} needs the 'sbom' extra, which is not installed: pip install 'licscan[sbom]'\n"
    )
    report = CliRunner().invoke(main, ["report", str(GOLDEN / "scan.json"), "--format", fmt])
    assert report.exit_code == 2 and "pip install 'licscan[sbom]'" in report.stderr
    # Every other format still works without the extra.
    assert CliRunner().invoke(main, [*args, "--format", "html"]).exit_code == 0
