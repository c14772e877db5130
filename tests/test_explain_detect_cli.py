"""`licscan explain` and `licscan detect` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from licscan.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_explain_prints_the_whole_reasoning_from_a_snapshot() -> None:
    result = CliRunner().invoke(
        main, ["explain", "example-org/llama-3.1-8b-support-bot", "--snapshot", str(EXAMPLES / "snapshot")]
    )
    assert result.exit_code == 0, result.output
    out = result.output
    for expected in (
        "Metadata seen:",
        "license: apache-2.0",
        "Effective: llama3.1 (open-weights-restricted), from meta-llama/Llama-3.1-8B-Instruct",
        "└ meta-llama/Llama-3.1-8B-Instruct: llama3.1",
        "user-threshold (llama3.1)",
        "base-license-conflict",
    ):
        assert expected in out, expected


def test_explain_with_a_policy_shows_the_verdict() -> None:
    result = CliRunner().invoke(
        main,
        [
            "explain",
            "black-forest-labs/FLUX.1-dev",
            "--snapshot",
            str(EXAMPLES / "snapshot"),
            "--policy",
            str(EXAMPLES / "licscan.policy.yaml"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Verdict: deny" in result.output


def test_explain_bad_reference_and_unknown_repo() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["explain", "a/b/c"]).exit_code == 2
    result = runner.invoke(main, ["explain", "nobody/nothing", "--snapshot", str(EXAMPLES / "snapshot")])
    assert result.exit_code == 3 and "not-found" in result.output


def test_detect_local_texts(tmp_path: Path) -> None:
    licence = tmp_path / "LICENSE"
    licence.write_text(
        "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\nLlama 3.2 Version Release Date: September 25, 2024\n"
        "Llama 3.2 is licensed under the Llama 3.2 Community License.\n"
    )
    prose = tmp_path / "notes.txt"
    prose.write_text("These are our meeting notes about lunch.\n")
    result = CliRunner().invoke(main, ["detect", str(licence), str(prose), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["files"]
    assert rows[0]["license"]["id"] == "llama3.2" and rows[0]["class"] == "open-weights-restricted"
    assert rows[0]["matched_phrases"]
    assert rows[1]["license"] is None and rows[1]["class"] == "unknown"
    table = CliRunner().invoke(main, ["detect", str(licence)])
    assert "llama3.2 (open-weights-restricted" in table.output
    assert CliRunner().invoke(main, ["detect", str(tmp_path / "absent")]).exit_code == 2
