"""Licences read from repo files and card prose, through the fake Hub (issue 3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from licscan.cli import main

# The project's own short synthetic texts: a licence's title lines, not its full text.
LLAMA32_TEXT = (
    "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\n"
    "Llama 3.2 Version Release Date: September 25, 2024\n\n"
    "“Agreement” means the terms and conditions for use, reproduction, distribution\n"
    "and modification of the Llama Materials set forth herein.\n\n"
    "Llama 3.2 is licensed under the Llama 3.2 Community License, Copyright © Meta Platforms, Inc.\n"
)
MIT_TEXT = (
    "MIT License\n\nCopyright (c) 2024 Example\n\n"
    "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
    'of this software and associated documentation files (the "Software"), to deal\n'
    "in the Software without restriction.\n\n"
    "The above copyright notice and this permission notice shall be included in all\n"
    "copies or substantial portions of the Software.\n"
)


def repo(repo_id: str, card: dict[str, Any], files: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "id": repo_id,
        "sha": f"{abs(hash(repo_id)) % 16**40:040x}",
        "cardData": card,
        "siblings": [".gitattributes", "config.json", *files],
        "files": files,
        **extra,
    }


def scan_json(tmp_path: Path, repos: list[str], *args: str) -> tuple[int, dict[str, Any]]:
    manifest = tmp_path / "models.txt"
    manifest.write_text("\n".join(repos) + "\n")
    result = CliRunner().invoke(main, ["scan", str(manifest), "--format", "json", "--no-cache", *args])
    assert result.exit_code in (0, 3), result.output
    return result.exit_code, json.loads(result.output)


def by_repo(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["repo_id"]: m for m in doc["models"]}


def codes(model: dict[str, Any]) -> set[str]:
    return {f["code"] for f in model["findings"]}


def test_no_metadata_licence_is_read_from_the_license_file(fake_hub: Any, tmp_path: Path) -> None:
    fake_hub.add_repo(repo("t/only-file", {"language": "en"}, {"LICENSE": LLAMA32_TEXT}))
    _, doc = scan_json(tmp_path, ["t/only-file"])
    model = by_repo(doc)["t/only-file"]
    assert model["class"] == "open-weights-restricted"
    assert model["license"]["id"] == "llama3.2"
    assert "license-from-text" in codes(model) and "license-missing" not in codes(model)
    evidence = [e for e in model["evidence"] if e["source"] == "file:LICENSE"]
    assert evidence and "llama 3.2 community license agreement" in evidence[0]["detail"]
    assert any(o["kind"] == "user-threshold" and o["threshold"] == 700_000_000 for o in model["obligations"])


def test_a_relabelled_root_is_caught_by_its_licence_file(fake_hub: Any, tmp_path: Path) -> None:
    # A permissive model that names no base has its card, config and licence files read (issue 9):
    # "apache-2.0" over a Llama 3.2 LICENSE is caught without --verify-text.
    fake_hub.add_repo(repo("t/relabelled", {"license": "apache-2.0"}, {"LICENSE": LLAMA32_TEXT}))
    _, doc = scan_json(tmp_path, ["t/relabelled"])
    model = by_repo(doc)["t/relabelled"]
    assert {r.filename for r in fake_hub.requests if r.kind == "file"} == {"README.md", "config.json", "LICENSE"}
    assert "license-mismatch" in codes(model)
    assert model["class"] == "open-weights-restricted" and model["license"]["id"] == "llama3.2"
    assert model["declared_license"]["id"] == "llama3.2"  # the more restrictive reading of the repo itself


def test_files_are_read_only_when_needed_or_asked(fake_hub: Any, tmp_path: Path) -> None:
    card = {"license": "apache-2.0", "base_model": "meta-llama/Llama-3.2-1B"}
    fake_hub.add_repo(repo("t/tuned", card, {"LICENSE": LLAMA32_TEXT}))
    _, doc = scan_json(tmp_path, ["t/tuned"])
    # Metadata named a known licence and a base: no file of the fine-tune is read.
    assert not [r for r in fake_hub.requests if r.kind == "file" and r.repo_id == "t/tuned"]
    assert "license-mismatch" not in codes(by_repo(doc)["t/tuned"])
    _, doc = scan_json(tmp_path, ["t/tuned"], "--verify-text")
    model = by_repo(doc)["t/tuned"]
    assert "LICENSE" in {r.filename for r in fake_hub.requests if r.kind == "file" and r.repo_id == "t/tuned"}
    assert "license-mismatch" in codes(model) and model["declared_license"]["id"] == "llama3.2"


def test_a_relative_license_link_is_read(fake_hub: Any, tmp_path: Path) -> None:
    card = {"license": "other", "license_name": "in-house-terms", "license_link": "./TERMS.md"}
    fake_hub.add_repo(repo("t/linked", card, {"TERMS.md": MIT_TEXT}))
    _, doc = scan_json(tmp_path, ["t/linked"])
    model = by_repo(doc)["t/linked"]
    assert model["license"]["id"] == "mit"
    assert any(e["source"] == "file:TERMS.md" for e in model["evidence"])


def test_no_blind_requests_for_files_the_repo_does_not_list(fake_hub: Any, tmp_path: Path) -> None:
    fake_hub.add_repo(repo("t/nothing", {}, {}))
    _, doc = scan_json(tmp_path, ["t/nothing"])
    assert by_repo(doc)["t/nothing"]["class"] == "unknown"
    # Only files the repo lists are read: the card (always listed) and config.json (for lineage,
    # `_name_or_path`); no LICENSE is guessed at.
    assert {r.filename for r in fake_hub.requests if r.kind == "file"} == {"README.md", "config.json"}


def test_a_gated_repo_whose_files_cannot_be_read_falls_back_to_metadata(fake_hub: Any, tmp_path: Path) -> None:
    fake_hub.add_repo(repo("t/gated", {"license": "other"}, {"LICENSE": LLAMA32_TEXT}, gated="manual"))
    code, doc = scan_json(tmp_path, ["t/gated"])
    model = by_repo(doc)["t/gated"]
    assert code == 0, "the model itself was fetched"
    assert model["class"] == "unknown"
    assert "gated" in codes(model) and "license-unrecognized" in codes(model)


def test_misspelled_card_keys_are_read_as_weaker_evidence(fake_hub: Any, tmp_path: Path) -> None:
    readme = "---\nlincense: mit\nlanguage: en\n---\n\n# A model\n"
    fake_hub.add_repo(repo("t/typo", {"language": "en"}, {"README.md": readme}))
    _, doc = scan_json(tmp_path, ["t/typo"])
    model = by_repo(doc)["t/typo"]
    assert model["license"]["id"] == "mit", model["evidence"]
    assert any(e["source"].startswith("card:") and "lincense" in e["detail"] for e in model["evidence"])


def test_real_llama_text_under_apache_metadata(fake_hub: Any, tmp_path: Path, shared_data: Path) -> None:
    text = (shared_data / "license-texts" / "llama3.1.txt").read_text(encoding="utf-8")
    modified = text.replace("Meta", "Meta (and nobody on Tuesdays)", 1)
    fake_hub.add_repo(repo("t/apache-over-llama", {"license": "apache-2.0"}, {"LICENSE": text}))
    fake_hub.add_repo(repo("t/edited-llama", {}, {"LICENSE.md": modified}))
    _, doc = scan_json(tmp_path, ["t/apache-over-llama", "t/edited-llama"], "--verify-text")
    models = by_repo(doc)
    assert models["t/apache-over-llama"]["license"]["id"] == "llama3.1"
    assert "license-mismatch" in codes(models["t/apache-over-llama"])
    edited = models["t/edited-llama"]
    assert edited["license"]["id"] == "llama3.1"
    assert "license-modified" in codes(edited)
    assert any("Tuesdays" in f["message"] for f in edited["findings"])


@pytest.mark.parametrize("verify", [False, True])
def test_snapshot_keeps_the_files_for_offline_text_reading(fake_hub: Any, tmp_path: Path, verify: bool) -> None:
    fake_hub.add_repo(repo("t/only-file", {}, {"LICENSE": LLAMA32_TEXT}))
    manifest = tmp_path / "models.txt"
    manifest.write_text("t/only-file\n")
    snap = tmp_path / "snap"
    assert CliRunner().invoke(main, ["snapshot", str(manifest), "-o", str(snap)]).exit_code == 0
    fake_hub.stop()
    extra = ["--verify-text"] if verify else []
    result = CliRunner().invoke(main, ["scan", str(manifest), "--snapshot", str(snap), "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["models"][0]["license"]["id"] == "llama3.2"


def test_a_licence_file_that_restricts_its_licence_fails_closed(fake_hub: Any, tmp_path: Path) -> None:
    # "MIT" metadata over an MIT text with a non-commercial clause appended: it is not MIT.
    footer = (Path(__file__).parent / "corpus" / "texts" / "mit-non-commercial-footer.txt").read_text()
    fake_hub.add_repo(repo("t/nc-mit", {"license": "mit"}, {"LICENSE": footer}))
    _, doc = scan_json(tmp_path, ["t/nc-mit"])
    model = by_repo(doc)["t/nc-mit"]
    assert model["class"] == "unknown" and model["license"] is None
    assert "license-restricted-modification" in codes(model)
    assert model["declared_class"] == "unknown"
