"""licscan against a hostile loopback Hub: figures for the closing note of issue 11.

1. 5,000 pinned models served fast, with hostile cards among them: wall time, and that every other
   model's result equals the calm scan's.
2. A model-info answer and a licence file trickling one byte every 2 s, scanned with --timeout 10:
   wall time per case (the deadline holds whatever the client's per-read timeouts do).

Run from the project root:  python benchmarks/bench_hostile.py [--models 5000]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from click.testing import CliRunner  # noqa: E402
from hostile_support import APACHE_TEXT, serve_bulk, serve_hostile_cards  # noqa: E402
from hostilehub import Answer, HostileHub, info  # noqa: E402

from licscan.cli import main  # noqa: E402


def scan(work: Path, name: str, lines: list[str], *extra: str) -> tuple[dict[str, Any], float]:
    manifest = work / f"{name}.txt"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = work / f"{name}.json"
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["scan", str(manifest), "--format", "json", "-o", str(out), "--no-cache", *extra])
    elapsed = time.perf_counter() - start
    assert result.exit_code in (0, 3), result.output
    return json.loads(out.read_text(encoding="utf-8")), elapsed


def main_() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, HostileHub() as hub:
        os.environ.update({"HF_ENDPOINT": hub.url, "HF_HOME": str(Path(tmp) / "hf_home")})
        work = Path(tmp)
        bulk = serve_bulk(hub, args.models)
        hostile = serve_hostile_cards(hub)
        calm, t_calm = scan(work, "calm", bulk, "--jobs", "32")
        middle = len(bulk) // 2
        mixed, t_mixed = scan(work, "mixed", bulk[:middle] + hostile + bulk[middle:], "--jobs", "32")
        expected = {m["repo_id"]: m for m in calm["models"]}
        others = [m for m in mixed["models"] if not m["repo_id"].startswith("evil/")]
        same = sum(1 for m in others if m == dict(expected[m["repo_id"]], manifest=m["manifest"]))
        print(f"{args.models} models, calm scan: {t_calm:.1f} s; with {len(hostile)} hostile cards: {t_mixed:.1f} s")
        print(f"  others unchanged: {same}/{len(others)}")
        for m in mixed["models"]:
            if m["repo_id"].startswith("evil/"):
                print(f"  {m['repo_id']}: {', '.join(f['code'] for f in m['findings'])}")

        hub.model("slow/info", Answer(body=json.dumps(info("slow/info")).encode(), trickle=2.0))
        hub.model("slow/file", info("slow/file", card={}, siblings=[{"rfilename": "LICENSE"}]))
        hub.file("slow/file", "LICENSE", Answer(body=APACHE_TEXT.encode(), trickle=2.0))
        for repo in ("slow/info", "slow/file"):
            doc, elapsed = scan(work, repo.replace("/", "-"), [repo], "--timeout", "10")
            codes = ", ".join(f["code"] for f in doc["models"][0]["findings"])
            print(f"trickle 1 byte / 2 s, --timeout 10, {repo}: {elapsed:.1f} s ({codes})")


if __name__ == "__main__":
    main_()
