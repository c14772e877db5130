"""Hostile cards among many ordinary ones: every other model keeps its result.

The 5,000-model version of this test is ``benchmarks/bench_hostile.py`` (it prints its figures).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hostile_support import assert_contained, assert_no_token, serve_bulk, serve_hostile_cards

from licscan.cli import main


def _scan(tmp_path: Path, name: str, lines: list[str]) -> dict[str, Any]:
    manifest = tmp_path / "work" / f"{name}.txt"
    manifest.parent.mkdir(exist_ok=True)
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "work" / f"{name}.json"
    args = ["scan", str(manifest), "--format", "json", "-o", str(out), "--no-cache", "--jobs", "16"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 3), result.output
    doc: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return doc


def test_200_models_with_hostile_cards_among_them(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bulk = serve_bulk(hostile_hub, 200)
    hostile = serve_hostile_cards(hostile_hub)
    calm = _scan(tmp_path, "calm", bulk)
    mixed = _scan(tmp_path, "mixed", bulk[:70] + hostile[:1] + bulk[70:140] + hostile[1:] + bulk[140:])
    calm_models = {m["repo_id"]: m for m in calm["models"]}
    others = [m for m in mixed["models"] if not m["repo_id"].startswith("evil/")]
    assert len(others) == 200
    for model in others:
        expected = dict(calm_models[model["repo_id"]], manifest=model["manifest"])
        assert model == expected
    evil = {
        m["repo_id"]: {f["code"] for f in m["findings"]} for m in mixed["models"] if m["repo_id"].startswith("evil/")
    }
    assert evil == {
        "evil/sha": {"fetch-failed"},
        "evil/or": {"license-invalid", "file-unreadable"},
        "evil/list-card": {"fetch-failed"},
    }
    assert_contained(tmp_path)
    assert_no_token(tmp_path)
