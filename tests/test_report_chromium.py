"""The HTML report in a real browser: headless Chromium renders it, filters it, and runs none of a card's payloads.

Needs Debian's ``chromium`` (``.ci/run`` installs it); skipped, saying so, when no Chromium is found.
A screenshot is saved to ``build/report-screenshot.png`` for a human to look at.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_reports import hostile_document, load_scan

from licscan.report import get_renderer

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (CI installs Debian's chromium)")

# Without the background-networking flags Chromium waits on services this closed network never answers.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--virtual-time-budget=2000",  # let the report's script run before the DOM is dumped
]


def chromium(tmp_path: Path, *args: str) -> str:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def write_report(tmp_path: Path, doc: dict[str, Any], name: str = "report.html") -> Path:
    path = tmp_path / name
    path.write_text(get_renderer("html")(doc), encoding="utf-8")
    return path


def rows(dom: str) -> dict[str, bool]:
    """Model row id -> visible, from a dumped DOM."""
    out = {}
    for match in re.finditer(r"<tr id=\"row-(m-\d+)\"([^>]*)>", dom):
        out[match.group(1)] = " hidden" not in match.group(2)
    return out


def row_classes(dom: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r"<tr id=\"row-(m-\d+)\" data-class=\"([^\"]+)\"", dom)}


@pytest.fixture(scope="module")
def scan_doc() -> dict[str, Any]:
    return load_scan()


def test_the_report_renders_and_its_script_runs(tmp_path: Path, scan_doc: dict[str, Any]) -> None:
    report = write_report(tmp_path, scan_doc)
    dom = chromium(tmp_path, "--dump-dom", report.as_uri())
    assert 'data-ready="true"' in dom  # the script ran to its end
    visible = rows(dom)
    assert len(visible) == len(scan_doc["models"]) and all(visible.values())
    assert f"{len(scan_doc['models'])} of {len(scan_doc['models'])} models shown" in dom
    assert "example-org/llama-3.1-8b-support-bot" in dom


def test_the_url_hash_filters_the_table(tmp_path: Path, scan_doc: dict[str, Any]) -> None:
    report = write_report(tmp_path, scan_doc)
    dom = chromium(tmp_path, "--dump-dom", report.as_uri() + "#class=non-commercial")
    visible, classes = rows(dom), row_classes(dom)
    expected = sum(1 for m in scan_doc["models"] if m["class"] == "non-commercial")
    assert expected and sum(visible.values()) == expected
    assert all(classes[row] == "non-commercial" for row, shown in visible.items() if shown)
    assert f"{expected} of {len(scan_doc['models'])} models shown" in dom

    both = chromium(tmp_path, "--dump-dom", report.as_uri() + "#class=non-commercial&verdict=deny")
    expected = sum(1 for m in scan_doc["models"] if m["class"] == "non-commercial" and m["verdict"] == "deny")
    assert sum(rows(both).values()) == expected


def test_hostile_card_values_run_nothing(tmp_path: Path) -> None:
    report = write_report(tmp_path, hostile_document(), "hostile.html")
    dom = chromium(tmp_path, "--dump-dom", report.as_uri())
    assert 'data-ready="true"' in dom  # the page's own script still ran
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]
    assert not re.search(r"<body[^>]*data-pwned", dom)
    assert "<title>pwned</title>" not in dom
    assert re.search(r"<title>AI model licence report", dom)
    assert '<img src="x"' not in dom and "<img src=x" not in dom
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom  # shown as text


def test_screenshot_for_review(tmp_path: Path, scan_doc: dict[str, Any]) -> None:
    build = ROOT / "build"
    build.mkdir(exist_ok=True)
    report = write_report(build, scan_doc)
    shot = build / "report-screenshot.png"
    chromium(tmp_path, "--hide-scrollbars", "--window-size=1400,1800", f"--screenshot={shot}", report.as_uri())
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one


def print_pdf(tmp_path: Path, doc: dict[str, Any], fragment: str = "") -> list[str]:
    """The report printed by Chromium (A4, the report's print stylesheet): the text of each page."""
    import unicodedata

    from pypdf import PdfReader

    report = write_report(tmp_path, doc)
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri() + fragment)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    # NFKC folds the ligatures the PDF's fonts use ("ﬁ") back to letters.
    return [unicodedata.normalize("NFKC", page.extract_text()) for page in PdfReader(pdf).pages]


def example_document() -> dict[str, Any]:
    """The README's example, scanned from the bundled snapshot under the example's commercial policy."""
    from click.testing import CliRunner

    from licscan.cli import main

    args = [
        "scan",
        "examples/models.txt",
        "--snapshot",
        "examples/snapshot",
        "--policy",
        "examples/licscan.policy.yaml",
    ]
    result = CliRunner().invoke(main, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 1  # three non-commercial models: the gate fails
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def bulk(doc: dict[str, Any], n: int) -> dict[str, Any]:
    """``doc``'s models repeated to ``n``, each a distinct repo on its own manifest line."""
    out = copy.deepcopy(doc)
    out["models"] = []
    for i in range(n):
        model = copy.deepcopy(doc["models"][i % len(doc["models"])])
        model["repo_id"] = f"bulk-org/{model['repo_id'].split('/')[-1]}-{i:04d}"
        model["manifest"] = {"path": "models.txt", "line": i + 2}
        out["models"].append(model)
    out["summary"]["models"] = n
    return out


@pytest.fixture(scope="module")
def example_doc(monkeypatch_module: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch_module.chdir(ROOT)
    return example_document()


@pytest.fixture(scope="module")
def monkeypatch_module() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_example_prints_on_four_pages_with_nothing_wrapped(tmp_path: Path, example_doc: dict[str, Any]) -> None:
    pages = print_pdf(tmp_path, example_doc)
    assert len(pages) <= 4, f"{len(pages)} pages"
    text = "\n".join(pages)
    # Every row of the table starts with its whole number and model: the # column never wraps ("16/6").
    for i, model in enumerate(example_doc["models"]):
        label = model["repo_id"].split("/")[0]
        assert re.search(rf"^{i + 1} {re.escape(label)}/", text, re.MULTILINE), f"row {i + 1} wraps"
    assert "base-license-conflict" in text  # a finding label never breaks inside
    # What a lawyer needs, on paper: what cannot ship and what to do, and what the release must include.
    assert "CANNOT SHIP AS IT STANDS (3)" in text
    assert "What to do: Replace it with an allowed model of the same family: black-forest-labs/FLUX.1-schnell" in text
    assert "What the release must do" in text and "Display “Built with Llama”" in text
    assert "NOT REQUIRED FOR THIS RELEASE" in text


@pytest.mark.parametrize("source", ["example", "golden"])
def test_a_hundred_models_print_in_under_twenty_pages(
    tmp_path: Path, source: str, example_doc: dict[str, Any], scan_doc: dict[str, Any]
) -> None:
    """Under 2 pages per 10 models, for the example's mix and for the golden scan's (13 of 18 need attention)."""
    doc = bulk(example_doc if source == "example" else scan_doc, 100)
    pages = print_pdf(tmp_path, doc)
    assert len(pages) < 20, f"{len(pages)} pages"
    text = "\n".join(pages)
    codes = {f["code"] for m in doc["models"] for f in m["findings"] if "<" not in f["code"]}
    assert all(code in text for code in codes), sorted(c for c in codes if c not in text)


def test_paper_prints_what_the_filter_shows(tmp_path: Path, example_doc: dict[str, Any]) -> None:
    pages = print_pdf(tmp_path, example_doc, "#verdict=deny")
    text = "\n".join(pages)
    assert "Printed with a filter (verdict: deny): 3 of 20 models shown." in text
    table = text.split("\nModels\n", 1)[1].split("What the release must do")[0]
    rows = re.findall(r"^(\d+) (\S+/\S+) ", table, re.MULTILINE)
    assert sorted(name for _, name in rows) == [
        "CohereLabs/c4ai-command-r-v01",
        "black-forest-labs/FLUX.1-dev",
        "mistralai/Codestral-22B-v0.1",
    ]
    details = text.split("Model details", 1)[1]
    assert "microsoft/phi-2" not in details  # an allowed model: its block is filtered out too
    assert len(pages) < len(print_pdf(tmp_path, example_doc))


def test_the_example_screenshot_for_review(tmp_path: Path, example_doc: dict[str, Any]) -> None:
    """The report a lawyer is handed: saved to build/example-report.png for a human to look at."""
    build = ROOT / "build"
    build.mkdir(exist_ok=True)
    report = write_report(build, example_doc, "example-report.html")
    shot = build / "example-report.png"
    chromium(tmp_path, "--hide-scrollbars", "--window-size=1400,2600", f"--screenshot={shot}", report.as_uri())
    assert shot.is_file() and shot.stat().st_size > 50_000
