"""Regenerate examples/snapshot/ by running `licscan snapshot` against the fake Hub.

The example snapshot is produced by the real fetch path (huggingface_hub
against the loopback fake Hub serving tests/fixtures/hub, and the datasets of
tests/fixtures/hub-datasets that the example models name), so it is exactly
what `licscan snapshot` writes. Run from the project root:

    python scripts/make_example_snapshot.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakehub import FakeHub, iter_fixture_docs  # noqa: E402


def main() -> int:
    target = ROOT / "examples" / "snapshot"
    shutil.rmtree(target, ignore_errors=True)
    with FakeHub(ROOT / "tests" / "fixtures" / "hub") as hub:
        for _, doc in iter_fixture_docs(ROOT / "tests" / "fixtures" / "hub-datasets"):
            if doc.get("type") == "dataset":  # only the datasets: the example lists none of those models
                hub.add_repo(doc)
        env = {**os.environ, "HF_ENDPOINT": hub.url, "HF_HUB_CACHE": str(ROOT / "build" / "hf-cache")}
        # The fake Hub's test token: the snapshot then holds the licence files of
        # gated repos too, as it would for a user who was granted access.
        env["HF_TOKEN"] = "hf_test_token"
        command = [sys.executable, "-m", "licscan", "snapshot", "examples/models.txt", "--output", str(target)]
        done = subprocess.run(command, cwd=ROOT, env=env, check=False)
    # The store's marker records when it was written; pin it so regeneration is diff-free.
    marker = target / "licscan-store.json"
    marker.write_text('{\n  "created_at": "2026-11-23T00:00:00Z",\n  "format": 1,\n  "kind": "snapshot"\n}\n')
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
