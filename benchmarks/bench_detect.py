#!/usr/bin/env python3
"""Time licence database loading and text detection over the reference texts.

    python benchmarks/bench_detect.py [--runs N] [--texts DIR]

Prints the median ``load_database()`` time, the fingerprint load time, the
one-off index build time, the cold start (a fresh interpreter importing
licscan, loading the database and detecting one text: fingerprints and index
included) with its peak RSS, then per text the detected licence and the
median detect time, and finally the median and p95 detect time per text.
Targets (issues 3 and 10): under 100 ms to load, median under 2 ms per text,
cold start under 0.5 s and 100 MB. Exits 0; skips with a message when the
reference texts beside the project are absent.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from licscan.detect.engine import detect_text  # noqa: E402
from licscan.detect.fingerprint import load_fingerprints  # noqa: E402
from licscan.detect.index import build_index  # noqa: E402
from licscan.detect.relatives import default_relatives  # noqa: E402
from licscan.licensedb import load_database  # noqa: E402

TEXTS = ROOT.parent / "shared" / "data" / "license-texts"
T = TypeVar("T")


def timed(fn: Callable[[], T], runs: int) -> tuple[float, T]:
    """Median wall time in ms over ``runs`` calls, and the last result."""
    times = []
    for _ in range(runs - 1):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    result = fn()
    times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


# Run in a fresh interpreter: what a `licscan scan` pays before its first text is identified.
_COLD = """
import json, resource, sys, time
start = time.perf_counter()
sys.path.insert(0, sys.argv[1])
from licscan.detect.engine import detect_text
from licscan.licensedb import load_database
found = detect_text(open(sys.argv[2], encoding="utf-8").read(), load_database())
seconds = time.perf_counter() - start
kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(json.dumps({"s": seconds, "mb": kb / 1024 if sys.platform != "darwin" else kb / 2**20, "id": found.license_id}))
"""


def cold_start(text: Path) -> tuple[float, float, str | None]:
    """Seconds and peak MB of a fresh process's first detection of ``text``, and its answer."""
    out = subprocess.run(
        [sys.executable, "-c", _COLD, str(ROOT), str(text)], capture_output=True, text=True, check=True
    ).stdout
    found = json.loads(out)
    return float(found["s"]), float(found["mb"]), found["id"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="repetitions per measurement (default: %(default)s)")
    parser.add_argument("--texts", type=Path, default=TEXTS)
    args = parser.parse_args(argv)
    runs = max(1, args.runs)

    load_ms, db = timed(load_database, runs)
    fp_ms, fps = timed(load_fingerprints, max(1, runs // 4))
    index_ms, _ = timed(lambda: build_index(db, fps), max(1, runs // 4))
    print(f"database load:    {load_ms:7.2f} ms median of {runs} ({len(db)} licences)")
    print(f"fingerprint load: {fp_ms:7.2f} ms ({len(fps)} fingerprints, lazily on first detection)")
    print(f"index build:      {index_ms:7.2f} ms (once per database, on first detection)")
    if not args.texts.is_dir():
        print(f"skipped detection timing: {args.texts} not found (reference texts live beside the project)")
        return 0

    files = sorted(p for p in args.texts.iterdir() if p.is_file() and p.name != "SOURCES.tsv")
    colds = [cold_start(max(files, key=lambda p: p.stat().st_size)) for _ in range(3)]
    seconds = min(c[0] for c in colds)
    print(f"cold start:       {seconds * 1000:7.1f} ms best of 3, peak RSS {max(c[1] for c in colds):.0f} MB")
    # The detection a scan runs: with the stricter relatives, which go with the shipped fingerprints only.
    relatives = default_relatives()
    detect_text("warm up the caches", db, fingerprints=fps, relatives=relatives)
    medians = []
    print(f"\n{'file':45} {'KB':>5} {'detected':34} {'kind':8} {'conf':>5} {'ms':>6}")
    for file in files:
        text = file.read_text(encoding="utf-8")
        ms, found = timed(lambda: detect_text(text, db, fingerprints=fps, relatives=relatives), runs)  # noqa: B023
        medians.append(ms)
        label = found.license_id or (f"({found.document})" if found.document else "-")
        print(f"{file.name:45} {len(text) / 1024:5.1f} {label:34} {found.kind:8} {found.confidence:5.2f} {ms:6.2f}")
    medians.sort()
    p95 = medians[min(len(medians) - 1, round(0.95 * (len(medians) - 1)))]
    median = statistics.median(medians)
    print(f"\ndetect time per text over {len(files)} texts: median {median:.2f} ms, p95 {p95:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
