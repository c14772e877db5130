"""Datasets at scale: 1,000 models whose cards name 100 distinct datasets, against the loopback fake Hub.

Each model names 5 of the 100 datasets (so each dataset is named by about 50 models), 1 in 10 models
also names a free-text dataset and a missing one, and 1 in 5 models is a fine-tune of one of 20 shared
bases whose own card names datasets too. Printed per run: wall time, and requests by kind (model info,
dataset info, files). The claims measured: one dataset-info request per unique dataset per run, however
many cards name it, and none at all on a warm rescan of a pinned manifest. Run from the project root:

    python benchmarks/bench_datasets.py [--latency 0.02] [--models 1000] [--datasets 100] [--jobs auto]
    python benchmarks/bench_datasets.py --without-data   # the same scan when no card names data
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
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

LICENCES = ("cc-by-4.0", "odc-by", "mit", "apache-2.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "other", "unknown")


def populate(hub: FakeHub, models: int, datasets: int, seed: int = 7, with_data: bool = True) -> list[str]:
    """Add the synthetic datasets, bases and models; return the model ids."""
    rng = random.Random(seed)
    data_ids = [f"bench-data/corpus-{i:03d}" for i in range(datasets)]
    for i, repo in enumerate(data_ids):
        card = {"license": LICENCES[i % len(LICENCES)], "pretty_name": repo}
        if card["license"] == "other":
            card["license_name"] = "llama3.1"
        hub.add_repo({"type": "dataset", "id": repo, "cardData": card, "gated": "auto" if i % 25 == 0 else False})
    bases = [f"bench-base/base-{i:02d}" for i in range(20)]
    for repo in bases:
        base_data = rng.sample(data_ids, 3)
        base_card: dict[str, object] = {"license": "apache-2.0"}
        if with_data:
            base_card["datasets"] = base_data
        hub.add_repo({"id": repo, "cardData": base_card})
    ids = []
    for i in range(models):
        named: list[str] = rng.sample(data_ids, 5)
        if i % 10 == 0:
            named += ["our own chat logs", "bench-data/deleted-corpus"]
        card: dict[str, object] = {"license": "apache-2.0"}
        if with_data:
            card["datasets"] = named
        if i % 5 == 0:
            card["base_model"] = bases[(i // 5) % len(bases)]
        repo = f"bench-models/model-{i:04d}"
        hub.add_repo({"id": repo, "cardData": card})
        ids.append(repo)
    return ids


def timed(label: str, hub: FakeHub, manifest: Path, jobs: int | str, cache: Path | None) -> None:
    refs, _ = read_manifests([manifest])
    source: object = HubSource(endpoint=hub.url, policy=RetryPolicy(budget=60, base_delay=0.05, max_delay=0.5))
    if cache is not None:
        source = CachedSource(source, Store(cache, "cache"))  # type: ignore[arg-type]
    hub.reset_log()
    start = time.perf_counter()
    result = scan(refs, source, load_database(), jobs=jobs)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    kinds = Counter(r.kind for r in hub.requests)
    unique = len({r.repo_id for r in hub.requests if r.kind == "dataset_info" and r.status != 307})
    entries = sum(len(m.training_data) for m in result.models)
    print(
        f"{label:<34} {elapsed:7.2f} s  {len(result.models)} models, {entries} training-data entries; requests: "
        f"{kinds['model_info']} model info, {kinds['dataset_info']} dataset info ({unique} datasets), "
        f"{kinds['file'] + kinds['dataset_file']} files"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.02, help="seconds the fake Hub waits per answer")
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--datasets", type=int, default=100)
    parser.add_argument("--jobs", default="auto")
    parser.add_argument("--without-data", action="store_true", help="the same models, no card naming data")
    args = parser.parse_args()
    jobs: int | str = int(args.jobs) if args.jobs.isdigit() else args.jobs
    with FakeHub() as hub, tempfile.TemporaryDirectory() as tmp:
        models = populate(hub, args.models, args.datasets, with_data=not args.without_data)
        folder = Path(tmp)
        (folder / "models.txt").write_text("\n".join(models) + "\n")
        (folder / "pinned.txt").write_text("\n".join(f"{m}@{hub.commit_of(m)}" for m in models) + "\n")
        hub.latency = args.latency
        print(
            f"fake Hub latency {args.latency * 1000:.0f} ms per answer; {args.models} models naming "
            f"{args.datasets} distinct datasets (5 each), 20 shared bases; --jobs {args.jobs}"
        )
        timed("scan, no cache", hub, folder / "models.txt", jobs, None)
        cache = folder / "cache"
        timed("pinned scan, cold cache", hub, folder / "pinned.txt", jobs, cache)
        timed("pinned rescan, warm cache", hub, folder / "pinned.txt", jobs, cache)


if __name__ == "__main__":
    main()
