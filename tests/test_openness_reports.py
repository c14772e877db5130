"""The openness parts of the reports, from the golden scan document: hostile values stay inert, a saved scan
with a tampered openness field is refused, and `licscan report` renders the spectrum and the Hybrid section."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from licscan.cli import main
from licscan.report import get_renderer
from licscan.schema import document_problems

GOLDEN = Path(__file__).resolve().parent / "golden" / "scan.json"
SCRIPT = "<script>document.title='pwned'</script>"
IMG = '"><img src=x onerror="alert(1)">'


def golden() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return doc


def hostile() -> dict[str, Any]:
    doc = golden()
    payload = f"{SCRIPT}{IMG}\x1b[31m|`*[x](y)@team"
    openness = doc["models"][0]["openness"]
    openness["components"]["weights"]["evidence"] = payload
    openness["blocks"][0]["message"] = payload
    openness["osaid_reason"] = payload
    api = doc["apis"][0]
    api["model"] = payload
    api["locations"][0]["how"] = payload
    api["locations"][0]["path"] = f"app{IMG}.py"
    api["lock_in"]["reason"] = payload
    api["data_handling"] = payload
    api["reasons"][0]["message"] = payload
    return doc


def test_the_golden_document_has_openness_and_judged_apis() -> None:
    doc = golden()
    assert document_problems(doc) == []
    assert all(m["openness"] is not None for m in doc["models"])
    assert {a["provider"]: a["verdict"] for a in doc["apis"]} == {"openai": "allow", "deepseek": "deny",
                                                                  "ollama": "allow"}
    assert sum(doc["summary"]["by_openness"].values()) == len(doc["models"]) + len(doc["apis"])


def test_hostile_openness_values_stay_inert_in_html_and_markdown() -> None:
    doc = hostile()
    html = get_renderer("html")(copy.deepcopy(doc))
    assert "<script>document.title" not in html and "<img src=x" not in html and "\x1b" not in html
    assert html.count("<script>") == 1  # the report's own
    assert "&lt;script&gt;document.title" in html
    md = get_renderer("markdown")(copy.deepcopy(doc))
    assert "<script>" not in md and "<img" not in md and "@team" not in md and "\x1b" not in md
    json.loads(get_renderer("sarif")(copy.deepcopy(doc)))


def test_a_tampered_openness_field_is_refused(tmp_path: Path) -> None:
    doc = golden()
    doc["models"][0]["openness"]["level"] = "<b>open</b>"
    doc["apis"][0]["lock_in"]["level"] = "none"
    problems = document_problems(doc)
    assert "$.models[0].openness.level: <b>open</b> is not one of unknown, restricted-weights, open-weights, " \
           "open-model" in problems
    assert "$.apis[0].lock_in.level: none is not one of high, medium, low, unknown" in problems
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    done = CliRunner().invoke(main, ["report", str(path), "--format", "html"])
    assert done.exit_code == 2


def test_report_renders_the_spectrum_grid_and_hybrid_section() -> None:
    html = CliRunner().invoke(main, ["report", str(GOLDEN), "--format", "html"]).stdout
    assert 'id="spectrum-h">Openness spectrum</h2>' in html
    assert 'data-filter-openness="restricted-weights"' in html
    assert 'id="hybrid-h">Hybrid: Hosted model APIs in use</h2>' in html
    assert "Replace it with a provider the policy allows" in html  # deepseek, denied
    assert '<section class="block openness-block">' in html
    explained = CliRunner().invoke(main, ["report", str(GOLDEN), "--format", "markdown"]).stdout
    assert "**Openness** (closed → open): closed API 1 · hosted open weights 1 · self-hosted 1 · " in explained
