"""A licscan bug on one model costs only that model its result, and the run says so (exit 70)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import licscan.scan as scan_module
from licscan.cli import main
from licscan.errors import EXIT_INTERNAL_ERROR
from licscan.sources.store import Store
from licscan.types import ModelRecord


def test_one_model_that_breaks_classification_leaves_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "snap", "snapshot")
    store.initialise()
    for repo, sha, licence in (("org/good", "1" * 40, "mit"), ("org/boom", "2" * 40, "apache-2.0")):
        store.write_record(ModelRecord(repo, sha, card_data={"license": licence}, siblings=("model.bin",)))
        store.write_ref(repo, None, sha)
    (tmp_path / "models.txt").write_text("org/good\norg/boom\n")
    real = scan_module.classify_card

    def classify(db: Any, card: Any, repo_id: str = "") -> Any:
        if repo_id == "org/boom":
            raise RuntimeError("simulated bug")
        return real(db, card, repo_id)

    monkeypatch.setattr(scan_module, "classify_card", classify)
    result = CliRunner().invoke(
        main, ["scan", str(tmp_path / "models.txt"), "--snapshot", str(tmp_path / "snap"), "--format", "json"]
    )
    assert result.exit_code == EXIT_INTERNAL_ERROR, result.output
    models = {m["repo_id"]: m for m in json.loads(result.stdout)["models"]}
    assert models["org/good"]["class"] == "permissive" and models["org/good"]["license"]["id"] == "mit"
    boom = models["org/boom"]
    assert boom["class"] == "unknown" and [f["code"] for f in boom["findings"]] == ["internal-error"]
    assert "RuntimeError: simulated bug" in boom["findings"][0]["message"]
    assert "could not be classified because of a licscan bug" in result.stderr
