"""Scan throughput against the loopback fake Hub, with simulated Hub latency.

Prints wall time for a scan of every fixture repo with --jobs 1 and 8, the
same under a storm of 429/503 answers, and a rescan of a pinned manifest
from the cache. Run from the project root:

    python benchmarks/bench_scan.py [--latency 0.05]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakehub import FakeHub  # noqa: E402

from licscan.licensedb import load_database  # noqa: E402
from licscan.manifest import read_manifests  # noqa: E402
from licscan.scan import scan  # noqa: E402
from licscan.sources.cached import CachedSource  # noqa: E402
from licscan.sources.hub import HubSource  # noqa: E402
from licscan.sources.retry import RetryPolicy  # noqa: E402
from licscan.sources.store import Store  # noqa: E402


def timed(label: str, hub: FakeHub, manifest: Path, jobs: int, cache: Path | None = None) -> float:
    refs, _ = read_manifests([manifest])
    source: object = HubSource(endpoint=hub.url, policy=RetryPolicy(budget=60, base_delay=0.05, max_delay=0.5))
    if cache is not None:
        source = CachedSource(source, Store(cache, "cache"))  # type: ignore[arg-type]
    hub.reset_log()
    start = time.perf_counter()
    result = scan(refs, source, load_database(), jobs=jobs)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    print(
        f"{label:<44} {elapsed * 1000:8.0f} ms  {len(result.models)} models, "
        f"{hub.count('model_info')} model-info requests"
    )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the fake Hub waits per answer")
    args = parser.parse_args()
    with FakeHub(ROOT / "tests" / "fixtures" / "hub") as hub, tempfile.TemporaryDirectory() as tmp:
        repos = sorted(hub.repo_ids)
        manifest = Path(tmp) / "models.txt"
        manifest.write_text("\n".join(repos) + "\n")
        pinned = Path(tmp) / "pinned.txt"
        pinned.write_text("\n".join(f"{r}@{hub.commit_of(r)}" for r in repos) + "\n")
        hub.latency = args.latency
        print(f"fake Hub latency {args.latency * 1000:.0f} ms per answer, {len(repos)} repos")
        timed("scan, --jobs 1", hub, manifest, 1)
        timed("scan, --jobs 8", hub, manifest, 8)
        hub.fail_rate = 0.2
        timed("scan, --jobs 8, 20% answers 429/503", hub, manifest, 8)
        hub.fail_rate = 0.0
        cache = Path(tmp) / "cache"
        timed("pinned scan, --jobs 8, cold cache", hub, pinned, 8, cache)
        timed("pinned rescan, --jobs 8, warm cache", hub, pinned, 8, cache)


if __name__ == "__main__":
    main()
