"""Lineage evidence and request counts over every fake-Hub fixture (tests/fixtures/hub and hub-lineage).

Prints, for a scan of all fixture repos through the real client: how many bases each source of
evidence decided, how many models ended in each class (and how many declared a more permissive class
than their effective one), and the requests per repo (model-info calls and all requests). Run from the
project root:

    python benchmarks/bench_lineage.py
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakehub import FakeHub  # noqa: E402

from licscan.licensedb import load_database  # noqa: E402
from licscan.scan import scan  # noqa: E402
from licscan.sources.hub import HubSource  # noqa: E402
from licscan.sources.retry import RetryPolicy  # noqa: E402
from licscan.types import ModelRef  # noqa: E402
from licscan.upstream import load_upstreams  # noqa: E402


def main() -> None:
    import os

    with tempfile.TemporaryDirectory() as home, FakeHub(ROOT / "tests" / "fixtures" / "hub") as hub:
        os.environ["HF_HOME"] = home
        hub.load_dir(ROOT / "tests" / "fixtures" / "hub-lineage")
        repos = sorted(hub.repo_ids)
        refs = [ModelRef(r, None, "models.txt", i) for i, r in enumerate(repos, start=1)]
        source = HubSource(endpoint=hub.url, policy=RetryPolicy(budget=30, base_delay=0.01, max_delay=0.05))
        result = scan(refs, source, load_database(), upstreams=load_upstreams())
        sources: Counter[str] = Counter()
        decided: Counter[str] = Counter()
        for model in result.models:
            direct = [b for b in model.base_models if b.depth == 1]
            for base in direct:
                sources[base.source] += 1
            if direct and model.license_source and model.license_source != model.ref.repo_id:
                decided[direct[0].source] += 1
        classes = Counter(m.license_class.value for m in result.models)
        upgraded = sum(
            1 for m in result.models if m.declared.license_class.rank < m.license_class.rank and m.declared.license
        )
        fetched = {r.repo_id for r in hub.requests if r.repo_id}
        info = hub.count("model_info")
        files = hub.count("file")
        print(f"{len(repos)} fixture repos scanned; {len(fetched)} repos requested")
        print("direct bases by source of evidence (and how many decided the effective licence):")
        for name, count in sources.most_common():
            print(f"  {name:<24} {count:>4}   decided {decided[name]:>3}")
        print("effective classes: " + ", ".join(f"{n} {c}" for c, n in classes.most_common()))
        print(f"models whose lineage makes them more restrictive than they declare: {upgraded}")
        print(
            f"requests: {info} model-info ({info / len(fetched):.2f} per repo), {files} file, "
            f"{(info + files) / len(fetched):.2f} in all per repo"
        )


if __name__ == "__main__":
    main()
