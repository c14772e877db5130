"""The HTML report in a real browser: headless Chromium renders it, filters it, and runs none of a card's payloads.

Needs Debian's ``chromium`` (``.ci/run`` installs it); skipped, saying so, when no Chromium is found.
A screenshot is saved to ``build/report-screenshot.png`` for a human to look at.
"""

from __future__ import annotations

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


def test_the_report_prints_to_pdf(tmp_path: Path, scan_doc: dict[str, Any]) -> None:
    report = write_report(tmp_path, scan_doc)
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri())
    assert pdf.read_bytes()[:5] == b"%PDF-"
