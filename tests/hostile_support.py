"""What every hostile-input test checks: the other models keep their results, no file appears outside
the temporary cache and output paths, and the token appears in no output.

The good models below are served by the hostile Hub next to the hostile one in every scan.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hostilehub import TOKEN, HostileHub, commit, info

from licscan.cli import main

# repo -> (class, effective licence id)
GOOD: dict[str, tuple[str, str | None]] = {
    "good/mit-model": ("permissive", "mit"),
    "good/nc-model": ("non-commercial", "cc-by-nc-4.0"),
    "good/llama-finetune": ("open-weights-restricted", "llama3.1"),
    "good/no-metadata": ("permissive", "apache-2.0"),  # decided by its LICENSE file
}
APACHE_TEXT = (
    "Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/\n\n"
    "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION\n\n1. Definitions.\n\n"
    '"License" shall mean the terms and conditions for use, reproduction, and distribution as defined by '
    "Sections 1 through 9 of this document.\n"
)


def serve_good(hub: HostileHub) -> None:
    hub.model("good/mit-model", info("good/mit-model", card={"license": "mit"}))
    hub.model("good/nc-model", info("good/nc-model", card={"license": "cc-by-nc-4.0"}))
    hub.model(
        "good/llama-finetune",
        info("good/llama-finetune", card={"license": "apache-2.0", "base_model": "good/llama-base"}),
    )
    hub.model(
        "good/llama-base",
        info("good/llama-base", card={"license": "other", "license_name": "llama3.1"}),
    )
    hub.model(
        "good/no-metadata",
        info("good/no-metadata", card={}, siblings=[{"rfilename": "LICENSE"}, {"rfilename": "config.json"}]),
    )
    hub.file("good/no-metadata", "LICENSE", APACHE_TEXT)


@dataclass
class Run:
    result: Result
    doc: dict[str, Any] | None
    work: Path

    def model(self, repo_id: str) -> dict[str, Any]:
        assert self.doc is not None, self.result.output
        return next(m for m in self.doc["models"] if m["repo_id"] == repo_id)

    def codes(self, repo_id: str) -> set[str]:
        return {f["code"] for f in self.model(repo_id)["findings"]}

    def messages(self, repo_id: str) -> str:
        return " | ".join(f["message"] for f in self.model(repo_id)["findings"])


def scan(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    hostile: list[str],
    *extra: str,
    fmt: str = "json",
    timeout: float = 5,
) -> Run:
    """``licscan scan`` of the good models and ``hostile`` (as manifest lines), in ``tmp_path/work``."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    monkeypatch.chdir(work)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    manifest = work / "models.txt"
    manifest.write_text("\n".join([*GOOD, *hostile]) + "\n", encoding="utf-8")
    out = work / f"scan.{fmt}"
    args = ["scan", str(manifest), "--format", fmt, "-o", str(out), "--cache-dir", str(tmp_path / "cache")]
    result = CliRunner().invoke(main, [*args, "--timeout", str(timeout), "--jobs", "4", *extra])
    doc = json.loads(out.read_text(encoding="utf-8")) if fmt == "json" and out.exists() else None
    return Run(result, doc, work)


def assert_good_models_unchanged(run: Run) -> None:
    assert run.doc is not None, run.result.output
    for repo_id, (cls, license_id) in GOOD.items():
        model = run.model(repo_id)
        assert (model["class"], (model["license"] or {}).get("id")) == (cls, license_id), (repo_id, model)


ALLOWED = ("work", "cache", "hf_home")


def assert_contained(tmp_path: Path, *also: str) -> None:
    """Every file under ``tmp_path`` is in a folder licscan was given (the work folder, cache, HF home)."""
    allowed = [tmp_path / name for name in (*ALLOWED, *also)]
    stray = [
        path
        for path in tmp_path.rglob("*")
        if path.is_file() and not any(path.is_relative_to(root) for root in allowed)
    ]
    assert stray == []


def assert_no_token(tmp_path: Path, *texts: str) -> None:
    """The token is in none of ``texts`` and in no file under ``tmp_path``."""
    for text in texts:
        assert TOKEN not in text
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert TOKEN.encode() not in path.read_bytes(), path


def hostile_commit(name: str) -> str:
    return commit(name)


def listing(root: Path) -> list[str]:
    return sorted(os.path.relpath(p, root) for p in root.rglob("*") if p.is_file())


BULK_LICENSES = ("mit", "apache-2.0", "cc-by-nc-4.0", "llama3.1", "gemma", "openrail")


def serve_bulk(hub: HostileHub, count: int) -> list[str]:
    """``count`` ordinary models, pinned (``org/name@commit``), as manifest lines."""
    lines = []
    for n in range(count):
        repo_id = f"bulk/model-{n:05d}"
        licence = BULK_LICENSES[n % len(BULK_LICENSES)]
        card = (
            {"license": licence}
            if licence not in ("llama3.1", "gemma")
            else {"license": "other", "license_name": licence}
        )
        hub.model(repo_id, info(repo_id, card=card))
        lines.append(f"{repo_id}@{commit(repo_id)}")
    return lines


def serve_hostile_cards(hub: HostileHub) -> list[str]:
    """A few of the worst cards, as manifest lines."""
    hub.model("evil/sha", info("evil/sha", sha="../../../../escaped"))
    hub.model("evil/or", info("evil/or", card={"license": " OR ".join(["mit"] * 20_000)}))
    hub.model("evil/list-card", info("evil/list-card", card=[{"license": "mit"}]))
    return ["evil/sha", "evil/or", "evil/list-card"]
