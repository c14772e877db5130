"""Scan throughput: against the loopback fake Hub (fixtures), and a matrix at scale against a low-CPU Hub.

Default: wall time for a scan of every fixture repo with --jobs 1 and 8, the same under a storm of
429/503 answers, and a rescan of a pinned manifest from the cache.

``--matrix``: synthetic manifests (605 / 5,000 / 20,000 models by default) x --jobs (8 / 16 / 32 / 64 /
auto), cold (no cache) and warm (a pinned rescan from the cache), against benchmarks/lowcpu_hub.py at 50 ms
latency. licscan runs as a subprocess (its own CPU seconds and peak RSS are read with wait4); a minimal
reference client (threads over one httpx2 connection pool, the client library huggingface_hub uses)
replays exactly the requests licscan made. Printed per row: the floor (ceil(requests / jobs) x latency),
the reference, licscan, their ratios, CPU seconds per model (of all its processes), peak RSS of its
largest process and ("all MiB") the peak of the summed PSS of all its processes, sampled twice a
second (a large scan is split across processes, ``licscan.shards``); when licscan splits the scan
("procs"), the same requests dealt out to as many reference clients ("ref/p": what this machine allows a
client that uses its cores, as the split scan does). ``--src DIR`` measures another
checkout of licscan (e.g. a worktree of an older commit) with the same harness. Run from the project root:

    python benchmarks/bench_scan.py [--latency 0.05]
    python benchmarks/bench_scan.py --matrix [--sizes 605,5000] [--jobs 8,16,32,64,auto] [--python VENV/bin/python]
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
    parser.add_argument("--matrix", action="store_true", help="the scale matrix against the low-CPU Hub")
    parser.add_argument("--sizes", default="605,5000,20000")
    parser.add_argument("--jobs", default="8,16,32,64,auto")
    parser.add_argument("--src", type=Path, default=ROOT, help="licscan checkout to measure (matrix only)")
    parser.add_argument("--no-warm", action="store_true", help="skip the warm (cached, pinned) rescans")
    parser.add_argument("--python", default=sys.executable, help="interpreter whose licscan is measured (matrix)")
    args = parser.parse_args()
    if args.matrix:
        from bench_matrix import matrix

        sizes = [int(x) for x in args.sizes.split(",")]
        matrix(sizes, args.jobs.split(","), args.latency, args.src, not args.no_warm, args.python)
        return
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
